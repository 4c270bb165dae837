"""Dutch formatting filters and the sandboxed Jinja environment letters render in."""

from __future__ import annotations

from collections import OrderedDict
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from jinja2 import StrictUndefined, Template
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment

from engine.letters.languages import month_names

LEERROUTE_NAMEN = {
    "onderwijs": "de onderwijsroute",
    "B1": "de B1-route",
    "Z": "de zelfredzaamheidsroute (Z-route)",
}


def as_date(value: date | datetime | str) -> date:
    """Return `value` as a date; ISO strings (case data) are parsed."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def datum(value: date | datetime | str, taal: str = "nl") -> str:
    """Format a date the way a letter writes it: 3 maart 2026 (or in the summary's language)."""
    day = as_date(value)
    return f"{day.day} {month_names(taal)[day.month - 1]} {day.year}"


def bedrag(value: Decimal | int | float | str) -> str:
    """Format an amount in euro the Dutch way: € 1.234,50."""
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    euros, cents = f"{abs(amount):.2f}".split(".")
    grouped = f"{int(euros):,}".replace(",", ".")
    return f"€ {sign}{grouped},{cents}"


def leerroute_naam(value: str) -> str:
    """Name a leerroute in plain words: B1 -> de B1-route."""
    return LEERROUTE_NAMEN.get(value, value)


class LetterEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox (no attribute tricks, no mutating data), compiling each distinct source once.

    docxtpl compiles every part's XML with `from_string` on each render; compiling is
    most of a render's cost, and the XML of an unchanged template is identical.
    """

    cache_size = 512

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self._compiled: OrderedDict[str, Template] = OrderedDict()

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 (Jinja's name)
        """Return the compiled template for `source`, compiling it only the first time."""
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            compiled = super().from_string(source)
            self._compiled[source] = compiled
            while len(self._compiled) > self.cache_size:
                self._compiled.popitem(last=False)
        return compiled


@lru_cache(maxsize=1)
def letter_environment() -> SandboxedEnvironment:
    """Return the one sandboxed Jinja environment for letter templates jurists edit."""
    env = LetterEnvironment(autoescape=True, undefined=StrictUndefined)
    env.filters.update(datum=datum, bedrag=bedrag, leerroute=leerroute_naam)
    return env
