"""The beschikking rows: one per sent beschikking, with what happened to it in bezwaar and beroep."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base, UTCDateTime

UITKOMSTEN = ("gegrond", "ongegrond", "niet_ontvankelijk")


class Beschikking(Base):
    """A sent beschikking (Awb 1:3): the facts its legal status is computed from."""

    __tablename__ = "beschikkingen"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    gemeente: Mapped[str] = mapped_column(String(32))
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), unique=True)
    soort: Mapped[str] = mapped_column(String(100))
    verzonden_op: Mapped[date] = mapped_column(Date)
    bezwaar_uiterlijk: Mapped[date] = mapped_column(Date)
    bezwaar_case_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    bezwaar_ontvangen_op: Mapped[date | None] = mapped_column(Date, nullable=True)
    bezwaar_uitkomst: Mapped[str | None] = mapped_column(String(20), nullable=True)
    bezwaar_beslist_op: Mapped[date | None] = mapped_column(Date, nullable=True)
    beroep_ingesteld_op: Mapped[date | None] = mapped_column(Date, nullable=True)
    beroep_uitkomst: Mapped[str | None] = mapped_column(String(20), nullable=True)
    beroep_uitspraak_op: Mapped[date | None] = mapped_column(Date, nullable=True)
    herroepen_op: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
