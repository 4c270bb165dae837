"""Small helpers for engine tests."""

from __future__ import annotations

from sqlalchemy import select

from engine.db.models import Case, UserTask


def start(rt, *, process_id: str = "basic", data: dict | None = None, gemeente: str = "demo") -> str:
    """Start a case in its own transaction and return its id."""
    with rt.session_factory.begin() as session:
        case = rt.engine.start_case(session=session, process_id=process_id, gemeente=gemeente,
                                    data=data or {}, actor="test")
        return case.id


def open_tasks(rt, case_id: str | None = None) -> list[UserTask]:
    """Return the open user-task rows (of one case when given)."""
    with rt.session_factory() as session:
        query = select(UserTask)
        if case_id:
            query = query.where(UserTask.case_id == case_id)
        return list(session.execute(query.order_by(UserTask.created_at)).scalars())


def complete(rt, task_id: str, data: dict, actor: str = "anna") -> Case:
    """Complete a task in its own transaction."""
    with rt.session_factory.begin() as session:
        return rt.engine.complete_task(session=session, task_id=task_id, data=data, actor=actor)


def case_row(rt, case_id: str) -> Case:
    """Return a fresh copy of the case row."""
    with rt.session_factory() as session:
        return session.get(Case, case_id)
