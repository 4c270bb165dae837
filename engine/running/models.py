"""Tables of running cases beside the core ones: worker heartbeats and case-number counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base, UTCDateTime


class WorkerHeartbeat(Base):
    """One `regie worker` process: when it started, when it last finished a job, its last error.

    Times are wall-clock UTC (not the demo clock), so a health check can tell a stuck
    worker by the age of `last_heartbeat`. `last_error` names the kind of failure only,
    never personal data.
    """

    __tablename__ = "workers"
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_heartbeat: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    timers_fired: Mapped[int] = mapped_column(Integer, default=0)
    jobs_failed: Mapped[int] = mapped_column(Integer, default=0)


class CaseCounter(Base):
    """The last case number handed out for one prefix (`INB-2026`): locked while a case starts.

    Incrementing this row in the case's own transaction gives gap-free numbers that never
    collide, on SQLite and PostgreSQL alike (never `count(*) + 1`).
    """

    __tablename__ = "case_counters"
    prefix: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)
