"""Tables of the brugklas: a cohort, its sessions, who is placed in it, and who attended."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base, UTCDateTime


class BrugklasCohort(Base):
    """One brugklas group: a start and end date, a place and a number of seats."""

    __tablename__ = "brugklas_cohorten"
    __table_args__ = (Index("ix_brugklas_cohorten_start", "gemeente", "start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    gemeente: Mapped[str] = mapped_column(ForeignKey("gemeenten.code"))
    naam: Mapped[str] = mapped_column(String(100))
    start: Mapped[date] = mapped_column(Date)
    eind: Mapped[date] = mapped_column(Date)
    capaciteit: Mapped[int] = mapped_column(Integer)
    locatie: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))

    sessies: Mapped[list["CohortSessie"]] = relationship(order_by="CohortSessie.datum", cascade="all, delete-orphan")
    plaatsingen: Mapped[list["CohortPlaatsing"]] = relationship(order_by="CohortPlaatsing.id", cascade="all, delete-orphan")


class CohortSessie(Base):
    """A meeting of a cohort (a lesson, the voorlichting, a PVT workshop)."""

    __tablename__ = "brugklas_sessies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("brugklas_cohorten.id", ondelete="CASCADE"), index=True)
    datum: Mapped[date] = mapped_column(Date)
    tijd: Mapped[str] = mapped_column(String(5), default="")
    onderwerp: Mapped[str] = mapped_column(String(200))


class CohortPlaatsing(Base):
    """A case placed in a cohort; one placement per case and cohort."""

    __tablename__ = "brugklas_plaatsingen"
    __table_args__ = (UniqueConstraint("cohort_id", "case_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("brugklas_cohorten.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    geplaatst_op: Mapped[datetime] = mapped_column(UTCDateTime)
    geplaatst_door: Mapped[str] = mapped_column(String(100))
    toelichting: Mapped[str] = mapped_column(Text, default="")


class CohortAanwezigheid(Base):
    """Whether a placed person attended a session (registered by a consulent or the provider)."""

    __tablename__ = "brugklas_aanwezigheid"
    __table_args__ = (UniqueConstraint("sessie_id", "case_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sessie_id: Mapped[int] = mapped_column(ForeignKey("brugklas_sessies.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    aanwezig: Mapped[bool] = mapped_column(Boolean)
    geregistreerd_op: Mapped[datetime] = mapped_column(UTCDateTime)
    geregistreerd_door: Mapped[str] = mapped_column(String(100))
