"""FEEL built-in functions (DMN 1.3 chapter 10.3.4), called positionally or by name."""

from __future__ import annotations

import inspect
import re
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal
from functools import cmp_to_key
from typing import Any

from .feel_values import FEEL_DECIMAL, FeelFunction, Range, compare, equal, is_number
from .feel_text import feel_string, parse_feel_date, parse_feel_datetime, parse_feel_duration, parse_feel_time
from .temporal import YearsMonths

_FAILURES = (TypeError, ValueError, ArithmeticError, AttributeError, IndexError, KeyError, re.error)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _items(args: tuple) -> list:
    if len(args) == 1 and isinstance(args[0], list):
        return args[0]
    return list(args)


def _numbers(args: tuple) -> list[Decimal]:
    items = _items(args)
    if not all(is_number(item) for item in items):
        raise TypeError("numbers expected")
    return items


# conversion
def f_date(from_=None, month=None, day=None, year=None):
    if year is not None or (is_number(from_) and month is not None):
        return date(int(from_ if year is None else year), int(month), int(day))
    if isinstance(from_, str):
        return parse_feel_date(from_)
    if isinstance(from_, datetime):
        return from_.date()
    if isinstance(from_, date):
        return from_
    return None


def f_date_and_time(from_=None, time_=None, date_=None):
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


def f_time(from_=None, minute=None, second=None, offset=None, hour=None):
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


def f_number(from_, grouping_separator=None, decimal_separator=None):
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


def f_duration(from_):
    return parse_feel_duration(from_)


def f_years_and_months_duration(from_, to):
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


def f_not(negand):
    return (not negand) if isinstance(negand, bool) else None


# strings
def f_substring(string, start_position, length=None):
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


def f_replace(input, pattern, replacement, flags=None):
    python_replacement = re.sub(r"\$(\d+)", r"\\g<\1>", replacement)
    return _regex(pattern, flags).sub(python_replacement, input)


def f_matches(input, pattern, flags=None):
    return _regex(pattern, flags).search(input) is not None


def f_string_join(list, delimiter=None):
    if not all(item is None or isinstance(item, str) for item in list):
        return None
    return (delimiter or "").join(item for item in list if item is not None)


# lists
def f_min(*list):
    items = _items(list)
    if not items:
        return None
    return min(items, key=cmp_to_key(_strict_compare))


def f_max(*list):
    items = _items(list)
    if not items:
        return None
    return max(items, key=cmp_to_key(_strict_compare))


def _strict_compare(a, b):
    order = compare(a, b)
    if order is None:
        raise TypeError("values cannot be ordered")
    return order


def f_sum(*list):
    items = _numbers(list)
    if not items:
        return None
    total = Decimal(0)
    for item in items:
        total = FEEL_DECIMAL.add(total, item)
    return total


def f_mean(*list):
    items = _numbers(list)
    return FEEL_DECIMAL.divide(f_sum(items), Decimal(len(items))) if items else None


def f_median(*list):
    items = sorted(_numbers(list))
    if not items:
        return None
    middle = len(items) // 2
    if len(items) % 2:
        return items[middle]
    return FEEL_DECIMAL.divide(FEEL_DECIMAL.add(items[middle - 1], items[middle]), Decimal(2))


def f_stddev(*list):
    items = _numbers(list)
    if len(items) < 2:
        return None
    mean = f_mean(items)
    squares = sum(((item - mean) ** 2 for item in items), Decimal(0))
    return FEEL_DECIMAL.sqrt(FEEL_DECIMAL.divide(squares, Decimal(len(items) - 1)))


def f_mode(*list):
    items = _numbers(list)
    counts: dict[Decimal, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    top = max(counts.values(), default=0)
    return sorted(item for item, count in counts.items() if count == top)


def f_product(*list):
    items = _numbers(list)
    if not items:
        return None
    result = Decimal(1)
    for item in items:
        result = FEEL_DECIMAL.multiply(result, item)
    return result


def f_all(*list):
    items = _items(list)
    if any(item is False for item in items):
        return False
    return True if all(item is True for item in items) else None


def f_any(*list):
    items = _items(list)
    if any(item is True for item in items):
        return True
    return False if all(item is False for item in items) else None


def f_sublist(list, start_position, length=None):
    start = int(start_position)
    index = start - 1 if start > 0 else len(list) + start
    if index < 0 or index >= len(list):
        return None
    return list[index:] if length is None else list[index: index + int(length)]


def f_list_contains(list, element):
    return any(equal(item, element) for item in list)


def f_index_of(list, match):
    return [Decimal(i + 1) for i, item in enumerate(list) if equal(item, match)]


def f_distinct_values(list):
    result: list = []
    for item in list:
        if not any(equal(item, seen) for seen in result):
            result.append(item)
    return result


def f_flatten(list):
    result: list = []
    for item in list:
        result.extend(f_flatten(item) if isinstance(item, type(result)) else [item])
    return result


def f_insert_before(list, position, newItem):
    index = int(position) - 1 if position > 0 else len(list) + int(position)
    return list[:index] + [newItem] + list[index:]


def f_remove(list, position):
    index = int(position) - 1 if position > 0 else len(list) + int(position)
    if not 0 <= index < len(list):
        return None
    return list[:index] + list[index + 1:]


def f_sort(list, precedes=None):
    if precedes is None:
        return sorted(list, key=cmp_to_key(_strict_compare))
    return sorted(list, key=cmp_to_key(lambda a, b: -1 if precedes.body(a, b) is True else 1))


def f_union(*lists):
    return f_distinct_values([item for sub in lists for item in sub])


def f_concatenate(*lists):
    return [item for sub in lists for item in sub]


def f_append(list, *items):
    return list + [*items]


# numbers
def _scaled(n, scale, rounding):
    if not is_number(n) or not is_number(scale):
        return None
    return n.quantize(Decimal(1).scaleb(-int(scale)), rounding=rounding, context=FEEL_DECIMAL)


def f_modulo(dividend, divisor):
    if divisor == 0:
        return None
    quotient = FEEL_DECIMAL.divide(dividend, divisor).to_integral_value(rounding=ROUND_FLOOR)
    return FEEL_DECIMAL.subtract(dividend, FEEL_DECIMAL.multiply(divisor, quotient))


def f_sqrt(number):
    return None if number < 0 else FEEL_DECIMAL.sqrt(number)


def f_log(number):
    return None if number <= 0 else FEEL_DECIMAL.ln(number)


def f_odd(number):
    return number == number.to_integral_value() and int(number) % 2 == 1


def f_even(number):
    return number == number.to_integral_value() and int(number) % 2 == 0


# dates and contexts
def f_week_of_year(date):
    return Decimal(date.isocalendar()[1])


def f_get_value(m, key):
    return m.get(key) if isinstance(m, dict) else None


def f_get_entries(m):
    return [{"key": key, "value": value} for key, value in m.items()]


def f_is(value1, value2):
    return type(value1) is type(value2) and equal(value1, value2) is True


_TABLE: dict[str, Any] = {
    "date": f_date,
    "date and time": f_date_and_time,
    "time": f_time,
    "number": f_number,
    "string": feel_string,
    "duration": f_duration,
    "years and months duration": f_years_and_months_duration,
    "not": f_not,
    "substring": f_substring,
    "string length": lambda string: Decimal(len(string)),
    "upper case": lambda string: string.upper(),
    "lower case": lambda string: string.lower(),
    "substring before": lambda string, match: string.split(match, 1)[0] if match in string else "",
    "substring after": lambda string, match: string.split(match, 1)[1] if match in string else "",
    "replace": f_replace,
    "contains": lambda string, match: match in string,
    "starts with": lambda string, match: string.startswith(match),
    "ends with": lambda string, match: string.endswith(match),
    "matches": f_matches,
    "split": lambda string, delimiter: re.split(delimiter, string),
    "string join": f_string_join,
    "list contains": f_list_contains,
    "count": lambda list: Decimal(len(list)),
    "min": f_min,
    "max": f_max,
    "sum": f_sum,
    "mean": f_mean,
    "median": f_median,
    "stddev": f_stddev,
    "mode": f_mode,
    "product": f_product,
    "all": f_all,
    "any": f_any,
    "sublist": f_sublist,
    "append": f_append,
    "concatenate": f_concatenate,
    "insert before": f_insert_before,
    "remove": f_remove,
    "reverse": lambda list: list[::-1],
    "index of": f_index_of,
    "union": f_union,
    "distinct values": f_distinct_values,
    "flatten": f_flatten,
    "sort": f_sort,
    "decimal": lambda n, scale: _scaled(n, scale, ROUND_HALF_EVEN),
    "floor": lambda n, scale=Decimal(0): _scaled(n, scale, ROUND_FLOOR),
    "ceiling": lambda n, scale=Decimal(0): _scaled(n, scale, ROUND_CEILING),
    "round up": lambda n, scale: _scaled(n, scale, ROUND_UP),
    "round down": lambda n, scale: _scaled(n, scale, ROUND_DOWN),
    "round half up": lambda n, scale: _scaled(n, scale, ROUND_HALF_UP),
    "round half down": lambda n, scale: _scaled(n, scale, ROUND_HALF_DOWN),
    "abs": lambda n: abs(n) if is_number(n) or isinstance(n, timedelta) else (-n if n.months < 0 else n),
    "modulo": f_modulo,
    "sqrt": f_sqrt,
    "log": f_log,
    "exp": lambda number: FEEL_DECIMAL.exp(number),
    "odd": f_odd,
    "even": f_even,
    "day of year": lambda date: Decimal(date.timetuple().tm_yday),
    "day of week": lambda date: _DAYS[date.weekday()],
    "month of year": lambda date: _MONTHS[date.month - 1],
    "week of year": f_week_of_year,
    "get value": f_get_value,
    "get entries": f_get_entries,
    "is": f_is,
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


def _parameter_names(function) -> tuple[str, ...]:
    names = []
    for parameter in inspect.signature(function).parameters.values():
        names.append(parameter.name.rstrip("_").replace("_", " "))
    return tuple(names)


def _wrap(name: str, function) -> FeelFunction:
    signature = inspect.signature(function)
    expected = _TYPED.get(name)
    variadic = any(p.kind is p.VAR_POSITIONAL for p in signature.parameters.values())

    def body(*args, **kwargs):
        try:
            bound = signature.bind(*args, **{key.replace(" ", "_") + ("_" if key in ("from", "date", "time") else ""): value
                                             for key, value in kwargs.items()})
        except TypeError:
            raise ArityError(name, _parameter_names(function)) from None
        if expected is not None and bound.args and not isinstance(bound.args[0], expected):
            return None
        if expected is str and not all(isinstance(a, str) for a in bound.args[:2] if name not in ("substring", "split", "replace", "matches")):
            return None
        try:
            return function(*bound.args, **bound.kwargs)
        except _FAILURES:
            return None

    return FeelFunction(name, _parameter_names(function), body, variadic)


class ArityError(Exception):
    """A built-in was called with arguments it does not take."""

    def __init__(self, name: str, parameters: tuple[str, ...]) -> None:
        self.name = name
        self.parameters = parameters
        super().__init__(f"{name}({', '.join(parameters)}) cannot take these arguments")


BUILTINS: dict[str, FeelFunction] = {name: _wrap(name, function) for name, function in _TABLE.items()}
