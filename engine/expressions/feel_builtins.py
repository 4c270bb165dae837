"""FEEL built-in functions (DMN 1.3 chapter 10.3.4), called positionally or by name."""

from __future__ import annotations

import inspect
import re
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

from .feel_builtins_lists import LIST_AND_NUMBER_FUNCTIONS
from .feel_text import (
    feel_string,
    parse_feel_date,
    parse_feel_datetime,
    parse_feel_duration,
    parse_feel_time,
)
from .feel_values import FeelFunction, Range, compare, equal, is_number
from .temporal import YearsMonths

_FAILURES = (TypeError, ValueError, ArithmeticError, AttributeError, IndexError, KeyError, re.error)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _f_date(from_=None, month=None, day=None, year=None):
    if year is not None or (is_number(from_) and month is not None):
        return date(int(from_ if year is None else year), int(month), int(day))
    if isinstance(from_, str):
        return parse_feel_date(from_)
    if isinstance(from_, datetime):
        return from_.date()
    if isinstance(from_, date):
        return from_
    return None


def _f_date_and_time(from_=None, time_=None, date_=None):
    if date_ is None and time_ is not None:
        date_ = from_
    if date_ is not None and time_ is not None:
        day = date_.date() if isinstance(date_, datetime) else date_
        if not isinstance(day, date) or not isinstance(time_, time):
            return None
        return datetime.combine(day, time_.replace(tzinfo=None), tzinfo=time_.tzinfo)
    if isinstance(from_, str):
        return parse_feel_datetime(from_)
    if isinstance(from_, datetime):
        return from_
    if isinstance(from_, date):
        return datetime.combine(from_, time())
    return None


def _f_time(from_=None, minute=None, second=None, offset=None, hour=None):
    if minute is not None:
        hour = from_ if hour is None else hour
        seconds = Decimal(second)
        whole = int(seconds)
        zone = timezone(offset) if isinstance(offset, timedelta) else None
        return time(int(hour), int(minute), whole, int((seconds - whole) * 1_000_000), tzinfo=zone)
    if isinstance(from_, str):
        return parse_feel_time(from_)
    if isinstance(from_, datetime):
        return from_.timetz()
    if isinstance(from_, time):
        return from_
    if isinstance(from_, date):
        return time(0, 0, tzinfo=timezone.utc)
    return None


def _f_number(from_, grouping_separator=None, decimal_separator=None):
    text = from_
    if grouping_separator is not None:
        if grouping_separator not in (" ", ",", "."):
            return None
        text = text.replace(grouping_separator, "")
    if decimal_separator is not None:
        if decimal_separator not in (",", ".") or decimal_separator == grouping_separator:
            return None
        text = text.replace(decimal_separator, ".")
    if not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text.strip()):
        return None
    return Decimal(text.strip())


def _f_duration(from_):
    return parse_feel_duration(from_)


def _f_years_and_months_duration(from_, to):
    if not isinstance(from_, date) or not isinstance(to, date):
        return None
    start = from_.date() if isinstance(from_, datetime) else from_
    end = to.date() if isinstance(to, datetime) else to
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and end.day < start.day:
        months -= 1
    elif months < 0 and end.day > start.day:
        months += 1
    return YearsMonths(months)


def _f_not(negand):
    return (not negand) if isinstance(negand, bool) else None


# strings
def _f_substring(string, start_position, length=None):
    start = int(start_position)
    chars = list(string)
    index = start - 1 if start > 0 else len(chars) + start
    if length is None:
        return "".join(chars[max(index, 0):])
    return "".join(chars[max(index, 0): max(index, 0) + int(length)])


def _regex(pattern: str, flags: str | None) -> re.Pattern:
    value = 0
    for flag in flags or "":
        value |= {"i": re.I, "s": re.S, "m": re.M, "x": re.X}[flag]
    return re.compile(pattern, value)


def _f_replace(input, pattern, replacement, flags=None):
    python_replacement = re.sub(r"\$(\d+)", r"\\g<\1>", replacement)
    return _regex(pattern, flags).sub(python_replacement, input)


def _f_matches(input, pattern, flags=None):
    return _regex(pattern, flags).search(input) is not None


def _f_string_join(list, delimiter=None):
    if not all(item is None or isinstance(item, str) for item in list):
        return None
    return (delimiter or "").join(item for item in list if item is not None)


# lists


def _f_week_of_year(date):
    return Decimal(date.isocalendar()[1])


def _f_get_value(m, key):
    return m.get(key) if isinstance(m, dict) else None


def _f_get_entries(m):
    return [{"key": key, "value": value} for key, value in m.items()]


def _f_is(value1, value2):
    return type(value1) is type(value2) and equal(value1, value2) is True


_TABLE: dict[str, Any] = {
    **LIST_AND_NUMBER_FUNCTIONS,
    "date": _f_date,
    "date and time": _f_date_and_time,
    "time": _f_time,
    "number": _f_number,
    "string": feel_string,
    "duration": _f_duration,
    "years and months duration": _f_years_and_months_duration,
    "not": _f_not,
    "substring": _f_substring,
    "string length": lambda string: Decimal(len(string)),
    "upper case": lambda string: string.upper(),
    "lower case": lambda string: string.lower(),
    "substring before": lambda string, match: string.split(match, 1)[0] if match in string else "",
    "substring after": lambda string, match: string.split(match, 1)[1] if match in string else "",
    "replace": _f_replace,
    "contains": lambda string, match: match in string,
    "starts with": lambda string, match: string.startswith(match),
    "ends with": lambda string, match: string.endswith(match),
    "matches": _f_matches,
    "split": lambda string, delimiter: re.split(delimiter, string),
    "string join": _f_string_join,
    "day of year": lambda date: Decimal(date.timetuple().tm_yday),
    "day of week": lambda date: _DAYS[date.weekday()],
    "month of year": lambda date: _MONTHS[date.month - 1],
    "week of year": _f_week_of_year,
    "get value": _f_get_value,
    "get entries": _f_get_entries,
    "is": _f_is,
    "before": lambda point, range: _range_side(point, range, -1),
    "after": lambda point, range: _range_side(point, range, 1),
    "includes": lambda range, point: range.contains(point),
}

_TYPED: dict[str, type | tuple] = {
    "string length": str, "upper case": str, "lower case": str, "substring before": str,
    "substring after": str, "contains": str, "starts with": str, "ends with": str,
    "matches": str, "split": str, "replace": str, "substring": str,
    "count": list, "sublist": list, "append": list, "reverse": list, "index of": list,
    "distinct values": list, "flatten": list, "sort": list, "insert before": list,
    "remove": list, "list contains": list, "string join": list, "concatenate": list, "union": list,
    "decimal": Decimal, "floor": Decimal, "ceiling": Decimal, "round up": Decimal,
    "round down": Decimal, "round half up": Decimal, "round half down": Decimal,
    "modulo": Decimal, "sqrt": Decimal, "log": Decimal, "exp": Decimal, "odd": Decimal,
    "even": Decimal, "number": str, "duration": str, "get entries": dict,
    "day of year": date, "day of week": date, "month of year": date, "week of year": date,
}


def _range_side(point, range, side):
    if isinstance(range, Range):
        edge, included = (range.start, range.start_included) if side < 0 else (range.end, range.end_included)
        order = compare(point, edge)
        if order is None:
            return None
        return order < 0 or (order == 0 and not included) if side < 0 else order > 0 or (order == 0 and not included)
    order = compare(point, range)
    return None if order is None else (order < 0 if side < 0 else order > 0)


def _parameter_names(function) -> dict[str, str]:
    """Map FEEL parameter names ("start position", "from") to the Python ones."""
    return {
        parameter.name.rstrip("_").replace("_", " "): parameter.name
        for parameter in inspect.signature(function).parameters.values()
    }


def _wrap(name: str, function) -> FeelFunction:
    signature = inspect.signature(function)
    expected = _TYPED.get(name)
    variadic = any(p.kind is p.VAR_POSITIONAL for p in signature.parameters.values())
    names = _parameter_names(function)

    def body(*args, **kwargs):
        try:
            bound = signature.bind(*args, **{names[key]: value for key, value in kwargs.items()})
        except (TypeError, KeyError):
            raise ArityError(name, tuple(names)) from None
        if expected is not None and bound.args and not isinstance(bound.args[0], expected):
            return None
        try:
            return function(*bound.args, **bound.kwargs)
        except _FAILURES:
            return None

    return FeelFunction(name, tuple(names), body, variadic)


class ArityError(Exception):
    """A built-in was called with arguments it does not take."""

    def __init__(self, name: str, parameters: tuple[str, ...]) -> None:
        self.name = name
        self.parameters = parameters
        super().__init__(f"{name}({', '.join(parameters)}) cannot take these arguments")


BUILTINS: dict[str, FeelFunction] = {name: _wrap(name, function) for name, function in _TABLE.items()}
