"""After a load test: every case's state agrees with its rows, nothing is stuck, no letter is double."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.bpmn.tasktree import all_tasks, is_user_task, timer_due
from engine.db.models import Case, Incident, Job, Timer, UserTask
from engine.letters.models import Letter
from engine.running.core import RegieEngine
from engine.running.messages import waiting_message_names


def check_cases(session: Session, engine: RegieEngine) -> tuple[int, list[str]]:
    """Return (cases checked, problems found); a problem names the case number and what is wrong."""
    problems: list[str] = []
    now = engine.now(session)
    rows = {case_id: set() for case_id in session.scalars(select(Case.id))}
    for case_id, task_id in session.execute(select(UserTask.case_id, UserTask.id)):
        rows[case_id].add(task_id)
    timer_rows: dict[str, set[str]] = {case_id: set() for case_id in rows}
    for case_id, task_id, due_at in session.execute(select(Timer.case_id, Timer.task_id, Timer.due_at)):
        timer_rows[case_id].add(task_id)
        if due_at < now - timedelta(minutes=1):
            problems.append(f"case {case_id}: a timer due {due_at:%Y-%m-%d %H:%M} never fired")
    blocked = set(session.scalars(select(Incident.case_id).where(Incident.resolved_at.is_(None))))
    blocked |= set(session.scalars(select(Job.case_id).where(Job.status == "waiting")))
    for case in session.scalars(select(Case)):
        workflow = engine.load(session, case)
        tasks = all_tasks(workflow)
        ready = {str(t.id) for t in tasks if t.state == TaskState.READY and is_user_task(t)}
        waiting = {str(t.id) for t in tasks if t.state == TaskState.WAITING and timer_due(t) is not None}
        label = case.case_number
        if ready != rows[case.id]:
            problems.append(f"{label}: open user tasks {sorted(ready)} but task rows {sorted(rows[case.id])}")
        if waiting != timer_rows[case.id]:
            problems.append(f"{label}: waiting timers {sorted(waiting)} but timer rows {sorted(timer_rows[case.id])}")
        if workflow.completed and case.status == "active":
            problems.append(f"{label}: the process ended but the case is still active")
        if case.status == "active" and not workflow.completed and not ready and not waiting \
                and case.id not in blocked and not waiting_message_names(workflow):
            problems.append(f"{label}: stuck (no task, timer, message, job or incident to move it on)")
    # A sent-back letter, and a version replaced when its beschikking was re-dated on the day it was
    # sent (engine/letters/sending.py), stay in the archive; only one letter per step may count.
    doubles = session.execute(
        select(Letter.case_id, Letter.task_id, func.count()).where(Letter.status.not_in(("afgekeurd", "vervangen")))
        .group_by(Letter.case_id, Letter.task_id).having(func.count() > 1)).all()
    problems.extend(f"case {case_id}: {n} letters for one step ({task_id})" for case_id, task_id, n in doubles)
    return len(rows), problems


def letter_count(session: Session) -> Counter:
    """Return how many letters there are per status."""
    return Counter(dict(session.execute(select(Letter.status, func.count()).group_by(Letter.status)).all()))
