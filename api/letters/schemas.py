"""JSON bodies of the letter API."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class LetterOut(BaseModel):
    """A letter of a case, with its download addresses."""

    id: int
    kenmerk: str
    template: str
    status: str
    dagtekening: date
    sha256: str
    created_at: datetime
    docx_url: str
    pdf_url: str | None = None
    taal: str = Field("Nederlands", description="the inburgeraar's language, by name")
    samenvatting_ontbreekt: bool = Field(False, description="no summary page in that language exists for this letter")


class RejectIn(BaseModel):
    """Why a letter is not right."""

    reason: str = Field(max_length=1000)


def letter_out(letter) -> LetterOut:
    """Describe a Letter row with its download addresses."""
    return LetterOut(
        id=letter.id,
        kenmerk=letter.kenmerk,
        template=letter.template,
        status=letter.status,
        dagtekening=letter.dagtekening,
        sha256=letter.docx_sha256,
        created_at=letter.created_at,
        docx_url=f"/api/letters/{letter.id}/docx",
        taal=letter.taal_naam,
        samenvatting_ontbreekt=letter.samenvatting_ontbreekt,
        pdf_url=f"/api/letters/{letter.id}/pdf" if letter.pdf_sha256 else None,
    )
