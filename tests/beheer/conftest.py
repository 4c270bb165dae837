"""Beheer tests run on the web tests' runtime (users of two gemeenten, test process deployed)."""

from __future__ import annotations

from pathlib import Path

from engine.db.models import Incident, UserTask
from engine.db.session import transaction
from tests.api.conftest import PERSON, app, login, runtime, start_case, template_db  # noqa: F401 - shared fixtures
from tests.api.test_api_tasks import VALID

FIXTURES = Path(__file__).resolve().parents[1] / "api" / "fixtures"


def klantreis_v2() -> bytes:
    """The test klantreis with a renamed first step, a later due date and a new step before the intake."""
    xml = (FIXTURES / "klantreis_test.bpmn").read_text(encoding="utf-8")
    xml = xml.replace('name="Brede intake plannen"', 'name="Brede intake inplannen"')
    xml = xml.replace("${dateAdd(datum_plicht, 'P2W')}", "${dateAdd(datum_plicht, 'P3W')}")
    xml = xml.replace('targetRef="Task_IntakeVoeren" />', 'targetRef="Task_Welkom" />')
    xml = xml.replace('<bpmn:endEvent id="EndEvent_1"', '''<bpmn:userTask id="Task_Welkom" name="Welkomstgesprek" camunda:candidateGroups="consulent">
      <bpmn:incoming>Flow_3</bpmn:incoming>
      <bpmn:outgoing>Flow_5</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="Flow_5" sourceRef="Task_Welkom" targetRef="Task_IntakeVoeren" />
    <bpmn:endEvent id="EndEvent_1"''')
    xml = xml.replace('<bpmn:incoming>Flow_3</bpmn:incoming>\n      <bpmn:outgoing>Flow_4</bpmn:outgoing>',
                      '<bpmn:incoming>Flow_5</bpmn:incoming>\n      <bpmn:outgoing>Flow_4</bpmn:outgoing>')
    return xml.encode("utf-8")


def deploy_v2(runtime) -> tuple[str, str]:
    """Deploy version 2 of the test klantreis; return (v1 id, v2 id)."""
    from engine.db.models import ProcessDefinition

    with transaction(runtime.session_factory) as session:
        runtime.engine.deploy(session=session, files=[("klantreis_test.bpmn", klantreis_v2())], actor="bea")
        versions = session.query(ProcessDefinition).filter_by(process_id="klantreis_test").order_by(
            ProcessDefinition.version).all()
        assert [v.version for v in versions] == [1, 2]
        return versions[0].id, versions[1].id


def case_past_first_step(runtime, **data) -> str:
    """Start a case and complete its first step (the letter runs); return the case id."""
    case_id, task_id = start_case(runtime, **data)
    with transaction(runtime.session_factory) as session:
        runtime.engine.complete_task(session=session, task_id=task_id, data=VALID, actor="anna")
    return case_id


def failing_incident(runtime) -> tuple[str, int]:
    """A case whose letter fails (a postcode the letter refuses) and keeps failing: (case id, incident id)."""
    case_id = case_past_first_step(runtime, postcode="onbekend")
    with transaction(runtime.session_factory) as session:
        incident = session.query(Incident).filter_by(case_id=case_id, resolved_at=None).one()
        return case_id, incident.id


def rejected_letter_incident(runtime) -> tuple[str, int]:
    """A case whose letter was sent back: retrying renders it again and it waits for review (gets through)."""
    from engine.letters.archive import list_letters
    from engine.letters import flow

    with transaction(runtime.session_factory) as session:
        case = runtime.engine.start_case(session=session, process_id="brief_review_test", gemeente="demo",
                                         data={**PERSON, **VALID}, actor="anna")
        letter = list_letters(session=session, case_id=case.id)[0]
        incident = flow.send_back(runtime.engine, session=session, letter_id=letter.id, actor="bert",
                                  reason="Adres klopt niet")
        return case.id, incident.id


def open_task_names(runtime, case_id: str) -> list[str]:
    """Return the names of a case's open tasks."""
    with transaction(runtime.session_factory) as session:
        return sorted(t.name for t in session.query(UserTask).filter_by(case_id=case_id))
