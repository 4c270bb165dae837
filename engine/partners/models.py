"""Tables of the partner portal: hours and attendance per week and module, signals, DUO's hours."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base, UTCDateTime


class PartnerUren(Base):
    """Hours a provider registered for one person, one week (its Monday) and one module, with the
    attendance of that week and a progress note. Registering the same week and module again
    corrects the row (the audit log keeps what it was)."""

    __tablename__ = "partner_uren"
    __table_args__ = (
        UniqueConstraint("case_id", "organisation", "week", "module"),
        Index("ix_partner_uren_org_week", "gemeente", "organisation", "week"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    gemeente: Mapped[str] = mapped_column(String(32))
    organisation: Mapped[str] = mapped_column(String(100))
    week: Mapped[date] = mapped_column(Date)  # the Monday of the ISO week
    module: Mapped[str] = mapped_column(String(20))
    uren: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    sessies_gepland: Mapped[int] = mapped_column(Integer, default=0)
    sessies_aanwezig: Mapped[int] = mapped_column(Integer, default=0)
    notitie: Mapped[str] = mapped_column(Text, default="")
    geregistreerd_door: Mapped[str] = mapped_column(String(100))
    geregistreerd_op: Mapped[datetime] = mapped_column(UTCDateTime)
    bericht: Mapped[str] = mapped_column(String(20), default="")  # what uren_gemeld did: processed | refused


class PartnerUrenBasis(Base):
    """The hours the case already had when a provider first registered hours (typed by the
    klantmanager, or carried over): the portal adds its hours to these, never replaces them."""

    __tablename__ = "partner_uren_basis"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    uren_cursus: Mapped[Decimal] = mapped_column(Numeric(7, 1))
    uren_participatie: Mapped[Decimal] = mapped_column(Numeric(7, 1))
    vastgelegd_op: Mapped[datetime] = mapped_column(UTCDateTime)


class PartnerSignaal(Base):
    """A signal from a partner about a person (absence, concern, ready for the exam, other); it
    became a task for the klantmanager in the `partner_signaal` case named here."""

    __tablename__ = "partner_signalen"
    __table_args__ = (Index("ix_partner_signalen_org_at", "gemeente", "organisation", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    gemeente: Mapped[str] = mapped_column(String(32))
    organisation: Mapped[str] = mapped_column(String(100))
    categorie: Mapped[str] = mapped_column(String(30))
    tekst: Mapped[str] = mapped_column(Text)
    signaal_case_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DuoUrenStand(Base):
    """DUO's GevolgdeUren for a person as fetched at one moment, per gemeente (DUO's own figures)."""

    __tablename__ = "partner_duo_uren"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    gemeente: Mapped[str] = mapped_column(String(32))
    opgehaald_op: Mapped[datetime] = mapped_column(UTCDateTime)
    opgehaald_door: Mapped[str] = mapped_column(String(100))
    uren_cursus: Mapped[int | None] = mapped_column(Integer, nullable=True)
    uren_participatie: Mapped[int | None] = mapped_column(Integer, nullable=True)
    per_gemeente: Mapped[list] = mapped_column(JSON, default=list)
    fout: Mapped[str] = mapped_column(String(300), default="")
