"""FEEL built-ins over lists and numbers (DMN 1.3, 10.3.4.3-10.3.4.5)."""

from __future__ import annotations

from datetime import timedelta
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
)
from functools import cmp_to_key
from typing import Any

from .feel_values import FEEL_DECIMAL, compare, equal, is_number


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


def _f_min(*list):
    items = _items(list)
    if not items:
        return None
    return min(items, key=cmp_to_key(_strict_compare))


def _f_max(*list):
    items = _items(list)
    if not items:
        return None
    return max(items, key=cmp_to_key(_strict_compare))


def _strict_compare(a, b):
    order = compare(a, b)
    if order is None:
        raise TypeError("values cannot be ordered")
    return order


def _f_sum(*list):
    items = _numbers(list)
    if not items:
        return None
    total = Decimal(0)
    for item in items:
        total = FEEL_DECIMAL.add(total, item)
    return total


def _f_mean(*list):
    items = _numbers(list)
    return FEEL_DECIMAL.divide(_f_sum(items), Decimal(len(items))) if items else None


def _f_median(*list):
    items = sorted(_numbers(list))
    if not items:
        return None
    middle = len(items) // 2
    if len(items) % 2:
        return items[middle]
    return FEEL_DECIMAL.divide(FEEL_DECIMAL.add(items[middle - 1], items[middle]), Decimal(2))


def _f_stddev(*list):
    items = _numbers(list)
    if len(items) < 2:
        return None
    mean = _f_mean(items)
    squares = sum(((item - mean) ** 2 for item in items), Decimal(0))
    return FEEL_DECIMAL.sqrt(FEEL_DECIMAL.divide(squares, Decimal(len(items) - 1)))


def _f_mode(*list):
    items = _numbers(list)
    counts: dict[Decimal, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    top = max(counts.values(), default=0)
    return sorted(item for item, count in counts.items() if count == top)


def _f_product(*list):
    items = _numbers(list)
    if not items:
        return None
    result = Decimal(1)
    for item in items:
        result = FEEL_DECIMAL.multiply(result, item)
    return result


def _f_all(*list):
    items = _items(list)
    if any(item is False for item in items):
        return False
    return True if all(item is True for item in items) else None


def _f_any(*list):
    items = _items(list)
    if any(item is True for item in items):
        return True
    return False if all(item is False for item in items) else None


def _f_sublist(list, start_position, length=None):
    start = int(start_position)
    index = start - 1 if start > 0 else len(list) + start
    if index < 0 or index >= len(list):
        return None
    return list[index:] if length is None else list[index: index + int(length)]


def _f_list_contains(list, element):
    return any(equal(item, element) for item in list)


def _f_index_of(list, match):
    return [Decimal(i + 1) for i, item in enumerate(list) if equal(item, match)]


def _f_distinct_values(list):
    result: list = []
    for item in list:
        if not any(equal(item, seen) for seen in result):
            result.append(item)
    return result


def _f_flatten(list):
    result: list = []
    for item in list:
        result.extend(_f_flatten(item) if isinstance(item, type(result)) else [item])
    return result


def _f_insert_before(list, position, newItem):
    index = int(position) - 1 if position > 0 else len(list) + int(position)
    return list[:index] + [newItem] + list[index:]


def _f_remove(list, position):
    index = int(position) - 1 if position > 0 else len(list) + int(position)
    if not 0 <= index < len(list):
        return None
    return list[:index] + list[index + 1:]


def _f_sort(list, precedes=None):
    if precedes is None:
        return sorted(list, key=cmp_to_key(_strict_compare))
    return sorted(list, key=cmp_to_key(lambda a, b: -1 if precedes.body(a, b) is True else 1))


def _f_union(*lists):
    return _f_distinct_values([item for sub in lists for item in sub])


def _f_concatenate(*lists):
    return [item for sub in lists for item in sub]


def _f_append(list, *items):
    return list + [*items]


# numbers
def _scaled(n, scale, rounding):
    if not is_number(n) or not is_number(scale):
        return None
    return n.quantize(Decimal(1).scaleb(-int(scale)), rounding=rounding, context=FEEL_DECIMAL)


def _f_modulo(dividend, divisor):
    if divisor == 0:
        return None
    quotient = FEEL_DECIMAL.divide(dividend, divisor).to_integral_value(rounding=ROUND_FLOOR)
    return FEEL_DECIMAL.subtract(dividend, FEEL_DECIMAL.multiply(divisor, quotient))


def _f_sqrt(number):
    return None if number < 0 else FEEL_DECIMAL.sqrt(number)


def _f_log(number):
    return None if number <= 0 else FEEL_DECIMAL.ln(number)


def _f_odd(number):
    return number == number.to_integral_value() and int(number) % 2 == 1


def _f_even(number):
    return number == number.to_integral_value() and int(number) % 2 == 0


# dates and contexts


LIST_AND_NUMBER_FUNCTIONS: dict[str, Any] = {
    "list contains": _f_list_contains,
    "count": lambda list: Decimal(len(list)),
    "min": _f_min,
    "max": _f_max,
    "sum": _f_sum,
    "mean": _f_mean,
    "median": _f_median,
    "stddev": _f_stddev,
    "mode": _f_mode,
    "product": _f_product,
    "all": _f_all,
    "any": _f_any,
    "sublist": _f_sublist,
    "append": _f_append,
    "concatenate": _f_concatenate,
    "insert before": _f_insert_before,
    "remove": _f_remove,
    "reverse": lambda list: list[::-1],
    "index of": _f_index_of,
    "union": _f_union,
    "distinct values": _f_distinct_values,
    "flatten": _f_flatten,
    "sort": _f_sort,
    "decimal": lambda n, scale: _scaled(n, scale, ROUND_HALF_EVEN),
    "floor": lambda n, scale=Decimal(0): _scaled(n, scale, ROUND_FLOOR),
    "ceiling": lambda n, scale=Decimal(0): _scaled(n, scale, ROUND_CEILING),
    "round up": lambda n, scale: _scaled(n, scale, ROUND_UP),
    "round down": lambda n, scale: _scaled(n, scale, ROUND_DOWN),
    "round half up": lambda n, scale: _scaled(n, scale, ROUND_HALF_UP),
    "round half down": lambda n, scale: _scaled(n, scale, ROUND_HALF_DOWN),
    "abs": lambda n: abs(n) if is_number(n) or isinstance(n, timedelta) else (-n if n.months < 0 else n),
    "modulo": _f_modulo,
    "sqrt": _f_sqrt,
    "log": _f_log,
    "exp": lambda number: FEEL_DECIMAL.exp(number),
    "odd": _f_odd,
    "even": _f_even,
}
