"""FEEL unary tests, as written in DMN input entries."""

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from engine.expressions import ExpressionError, compile_expression

NOW = datetime(2026, 3, 15, tzinfo=timezone.utc)


def matches(entry, value, context=None):
    return compile_expression(entry, kind="unary").test(value, context, now=NOW)


@pytest.mark.parametrize(
    ("entry", "passing", "failing"),
    [
        ('"B1"', ["B1"], ["B2", None]),
        ('"B1","onderwijs"', ["B1", "onderwijs"], ["Z", None]),
        ('not("B1")', ["B2"], ["B1"]),
        ('not("B1", "onderwijs")', ["Z"], ["B1", "onderwijs"]),
        ("[18..28)", [18, 27, Decimal("27.9")], [17, 28]),
        ("]1..10]", [2, 10], [1, 11]),
        ("(1..10)", [2, 9], [1, 10]),
        ("[1..10[", [1, 9], [10]),
        ("< 600", [599, Decimal("599.99")], [600, None]),
        ("<= 600", [600], [601]),
        ("> 18", [19], [18]),
        (">= 18", [18], [17]),
        ("-", ["x", None, 5], []),
        ("", ["x", None], []),
        ("null", [None], [0, ""]),
        ("true", [True], [False, None]),
        ("false", [False], [True]),
        ("5", [5, Decimal("5.0")], [6]),
        ("< 5, > 10", [4, 11], [5, 10]),
        ("? > 5 and ? < 8", [6, 7], [5, 8, "x"]),
        ("[1, 2, 3]", [2], [4]),
        ("x + 1", [4], [3]),
        ("> x", [4], [3]),
        ('[date("2026-01-01")..date("2026-12-31")]', [date(2026, 6, 1)], [date(2027, 1, 1)]),
        ('>= date("2026-01-01")', ["2026-02-01" and date(2026, 2, 1)], [date(2025, 12, 31)]),
        ("not(null)", [1], [None]),
        ('"a", null', ["a", None], ["b"]),
    ],
)
def test_unary_test_forms(entry, passing, failing):
    context = {"x": 3}
    for value in passing:
        assert matches(entry, value, context) is True, (entry, value)
    for value in failing:
        assert matches(entry, value, context) is False, (entry, value)


def test_comparing_across_types_does_not_match():
    assert matches("< 600", "veel") is False
    assert matches('"B1"', 5) is False


def test_cell_input_is_the_input_value():
    assert matches("cellInput > 2", 3) is True


def test_juel_input_entries_use_cell_input():
    compiled = compile_expression("${cellInput > 5 && cellInput < 9}", kind="unary")
    assert compiled.language == "juel"
    assert compiled.test(6, {}, now=NOW) is True
    assert compiled.test(9, {}, now=NOW) is False


@pytest.mark.parametrize(
    ("entry", "position"),
    [("[1..", 4), ("< ", 2), ('"a",', 4), ('not("a"', 7), ("[1..10]]", 7)],
)
def test_unary_parse_errors_have_positions(entry, position):
    with pytest.raises(ExpressionError) as caught:
        compile_expression(entry, kind="unary")
    assert caught.value.position == position
