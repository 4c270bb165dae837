"""DMN: loading (with errors that point at the element), hit policies, DRD, result mapping."""

from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from engine.dmn import DmnError, load_dmn, map_decision_result

from .builder import table

NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)
FIXTURES = Path(__file__).parent / "fixtures"


def decide(xml: str, inputs: dict):
    return load_dmn(xml, filename="test.dmn").evaluate("d", inputs, now=NOW)


OVERLAP = [("r1", ["> 5"], ['"groot"']), ("r2", ["> 8"], ['"heel groot"']), ("r3", ["<= 5"], ['"klein"'])]


def test_unique_returns_the_one_match():
    assert decide(table("UNIQUE", OVERLAP), {"x": 3}).value == "klein"
    assert decide(table("UNIQUE", OVERLAP), {"x": 6}).value == "groot"


def test_unique_overlap_is_an_error_naming_decision_and_rules():
    with pytest.raises(DmnError) as caught:
        decide(table("UNIQUE", OVERLAP), {"x": 9})
    message = str(caught.value)
    assert "UNIQUE" in message and "'d'" in message and "r1, r2" in message
    assert caught.value.element_id == "d"
    assert caught.value.file == "test.dmn"


def test_no_match_gives_null_and_no_rows():
    result = decide(table("UNIQUE", [("r1", ["> 5"], ['"groot"'])]), {"x": 1})
    assert (result.value, result.rows, result.matched_rules) == (None, [], [])


def test_first_takes_the_first_match_in_rule_order():
    result = decide(table("FIRST", OVERLAP), {"x": 9})
    assert result.value == "groot"
    assert result.rows == [{"out": "groot"}]


def test_rule_order_returns_all_matches_in_rule_order():
    assert decide(table("RULE ORDER", OVERLAP), {"x": 9}).value == ["groot", "heel groot"]


def test_priority_and_output_order_follow_output_values():
    values = ['"heel groot","groot","klein"']
    assert decide(table("PRIORITY", OVERLAP, output_values=values), {"x": 9}).value == "heel groot"
    assert decide(table("OUTPUT ORDER", OVERLAP, output_values=values), {"x": 9}).value == ["heel groot", "groot"]


def test_any_accepts_agreeing_rules_and_refuses_different_ones():
    agreeing = [("a", ["> 1"], ['"ja"']), ("b", ["> 2"], ['"ja"'])]
    assert decide(table("ANY", agreeing), {"x": 5}).value == "ja"
    with pytest.raises(DmnError, match="ANY.*different outputs: r1, r2"):
        decide(table("ANY", OVERLAP), {"x": 9})


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [(None, [Decimal("100.10"), Decimal("50"), Decimal("0.2")]), ("SUM", Decimal("150.30")),
     ("MIN", Decimal("0.2")), ("MAX", Decimal("100.10")), ("COUNT", Decimal(3))],
)
def test_collect_with_and_without_aggregation(aggregation, expected):
    rules = [("a", ["> 1"], ["100.10"]), ("b", ["> 2"], ["50"]), ("c", ["-"], ["0.2"]), ("d", ["< 0"], ["9"])]
    result = decide(table("COLLECT", rules, aggregation=aggregation), {"x": 5})
    assert result.value == expected
    if aggregation:
        assert result.rows == [{"out": expected}]


def test_collect_count_of_nothing_is_zero_and_sum_is_null():
    rules = [("a", ["> 100"], ["1"])]
    assert decide(table("COLLECT", rules, aggregation="COUNT"), {"x": 5}).value == Decimal(0)
    assert decide(table("COLLECT", rules, aggregation="SUM"), {"x": 5}).value is None


def test_multiple_outputs_give_rows_of_named_values():
    rules = [("a", ["-"], ['"B1"', "250 * 0.75"])]
    result = decide(table("UNIQUE", rules, outputs=["route", "bedrag"]), {"x": 1})
    assert result.value == {"route": "B1", "bedrag": Decimal("187.5")}
    assert result.rows == [{"route": "B1", "bedrag": Decimal("187.5")}]


def test_default_output_when_no_rule_matches():
    xml = table("UNIQUE", [("a", ["> 5"], ['"ja"'])], defaults=['"nee"'])
    assert decide(xml, {"x": 1}).value == "nee"
    assert decide(xml, {"x": 9}).value == "ja"


def test_input_outside_its_input_values_is_an_error():
    xml = table("UNIQUE", [("a", ["-"], ['"ok"'])], inputs=["route"], input_values=['"B1","onderwijs","Z"'])
    assert decide(xml, {"route": "Z"}).value == "ok"
    with pytest.raises(DmnError, match="outside its input values"):
        decide(xml, {"route": "A2"})


def test_output_outside_its_output_values_is_an_error():
    xml = table("UNIQUE", [("a", ["-"], ['"C1"'])], output_values=['"B1","Z"'])
    with pytest.raises(DmnError, match="outside its output values") as caught:
        decide(xml, {"x": 1})
    assert caught.value.element_id == "a"


def test_evaluation_errors_name_the_element_and_expression():
    xml = table("UNIQUE", [("a", ["> onbekend"], ['"x"'])])
    with pytest.raises(DmnError, match="unknown variable 'onbekend'") as caught:
        decide(xml, {"x": 1})
    assert caught.value.element_id == "a"
    assert caught.value.expression == "> onbekend"


def test_camunda_file_with_drd_juel_input_and_input_variable():
    model = load_dmn(FIXTURES / "leerroute.dmn")
    assert set(model.decisions) == {"leerroute", "begeleiding", "eigen_bijdrage"}
    data = {"leeftijd": 24, "toets": {"score": 640}, "uren per week": 2}
    assert model.evaluate("leerroute", data, now=NOW).value == "onderwijs"
    begeleiding = model.evaluate("begeleiding", data, now=NOW)
    assert begeleiding.value == [{"uren": Decimal(4), "soort": "intake"}, {"uren": Decimal(80), "soort": "taal"}]
    assert begeleiding.matched_rules == ["g_alle", "g_niet_z"]
    assert model.evaluate("eigen_bijdrage", data, now=NOW).value == Decimal("63.3")
    zroute = {"leeftijd": 40, "toets": {"score": 100}, "uren per week": 2}
    assert model.evaluate("Begeleiding", zroute, now=NOW).matched_rules == ["g_alle", "g_z"]


def test_a_path_may_be_given_as_text():
    model = load_dmn(str(FIXTURES / "leerroute.dmn"))
    assert model.file == "leerroute.dmn"
    with pytest.raises(DmnError, match="cannot read the file"):
        load_dmn(FIXTURES / "bestaat_niet.dmn")


def test_map_decision_result_modes():
    model = load_dmn(FIXTURES / "leerroute.dmn")
    data = {"leeftijd": 24, "toets": {"score": 640}, "uren per week": 2}
    single = model.evaluate("leerroute", data, now=NOW)
    assert map_decision_result(single, "singleEntry") == "onderwijs"
    assert map_decision_result(single, "singleResult") == {"leerroute": "onderwijs"}
    assert map_decision_result(single, "collectEntries") == ["onderwijs"]
    assert map_decision_result(single, "resultList") == [{"leerroute": "onderwijs"}]
    many = model.evaluate("begeleiding", data, now=NOW)
    assert map_decision_result(many, "resultList")[1] == {"uren": Decimal(80), "soort": "taal"}
    with pytest.raises(DmnError, match="singleResult needs at most one"):
        map_decision_result(many, "singleResult")
    with pytest.raises(DmnError, match="collectEntries needs one output"):
        map_decision_result(many, "collectEntries")
    with pytest.raises(DmnError, match="unknown mapDecisionResult"):
        map_decision_result(many, "firstEntry")
    empty = decide(table("UNIQUE", [("a", ["> 5"], ['"ja"'])]), {"x": 1})
    assert map_decision_result(empty, "singleEntry") is None
    assert map_decision_result(empty, "collectEntries") == []


@pytest.mark.parametrize(
    "namespace",
    [
        "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
        "http://www.omg.org/spec/DMN/20180521/MODEL/",
        "https://www.omg.org/spec/DMN/20191111/MODEL/",
        "https://www.omg.org/spec/DMN/20211108/MODEL/",
        "https://www.omg.org/spec/DMN/20230324/MODEL/",
    ],
)
def test_every_dmn_version_loads(namespace):
    xml = table("UNIQUE", [("a", ['"B1","onderwijs"'], ["1"])], namespace=namespace)
    assert decide(xml, {"x": "onderwijs"}).value == Decimal(1)


def test_load_errors_name_file_element_expression_and_position():
    xml = table("UNIQUE", [("r7", ["[1..5"], ["1"])])
    with pytest.raises(DmnError) as caught:
        load_dmn(xml, filename="route.dmn")
    error = caught.value
    assert (error.file, error.element_id, error.expression, error.position) == ("route.dmn", "r7_i0", "[1..5", 5)
    assert "route.dmn" in str(error) and "r7_i0" in str(error) and "at position 5" in str(error)


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<nope/>", "not a DMN file"),
        ("<definitions", "not well-formed XML"),
        (table("SOMETIMES", []), "unknown hit policy"),
        (table("UNIQUE", [], aggregation="SUM"), "aggregation 'SUM' needs hit policy COLLECT"),
        (table("UNIQUE", [("a", ["1", "2"], ["1"])]), "the rule has 2 input and 1 output entries"),
        (table("UNIQUE", [("a", ["1"], ["1 +"])]), "ends too early"),
    ],
)
def test_bad_files_are_refused_at_load(xml, message):
    with pytest.raises(DmnError, match=message):
        load_dmn(xml)


def test_unknown_decision_lists_the_known_ones():
    model = load_dmn(table("UNIQUE", []))
    with pytest.raises(DmnError, match=r"no decision 'x' \(known: d\)"):
        model.evaluate("x", {})


def test_circular_requirements_are_an_error():
    xml = (
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="c" name="c" namespace="n">'
        '<decision id="a" name="a"><informationRequirement><requiredDecision href="#b"/></informationRequirement>'
        "<literalExpression><text>b</text></literalExpression></decision>"
        '<decision id="b" name="b"><informationRequirement><requiredDecision href="#a"/></informationRequirement>'
        "<literalExpression><text>a</text></literalExpression></decision></definitions>"
    )
    with pytest.raises(DmnError, match="circle"):
        load_dmn(xml).evaluate("a", {})


def test_iso_text_is_read_as_a_date_when_the_type_says_date():
    xml = (
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="t" name="t" namespace="n">'
        '<decision id="d" name="d"><informationRequirement><requiredInput href="#i"/></informationRequirement>'
        '<literalExpression><text>peildatum + duration("P1M")</text></literalExpression></decision>'
        '<decision id="t2" name="t2"><decisionTable id="dt"><input id="in"><inputExpression typeRef="date">'
        '<text>registratie</text></inputExpression></input><output id="o" name="o"/>'
        '<rule id="r"><inputEntry><text>&lt; date("2026-02-01")</text></inputEntry><outputEntry><text>"vroeg"</text>'
        "</outputEntry></rule></decisionTable></decision>"
        '<inputData id="i" name="peildatum"><variable name="peildatum" typeRef="date"/></inputData></definitions>'
    )
    model = load_dmn(xml)
    assert model.evaluate("d", {"peildatum": "2026-01-31"}, now=NOW).value == date(2026, 2, 28)
    assert model.evaluate("t2", {"registratie": "2026-01-15"}, now=NOW).value == "vroeg"
    assert model.evaluate("t2", {"registratie": date(2026, 3, 1)}, now=NOW).value is None
