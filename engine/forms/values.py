"""Turn submitted values (HTML strings or JSON) into typed values; raise Invalid with Dutch text."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from .model import MULTI_TYPES, Component

MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)
TRUE_WORDS = frozenset({"on", "true", "1", "yes", "ja"})
FALSE_WORDS = frozenset({"", "off", "false", "0", "no", "nee"})
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


class Invalid(ValueError):
    """A submitted value that cannot be read; the message is for the consultant (Dutch B1)."""


def is_empty(value: Any) -> bool:
    """Return whether a value counts as not filled in."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, set)):
        return not value
    return False


def to_number(value: Any) -> int | Decimal:
    """Read a number ("12", "12,5", 12.5); return int when whole, else Decimal."""
    if isinstance(value, bool):
        raise Invalid("Vul een getal in, bijvoorbeeld 12 of 12,5.")
    if isinstance(value, int):
        return value
    if isinstance(value, (float, Decimal)):
        number = Decimal(str(value))
    else:
        text = str(value).strip().replace(" ", "")
        if not _NUMBER.match(text) or ("," in text and "." in text):
            raise Invalid("Vul een getal in, bijvoorbeeld 12 of 12,5.")
        number = Decimal(text.replace(",", "."))
    if not number.is_finite():
        raise Invalid("Vul een getal in, bijvoorbeeld 12 of 12,5.")
    if number == number.to_integral_value():
        return int(number)
    return number


def to_date(value: Any) -> date:
    """Read a date written as YYYY-MM-DD (or a date object)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise Invalid("Gebruik de vorm JJJJ-MM-DD, bijvoorbeeld 2026-03-01.")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("Deze datum bestaat niet. Gebruik de vorm JJJJ-MM-DD.") from None


def to_time(value: Any) -> time:
    """Read a time written as UU:MM (seconds and a zone offset are accepted)."""
    if isinstance(value, time):
        return value
    text = str(value).strip()
    try:
        if not re.fullmatch(r"\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?", text):
            raise ValueError(text)
        return time.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid("Gebruik de vorm UU:MM, bijvoorbeeld 09:30.") from None


def to_datetime(value: Any) -> datetime:
    """Read a date and time written as JJJJ-MM-DDTUU:MM (as a browser sends it)."""
    if isinstance(value, datetime):
        return value
    text = str(value).strip().replace(" ", "T")
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?", text):
            raise ValueError(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid("Gebruik de vorm JJJJ-MM-DD UU:MM, bijvoorbeeld 2026-03-01 09:30.") from None


def to_bool(value: Any) -> bool:
    """Read a checkbox: HTML sends "on" when ticked and nothing when not."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise Invalid("Vink het vakje aan of laat het leeg.")


def to_choice(component: Component, value: Any) -> Any:
    """Return the option value matching a submitted value (compared as text)."""
    for _, option in component.options:
        if option == value or str(option) == str(value).strip():
            return option
    raise Invalid("Kies een van de opties.")


def to_choices(component: Component, value: Any) -> list[Any]:
    """Return the option values for a checklist (one value or a list)."""
    items = value if isinstance(value, (list, tuple)) else [value]
    chosen = [to_choice(component, item) for item in items if not is_empty(item)]
    order = [option for _, option in component.options]
    return sorted(set(chosen), key=order.index) if all(_hashable(c) for c in chosen) else chosen


def _hashable(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool))


def coerce(component: Component, value: Any) -> Any:
    """Return the typed value of one field, or None when it is empty; raise Invalid."""
    kind = component.type
    if kind == "checkbox":
        return to_bool(value)
    if kind in MULTI_TYPES:
        return to_choices(component, value) if not is_empty(value) else []
    if is_empty(value):
        return None
    if kind == "number":
        return to_number(value)
    if kind in ("select", "radio"):
        return to_choice(component, value)
    if kind == "datetime":
        return {"time": to_time, "datetime": to_datetime}.get(component.subtype, to_date)(value)
    if isinstance(value, (dict, list)):
        raise Invalid("Vul hier tekst in.")
    return str(value)


def coerce_leniently(component: Component, value: Any) -> Any:
    """Return the typed value, or None when it cannot be read (for conditions only)."""
    try:
        return coerce(component, value)
    except Invalid:
        return None


def dutch_number(value: Any) -> str:
    """Write a number the Dutch way (12,5)."""
    return str(value).replace(".", ",")


def dutch_date(value: date) -> str:
    """Write a date the Dutch way (1 maart 2026)."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"

