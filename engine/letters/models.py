"""The letter archive: every letter exactly as it was rendered, with how it was made.

A letter's DOCX bytes, their hash, the template version and the data snapshot are
written once; assigning them again raises (no code path can change an archived
letter). The PDF/A is derived from the DOCX and may be added later, once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, validates

from engine.db.base import Base, UTCDateTime
from engine.letters.languages import NO_SUMMARY, language_name

STATUSES = ("concept", "ter_controle", "goedgekeurd", "afgekeurd", "verzonden", "vervangen")
KANALEN = ("post", "digitaal")
WRITE_ONCE = ("docx", "docx_sha256", "template", "template_version", "data", "kenmerk", "pdf", "pdf_sha256")


class ArchivedLetterError(Exception):
    """Raised when code tries to change what an archived letter holds."""


class Letter(Base):
    """One rendered letter of a case, archived unchanged (Besluit 9.9: kept 5 years after the plicht)."""

    __tablename__ = "letters"
    __table_args__ = (
        UniqueConstraint("case_id", "sequence"),
        Index("ix_letters_print", "gemeente", "kanaal", "status", "approved_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    gemeente: Mapped[str] = mapped_column(String(32))
    sequence: Mapped[int] = mapped_column(Integer)
    kenmerk: Mapped[str] = mapped_column(String(60))
    template: Mapped[str] = mapped_column(String(100))
    template_version: Mapped[str] = mapped_column(String(64))
    part_versions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    beschikking: Mapped[bool] = mapped_column(default=False)
    dagtekening: Mapped[date] = mapped_column(Date)
    taal: Mapped[str] = mapped_column(String(5), default="nl")
    kanaal: Mapped[str] = mapped_column(String(10), default="post")
    status: Mapped[str] = mapped_column(String(20), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    case_variables: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    docx: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    docx_sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    element_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    rejected_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    reject_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_by: Mapped[str | None] = mapped_column(String(100), nullable=True)

    @property
    def taal_naam(self) -> str:
        """The inburgeraar's language by name (Arabisch), as the workplace shows it."""
        return language_name(self.taal)

    @property
    def samenvatting_ontbreekt(self) -> bool:
        """True when the person reads another language but this letter has no summary page in it."""
        return (self.taal or "nl") not in NO_SUMMARY and f"samenvatting.{self.taal}" not in (self.part_versions or {})

    @property
    def samenvatting_bijgevoegd(self) -> bool:
        """True when a summary page in the person's language is part of this letter."""
        return f"samenvatting.{self.taal}" in (self.part_versions or {})

    @validates(*WRITE_ONCE)
    def _write_once(self, key: str, value: Any) -> Any:
        if not inspect(self).has_identity:
            return value
        if key in ("pdf", "pdf_sha256") and self.pdf_sha256 is None:
            return value
        raise ArchivedLetterError(f"letter {self.id}: {key} is archived and cannot change")

    @validates("status")
    def _known_status(self, key: str, value: str) -> str:
        if value not in STATUSES:
            raise ValueError(f"unknown letter status {value!r}")
        return value

    @validates("kanaal")
    def _known_kanaal(self, key: str, value: str) -> str:
        if value not in KANALEN:
            raise ValueError(f"unknown kanaal {value!r}")
        return value
