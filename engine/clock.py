"""One clock for the whole engine, SpiffWorkflow's timers included.

Production uses real time. Demo and test databases use a clock stored in the
database that `regie advance` moves. SpiffWorkflow reads "now" inside its timer
module through `datetime.now(timezone.utc)`; we replace that module's `datetime`
with a subclass whose `now()` returns the time of the clock that is active in the
current context (`use_clock`), so nothing in Spiff reads the wall clock behind our back.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Iterator, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import ClockSetting

# One clock read per transaction (a request, a CLI call, a worker job): (transaction, now).
_NOW_KEY = "regie_clock_now"
_active_now: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("regie_now", default=None)


class Clock(Protocol):
    """What the engine needs of a clock."""

    def now(self, session: Session) -> datetime:
        """Return the current time (aware, UTC)."""
        ...


class SystemClock:
    """Real time, for production."""

    def now(self, session: Session) -> datetime:
        """Return the wall-clock time in UTC."""
        return datetime.now(timezone.utc)


class DatabaseClock:
    """A settable clock kept in the `clock` table; starts at real time when unset."""

    def now(self, session: Session) -> datetime:
        """Return the stored time, or the wall-clock time when none was set (read once per transaction)."""
        transaction = session.get_transaction()
        known = session.info.get(_NOW_KEY)
        if known is not None and transaction is not None and known[0] is transaction:
            return known[1]
        row = session.execute(select(ClockSetting.now).where(ClockSetting.id == 1)).scalar_one_or_none()
        now = row if row is not None else datetime.now(timezone.utc)
        session.info[_NOW_KEY] = (session.get_transaction(), now)
        return now

    def set(self, session: Session, when: datetime) -> None:
        """Move the clock to `when` (forwards or backwards)."""
        if when.tzinfo is None:
            raise ValueError("the clock needs an aware datetime")
        row = session.get(ClockSetting, 1)
        if row is None:
            session.add(ClockSetting(id=1, now=when))
        else:
            row.now = when
        session.flush()
        session.info[_NOW_KEY] = (session.get_transaction(), when)


class _SpiffDatetime(datetime):
    """`datetime` as seen by SpiffWorkflow's timer module: now() follows our clock."""

    @classmethod
    def now(cls, tz=None):  # noqa: D102 - mirrors datetime.now
        current = _active_now.get()
        if current is None:
            return datetime.now(tz)
        return current.astimezone(tz) if tz is not None else current.replace(tzinfo=None)


def install_spiff_clock() -> None:
    """Point SpiffWorkflow's timer module at the context clock (idempotent)."""
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    timer.datetime = _SpiffDatetime


@contextmanager
def use_clock(now: datetime) -> Iterator[None]:
    """Make `now` the time SpiffWorkflow sees inside the block."""
    token = _active_now.set(now)
    try:
        yield
    finally:
        _active_now.reset(token)


def current_now() -> datetime:
    """Return the time of the active clock context, or the wall clock outside one."""
    current = _active_now.get()
    return current if current is not None else datetime.now(timezone.utc)
