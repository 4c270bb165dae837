"""Workflows kept between commands: used only for the committed version, never after a rollback."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from engine.bpmn.serialization import dump_state
from engine.db.models import Case, ClockSetting
from engine.errors import Invalid
from tests.engine.conftest import T0

from .helpers import complete, open_tasks, start

DATA = {"datum_plicht": "2026-01-05", "consulent": "anna"}


@pytest.fixture
def cached(deployed):
    """The deployed basic process on an engine that keeps workflows."""
    deployed.engine.keep_workflows(8)
    return deployed


def test_a_committed_step_leaves_its_workflow_for_the_next_command(cached):
    case_id = start(cached, data=DATA)
    cache = cached.engine.workflows
    with cached.session_factory() as session:
        case = session.get(Case, case_id)
        assert cache.get(case_id, case.version, take=False) is not None, "kept after the start committed"
    complete(cached, open_tasks(cached, case_id)[0].id, {"leerroute": "B1"})
    hits_before = cache.hits
    with cached.session_factory() as session:
        case = session.get(Case, case_id)
        kept = cached.engine.load(session, case, readonly=True)
        assert cache.hits == hits_before + 1
        cached.engine.workflows = None  # the same case rebuilt from its stored state
        rebuilt = cached.engine.load(session, case)
        cached.engine.workflows = cache
        assert dump_state(kept) == dump_state(rebuilt)
    assert [t.element_id for t in open_tasks(cached, case_id)] == ["Task_Nazorg"]


def test_a_step_whose_transaction_rolls_back_is_not_kept(cached):
    case_id = start(cached, data=DATA)
    task_id = open_tasks(cached, case_id)[0].id
    with cached.session_factory() as session:
        version = session.get(Case, case_id).version
    with pytest.raises(RuntimeError):
        with cached.session_factory.begin() as session:
            cached.engine.complete_task(session=session, task_id=task_id, data={"leerroute": "B1"}, actor="anna")
            raise RuntimeError("the request fails after the step")
    assert cached.engine.workflows.get(case_id, version + 1, take=False) is None
    complete(cached, task_id, {"leerroute": "B1"})  # the task is still open: rebuilt from the database
    assert [t.element_id for t in open_tasks(cached, case_id)] == ["Task_Nazorg"]


def test_a_step_in_a_savepoint_that_rolls_back_is_not_kept(cached):
    case_id = start(cached, data=DATA)
    task_id = open_tasks(cached, case_id)[0].id
    with cached.session_factory.begin() as session:
        version = session.get(Case, case_id).version
        savepoint = session.begin_nested()
        cached.engine.complete_task(session=session, task_id=task_id, data={"leerroute": "B1"}, actor="anna")
        savepoint.rollback()
    assert cached.engine.workflows.get(case_id, version + 1, take=False) is None


def test_a_refused_submission_does_not_leave_a_changed_workflow(cached):
    case_id = start(cached, data=DATA)
    task_id = open_tasks(cached, case_id)[0].id
    with pytest.raises(Invalid):
        complete(cached, task_id, {"leerroute": "Q"})
    complete(cached, task_id, {"leerroute": "B1"})
    assert [t.element_id for t in open_tasks(cached, case_id)] == ["Task_Nazorg"]


def test_the_database_clock_is_read_once_per_transaction(deployed):
    clock_reads = []

    def count(conn, cursor, statement, *rest):
        if "FROM clock" in statement:
            clock_reads.append(statement)

    event.listen(deployed.db, "before_cursor_execute", count)
    case_id = start(deployed, data=DATA)
    assert len(clock_reads) == 1
    clock_reads.clear()
    complete(deployed, open_tasks(deployed, case_id)[0].id, {"leerroute": "B1"})
    assert len(clock_reads) == 1
    with deployed.session_factory.begin() as session:
        assert deployed.clock.now(session) == T0
        session.execute(select(ClockSetting)).scalar_one().now = T0.replace(year=2027)
        deployed.clock.set(session, T0.replace(year=2028))
        assert deployed.clock.now(session).year == 2028
    with deployed.session_factory() as session:
        assert deployed.clock.now(session).year == 2028
