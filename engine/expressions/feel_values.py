"""FEEL values and operators: Decimal numbers, temporal values, ranges, ternary logic.

Numbers are ``decimal.Decimal`` with 34 significant digits (IEEE 754 decimal128, as the DMN
spec asks); Python ints and floats from case data are converted on the way in. Operators
follow FEEL: a type mismatch or a null operand gives null, never an exception.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any, Callable

from .temporal import YearsMonths, add_months

FEEL_DECIMAL = decimal.Context(
    prec=34,
    rounding=decimal.ROUND_HALF_EVEN,
    Emax=6144,
    Emin=-6143,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
_ARITH_ERRORS = (decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow, OverflowError, TypeError, ValueError)


@dataclass(frozen=True)
class Range:
    """A FEEL range such as [18..28) or < 600 (a missing end is unbounded)."""

    start: Any
    end: Any
    start_included: bool = True
    end_included: bool = True
    unbounded_start: bool = False
    unbounded_end: bool = False

    def contains(self, value: Any) -> bool | None:
        """Return whether value lies in the range (None when not comparable)."""
        if value is None:
            return None
        if not self.unbounded_start:
            order = compare(self.start, value)
            if order is None:
                return None
            if order > 0 or (order == 0 and not self.start_included):
                return False
        if not self.unbounded_end:
            order = compare(value, self.end)
            if order is None:
                return None
            if order > 0 or (order == 0 and not self.end_included):
                return False
        return True


@dataclass(frozen=True)
class FeelFunction:
    """A user-defined FEEL function, a BKM, or a built-in: callable with named parameters."""

    name: str
    parameters: tuple[str, ...]
    body: Callable[..., Any]
    variadic: bool = False
    required: int | None = None


_PLAIN = frozenset({type(None), bool, str, Decimal})


def to_feel(value: Any) -> Any:
    """Convert case data to FEEL values: ints and floats become Decimal, tuples lists."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, (list, tuple)):
        return [to_feel(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_feel(item) for key, item in value.items()}
    return value


def is_number(value: Any) -> bool:
    """Return whether value is a FEEL number (a Decimal, not a boolean)."""
    return isinstance(value, Decimal)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    if isinstance(value, time):
        return "time"
    if isinstance(value, timedelta):
        return "dt-duration"
    if isinstance(value, YearsMonths):
        return "ym-duration"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "context"
    return type(value).__name__


def _zone_compatible(a: Any, b: Any) -> bool:
    return (getattr(a, "tzinfo", None) is None) == (getattr(b, "tzinfo", None) is None)


_FAST_ORDERED = frozenset({Decimal, str})


def compare(a: Any, b: Any) -> int | None:
    """Return -1, 0 or 1 for ordered FEEL values; None when they cannot be ordered."""
    if a is None or b is None:
        return None
    if type(a) is type(b) and type(a) in _FAST_ORDERED:
        return -1 if a < b else (1 if a > b else 0)
    kind_a, kind_b = _kind(a), _kind(b)
    if {kind_a, kind_b} == {"date", "datetime"}:
        a = a if kind_a == "datetime" else datetime.combine(a, time(), tzinfo=getattr(b, "tzinfo", None))
        b = b if kind_b == "datetime" else datetime.combine(b, time(), tzinfo=getattr(a, "tzinfo", None))
    elif kind_a != kind_b or kind_a in ("boolean", "list", "context"):
        return None
    if kind_a in ("datetime", "time") and not _zone_compatible(a, b):
        if kind_a == "time":
            return None
        a, b = _assume_utc(a), _assume_utc(b)
    try:
        return -1 if a < b else (1 if a > b else 0)
    except TypeError:
        return None


def _assume_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def equal(a: Any, b: Any) -> bool | None:
    """Return FEEL equality: null = null is true; values of different types give null."""
    if a is None or b is None:
        return a is None and b is None
    if type(a) is type(b) and type(a) in _FAST_ORDERED:
        return a == b
    kind_a, kind_b = _kind(a), _kind(b)
    if kind_a != kind_b:
        if {kind_a, kind_b} == {"date", "datetime"}:
            return compare(a, b) == 0
        return None
    if kind_a == "list":
        if len(a) != len(b):
            return False
        results = [equal(x, y) for x, y in zip(a, b)]
        return False if False in results else (None if None in results else True)
    if kind_a == "context":
        if set(a) != set(b):
            return False
        results = [equal(a[key], b[key]) for key in a]
        return False if False in results else (None if None in results else True)
    if kind_a in ("datetime", "time") and not _zone_compatible(a, b):
        return False
    return a == b


def add(a: Any, b: Any) -> Any:
    """Return a + b per FEEL (numbers, strings, temporal values); null on mismatch."""
    if a is None or b is None:
        return None
    try:
        if is_number(a) and is_number(b):
            return FEEL_DECIMAL.add(a, b)
        if isinstance(a, str) and isinstance(b, str):
            return a + b
        if isinstance(b, (date, time)) and isinstance(a, (timedelta, YearsMonths)):
            a, b = b, a
        return _shift(a, b, 1)
    except _ARITH_ERRORS:
        return None


def subtract(a: Any, b: Any) -> Any:
    """Return a - b per FEEL; a date minus a date is a days-and-time duration."""
    if a is None or b is None:
        return None
    try:
        if is_number(a) and is_number(b):
            return FEEL_DECIMAL.subtract(a, b)
        kinds = (_kind(a), _kind(b))
        if kinds[0] in ("date", "datetime") and kinds[1] in ("date", "datetime"):
            x = a if kinds[0] == "datetime" else datetime.combine(a, time(), tzinfo=getattr(b, "tzinfo", None))
            y = b if kinds[1] == "datetime" else datetime.combine(b, time(), tzinfo=getattr(x, "tzinfo", None))
            if not _zone_compatible(x, y):
                return None
            return x - y
        if kinds == ("time", "time"):
            if not _zone_compatible(a, b):
                return None
            base = date(2000, 1, 1)
            return datetime.combine(base, a) - datetime.combine(base, b)
        return _shift(a, b, -1)
    except _ARITH_ERRORS:
        return None


def _shift(a: Any, b: Any, sign: int) -> Any:
    """Apply a duration b to a (a temporal value or a duration of the same kind)."""
    if isinstance(a, timedelta) and isinstance(b, timedelta):
        return a + b if sign > 0 else a - b
    if isinstance(a, YearsMonths) and isinstance(b, YearsMonths):
        return a + b if sign > 0 else a - b
    if isinstance(b, YearsMonths) and isinstance(a, date):
        return add_months(a, sign * b.months)
    if isinstance(b, timedelta):
        if isinstance(a, datetime):
            return a + sign * b
        if isinstance(a, date):
            return (datetime.combine(a, time()) + sign * b).date()
        if isinstance(a, time):
            moved = datetime.combine(date(2000, 1, 1), a.replace(tzinfo=None)) + sign * b
            return moved.time().replace(tzinfo=a.tzinfo)
    return None


def multiply(a: Any, b: Any) -> Any:
    """Return a * b per FEEL (numbers, or a duration scaled by a number)."""
    if a is None or b is None:
        return None
    try:
        if is_number(a) and is_number(b):
            return FEEL_DECIMAL.multiply(a, b)
        if is_number(a):
            a, b = b, a
        if is_number(b):
            if isinstance(a, timedelta):
                return timedelta(seconds=float(FEEL_DECIMAL.multiply(Decimal(str(a.total_seconds())), b)))
            if isinstance(a, YearsMonths):
                return YearsMonths(int(FEEL_DECIMAL.multiply(Decimal(a.months), b)))
        return None
    except _ARITH_ERRORS:
        return None


def divide(a: Any, b: Any) -> Any:
    """Return a / b per FEEL; division by zero gives null."""
    if a is None or b is None:
        return None
    try:
        if is_number(a) and is_number(b):
            return None if b == 0 else FEEL_DECIMAL.divide(a, b)
        if isinstance(a, timedelta) and isinstance(b, timedelta):
            return None if not b else FEEL_DECIMAL.divide(Decimal(str(a.total_seconds())), Decimal(str(b.total_seconds())))
        if isinstance(a, YearsMonths) and isinstance(b, YearsMonths):
            return None if not b.months else FEEL_DECIMAL.divide(Decimal(a.months), Decimal(b.months))
        if is_number(b) and b != 0:
            if isinstance(a, timedelta):
                return timedelta(seconds=float(FEEL_DECIMAL.divide(Decimal(str(a.total_seconds())), b)))
            if isinstance(a, YearsMonths):
                return YearsMonths(int(FEEL_DECIMAL.divide(Decimal(a.months), b)))
        return None
    except _ARITH_ERRORS:
        return None


def power(a: Any, b: Any) -> Any:
    """Return a ** b for numbers (null when undefined)."""
    if not (is_number(a) and is_number(b)):
        return None
    try:
        if b == b.to_integral_value() and abs(b) <= 999_999_999:
            result = FEEL_DECIMAL.power(a, int(b))
        else:
            result = FEEL_DECIMAL.power(a, b)
        return result
    except _ARITH_ERRORS:
        return None


def negate(a: Any) -> Any:
    """Return -a for numbers and durations; null otherwise."""
    if is_number(a):
        return FEEL_DECIMAL.minus(a)
    if isinstance(a, (timedelta, YearsMonths)):
        return -a
    return None


def truth(value: Any) -> bool | None:
    """Return a FEEL boolean for ternary logic: non-booleans count as null."""
    return value if isinstance(value, bool) else None
