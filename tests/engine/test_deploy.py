"""Deploy refuses what the engine cannot run, naming file, element and reason; versions by content."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.db.models import Case, ProcessDefinition
from engine.errors import DeployRefused
from tests.engine.conftest import FIXTURES, fixture_files

from .helpers import complete, open_tasks, start


def _deploy(rt, files):
    with rt.session_factory.begin() as session:
        return rt.engine.deploy(session=session, files=files, actor="analist")


def _problems(rt, files) -> dict[str, str]:
    with pytest.raises(DeployRefused) as info:
        _deploy(rt, files)
    return {p.element_id: p.message for p in info.value.problems if p.severity == "error"}


def test_inline_script_task_is_refused_with_file_element_and_reason(runtime):
    problems = _problems(runtime, fixture_files("bad_script.bpmn"))
    assert "script task voert tekst uit als programmacode" in problems["Script_Boete"]


def test_unknown_topic_is_refused_naming_the_known_topics(runtime):
    problems = _problems(runtime, fixture_files("bad_script.bpmn"))
    assert "Onbekend topic 'fax'" in problems["Task_Onbekend"]
    assert "letter" in problems["Task_Onbekend"]
    assert "Java-code" in problems["Task_Java"]


def test_refusal_names_the_file(runtime):
    with pytest.raises(DeployRefused) as info:
        _deploy(runtime, fixture_files("bad_script.bpmn"))
    assert {p.file for p in info.value.problems} == {"bad_script.bpmn"}
    assert "bad_script.bpmn [Script_Boete]" in info.value.message


def test_reserved_element_id_and_missing_form_are_refused(runtime):
    xml = (FIXTURES / "basic.bpmn").read_text().replace('id="StartEvent_1"', 'id="Start"').replace(
        'sourceRef="StartEvent_1"', 'sourceRef="Start"')
    problems = _problems(runtime, [("basic.bpmn", xml.encode())])
    assert "gereserveerd" in problems["Start"]
    assert "Formulier 'intake' zit niet in deze deployment" in problems["Task_Intake"]


def test_bad_expression_is_refused_with_its_position(runtime):
    xml = (FIXTURES / "basic.bpmn").read_text().replace('${leerroute == "Z"}', '${leerroute == }')
    problems = _problems(runtime, [("basic.bpmn", xml.encode()), fixture_files("intake.form")[0]])
    assert "leerroute ==" in problems["Flow_Z"] and "positie" in problems["Flow_Z"]


def test_invalid_xml_is_refused_with_the_line(runtime):
    problems = _problems(runtime, [("kapot.bpmn", b"<bpmn:definitions>\n<oops")])
    assert any("regel" in m for m in problems.values())


def test_redeploying_unchanged_files_is_a_no_op(runtime):
    first = _deploy(runtime, fixture_files("basic.bpmn", "intake.form"))
    second = _deploy(runtime, fixture_files("basic.bpmn", "intake.form"))
    assert second.duplicate and not second.new_definitions
    assert [d.id for d in second.definitions] == [d.id for d in first.definitions]
    with runtime.session_factory() as session:
        assert session.execute(select(func.count()).select_from(ProcessDefinition)).scalar() == 1


def test_changed_diagram_makes_a_new_version_and_running_cases_stay_on_theirs(runtime):
    _deploy(runtime, fixture_files("basic.bpmn", "intake.form"))
    old_case = start(runtime, data={"datum_plicht": "2026-01-05", "consulent": "anna"})
    changed = (FIXTURES / "basic.bpmn").read_text().replace('name="Nazorg"', 'name="Nazorgcontact"')
    result = _deploy(runtime, [("basic.bpmn", changed.encode()), fixture_files("intake.form")[0]])
    assert [d.version for d in result.new_definitions] == [2]
    new_case = start(runtime, data={"datum_plicht": "2026-01-05", "consulent": "anna"})
    with runtime.session_factory() as session:
        assert session.get(Case, old_case).definition_id.startswith("basic:1:")
        assert session.get(Case, new_case).definition_id.startswith("basic:2:")
    task = open_tasks(runtime, old_case)[0]
    complete(runtime, task.id, {"leerroute": "B1"})
    assert [t.name for t in open_tasks(runtime, old_case)] == ["Nazorg"]
    task = open_tasks(runtime, new_case)[0]
    complete(runtime, task.id, {"leerroute": "B1"})
    assert [t.name for t in open_tasks(runtime, new_case)] == ["Nazorgcontact"]


def test_send_task_without_implementation_is_refused_as_camunda_does(runtime):
    xml = (FIXTURES / "send_receive.bpmn").read_text().replace(' camunda:type="external" camunda:topic="duo"', "")
    problems = _problems(runtime, [("send_receive.bpmn", xml.encode())])
    assert "Implementation = External" in problems["Send_Klaar"]
