"""One writer per case; a failing handler leaves the case as it was plus an incident."""

from __future__ import annotations

import threading

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.db.models import Case, Incident
from engine.errors import Conflict
from tests.engine.conftest import FIXTURES, fixture_files

from .helpers import complete, open_tasks, start


def test_two_concurrent_completions_of_one_task_exactly_one_wins(deployed):
    case_id = start(deployed, data={"datum_plicht": "2026-01-05", "consulent": "anna"})
    task_id = open_tasks(deployed, case_id)[0].id
    with deployed.session_factory() as session:
        version_before = session.get(Case, case_id).version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def consultant(name: str, route: str) -> None:
        barrier.wait()
        try:
            complete(deployed, task_id, {"leerroute": route}, actor=name)
            outcomes.append("won")
        except Conflict as exc:
            outcomes.append("conflict: " + exc.message)

    threads = [threading.Thread(target=consultant, args=("anna", "B1")),
               threading.Thread(target=consultant, args=("bert", "Z"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(o.split(":")[0] for o in outcomes) == ["conflict", "won"]
    with deployed.session_factory() as session:
        case = session.get(Case, case_id)
        assert case.version == version_before + 1
        assert deployed.engine.case_variables(session=session, case=case)["leerroute"] in ("B1", "Z")


def test_stale_version_is_a_conflict_and_changes_nothing(deployed):
    case_id = start(deployed, data={"datum_plicht": "2026-01-05", "consulent": "anna"})
    task_id = open_tasks(deployed, case_id)[0].id
    with deployed.session_factory() as session:
        before = session.get(Case, case_id).state
    with pytest.raises(Conflict):
        with deployed.session_factory.begin() as session:
            deployed.engine.complete_task(session=session, task_id=task_id, data={"leerroute": "B1"},
                                          actor="anna", expected_version=0)
    with deployed.session_factory() as session:
        assert session.get(Case, case_id).state == before


def test_handler_failure_leaves_the_case_as_before_and_retry_resolves_it(deployed, letters):
    case_id = start(deployed, data={"datum_plicht": "2026-01-05", "consulent": "anna"})
    task_id = open_tasks(deployed, case_id)[0].id
    letters.fail_with = "Brief pip_beschikking: veld 'straat' ontbreekt"
    complete(deployed, task_id, {"leerroute": "Z"})
    with deployed.session_factory() as session:
        case = session.get(Case, case_id)
        incident = session.execute(select(Incident)).scalar_one()
        assert incident.element_id == "Task_Brief" and "straat" in incident.message
        workflow = deployed.engine.load(session, case)
        brief = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == "Task_Brief"][0]
        assert brief.state == TaskState.STARTED and "laatste_brief" not in brief.data
        state_after_failure = case.state
    assert letters.calls == []
    letters.fail_with = None
    with deployed.session_factory.begin() as session:
        deployed.engine.retry_incident(session=session, incident_id=incident.id, actor="beheerder")
    assert [c[0] for c in letters.calls] == ["Task_Brief"]
    with deployed.session_factory() as session:
        case = session.get(Case, case_id)
        assert case.state != state_after_failure
        assert session.get(Incident, incident.id).resolved_by == "beheerder"
        assert deployed.engine.case_variables(session=session, case=case)["laatste_brief"] == "pip_beschikking"


def test_handler_writes_are_rolled_back_on_failure(deployed, letters):
    from engine.db.models import AuditEntry

    def failing(call):
        from engine import audit
        audit.record(session=call.session, actor="x", action="half_done", at=call.now, case_id=call.case_id)
        call.session.flush()
        raise RuntimeError("printer on fire")

    deployed.handlers._handlers["letter"] = failing
    case_id = start(deployed, data={"datum_plicht": "2026-01-05", "consulent": "anna"})
    complete(deployed, open_tasks(deployed, case_id)[0].id, {"leerroute": "Z"})
    with deployed.session_factory() as session:
        assert session.execute(select(AuditEntry).where(AuditEntry.action == "half_done")).first() is None
        assert "printer on fire" in session.execute(select(Incident.message)).scalar_one()


def test_migrate_refuses_an_unsafe_change_and_allows_a_safe_one(deployed):
    done = start(deployed, data={"datum_plicht": "2026-01-05", "consulent": "anna"})
    complete(deployed, open_tasks(deployed, done)[0].id, {"leerroute": "B1"})
    waiting = start(deployed, data={"datum_plicht": "2026-01-05", "consulent": "anna"})
    changed = (FIXTURES / "basic.bpmn").read_text().replace(
        'camunda:candidateGroups="consulent,teamleider"', 'camunda:candidateGroups="teamleider"')
    with deployed.session_factory.begin() as session:
        deployed.engine.deploy(session=session, files=[("basic.bpmn", changed.encode()),
                                                       fixture_files("intake.form")[0]], actor="analist")
    with pytest.raises(Conflict) as info:
        with deployed.session_factory.begin() as session:
            deployed.engine.migrate_case(session=session, case_id=done, actor="beheerder")
    assert "Task_Intake is al gedaan en is veranderd" in info.value.message
    with deployed.session_factory.begin() as session:
        result = deployed.engine.migrate_case(session=session, case_id=waiting, actor="beheerder")
    assert result.migrated and result.to_definition.startswith("basic:2:")
    assert open_tasks(deployed, waiting)[0].candidate_groups == ["consulent", "teamleider"]
    with deployed.session_factory() as session:
        assert session.get(Case, done).definition_id.startswith("basic:1:")
