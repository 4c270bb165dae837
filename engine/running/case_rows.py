"""The rows a saved case keeps beside its state: open user tasks, candidates, timers, the case row."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Any

from sqlalchemy import bindparam, delete, insert, update
from sqlalchemy.orm import Session

from engine.bpmn.scripting import LOCAL_TZ
from engine.db.models import Case, TaskCandidate, Timer, UserTask

SUMMARY_FIELDS = ("bsn", "naam", "doelgroep", "leerroute")

# Statements built once: building and keying a statement costs more than running it on SQLite.
DELETE_TASKS = delete(UserTask.__table__).where(UserTask.__table__.c.id.in_(bindparam("ids", expanding=True)))
INSERT_TASK = insert(UserTask.__table__)
INSERT_CANDIDATE = insert(TaskCandidate.__table__)
DELETE_TIMERS = delete(Timer.__table__).where(Timer.__table__.c.case_id == bindparam("case"))
INSERT_TIMER = insert(Timer.__table__)
_CASES = Case.__table__
_UPDATE_CASE = (
    update(_CASES)
    .where(_CASES.c.id == bindparam("_id"), _CASES.c.version == bindparam("_version"))
    .values({name: bindparam(name) for name in
             ("state", "state_format", "updated_at", "version", "status", *SUMMARY_FIELDS)})
)


def to_datetime(value: Any, *, end_of_day: bool, created: datetime | None = None) -> datetime | None:
    """Turn an expression result (date, datetime, ISO string) into an aware datetime.

    A bare ISO 8601 duration (`P5D`, `PT4H`) counts from `created`, the moment the task
    was created (Camunda 7 would ignore it; an analyst who writes it means "5 days later").
    """
    if value is None or value == "":
        return None
    if isinstance(value, str) and created is not None and value.strip().upper().startswith("P"):
        from engine.expressions.temporal import parse_duration

        try:
            return parse_duration(value.strip()).add_to(created)
        except ValueError:
            return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)
    if isinstance(value, date):
        moment = time(23, 59, 59) if end_of_day else time(0, 0)
        return datetime.combine(value, moment, LOCAL_TZ).astimezone(timezone.utc)
    return None


def split_names(value: Any) -> list[str]:
    """Turn 'a, b' or a list into a list of names (candidate groups and users)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value).split(",") if v.strip()]


def write_case(session: Session, case: Case, values: dict[str, Any]) -> None:
    """Update a case row only if nobody changed it since it was read (its version), else StaleDataError.

    One plain UPDATE ... WHERE version = <read version>; the object then holds the
    written values as committed state, so the unit of work does not write it again.
    """
    from sqlalchemy.orm.attributes import set_committed_value
    from sqlalchemy.orm.exc import StaleDataError

    if case in session.dirty:
        session.flush()
    values = {**values, "version": case.version + 1}
    for name in SUMMARY_FIELDS + ("status",):
        values.setdefault(name, getattr(case, name))
    result = session.connection().execute(_UPDATE_CASE, {**values, "_id": case.id, "_version": case.version})
    if result.rowcount != 1:
        raise StaleDataError(f"case {case.id} was changed by someone else")
    for key, value in values.items():
        set_committed_value(case, key, value)
