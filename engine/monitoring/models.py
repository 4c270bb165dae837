"""The monitoring facts: one row per case, one row per event, client satisfaction answers.

`case_id` carries no foreign key on purpose: clearly marked synthetic history
(`synthetisch`) can be loaded without case rows, and facts outlive a deleted case.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base, UTCDateTime


class MonitoringCase(Base):
    """One inburgeraar's dimensions and milestones, rewritten on every save of the case."""

    __tablename__ = "monitoring_cases"
    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    gemeente: Mapped[str] = mapped_column(String(32))
    case_number: Mapped[str] = mapped_column(String(40))
    doelgroep: Mapped[str | None] = mapped_column(String(40), nullable=True)
    leerroute: Mapped[str | None] = mapped_column(String(20), nullable=True)
    eerste_leerroute: Mapped[str | None] = mapped_column(String(20), nullable=True)
    consulent: Mapped[str | None] = mapped_column(String(100), nullable=True)
    tolk_nodig: Mapped[bool] = mapped_column(Boolean, default=False)
    bijstand: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    datum_plicht: Mapped[date | None] = mapped_column(Date, nullable=True)
    pip_deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    pip_dagtekening: Mapped[date | None] = mapped_column(Date, nullable=True)
    termijn_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    examen_behaald: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    examen_datum: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    einde_reden: Mapped[str | None] = mapped_column(String(100), nullable=True)
    synthetisch: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        # Covering indexes: each dashboard query over cases reads one index range, never the rows.
        Index("ix_monitoring_cases_gemeente_started", "gemeente", "started_at", "doelgroep", "leerroute",
              "consulent", "ended_at"),
        Index("ix_monitoring_cases_gemeente_status", "gemeente", "status"),
        Index("ix_monitoring_cases_gemeente_pip", "gemeente", "pip_dagtekening", "doelgroep", "pip_deadline",
              "datum_plicht", "leerroute", "consulent"),
        Index("ix_monitoring_cases_gemeente_ended", "gemeente", "ended_at", "leerroute", "termijn_start",
              "doelgroep", "consulent"),
        Index("ix_monitoring_cases_gemeente_examen", "gemeente", "examen_datum", "leerroute", "examen_behaald",
              "doelgroep", "consulent"),
    )


class MonitoringEvent(Base):
    """One thing that happened in a case: a task done, a letter made, an end reached, a fine, a route."""

    __tablename__ = "monitoring_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    gemeente: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(20))  # taak | brief | dienst | einde | boete | leerroute
    # The case's dimensions at the time of the event, so a filtered count needs no join.
    doelgroep: Mapped[str | None] = mapped_column(String(40), nullable=True)
    leerroute: Mapped[str | None] = mapped_column(String(20), nullable=True)
    consulent: Mapped[str | None] = mapped_column(String(100), nullable=True)
    element_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    detail: Mapped[str | None] = mapped_column(String(100), nullable=True)
    bedrag: Mapped[int | None] = mapped_column(Integer, nullable=True)  # whole euros (fines)
    actor: Mapped[str | None] = mapped_column(String(100), nullable=True)
    synthetisch: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_monitoring_events_gemeente_kind_at", "gemeente", "kind", "at"),
        Index("ix_monitoring_events_gemeente_element_at", "gemeente", "element_id", "at"),
    )


class MonitoringMonth(Base):
    """Events counted per month and dimension, kept up to date as events are written.

    The dashboard's event figures read these few rows instead of scanning millions of
    events; empty strings stand for "none" so the unique key (and the upsert on it) works
    on SQLite and PostgreSQL alike.
    """

    __tablename__ = "monitoring_maand"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    gemeente: Mapped[str] = mapped_column(String(32))
    maand: Mapped[str] = mapped_column(String(7))  # YYYY-MM (UTC)
    kind: Mapped[str] = mapped_column(String(20))
    element_id: Mapped[str] = mapped_column(String(100), default="")
    detail: Mapped[str] = mapped_column(String(100), default="")
    doelgroep: Mapped[str] = mapped_column(String(40), default="")
    leerroute: Mapped[str] = mapped_column(String(20), default="")
    consulent: Mapped[str] = mapped_column(String(100), default="")
    aantal: Mapped[int] = mapped_column(Integer, default=0)
    bedrag: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        UniqueConstraint("gemeente", "maand", "kind", "element_id", "detail", "doelgroep", "leerroute", "consulent",
                         name="uq_monitoring_maand_key"),
    )


class Tevredenheid(Base):
    """One filled-in client satisfaction questionnaire (form `tevredenheid` in forms/)."""

    __tablename__ = "monitoring_tevredenheid"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    gemeente: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    onderdeel: Mapped[str] = mapped_column(String(40))  # maatschappelijke_begeleiding | map | pvt
    score: Mapped[int] = mapped_column(Integer)  # 1..5
    antwoorden: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ingevuld_door: Mapped[str] = mapped_column(String(100))
    synthetisch: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_monitoring_tevredenheid_gemeente_at", "gemeente", "at", "onderdeel", "score"),)
