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
from typing import TYPE_CHECKING, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from engine import audit
from engine.clock import DatabaseClock, use_clock
from engine.db.models import Timer
from engine.errors import Conflict
from engine.runner import timer_due

if TYPE_CHECKING:
    from engine.core import RegieEngine

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


def _next_due(session: Session, horizon: datetime, skip: set[int]) -> Timer | None:
    query = select(Timer).where(Timer.due_at <= horizon).order_by(Timer.due_at, Timer.id).limit(1)
    if skip:
        query = query.where(Timer.id.not_in(skip))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.execute(query).scalar_one_or_none()


def fire_one(engine: "RegieEngine", session: Session, timer: Timer, fire_at: datetime) -> list[FiredTimer]:
    """Fire every timer of the timer's case that is due at `fire_at` (caller commits)."""
    case = engine.lock_case(session, timer.case_id)
    workflow = engine.load(session, case)
    due_before = {}
    from SpiffWorkflow.util.task import TaskState

    for task in workflow.get_tasks(state=TaskState.WAITING):
        due = timer_due(task)
        if due is not None and due < fire_at:
            due_before[str(task.id)] = (task, due)
    runner = engine._runner(session, case, workflow, SYSTEM_ACTOR, fire_at)
    with use_clock(fire_at):
        workflow.refresh_timers()
    fired = []
    for tid, (task, due) in due_before.items():
        if not task.has_state(TaskState.WAITING):
            fired.append(FiredTimer(case.id, case.case_number, task.task_spec.bpmn_id, task.task_spec.bpmn_name,
                                    due, fire_at))
            audit.record(session=session, actor=SYSTEM_ACTOR, action="timer", at=fire_at, case=case,
                         element_id=task.task_spec.bpmn_id, detail={"task_id": tid, "due_at": due.isoformat()})
    engine._finish(runner)
    return fired


def fire_due_timers(
    engine: "RegieEngine",
    *,
    session_factory: sessionmaker,
    until: datetime | None = None,
    on_fired: Callable[[FiredTimer], None] | None = None,
    limit: int | None = None,
) -> list[FiredTimer]:
    """Fire due timers up to `until` (default: now), moving a database clock along in due order."""
    fired: list[FiredTimer] = []
    skip: set[int] = set()
    while limit is None or len(fired) < limit:
        batch: list[FiredTimer] = []
        with session_factory() as session:
            try:
                with session.begin():
                    now = engine.now(session)
                    horizon = until or now
                    timer = _next_due(session, horizon, skip)
                    if timer is None:
                        if until is not None and isinstance(engine.clock, DatabaseClock) and until > now:
                            engine.clock.set(session, until)
                        break
                    timer_id = timer.id
                    fire_at = max(now, timer.due_at + timedelta(seconds=1))
                    if until is not None and isinstance(engine.clock, DatabaseClock):
                        fire_at = min(fire_at, max(until, now))
                        engine.clock.set(session, max(fire_at, now))
                    batch = fire_one(engine, session, timer, fire_at)
            except (Conflict, StaleDataError):
                skip.add(timer_id)
                continue
            if not batch:
                skip.add(timer_id)
        for item in batch:
            fired.append(item)
            if on_fired is not None:
                on_fired(item)
    return fired
