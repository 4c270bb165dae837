"""RegieParser keeps every camunda:* extension, and they survive a save/restore."""

from __future__ import annotations

import json

from sqlalchemy import select

from engine.bpmn.parser import RegieParser
from engine.bpmn.serialization import restore_spec, serialize_spec
from engine.db.models import Case, UserTask
from tests.engine.conftest import FIXTURES

from .helpers import open_tasks, start


def _spec_of(task_id: str):
    parser = RegieParser()
    parser.add_bpmn_file(str(FIXTURES / "basic.bpmn"))
    spec = parser.get_spec("basic")
    return spec, parser.get_subprocess_specs("basic"), spec.task_specs[task_id]


def test_user_task_extensions_are_read():
    _, _, task = _spec_of("Task_Intake")
    camunda = task.extensions["camunda"]
    assert camunda["assignee"] == "${consulent}"
    assert camunda["candidateGroups"] == "consulent,teamleider"
    assert camunda["candidateUsers"] == "anna,bert"
    assert camunda["dueDate"] == "${dateAdd(datum_plicht, 'P10W')}"
    assert camunda["followUpDate"] == "${dateAdd(datum_plicht, 'P8W')}"
    assert camunda["priority"] == "70"
    assert camunda["formRef"] == "intake" and camunda["formRefBinding"] == "latest"
    assert task.extensions["properties"] == {"legalDeadline": "pip_deadline"}
    assert task.extensions["inputOutput"]["inputs"][0]["name"] == "pip_deadline"
    assert task.extensions["inputOutput"]["outputs"][0]["value"] == "${true}"


def test_external_service_task_keeps_topic_properties_and_mappings():
    _, _, task = _spec_of("Task_Brief")
    assert task.extensions["camunda"] == {"type": "external", "topic": "letter"}
    assert task.topic == "letter"
    assert task.extensions["properties"] == {"template": "pip_beschikking"}
    assert task.extensions["inputOutput"]["inputs"] == [{"name": "onderwerp", "kind": "text", "value": "Uw PIP"}]


def test_extensions_survive_spec_serialization():
    spec, subs, _ = _spec_of("Task_Intake")
    restored, _ = restore_spec(json.loads(json.dumps(serialize_spec(spec, subs))))
    for name in ("Task_Intake", "Task_Brief"):
        assert restored.task_specs[name].extensions == spec.task_specs[name].extensions


def test_extensions_reach_the_task_row_and_survive_a_save_restore(deployed):
    case_id = start(deployed, data={"naam": "Amina", "datum_plicht": "2026-01-05", "consulent": "anna"})
    with deployed.session_factory() as session:
        row = session.execute(select(UserTask)).scalar_one()
        assert row.assignee == "anna"
        assert row.candidate_groups == ["consulent", "teamleider"]
        assert row.candidate_users == ["anna", "bert"]
        assert row.due_at.date().isoformat() == "2026-03-16"
        assert row.follow_up_at.date().isoformat() == "2026-03-01"
        assert row.legal_deadline.date().isoformat() == "2026-03-16"
        assert row.priority == 70 and row.form_ref == "intake"
        case = session.get(Case, case_id)
        workflow = deployed.engine.load(session, case)
        task = workflow.get_task_from_id(__import__("uuid").UUID(row.id))
        assert task.task_spec.extensions["camunda"]["formRef"] == "intake"
        assert task.data["pip_deadline"] is not None
    assert [t.element_id for t in open_tasks(deployed)] == ["Task_Intake"]


def test_decimal_and_date_values_keep_their_type_through_save_and_restore(deployed):
    from datetime import date
    from decimal import Decimal

    case_id = start(deployed, data={"datum_plicht": "2026-01-05", "consulent": "anna"})
    with deployed.session_factory.begin() as session:
        case = session.get(Case, case_id)
        workflow = deployed.engine.load(session, case)
        task = workflow.get_tasks(state=__import__("SpiffWorkflow").util.task.TaskState.READY)[0]
        task.data.update({"boete_bedrag": Decimal("187.50"), "rapport_datum": date(2026, 3, 2)})
        from engine.bpmn.serialization import dump_state

        case.state = dump_state(workflow)
    with deployed.session_factory() as session:
        case = session.get(Case, case_id)
        variables = deployed.engine.case_variables(session=session, case=case)
        assert variables["boete_bedrag"] == Decimal("187.50") and isinstance(variables["boete_bedrag"], Decimal)
        assert variables["rapport_datum"] == date(2026, 3, 2)


def test_state_of_a_newer_format_is_refused_with_the_reason(deployed):
    import pytest as _pytest

    from engine.bpmn.serialization import STATE_FORMAT, load_state

    with _pytest.raises(ValueError, match="newer than this Regie"):
        load_state({}, STATE_FORMAT + 1, None, {})
