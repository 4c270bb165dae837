"""JUEL value rules: EL coercion for comparisons, booleans, arithmetic and property access."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .temporal import align, to_temporal, type_name


def as_number(value: Any) -> int | Decimal | None:
    """Return value as int or Decimal, or None when it is not a number (booleans are not)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return None


def as_bool(value: Any, fail: Callable[[str], None]) -> bool:
    """Return value as a boolean per EL (null is false); fail on other types."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    fail(f"expected a boolean, got {type_name(value)}")
    return False


def comparable(a: Any, b: Any, fail: Callable[[str], None]) -> tuple[Any, Any]:
    """Coerce a pair per EL rules (numbers, strings, dates); fail on a mismatch."""
    na, nb = as_number(a), as_number(b)
    if na is not None and nb is not None:
        return na, nb
    if na is not None and isinstance(b, str) or nb is not None and isinstance(a, str):
        try:
            return (na if na is not None else Decimal(a.strip())), (nb if nb is not None else Decimal(b.strip()))
        except InvalidOperation:
            fail("cannot compare a number with a text that is not a number")
    temporal_a = isinstance(a, date)
    temporal_b = isinstance(b, date)
    if temporal_a or temporal_b:
        try:
            return align(to_temporal(a), to_temporal(b))
        except (TypeError, ValueError):
            fail(f"cannot compare {type_name(a)} with {type_name(b)}")
    if type(a) is type(b) or (isinstance(a, str) and isinstance(b, str)):
        return a, b
    fail(f"cannot compare {type_name(a)} with {type_name(b)}")
    return a, b


def el_equal(a: Any, b: Any, fail: Callable[[str], None]) -> bool:
    """Return EL equality after coercing the pair (null equals only null)."""
    if a is None or b is None:
        return a is b
    if isinstance(a, bool) or isinstance(b, bool):
        return as_bool(a, fail) == as_bool(b, fail)
    x, y = comparable(a, b, fail)
    try:
        return x == y
    except TypeError:
        fail(f"cannot compare {type_name(a)} with {type_name(b)}")
        return False


def is_empty(value: Any) -> bool:
    """Return EL's empty: null, an empty text, list or map."""
    if value is None:
        return True
    if isinstance(value, (str, list, tuple, dict, set)):
        return len(value) == 0
    return False


ORDER = {
    "lt": lambda x, y: x < y,
    "le": lambda x, y: x <= y,
    "gt": lambda x, y: x > y,
    "ge": lambda x, y: x >= y,
}


def arith_operand(value: Any, op: str, fail: Callable[[str], None]) -> int | Decimal:
    """Return value as a number for arithmetic (numeric text is accepted); fail otherwise."""
    number = as_number(value)
    if number is not None:
        return number
    if isinstance(value, str):
        try:
            text = value.strip()
            return int(text) if text.lstrip("-").isdigit() else Decimal(text)
        except InvalidOperation:
            pass
    hint = " (JUEL '+' adds numbers only)" if op == "+" and isinstance(value, str) else ""
    fail(f"'{op}' needs numbers, got {type_name(value)}{hint}")
    return 0


def member(target: Any, key: Any, fail: Callable[[str], None]) -> Any:
    """Read key from a map or index from a list; missing map keys and list indexes give null."""
    if target is None:
        fail(f"cannot read property '{key}' of null")
    if isinstance(target, Mapping):
        return target.get(key)
    if isinstance(target, (list, tuple)):
        number = as_number(key)
        if number is None and isinstance(key, str) and key.strip().lstrip("-").isdigit():
            number = int(key)
        if number is None or int(number) != number:
            fail(f"a list index must be a whole number, got {type_name(key)}")
        position = int(number)
        return target[position] if 0 <= position < len(target) else None
    fail(f"cannot read property '{key}' of a {type_name(target)}")
    return None


def split_escapes(raw: str) -> list[str]:
    """Split raw string-literal text into characters and backslash escapes."""
    parts, i = [], 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw):
            parts.append(raw[i : i + 2])
            i += 2
        else:
            parts.append(raw[i])
            i += 1
    return parts
