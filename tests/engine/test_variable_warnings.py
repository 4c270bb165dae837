"""Deploy warns about variables that no form, message, decision or task can produce."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from engine.deploy.deployment import kind_of
from engine.deploy.variable_check import LETTER_VARIABLES, find_unknown_variables
from engine.dmn import load_dmn
from engine.letters.derive import case_variables
from tests.engine.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
FILES = ("varcheck_process.bpmn", "varcheck_advies.dmn", "varcheck_toets.form")


def _files(**replace: tuple[str, str]) -> list[tuple[str, bytes]]:
    """Return the fixture files, with (old, new) replaced in varcheck_<key>.*."""
    out = []
    for name in FILES:
        text = (FIXTURES / name).read_text()
        for key, (old, new) in replace.items():
            if name.startswith(f"varcheck_{key}"):
                assert old in text, f"{old!r} not in {name}"
                text = text.replace(old, new)
        out.append((name, text.encode()))
    return out


def _deploy(rt, files):
    with rt.session_factory.begin() as session:
        return rt.engine.deploy(session=session, files=files, actor="analist")


def _variable_warnings(result) -> list:
    return [w for w in result.warnings if w.message.startswith("Variabele ")]


def test_typo_warns_with_file_element_variable_expression_and_suggestion(runtime):
    result = _deploy(runtime, _files(process=("toets_oordeel == 'goed'", "toets_oordel == 'goed'")))
    [warning] = _variable_warnings(result)
    assert warning.severity == "warning"
    assert (warning.file, warning.element_id) == ("varcheck_process.bpmn", "Flow_Hoog")
    assert ("Variabele 'toets_oordel' wordt hier gebruikt, maar geen formulier, bericht, beslissing of eerdere stap "
            "vult hem" in warning.message)
    assert "(bedoelt u 'toets_oordeel'?)" in warning.message
    assert "toets_oordel == 'goed'" in warning.message


def test_warnings_do_not_refuse_the_deploy(runtime):
    result = _deploy(runtime, _files(process=("uitslag_score &gt; 50", "uitslag_scroe &gt; 50")))
    assert [w.element_id for w in _variable_warnings(result)] == ["Flow_Hoog"]
    assert [d.process_id for d in result.new_definitions] == ["varcheck"]
    assert {f.form_id for f in result.forms} == {"varcheck_toets"}


def test_the_fixture_deploys_without_variable_warnings(runtime):
    assert _variable_warnings(_deploy(runtime, _files())) == []


@pytest.mark.parametrize(
    ("without", "variable", "read_at"),
    [
        pytest.param({"toets": ('"key": "toets_oordeel"', '"key": "toets_mening"')}, "toets_oordeel",
                     {"Flow_Hoog", "Field_toets_toelichting"}, id="form field"),
        pytest.param({"process": ('name="toets_afgerond"', 'name="toets_klaar"')}, "toets_afgerond",
                     {"Flow_Hoog"}, id="output mapping"),
        pytest.param({"advies": ('name="advies_reden"', 'name="advies_motivering"')}, "advies_reden",
                     {"Flow_Hoog"}, id="DMN output"),
        pytest.param({"process": ('resultVariable="advies_uitkomst"', 'resultVariable="advies_rij"')},
                     "advies_uitkomst", {"Flow_Hoog"}, id="result variable"),
        pytest.param({"process": ('value="uitslag_score, uitslag_datum"', 'value="uitslag_datum"')},
                     "uitslag_score", {"Flow_Hoog"}, id="message payload property"),
    ],
)
def test_a_variable_set_by_only_one_producer_is_unknown_without_it(runtime, without, variable, read_at):
    warnings = _variable_warnings(_deploy(runtime, _files(**without)))
    assert {w.message.split("'")[1] for w in warnings} == {variable}
    assert {w.element_id for w in warnings} == read_at


def test_a_form_condition_with_a_typo_warns_on_the_component(runtime):
    result = _deploy(runtime, _files(toets=('"=toets_oordeel = \\"goed\\""', '"=toets_oordel = \\"goed\\""')))
    [warning] = _variable_warnings(result)
    assert (warning.file, warning.element_id) == ("varcheck_toets.form", "Field_toets_toelichting")
    assert "bedoelt u 'toets_oordeel'?" in warning.message


def test_a_dmn_input_expression_with_a_typo_warns_on_the_input(runtime):
    result = _deploy(runtime, _files(advies=("<text>toets_score</text>", "<text>toets_scor</text>")))
    [warning] = _variable_warnings(result)
    assert (warning.file, warning.element_id) == ("varcheck_advies.dmn", "Input_score")


def test_a_form_deployed_earlier_still_produces_its_fields(runtime):
    form = [f for f in _files() if f[0].endswith(".form")]
    rest = [f for f in _files() if not f[0].endswith(".form")]
    _deploy(runtime, form)
    assert _variable_warnings(_deploy(runtime, rest)) == []


def test_a_field_removed_from_the_new_form_version_is_unknown_again(runtime):
    _deploy(runtime, _files())
    result = _deploy(runtime, _files(toets=('"key": "toets_oordeel"', '"key": "toets_mening"')))
    assert {w.element_id for w in _variable_warnings(result)} == {"Flow_Hoog", "Field_toets_toelichting"}


def _check(process_xml: str, *, messages: str = "", dmn: dict | None = None) -> list[str]:
    """Return the variables reported for one process (and DMN models), sorted by name."""
    root = etree.fromstring(
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        f'xmlns:camunda="http://camunda.org/schema/1.0/bpmn">{messages}'
        f'<bpmn:process id="p" isExecutable="true">{process_xml}</bpmn:process></bpmn:definitions>'
    )
    problems = find_unknown_variables(bpmn={"p.bpmn": root}, dmn=dmn or {}, forms={})
    return [p.message.split("'")[1] for p in problems]


def _flow(condition: str) -> str:
    return (f'<bpmn:sequenceFlow id="F" sourceRef="a" targetRef="b"><bpmn:conditionExpression>{condition}'
            '</bpmn:conditionExpression></bpmn:sequenceFlow>')


def test_names_the_languages_define_are_not_reported():
    assert _check(_flow("=some x in [1, 2] satisfies x > date(\"2026-01-01\") and count([1]) = 1")) == []
    assert _check(_flow("={a: 1, b: a + 1}.b = 2")) == []
    assert _check(_flow("${isoFormat(dateAdd(today(), 'P1D')) != ''}")) == []
    rule = ('<bpmn:businessRuleTask id="R" camunda:decisionRef="d"><bpmn:extensionElements><camunda:inputOutput>'
            '<camunda:outputParameter name="uitkomst">${decisionResult}</camunda:outputParameter>'
            '</camunda:inputOutput></bpmn:extensionElements></bpmn:businessRuleTask>')
    assert _check(rule) == []


def test_a_policy_variable_tested_with_empty_is_optional():
    assert _check(_flow("${not empty boete_statushouder and boete_statushouder}")) == []
    assert _check(_flow("${boete_statushoudr}")) == ["boete_statushoudr"]


def test_case_variables_handlers_and_known_messages_produce():
    letter = ('<bpmn:serviceTask id="L" camunda:type="external" camunda:topic="letter"><bpmn:extensionElements>'
              '<camunda:properties><camunda:property name="template" value="pip_beschikking" /></camunda:properties>'
              '</bpmn:extensionElements></bpmn:serviceTask>')
    duo = '<bpmn:serviceTask id="D" camunda:type="external" camunda:topic="duo" />'
    uses = _flow("${leerroute != '' and laatste_brief_id != null and pip_beschikking_verzonden_op != null"
                 " and duo_pip_gemeld_op != null and pip_dagtekening != null}")
    assert _check(letter + duo + uses) == []
    assert _check(uses) == ["duo_pip_gemeld_op", "laatste_brief_id", "pip_beschikking_verzonden_op"]
    catch = ('<bpmn:intermediateCatchEvent id="M"><bpmn:messageEventDefinition messageRef="Msg" />'
             '</bpmn:intermediateCatchEvent>')
    message = '<bpmn:message id="Msg" name="duo_examenuitslag" />'
    assert _check(catch + _flow("${examen_behaald}"), messages=message) == []
    assert _check(_flow("${examen_behaald}"), messages=message) == ["examen_behaald"]


def test_dmn_entries_may_use_the_input_value():
    dmn = load_dmn((FIXTURES / "varcheck_advies.dmn").read_bytes(), filename="varcheck_advies.dmn")
    assert _check("", dmn={"varcheck_advies.dmn": dmn}) == ["toets_score"]


def test_the_letter_variables_match_what_the_letter_handler_returns():
    derived = {"termijn_start": date(2026, 1, 1), "termijn_eind": date(2029, 1, 1), "ontzorgen_eind": date(2026, 7, 1)}
    for template, names in LETTER_VARIABLES.items():
        assert set(case_variables(template, {}, derived, date(2026, 1, 1))) == names


def test_the_real_processes_and_forms_use_no_variable_nothing_produces(runtime):
    runtime.engine.handlers.register("notify", lambda call: {})
    runtime.engine.handlers.register("brugklas", lambda call: {})
    runtime.engine.handlers.register("legal", lambda call: {})
    runtime.engine.handlers.register("bezwaar", lambda call: {})
    paths = sorted((ROOT / "processes").iterdir()) + sorted((ROOT / "forms").iterdir())
    files = [(p.name, p.read_bytes()) for p in paths if kind_of(p.name)]
    assert [str(w) for w in _variable_warnings(_deploy(runtime, files))] == []

