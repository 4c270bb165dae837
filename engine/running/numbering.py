"""Case numbers: `INB-<year>-<number>`, from a counter row locked in the starting case's transaction."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from engine.db.models import Case
from engine.running.models import CaseCounter

_INSERTS = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def next_case_number(session: Session, year: int) -> str:
    """Hand out the next case number of `year`; concurrent starts wait for each other's counter row.

    The counter row is created on first use, from the highest number already given out
    that year (a database from before the counter keeps counting where it was).
    """
    prefix = f"INB-{year}"
    number = _increment(session, prefix)
    if number is None:
        highest = session.execute(
            select(func.max(Case.case_number)).where(Case.case_number.like(f"{prefix}-%"))).scalar()
        start = int(highest.rsplit("-", 1)[1]) if highest else 0
        insert = _INSERTS[session.get_bind().dialect.name]
        session.execute(insert(CaseCounter).values(prefix=prefix, last_number=start).on_conflict_do_nothing())
        number = _increment(session, prefix)
    return f"{prefix}-{number:06d}"


def _increment(session: Session, prefix: str) -> int | None:
    """Add one to the counter (locking its row until commit); None when it does not exist yet."""
    return session.execute(
        update(CaseCounter).where(CaseCounter.prefix == prefix)
        .values(last_number=CaseCounter.last_number + 1).returning(CaseCounter.last_number)
    ).scalar_one_or_none()
