"""Dutch formatting filters and the sandboxed Jinja environment letters render in."""

from __future__ import annotations

import functools
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment

from engine.access import limits
from engine.access.limits import LetterLimit
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


@dataclass
class RenderBudget:
    """What one letter may still cost: time and characters of output (engine/access/limits.py)."""

    deadline: float
    written: int = 0

    def tick(self) -> None:
        """Refuse when the letter has taken too long to render."""
        if time.monotonic() > self.deadline:
            raise LetterLimit(f"het maken van de brief duurt te lang (hoogstens {limits.LETTER_MAX_SECONDS:g} seconden)")

    def write(self, size: int) -> None:
        """Count `size` characters of output; refuse a letter that grows too big."""
        self.written += size
        if self.written > limits.LETTER_MAX_OUTPUT:
            raise LetterLimit(f"de brief wordt te groot (hoogstens {limits.LETTER_MAX_OUTPUT} tekens)")


_budget: ContextVar[RenderBudget | None] = ContextVar("letter_render_budget", default=None)


def new_budget() -> RenderBudget:
    """Return a fresh budget for one letter."""
    return RenderBudget(deadline=time.monotonic() + limits.LETTER_MAX_SECONDS)


@contextmanager
def render_budget() -> Iterator[RenderBudget]:
    """Share one budget between every part (body, headers, summary) of the letter rendered inside."""
    budget = new_budget()
    token = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(token)


class BudgetTemplate(Template):
    """A template that renders chunk by chunk and stops at the letter's budget, not at the end."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Render like Jinja, counting output and time after every chunk."""
        budget = _budget.get() or new_budget()
        context = self.new_context(dict(*args, **kwargs))
        out: list[str] = []
        try:
            for chunk in self.root_render_func(context):
                budget.write(len(chunk))
                budget.tick()
                out.append(chunk)
        except LetterLimit:
            raise
        except Exception:
            self.environment.handle_exception()
        return "".join(out)


def _check_number(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > limits.LETTER_MAX_OUTPUT:
        raise LetterLimit(f"een getal in het sjabloon is te groot (hoogstens {limits.LETTER_MAX_OUTPUT})")


def letter_range(*args: int) -> range:
    """`range` for templates: at most LETTER_MAX_ITEMS repetitions."""
    numbers = range(*args)
    if len(numbers) > limits.LETTER_MAX_ITEMS:
        raise LetterLimit(f"een herhaling in het sjabloon is te lang (hoogstens {limits.LETTER_MAX_ITEMS} keer)")
    return numbers


def _guarded_filter(function):
    """Wrap a filter so a huge number argument (`center(10**9)`) or result is refused."""
    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            _check_number(value)
        result = function(*args, **kwargs)
        if isinstance(result, str) and len(result) > limits.LETTER_MAX_OUTPUT:
            raise LetterLimit(f"een tekst in het sjabloon wordt te lang (hoogstens {limits.LETTER_MAX_OUTPUT} tekens)")
        return result
    return guarded


class LetterEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox (no attribute tricks, no mutating data), compiling each distinct source once.

    docxtpl compiles every part's XML with `from_string` on each render; compiling is
    most of a render's cost, and the XML of an unchanged template is identical.
    """

    cache_size = 512
    template_class = BudgetTemplate
    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self._compiled: OrderedDict[str, Template] = OrderedDict()
        self.globals["range"] = letter_range

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        """Every call a template makes: refuse huge numbers, and stop when time is up."""
        (_budget.get() or new_budget()).tick()
        for value in (*args, *kwargs.values()):
            _check_number(value)
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(result, str) and len(result) > limits.LETTER_MAX_OUTPUT:
            raise LetterLimit(f"een tekst in het sjabloon wordt te lang (hoogstens {limits.LETTER_MAX_OUTPUT} tekens)")
        return result

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        """`*` and `**` in a template: no text or list multiplied past the limits, no huge powers."""
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise LetterLimit("een berekening in het sjabloon is te groot (macht hoogstens 64)")
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(times, int):
                    most = limits.LETTER_MAX_VALUE if isinstance(sequence, str) else limits.LETTER_MAX_ITEMS
                    if len(sequence) * times > most:
                        raise LetterLimit(f"een herhaling in het sjabloon is te lang (hoogstens {most})")
        return super().call_binop(context, operator, left, right)

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
    env.filters = {name: _guarded_filter(f) for name, f in env.filters.items()}
    return env
