"""Timers fire only when the clock passes them, in due order, exactly once."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from engine.db.models import AuditEntry, Timer
from tests.conftest import T0

from .helpers import complete, open_tasks, start


def _to_timer(rt) -> str:
    case_id = start(rt, data={"datum_plicht": "2026-01-05", "consulent": "anna"})
    complete(rt, open_tasks(rt, case_id)[0].id, {"leerroute": "Z"})
    return case_id


def _timer_due(rt, case_id):
    with rt.session_factory() as session:
        return session.execute(select(Timer.due_at).where(Timer.case_id == case_id)).scalar_one()


def test_timer_fires_only_after_the_clock_passes_it(deployed):
    case_id = _to_timer(deployed)
    due = _timer_due(deployed, case_id)
    assert due == T0 + (due - T0) and due.date().isoformat() == "2026-07-05"
    assert deployed.engine.fire_due_timers(session_factory=deployed.session_factory,
                                           until=due - timedelta(minutes=1)) == []
    assert open_tasks(deployed, case_id) == []
    fired = deployed.engine.fire_due_timers(session_factory=deployed.session_factory, until=due + timedelta(days=1))
    assert [f.element_id for f in fired] == ["Timer_Wacht"]
    assert [t.element_id for t in open_tasks(deployed, case_id)] == ["Task_Nazorg"]
    with deployed.session_factory() as session:
        assert deployed.clock.now(session) == due + timedelta(days=1)


def test_timers_fire_in_due_order_across_cases(deployed):
    first = _to_timer(deployed)
    with deployed.session_factory.begin() as session:
        deployed.clock.set(session, T0 + timedelta(days=3))
    second = _to_timer(deployed)
    fired = deployed.engine.fire_due_timers(session_factory=deployed.session_factory, until=T0 + timedelta(days=400))
    assert [f.case_id for f in fired] == [first, second]
    assert fired[0].fired_at < fired[1].fired_at


def test_two_workers_fire_each_due_timer_exactly_once(deployed):
    cases = [_to_timer(deployed) for _ in range(6)]
    with deployed.session_factory.begin() as session:
        deployed.clock.set(session, T0 + timedelta(days=365))
    results, errors = [], []

    def work():
        try:
            results.extend(deployed.engine.fire_due_timers(session_factory=deployed.session_factory))
        except Exception as exc:  # a worker crash is a test failure, reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    with deployed.session_factory() as session:
        fired = session.execute(select(AuditEntry.case_id).where(AuditEntry.action == "timer")).scalars().all()
        assert sorted(fired) == sorted(cases)
        assert session.execute(select(Timer)).scalars().all() == []
    assert sorted(r.case_id for r in results) == sorted(cases)
    for case_id in cases:
        assert [t.element_id for t in open_tasks(deployed, case_id)] == ["Task_Nazorg"]


def test_advancing_to_exactly_the_due_time_fires_the_timer(deployed):
    case_id = _to_timer(deployed)
    due = _timer_due(deployed, case_id)
    fired = deployed.engine.fire_due_timers(session_factory=deployed.session_factory, until=due)
    assert [f.element_id for f in fired] == ["Timer_Wacht"]
    with deployed.session_factory() as session:
        assert deployed.clock.now(session) >= due
