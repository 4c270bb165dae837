"""FEEL paths, membership and instance-of: reading into values without Python attributes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Callable

from .feel_values import FeelFunction, Range, equal
from .temporal import YearsMonths

_PROPERTIES: dict[str, Callable[[Any], Any]] = {
    "year": lambda v: Decimal(v.year), "month": lambda v: Decimal(v.month), "day": lambda v: Decimal(v.day),
    "weekday": lambda v: Decimal(v.isoweekday()), "hour": lambda v: Decimal(v.hour),
    "minute": lambda v: Decimal(v.minute), "second": lambda v: Decimal(v.second),
    "time offset": lambda v: v.utcoffset(), "timezone": lambda v: getattr(v.tzinfo, "key", None),
}


def property_of(value: Any, key: str) -> Any:
    """Return value.key for a context, duration, date/time or range (null otherwise)."""
    if isinstance(value, dict):
        return value.get(key)
    if isinstance(value, YearsMonths):
        return {"years": Decimal(int(value.months / 12)), "months": Decimal(value.months - 12 * int(value.months / 12))}.get(key)
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        sign = -1 if seconds < 0 else 1
        days, rest = divmod(abs(seconds), 86400)
        parts = {"days": days, "hours": rest // 3600, "minutes": rest % 3600 // 60, "seconds": rest % 60}
        return Decimal(sign * parts[key]) if key in parts else None
    if isinstance(value, (date, time)) and key in _PROPERTIES:
        try:
            return _PROPERTIES[key](value)
        except AttributeError:
            return None
    if isinstance(value, Range):
        return {"start": value.start, "end": value.end, "start included": value.start_included,
                "end included": value.end_included}.get(key)
    return None


def membership(value: Any, candidate: Any) -> bool | None:
    """Return whether value is in a range or list, or equals candidate."""
    if isinstance(candidate, Range):
        return candidate.contains(value)
    if isinstance(candidate, list):
        if any(equal(value, item) is True for item in candidate):
            return True
        return equal(value, candidate) is True
    return equal(value, candidate)


_TYPES: dict[str, Callable[[Any], bool]] = {
    "number": lambda v: isinstance(v, Decimal),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "date": lambda v: isinstance(v, date) and not isinstance(v, datetime),
    "time": lambda v: isinstance(v, time),
    "date and time": lambda v: isinstance(v, datetime),
    "days and time duration": lambda v: isinstance(v, timedelta),
    "years and months duration": lambda v: isinstance(v, YearsMonths),
    "list": lambda v: isinstance(v, list),
    "context": lambda v: isinstance(v, dict),
    "range": lambda v: isinstance(v, Range),
    "function": lambda v: isinstance(v, FeelFunction),
    "Any": lambda v: v is not None,
    "Null": lambda v: v is None,
}


def instance_of(value: Any, type_name: str) -> bool:
    """Return whether value is of the named FEEL type."""
    check = _TYPES.get(type_name)
    return bool(check and check(value))
