"""Firing due timers: in due-time order across cases, each exactly once.

Each case's due timers fire in one transaction, under the case's lock. Several workers
may run this at once against PostgreSQL: the case row is claimed first with
`FOR UPDATE SKIP LOCKED` (the one lock order: case row, then its rows), and the case is
reloaded before firing, so a timer another worker already fired is simply no longer
due. On SQLite the case's version column gives the same guarantee (a second writer gets
a conflict and its transaction is rolled back). A firing that fails for any other
reason becomes an incident on its case and the sweep goes on with the other cases.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from engine import audit
from engine.clock import DatabaseClock, use_clock
from engine.db.models import Case, Incident, Timer
from engine.errors import Conflict
from engine.running.runner import CaseStepper, mask_bsn
from engine.running.transactions import describe, run_in_transaction

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
TIMER_INCIDENT = "timer"
# A case whose timer failed waits for a beheerder (retrying the incident) instead of failing every sweep.
_CASES_WITH_TIMER_INCIDENT = (select(Incident.case_id)
                              .where(Incident.kind == TIMER_INCIDENT, Incident.resolved_at.is_(None)))
log = logging.getLogger("regie.timers")


def _claim_case(session: Session, case_id: str) -> bool:
    """Lock the case whose timer is due, or skip it while another transaction holds it.

    The lock order is the case row first, then its timer rows (which the firing rewrites),
    the same order every web request follows. A worker never locks a timer row first:
    a worker holding a timer while waiting for its case, beside a request holding the
    case while deleting that timer, was a deadlock. On PostgreSQL a case another worker
    or request holds is skipped (`SKIP LOCKED`) and its timers come round again in the
    next sweep; SQLite has one writer at a time and the case's version column refuses
    a second firing.
    """
    if session.get_bind().dialect.name != "postgresql":
        return True
    query = select(Case.id).where(Case.id == case_id).with_for_update(skip_locked=True)
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


def _fire_if_free(engine: "CaseStepper", session: Session, case_id: str,
                  fire_at: datetime) -> tuple[list[FiredTimer], datetime | None] | None:
    """Fire the case's due timers, or return None when another transaction holds the case."""
    if not _claim_case(session, case_id):
        return None
    return fire_one(engine, session, case_id, fire_at)


def _record_failure(engine: "CaseStepper", session_factory: sessionmaker, case_id: str, exc: Exception) -> None:
    """Log a failed firing without personal data and make it an incident on the case."""
    log.error("firing a timer of case %s failed: %s", case_id, describe(exc))
    message = mask_bsn(f"Timer kon niet afgaan: {type(exc).__name__}: {exc}")[:1000]

    def note(session: Session) -> None:
        case = session.get(Case, case_id)
        if case is None:
            return
        now = engine.now(session)
        session.add(Incident(case_id=case.id, gemeente=case.gemeente, kind=TIMER_INCIDENT, message=message,
                             created_at=now))
        audit.record(session=session, actor=SYSTEM_ACTOR, action="incident", at=now, case=case,
                     detail={"kind": TIMER_INCIDENT, "error": type(exc).__name__})

    try:
        run_in_transaction(session_factory, note)
    except Exception as second:  # the database itself is failing; the worker's round reports it
        log.error("recording the incident of case %s failed: %s", case_id, describe(second))


def fire_due_timers(
    engine: "CaseStepper",
    *,
    session_factory: sessionmaker,
    until: datetime | None = None,
    on_fired: Callable[[FiredTimer], None] | None = None,
    limit: int | None = None,
    on_failed: Callable[[str, Exception], None] | None = None,
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
            query = query.where(Timer.case_id.not_in(_CASES_WITH_TIMER_INCIDENT))
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
                outcome = run_in_transaction(
                    session_factory, lambda session: _fire_if_free(engine, session, case_id, fire_at))
            except (Conflict, StaleDataError):
                skip.add(timer_id)  # someone else changed the case first; the next sweep looks again
                continue
            except Exception as exc:  # one case's failure must not stop the others' timers
                _record_failure(engine, session_factory, case_id, exc)
                if on_failed is not None:
                    on_failed(case_id, exc)
                skip.add(timer_id)
                continue
            if outcome is None:
                skip.add(timer_id)  # the case is busy (another worker or a request); next sweep
                continue
            batch, next_due = outcome
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
