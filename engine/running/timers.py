"""Firing due timers: in due-time order across cases, each exactly once.

Each timer fires in its own transaction, under the case's lock. Several workers
may run this at once against PostgreSQL: the timer row is claimed with
`FOR UPDATE SKIP LOCKED`, the case row is locked, and the case is reloaded before
firing, so a timer another worker already fired is simply no longer due. On
SQLite the case's version column gives the same guarantee (a second writer gets
a conflict and its transaction is rolled back).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from engine import audit
from engine.clock import DatabaseClock, use_clock
from engine.db.models import Timer
from engine.errors import Conflict
from engine.running.runner import CaseStepper

SYSTEM_ACTOR = "systeem:timer"


@dataclass(frozen=True)
class FiredTimer:
    """One timer that fired."""

    case_id: str
    case_number: str
    element_id: str
    name: str | None
    due_at: datetime
    fired_at: datetime


BATCH = 100


def _claim(session: Session, timer_id: int) -> bool:
    """Claim one timer row for this transaction (PostgreSQL: skip it if another worker holds it).

    SQLite has one writer at a time and the case's version column refuses a second
    firing, so there is nothing to claim there.
    """
    if session.get_bind().dialect.name != "postgresql":
        return True
    query = select(Timer.id).where(Timer.id == timer_id).with_for_update(skip_locked=True)
    return session.execute(query).scalar_one_or_none() is not None


def fire_one(engine: "CaseStepper", session: Session, case_id: str, fire_at: datetime) -> tuple[list[FiredTimer], datetime | None]:
    """Fire every timer of a case that is due at `fire_at` (caller commits).

    Returns what fired and when the case's next timer is due.
    """
    from SpiffWorkflow.util.task import TaskState

    case = engine.lock_case(session, case_id)
    workflow = engine.load(session, case)
    runner = engine.open_runner(session, case, workflow, SYSTEM_ACTOR, fire_at)
    due_before = {tid: (workflow.get_task_from_id(UUID(tid)), due)
                  for tid, (_element, _name, due) in runner.timers_before.items() if due < fire_at}
    with use_clock(fire_at):
        workflow.refresh_timers()
    fired = []
    for tid, (task, due) in due_before.items():
        if not task.has_state(TaskState.WAITING):
            fired.append(FiredTimer(case.id, case.case_number, task.task_spec.bpmn_id, task.task_spec.bpmn_name,
                                    due, fire_at))
            audit.record(session=session, actor=SYSTEM_ACTOR, action="timer", at=fire_at, case=case,
                         element_id=task.task_spec.bpmn_id, detail={"task_id": tid, "due_at": due.isoformat()})
    engine.finish(runner)
    upcoming = [due for (_e, _n, due) in runner._waiting_timers().values()]
    return fired, min(upcoming) if upcoming else None


def fire_due_timers(
    engine: "CaseStepper",
    *,
    session_factory: sessionmaker,
    until: datetime | None = None,
    on_fired: Callable[[FiredTimer], None] | None = None,
    limit: int | None = None,
) -> list[FiredTimer]:
    """Fire due timers up to `until` (default: now) in due order, one transaction per case.

    With a database clock and `until`, the clock moves along with the timers and ends
    at `until`. Due timers are read in batches; a batch is cut short when a firing
    creates a timer due before the batch's next one, so the order holds across cases.
    """
    fired: list[FiredTimer] = []
    skip: set[int] = set()
    moving_clock = until is not None and isinstance(engine.clock, DatabaseClock)
    while limit is None or len(fired) < limit:
        with session_factory() as session:
            now = engine.now(session)
            horizon = until or now
            query = select(Timer.id, Timer.case_id, Timer.due_at).where(Timer.due_at <= horizon)
            if skip:
                query = query.where(Timer.id.not_in(skip))
            rows = session.execute(query.order_by(Timer.due_at, Timer.id).limit(BATCH)).all()
        if not rows:
            break
        fire_at = now
        done_cases: set[str] = set()
        earliest_new: datetime | None = None
        for timer_id, case_id, due_at in rows:
            if case_id in done_cases:
                continue
            if earliest_new is not None and earliest_new < due_at:
                break  # a case fired in this batch has a timer due before this one: read again
            # SpiffWorkflow fires a timer only when its due time lies strictly before now.
            fire_at = max(now, due_at + timedelta(microseconds=1))
            try:
                with session_factory.begin() as session:
                    if not _claim(session, timer_id):
                        continue
                    batch, next_due = fire_one(engine, session, case_id, fire_at)
            except (Conflict, StaleDataError):
                skip.add(timer_id)
                continue
            done_cases.add(case_id)
            if not batch:
                skip.add(timer_id)
            for item in batch:
                fired.append(item)
                if on_fired is not None:
                    on_fired(item)
            if next_due is not None and (earliest_new is None or next_due < earliest_new):
                earliest_new = next_due
            if limit is not None and len(fired) >= limit:
                break
        if moving_clock:
            with session_factory.begin() as session:
                engine.clock.set(session, max(fire_at, engine.now(session)))
    if moving_clock:
        with session_factory.begin() as session:
            if until > engine.now(session):
                engine.clock.set(session, until)
    return fired
