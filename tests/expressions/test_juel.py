"""JUEL in ${...}: every operator, the date functions, and the errors analysts see."""

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from engine.expressions import (
    EvaluationError,
    ExpressionError,
    compile_expression,
    validate_expression,
)

NOW = datetime(2026, 3, 15, 10, 0, tzinfo=timezone.utc)
DATA = {
    "leeftijd": 30,
    "bedrag": Decimal("250.00"),
    "route": "B1",
    "leeg": "",
    "lijst": [10, 20],
    "geenLijst": [],
    "inburgeraar": {"naam": "Anna", "adres": {"plaats": "Utrecht"}},
    "vrijgesteld": False,
    "niets": None,
    "order": 3,
    "registratie": "2026-01-31",
    "beschikking": date(2026, 1, 1),
}


def ev(expression, data=DATA, **kwargs):
    return compile_expression(expression, **kwargs).evaluate(data, now=NOW)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("${'tekst'}", "tekst"),
        ('${"dubbel"}', "dubbel"),
        ("${'it\\'s'}", "it's"),
        ("${42}", 42),
        ("${2.5}", Decimal("2.5")),
        ("${true}", True),
        ("${false}", False),
        ("${null}", None),
        ("${leeftijd}", 30),
        ("${inburgeraar.naam}", "Anna"),
        ("${inburgeraar.adres.plaats}", "Utrecht"),
        ("${inburgeraar['naam']}", "Anna"),
        ("${lijst[1]}", 20),
        ("${lijst[5]}", None),
        ("${inburgeraar.onbekend}", None),
        ("${order}", 3),
    ],
)
def test_literals_and_access(expression, expected):
    assert ev(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("${leeftijd == 30}", True),
        ("${leeftijd eq 31}", False),
        ("${route != 'B1'}", False),
        ("${route ne 'Z'}", True),
        ("${leeftijd < 30}", False),
        ("${leeftijd lt 31}", True),
        ("${leeftijd <= 30}", True),
        ("${leeftijd le 29}", False),
        ("${leeftijd > 18}", True),
        ("${leeftijd gt 30}", False),
        ("${leeftijd >= 30}", True),
        ("${leeftijd ge 31}", False),
        ("${leeftijd > 18 && route == 'B1'}", True),
        ("${leeftijd > 40 and route == 'B1'}", False),
        ("${leeftijd > 40 || route == 'B1'}", True),
        ("${leeftijd > 40 or vrijgesteld}", False),
        ("${!vrijgesteld}", True),
        ("${not vrijgesteld}", True),
        ("${empty leeg}", True),
        ("${empty geenLijst}", True),
        ("${empty niets}", True),
        ("${empty route}", False),
        ("${not empty lijst}", True),
        ("${niets == null}", True),
        ("${route == null}", False),
        ("${'30' == leeftijd}", True),
        ("${(leeftijd > 18) == true}", True),
        ("${registratie < beschikking}", False),
        ("${date(registratie) > beschikking}", True),
    ],
)
def test_comparison_and_logic(expression, expected):
    assert ev(expression, kind="condition") is expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("${1 + 2 * 3}", 7),
        ("${(1 + 2) * 3}", 9),
        ("${10 - 4 - 3}", 3),
        ("${10 / 4}", Decimal("2.5")),
        ("${10 div 4}", Decimal("2.5")),
        ("${10 % 3}", 1),
        ("${10 mod 4}", 2),
        ("${-7 % 3}", -1),
        ("${-leeftijd}", -30),
        ("${- -2}", 2),
        ("${bedrag * 0.75}", Decimal("187.5")),
        ("${0.1 + 0.2}", Decimal("0.3")),
        ("${leeftijd > 18 ? 'volwassen' : 'minderjarig'}", "volwassen"),
        ("${vrijgesteld ? 1 : leeftijd < 18 ? 2 : 3}", 3),
    ],
)
def test_arithmetic_and_ternary(expression, expected):
    assert ev(expression) == expected


def test_functions_for_dates_and_durations():
    assert ev("${now()}") == NOW
    assert ev("${today()}") == date(2026, 3, 15)
    assert ev("${date('2026-01-01')}") == date(2026, 1, 1)
    assert ev("${dateTime('2026-01-01T09:00:00Z')}") == datetime(2026, 1, 1, 9, tzinfo=timezone.utc)
    assert ev("${dateAdd(registratie, 'P1M')}") == date(2026, 2, 28)
    assert ev("${dateAdd(beschikking, 'P10W')}") == date(2026, 3, 12)
    assert ev("${dateAdd(beschikking, 'P3Y')}") == date(2029, 1, 1)
    assert ev("${dateSubtract('2026-03-31', 'P1M')}") == date(2026, 2, 28)
    assert ev("${daysBetween(beschikking, registratie)}") == 30
    assert ev("${daysBetween(registratie, beschikking)}") == -30
    assert ev("${weeksBetween(beschikking, '2026-03-12')}") == 10
    assert ev("${monthsBetween('2026-01-31', '2026-02-28')}") == 1
    assert ev("${monthsBetween('2026-01-15', '2026-02-14')}") == 0
    assert ev("${yearsBetween('2023-06-01', '2026-05-31')}") == 2
    assert ev("${isoFormat(dateAdd(beschikking, 'P2D'))}") == "2026-01-03"
    assert ev("${dateAdd(now(), 'PT1H')}") == datetime(2026, 3, 15, 11, tzinfo=timezone.utc)


def test_today_uses_the_municipal_zone():
    late = datetime(2026, 3, 15, 23, 30, tzinfo=timezone.utc)
    assert compile_expression("${today()}").evaluate({}, now=late) == date(2026, 3, 16)


def test_text_kind_and_templates():
    assert ev("consulent", kind="text") == "consulent"
    assert ev("team-${route}", kind="text") == "team-B1"
    assert ev("${route}", kind="text") == "B1"
    assert ev("${vrijgesteld} en ${niets}") == "false en "


@pytest.mark.parametrize("value", ["P6M", "P10W", "PT1H", "2026-03-01T09:00:00Z", "R/P1M", "R3/PT10M", "2026-03-01"])
def test_bare_iso_timer_values_stay_literal(value):
    compiled = compile_expression(value, kind="timer")
    assert compiled.language == "literal"
    assert compiled.evaluate({}, now=NOW) == value


def test_timer_expression_is_evaluated():
    assert ev("${dateAdd(beschikking, 'P6M')}", kind="timer") == date(2026, 7, 1)


def test_variables_are_reported():
    compiled = compile_expression("${a.b > 1 && c[d] == dateAdd(e, 'P1D')}")
    assert compiled.variables == frozenset({"a", "c", "d", "e"})
    assert compiled.language == "juel"


def test_compiled_expressions_are_cached():
    assert compile_expression("${leeftijd > 1}") is compile_expression("${leeftijd > 1}")


@pytest.mark.parametrize(
    ("expression", "message", "position"),
    [
        ("${leeftijd >}", "ends too early", 12),
        ("${leeftijd ># 3}", "unexpected character '#'", 12),
        ("${a b}", "unexpected 'b'", 4),
        ("${x.getVariable('a')}", "method calls", 2),
        ("${onbekend(1)}", "unknown function 'onbekend'", 2),
        ("${dateAdd(x)}", "takes 2 argument(s)", 2),
        ("${leeftijd > 1", "not closed", 0),
        ("leeftijd > 1", "must be written as ${...}", 0),
        ("x ${a} y", "without text around it", 0),
    ],
)
def test_parse_errors_name_the_position(expression, message, position):
    with pytest.raises(ExpressionError) as caught:
        compile_expression(expression, kind="condition")
    assert message in caught.value.message
    assert caught.value.position == position
    assert f"at position {position}" in str(caught.value)
    assert caught.value.expression == expression


@pytest.mark.parametrize(
    ("expression", "message", "position"),
    [
        ("${onbekend > 1}", "Unknown property used in expression: variable 'onbekend'", 2),
        ("${leeftijd + 1}", "a condition must give true or false, got number", 0),
        ("${niets}", "got null", 0),
        ("${route && true}", "expected a boolean, got string", 2),
        ("${route < 5}", "cannot compare a number with a text", 2),
        ("${inburgeraar < 5}", "cannot compare context with number", 2),
        ("${1 / 0 > 1}", "division by zero", 2),
        ("${niets.naam == 1}", "cannot read property 'naam' of null", 2),
        ("${lijst['x'] == 1}", "list index must be a whole number", 2),
        ("${route + 'x' == 1}", "JUEL '+' adds numbers only", 2),
        ("${dateAdd(route, 'P1D') == 1}", "dateAdd()", 2),
        ("${dateAdd(beschikking, 'tien') == 1}", "not an ISO 8601 duration", 2),
    ],
)
def test_evaluation_errors_are_clear(expression, message, position):
    with pytest.raises(EvaluationError) as caught:
        compile_expression(expression, kind="condition").evaluate(DATA, now=NOW)
    assert message in caught.value.message
    assert caught.value.position == position


def test_errors_never_show_case_values():
    data = {"bsn": "123456782"}
    for text in ["${date(bsn) == 1}", "${dateTime(bsn) == 1}", "${bsn < beschikking}", "${bsn}"]:
        with pytest.raises(EvaluationError) as caught:
            compile_expression(text, kind="condition").evaluate({**DATA, **data}, now=NOW)
        assert "123456782" not in str(caught.value)


def test_validate_expression_reports_errors_and_warnings():
    assert validate_expression("${leeftijd > 18}", kind="condition") == []
    (problem,) = validate_expression("${leeftijd >}", kind="condition")
    assert (problem.severity, problem.position) == ("error", 12)
    (warning,) = validate_expression("${1 == 1}", kind="condition")
    assert warning.severity == "warning"
    (timer,) = validate_expression("10 weken", kind="timer")
    assert "ISO 8601" in timer.message


def test_explicit_juel_language_without_braces():
    assert ev("leeftijd > 18", kind="condition", language="juel") is True


def test_python_is_not_reachable():
    for text in ["${__import__('os')}", "${().__class__}", "${open('x')}"]:
        with pytest.raises(ExpressionError):
            compile_expression(text).evaluate(DATA, now=NOW)
    # a dunder name is just a missing map key, never a Python attribute
    assert ev("${inburgeraar.__class__}") is None
    with pytest.raises(EvaluationError, match="cannot read property"):
        ev("${route.__class__}")
