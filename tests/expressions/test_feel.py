"""FEEL expressions: Decimal money, strings, temporal values, logic, lists, contexts, functions."""

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from engine.expressions import EvaluationError, ExpressionError, compile_expression
from engine.expressions.temporal import YearsMonths

NOW = datetime(2026, 3, 15, 10, 0, tzinfo=timezone.utc)
DATA = {
    "Monthly Salary": 2000,
    "bedrag": 250,
    "x": 3,
    "naam": "Anna",
    "lijst": [1, 2, 3],
    "personen": [{"naam": "A", "leeftijd": 17}, {"naam": "B", "leeftijd": 30}],
    "start": date(2026, 1, 31),
    "niets": None,
    "vlag": True,
}


def feel(expression, data=DATA):
    return compile_expression("=" + expression).evaluate(data, now=NOW)


def test_money_is_exact_decimal():
    assert feel("0.1 + 0.2") == Decimal("0.3")
    assert isinstance(feel("0.1 + 0.2"), Decimal)
    assert feel("bedrag * 0.75") == Decimal("187.5")
    assert feel("10 / 4") == Decimal("2.5")
    assert feel("1 / 3") == Decimal("0.3333333333333333333333333333333333")
    assert feel("Monthly Salary * 12") == Decimal("24000")
    assert feel("1.2 * 10 ** 3") == Decimal("1200")
    assert feel("10 ** -5") == Decimal("0.00001")
    assert feel("-2 ** 2") == Decimal("4")
    assert feel("(10 + 20) / 0") is None
    assert feel("10 + null") is None
    assert feel("-x") == Decimal("-3")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"Hallo " + naam', "Hallo Anna"),
        ('string length("横綱")', Decimal(2)),
        ('substring("foobar", 3)', "obar"),
        ('substring("foobar", -2, 1)', "a"),
        ('upper case("abc")', "ABC"),
        ('lower case("ABC")', "abc"),
        ('substring before("foobar", "bar")', "foo"),
        ('substring after("foobar", "ob")', "ar"),
        ('replace("abcd", "(ab)|(a)", "[1=$1][2=$2]")', "[1=ab][2=]cd"),
        ('contains("foobar", "ob")', True),
        ('starts with("foobar", "fo")', True),
        ('ends with("foobar", "r")', True),
        ('matches("foobar", "^fo*b")', True),
        ('split("a,b,c", ",")', ["a", "b", "c"]),
        ('string join(["a", "b"], "-")', "a-b"),
        ("string(1.50)", "1.50"),
        ('number("1.000,5", ".", ",")', Decimal("1000.5")),
        ('"a" = "a"', True),
        ('"a" < "b"', True),
        ('string length(5)', None),
    ],
)
def test_strings(expression, expected):
    assert feel(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('date("2026-01-31") + duration("P1M")', date(2026, 2, 28)),
        ("start + duration(\"P1M\")", date(2026, 2, 28)),
        ('date("2024-01-31") + duration("P1M")', date(2024, 2, 29)),
        ('date("2026-03-31") - duration("P1M")', date(2026, 2, 28)),
        ('date("2026-01-01") + duration("P10D")', date(2026, 1, 11)),
        ('date("2026-03-01") - date("2026-01-01")', timedelta(days=59)),
        ('years and months duration(date("2026-01-31"), date("2026-02-28"))', YearsMonths(0)),
        ('years and months duration(date("2023-01-15"), date("2026-03-16"))', YearsMonths(38)),
        ('duration("P1Y2M")', YearsMonths(14)),
        ('duration("P2DT3H")', timedelta(days=2, hours=3)),
        ('duration("P1Y2D")', None),
        ('duration("P1D") * 2', timedelta(days=2)),
        ('duration("P1Y") + duration("P2M")', YearsMonths(14)),
        ('date("2026-02-01") > date("2026-01-31")', True),
        ('date(2026, 2, 1)', date(2026, 2, 1)),
        ('date("2026-13-01")', None),
        ('date and time("2026-01-01T10:00:00Z")', datetime(2026, 1, 1, 10, tzinfo=timezone.utc)),
        ('date and time("2026-01-01T10:00:00") + duration("PT90M")', datetime(2026, 1, 1, 11, 30)),
        ('date and time(date("2026-01-01"), time("10:00:00"))', datetime(2026, 1, 1, 10)),
        ('time("10:30:00")', time(10, 30)),
        ('date("2026-03-15").year', Decimal(2026)),
        ('duration("P1Y2M").months', Decimal(2)),
        ('@"2026-01-01"', date(2026, 1, 1)),
        ('@"P3D"', timedelta(days=3)),
        ('string(duration("P1DT2H"))', "P1DT2H"),
        ('string(date and time("2026-01-01T10:00:00+01:00"))', "2026-01-01T10:00:00+01:00"),
        ('day of week(date("2026-03-15"))', "Sunday"),
        ('today()', date(2026, 3, 15)),
        ('now()', NOW),
    ],
)
def test_dates_and_durations(expression, expected):
    assert feel(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("true and null", None),
        ("false and null", False),
        ("true or null", True),
        ("false or null", None),
        ('"a" and true', None),
        ("not(true)", False),
        ("not(null)", None),
        ("if x > 1 then \"groot\" else \"klein\"", "groot"),
        ("if null then 1 else 2", Decimal(2)),
        ("x between 1 and 3", True),
        ("x in [1..3)", False),
        ("x in (1, 2, 3)", True),
        ("x in < 5", True),
        ("x in [1, 5]", False),
        ("x = null", False),
        ("niets = null", True),
        ("1 = \"1\"", None),
        ("x != 4", True),
        ("5 instance of number", True),
        ('"a" instance of number', False),
    ],
)
def test_logic_and_comparison(expression, expected):
    assert feel(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("[1, 2, 3][item > 1]", [Decimal(2), Decimal(3)]),
        ("lijst[1]", Decimal(1)),
        ("lijst[-1]", Decimal(3)),
        ("personen[leeftijd >= 18].naam", ["B"]),
        ("personen.naam", ["A", "B"]),
        ("{a: 1, b: a + 1}.b", Decimal(2)),
        ('{"eerste naam": "Anna"}.eerste naam', "Anna"),
        ("for i in lijst return i * 2", [Decimal(2), Decimal(4), Decimal(6)]),
        ("for i in 1..3, j in [10] return i + j", [Decimal(11), Decimal(12), Decimal(13)]),
        ("some i in lijst satisfies i > 2", True),
        ("every i in lijst satisfies i > 2", False),
        ("sum(lijst)", Decimal(6)),
        ("sum(1, 2)", Decimal(3)),
        ("min(lijst)", Decimal(1)),
        ("max([3, 9, 2])", Decimal(9)),
        ("count(lijst)", Decimal(3)),
        ("mean(lijst)", Decimal(2)),
        ("median([1, 2, 3, 4])", Decimal("2.5")),
        ("all([true, true])", True),
        ("any([false, null])", None),
        ("sublist(lijst, 2)", [Decimal(2), Decimal(3)]),
        ("append(lijst, 4)", [Decimal(1), Decimal(2), Decimal(3), Decimal(4)]),
        ("concatenate([1], [2])", [Decimal(1), Decimal(2)]),
        ("list contains(lijst, 2)", True),
        ("reverse([1, 2])", [Decimal(2), Decimal(1)]),
        ("index of([1, 2, 1], 1)", [Decimal(1), Decimal(3)]),
        ("distinct values([1, 1, 2])", [Decimal(1), Decimal(2)]),
        ("flatten([[1], [2, [3]]])", [Decimal(1), Decimal(2), Decimal(3)]),
        ("sort([3, 1, 2], function(a, b) a > b)", [Decimal(3), Decimal(2), Decimal(1)]),
        ("insert before([1, 3], 2, 2)", [Decimal(1), Decimal(2), Decimal(3)]),
        ("remove([1, 2, 3], 2)", [Decimal(1), Decimal(3)]),
        ("union([1, 2], [2, 3])", [Decimal(1), Decimal(2), Decimal(3)]),
        ("get value({a: 1}, \"a\")", Decimal(1)),
    ],
)
def test_lists_contexts_and_iteration(expression, expected):
    assert feel(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("decimal(1/3, 2)", Decimal("0.33")),
        ("decimal(2.5, 0)", Decimal("2")),
        ("floor(1.5)", Decimal("1")),
        ("ceiling(1.2)", Decimal("2")),
        ("abs(-3)", Decimal("3")),
        ("modulo(12, 5)", Decimal("2")),
        ("modulo(-12, 5)", Decimal("3")),
        ("sqrt(16)", Decimal("4")),
        ("odd(3)", True),
        ("even(3)", False),
        ("round half up(2.5, 0)", Decimal("3")),
        ("round down(-2.5, 0)", Decimal("-2")),
        ("sqrt(-1)", None),
    ],
)
def test_number_functions(expression, expected):
    assert feel(expression) == expected


def test_named_arguments_and_user_functions():
    assert feel('substring(string: "foobar", start position: 4)') == "bar"
    assert feel("decimal(scale: 1, n: 2.25)") == Decimal("2.2")
    assert feel('day of week(date: date(from: "2026-03-16"))') == "Monday"
    assert feel("date(year: 2026, month: 3, day: 16)") == date(2026, 3, 16)
    assert feel('date and time(date: date("2026-03-16"), time: time("09:00:00"))') == datetime(2026, 3, 16, 9)
    assert feel("{f: function(a, b) a - b, r: f(b: 1, a: 5)}.r") == Decimal(4)


def test_variables_exclude_locally_bound_names():
    compiled = compile_expression("=for i in lijst return i + Monthly Salary")
    assert compiled.variables == frozenset({"lijst", "Monthly Salary"})
    assert compiled.language == "feel"


def test_explicit_feel_language_without_equals_sign():
    compiled = compile_expression("x > 1", kind="condition", language="feel")
    assert compiled.evaluate(DATA, now=NOW) is True


def test_condition_must_be_boolean():
    with pytest.raises(EvaluationError, match="got null"):
        compile_expression("=niets > 1", kind="condition").evaluate(DATA, now=NOW)


@pytest.mark.parametrize(
    ("expression", "message", "position"),
    [
        ("=x +", "ends too early", 4),
        ("=x + * 2", "unexpected '*'", 5),
        ("= x ! 2", "unexpected character '!'", 4),
        ("={a: 1, a: 2}", "same key twice", 1),
        ('=@"gisteren"', "not a date, time or duration literal", 1),
        ("=", "empty", 1),
    ],
)
def test_feel_parse_errors_name_the_position(expression, message, position):
    with pytest.raises(ExpressionError) as caught:
        compile_expression(expression)
    assert message in caught.value.message
    assert caught.value.position == position
    assert f"at position {position}" in str(caught.value)


@pytest.mark.parametrize(
    ("expression", "message", "position"),
    [
        ("=onbekend + 1", "unknown variable 'onbekend'", 1),
        ("=x(1)", "'x' is not a function", 1),
        ("=substring(1, 2, 3, 4)", "substring(string, start position, length) cannot take these arguments", 1),
        ('=substring(tekst: "a")', "substring(string, start position, length) cannot take these arguments", 1),
        ("=? > 1", "'?' (the input value) is only known inside a decision table input entry", 1),
        ("=for i in 1..naam return i", "needs whole numbers", 5),
    ],
)
def test_feel_evaluation_errors(expression, message, position):
    with pytest.raises(EvaluationError) as caught:
        compile_expression(expression).evaluate(DATA, now=NOW)
    assert message in caught.value.message
    assert caught.value.position == position


def test_deep_nesting_is_a_clear_error():
    for text in ["=1" + " + 1" * 5000, "${1" + " + 1" * 5000 + "}"]:
        with pytest.raises(ExpressionError, match="nests too deeply"):
            compile_expression(text)
