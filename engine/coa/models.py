"""The klantprofielen COA delivered: the document as received plus its structured fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base, UTCDateTime


class CoaKlantprofiel(Base):
    """One klantprofiel from COA, stored unchanged on the case (no BSN in `velden`)."""

    __tablename__ = "coa_klantprofielen"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    gemeente: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    formaat: Mapped[str] = mapped_column(String(60))
    velden: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    document: Mapped[bytes] = mapped_column(LargeBinary)
    document_naam: Mapped[str] = mapped_column(String(200))
    document_type: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(200))
    ontvangen_op: Mapped[datetime] = mapped_column(UTCDateTime)
