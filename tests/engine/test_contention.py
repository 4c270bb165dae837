"""Races with real threads and processes: one winner, clear conflicts, no dead worker, no 500."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, text, update

from engine.db.models import AuditEntry, Case, Incident, Message, Timer
from engine.db.session import make_session_factory
from engine.errors import Conflict
from engine.running.models import WorkerHeartbeat
from engine.running.transactions import Contention, is_retryable, run_in_transaction
from engine.running.worker import healthy, list_workers, run_worker
from tests.conftest import T0
from tests.engine.conftest import fixture_files

from .helpers import complete, open_tasks, start


def _race(n: int, work) -> list[str]:
    """Run `work(i)` in n threads released together; return 'ok' or 'conflict' per thread."""
    barrier = threading.Barrier(n)
    outcomes: list[str] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            work(i)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        except Exception as exc:  # noqa: BLE001 - any other outcome is the failure this test looks for
            outcomes.append(f"error {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return outcomes


def _one_winner(outcomes: list[str]) -> None:
    assert sorted(outcomes) == ["conflict"] * (len(outcomes) - 1) + ["ok"], outcomes


def _postgres_only(runtime) -> None:
    if runtime.db.dialect.name != "postgresql":
        pytest.skip("several writers at once need PostgreSQL; SQLite runs one writer at a time")


@pytest.fixture
def timer_cases(runtime):
    """30 cases, each with three timers that are all due, on PostgreSQL with the real schema stamped.

    Two workers sweeping the same due order meet on one case's timers: with a timer row
    claimed before its case, one worker held a timer and waited for the case while the
    other held the case and deleted that timer (a deadlock that killed a worker).
    """
    from alembic import command

    from engine.db.migrate import alembic_config

    _postgres_only(runtime)
    with runtime.session_factory.begin() as session:
        runtime.engine.deploy(session=session, files=fixture_files("drie_timers.bpmn"), actor="test")
    command.stamp(alembic_config(runtime.db), "head")  # the tables came from create_all
    cases = []
    for day in range(30):  # one case a day: a case's three timers are next to each other in due order
        with runtime.session_factory.begin() as session:
            runtime.clock.set(session, T0 + timedelta(days=day))
        cases.append(start(runtime, process_id="drie_timers"))
    with runtime.session_factory.begin() as session:
        runtime.clock.set(session, T0 + timedelta(days=40))
    return cases


def test_two_workers_over_cases_with_several_due_timers_fire_each_once_and_survive(runtime, timer_cases):
    env = dict(os.environ, DATABASE_URL=runtime.settings.database_url, REGIE_CLOCK="database")
    command = [sys.executable, "-c", "from engine.tools.cli import main; main()", "worker", "--once"]
    workers = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    for worker in workers:
        _out, err = worker.communicate(timeout=180)
        assert worker.returncode == 0 and b"Traceback" not in err, err.decode()
    with runtime.session_factory() as session:
        fired = Counter(session.execute(select(AuditEntry.case_id, AuditEntry.element_id)
                                        .where(AuditEntry.action == "timer")).all())
        assert session.execute(select(Timer)).scalars().all() == []
        assert session.execute(select(Incident)).scalars().all() == []
        assert len(list_workers(session)) == 2
    assert set(fired) == {(c, e) for c in timer_cases for e in ("Timer_Een", "Timer_Twee", "Timer_Drie")}
    assert set(fired.values()) == {1}
    assert all([t.element_id for t in open_tasks(runtime, c)] == ["Task_Nazorg"] for c in timer_cases)


def test_two_sweeps_in_threads_fire_each_timer_once(runtime, timer_cases):
    barrier = threading.Barrier(2)
    errors = []

    def sweep() -> None:
        barrier.wait()
        try:
            runtime.engine.fire_due_timers(session_factory=runtime.session_factory)
        except Exception as exc:  # noqa: BLE001 - a dead sweep is what this test looks for
            errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert errors == []
    with runtime.session_factory() as session:
        fired = Counter(session.execute(select(AuditEntry.case_id, AuditEntry.element_id)
                                        .where(AuditEntry.action == "timer")).all())
    assert len(fired) == 90 and set(fired.values()) == {1}


def test_a_worker_that_meets_a_failing_job_goes_on(runtime):
    with runtime.session_factory.begin() as session:
        runtime.engine.deploy(session=session, files=fixture_files("wacht.bpmn"), actor="test")
    cases = [start(runtime, process_id="wacht", data={"bsn": "123456782"}) for _ in range(3)]
    with runtime.session_factory.begin() as session:
        # A state this engine cannot read: loading the case raises inside the timer job.
        session.execute(update(Case).where(Case.id == cases[1]).values(state={"kapot": True}, state_format=99))
        runtime.clock.set(session, T0 + timedelta(days=200))
    run_worker(runtime, once=True)
    assert [t.element_id for t in open_tasks(runtime, cases[0])] == ["Task_Nazorg"]
    assert [t.element_id for t in open_tasks(runtime, cases[2])] == ["Task_Nazorg"]
    with runtime.session_factory() as session:
        workers = list_workers(session)
        assert len(workers) == 1 and workers[0].jobs_failed == 1 and workers[0].pid == os.getpid()
        assert workers[0].timers_fired == 2 and workers[0].last_error.startswith("timer: ValueError")
        assert healthy(session)
        assert not healthy(session, host="another-host")
    run_worker(runtime, once=True)  # the broken case waits for a beheerder: no second incident
    with runtime.session_factory() as session:
        incident = session.execute(select(Incident)).scalar_one()
        assert incident.case_id == cases[1] and incident.kind == "timer" and "123456782" not in incident.message


def test_200_concurrent_starts_get_distinct_numbers(runtime):
    with runtime.session_factory.begin() as session:
        runtime.engine.deploy(session=session, files=fixture_files("wacht.bpmn"), actor="test")
    many = create_engine(runtime.settings.database_url, pool_size=24, max_overflow=0,
                         connect_args={"timeout": 60} if runtime.db.dialect.name == "sqlite" else {})
    factory = make_session_factory(many)

    def start_one(i: int) -> str:
        def work(session):
            return runtime.engine.start_case(session=session, process_id="wacht", gemeente="demo" if i % 2 else "andere",
                                             data={}, actor="test").case_number
        return run_in_transaction(factory, work)

    with ThreadPoolExecutor(max_workers=24) as pool:
        numbers = list(pool.map(start_one, range(200)))
    many.dispose()
    assert len(set(numbers)) == 200
    assert sorted(numbers) == [f"INB-2026-{n:06d}" for n in range(1, 201)]


def test_case_numbers_continue_after_the_highest_existing_one(runtime):
    with runtime.session_factory.begin() as session:
        runtime.engine.deploy(session=session, files=fixture_files("wacht.bpmn"), actor="test")
    first = start(runtime, process_id="wacht")
    with runtime.session_factory.begin() as session:  # a database from before the counter existed
        session.execute(update(Case).where(Case.id == first).values(case_number="INB-2026-000041"))
        session.execute(text("DELETE FROM case_counters"))
    second = start(runtime, process_id="wacht")
    with runtime.session_factory() as session:
        assert session.get(Case, second).case_number == "INB-2026-000042"


@pytest.fixture
def task_of_case(deployed):
    case_id = start(deployed, data={"datum_plicht": "2026-01-05", "consulent": "anna"})
    return case_id, open_tasks(deployed, case_id)[0].id


def test_simultaneous_claims_have_one_winner(deployed, task_of_case):
    _postgres_only(deployed)
    _case_id, task_id = task_of_case
    users = ["anna", "bert", "carl", "dina"]

    def claim(i: int) -> None:
        with deployed.session_factory.begin() as session:
            deployed.engine.claim_task(session=session, task_id=task_id, user=users[i], actor=users[i])

    _one_winner(_race(4, claim))
    with deployed.session_factory() as session:
        claims = session.execute(select(AuditEntry).where(AuditEntry.action == "claim")).scalars().all()
        assert len(claims) == 1 and open_tasks(deployed)[0].assignee == claims[0].actor


def test_reassign_and_unclaim_are_compare_and_set(deployed, task_of_case):
    _postgres_only(deployed)
    _case_id, task_id = task_of_case
    with deployed.session_factory.begin() as session:
        deployed.engine.claim_task(session=session, task_id=task_id, user="anna", actor="anna")

    def reassign(i: int) -> None:
        with deployed.session_factory.begin() as session:
            deployed.engine.claim_task(session=session, task_id=task_id, user=["bert", None][i], actor="tess",
                                       expected_assignee="anna")

    _one_winner(_race(2, reassign))
    assert open_tasks(deployed)[0].assignee in ("bert", None)


def test_claim_racing_a_completion_is_a_conflict_not_a_crash(deployed, task_of_case):
    _postgres_only(deployed)
    _case_id, task_id = task_of_case

    def work(i: int) -> None:
        with deployed.session_factory.begin() as session:
            if i == 0:
                deployed.engine.claim_task(session=session, task_id=task_id, user="bert", actor="bert")
                deployed.engine.complete_task(session=session, task_id=task_id, data={"leerroute": "B1"}, actor="bert")
            else:
                deployed.engine.claim_task(session=session, task_id=task_id, user="anna", actor="anna")
                deployed.engine.complete_task(session=session, task_id=task_id, data={"leerroute": "Z"}, actor="anna")

    for _ in range(3):
        case_id, task_id = start(deployed, data={"datum_plicht": "2026-01-05"}), None
        task_id = open_tasks(deployed, case_id)[0].id
        _one_winner(_race(2, work))


def test_two_retries_of_one_incident_run_the_step_once(deployed, letters, task_of_case):
    case_id, task_id = task_of_case
    letters.fail_with = "printer leeg"
    complete(deployed, task_id, {"leerroute": "Z"})
    letters.fail_with = None
    with deployed.session_factory() as session:
        incident_id = session.execute(select(Incident.id)).scalar_one()

    def retry(_i: int) -> None:
        with deployed.session_factory.begin() as session:
            deployed.engine.retry_incident(session=session, incident_id=incident_id, actor="beheerder")

    _one_winner(_race(2, retry))
    with deployed.session_factory() as session:
        assert len(session.execute(select(AuditEntry).where(AuditEntry.action == "retry")).all()) == 1
        assert len(session.execute(select(AuditEntry).where(AuditEntry.action == "service")).all()) == 1
    if deployed.db.dialect.name == "postgresql":  # the loser waited for the case lock and never ran the step
        assert [c[0] for c in letters.calls] == ["Task_Brief"]


def test_two_migrations_of_one_case_migrate_it_once(deployed, task_of_case):
    from tests.engine.conftest import FIXTURES

    case_id, _task_id = task_of_case
    changed = (FIXTURES / "basic.bpmn").read_text().replace('name="Nazorg', 'name="Nazorgcontact')
    with deployed.session_factory.begin() as session:
        deployed.engine.deploy(session=session, files=[("basic.bpmn", changed.encode()),
                                                       fixture_files("intake.form")[0]], actor="analist")
    results = []

    def migrate(_i: int) -> None:
        with deployed.session_factory.begin() as session:
            results.append(deployed.engine.migrate_case(session=session, case_id=case_id, actor="beheerder").migrated)

    outcomes = _race(2, migrate)
    assert all(o in ("ok", "conflict") for o in outcomes), outcomes
    assert results.count(True) == 1
    with deployed.session_factory() as session:
        migrations = session.execute(select(AuditEntry).where(AuditEntry.action == "migrate")).scalars().all()
        assert len(migrations) == 1


def test_one_message_delivered_many_times_at_once_is_processed_once(runtime):
    with runtime.session_factory.begin() as session:
        runtime.engine.deploy(session=session, files=fixture_files("send_receive.bpmn"), actor="test")
    case_id = start(runtime, process_id="send_receive")
    statuses = []

    def deliver(_i: int) -> None:
        def work(session):
            return runtime.engine.send_message(session=session, name="uren_gemeld", message_id="duo-42",
                                               actor="duo", case_id=case_id, payload={"uren_cursus": 10}).status
        statuses.append(run_in_transaction(runtime.session_factory, work))

    outcomes = _race(4, deliver)
    assert outcomes == ["ok"] * 4, outcomes
    assert sorted(statuses) == ["duplicate"] * 3 + ["processed"]
    with runtime.session_factory() as session:
        assert session.execute(select(Message)).scalars().one().status == "processed"
        assert len(session.execute(select(AuditEntry).where(AuditEntry.action == "message")).all()) == 1


def test_a_transaction_that_keeps_losing_becomes_a_conflict(runtime):
    class Lost(Exception):
        sqlstate = "40P01"

    attempts = []

    def work(_session):
        attempts.append(1)
        raise Lost("deadlock detected")

    assert is_retryable(Lost()) and not is_retryable(ValueError("40P01"))
    with pytest.raises(Contention) as info:
        run_in_transaction(runtime.session_factory, work, sleep=lambda _s: None)
    assert len(attempts) == 5 and info.value.status == 409
    with runtime.session_factory() as session:
        assert session.execute(select(WorkerHeartbeat)).first() is None
