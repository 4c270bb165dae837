"""The daily print batch: one PDF with every postal letter approved that day, then sent."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from pypdf import PdfWriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.letters.archive import LetterError, audit
from engine.letters.handler import LOCAL_TIME
from engine.letters.models import Letter
from engine.letters.pdf import attach_pdfs, pdf_available


def letters_to_print(*, session: Session, gemeente: str, day: date) -> list[Letter]:
    """Return the gemeente's postal letters approved on `day` (Dutch time) and not yet sent."""
    start = datetime.combine(day, time.min, tzinfo=LOCAL_TIME)
    end = start + timedelta(days=1)
    return list(session.scalars(
        select(Letter)
        .where(
            Letter.gemeente == gemeente,
            Letter.kanaal == "post",
            Letter.status == "goedgekeurd",
            Letter.approved_at >= start,
            Letter.approved_at < end,
        )
        .order_by(Letter.approved_at, Letter.id)
    ))


def print_batch(*, session: Session, gemeente: str, day: date, actor: str, now: datetime) -> bytes:
    """Return one PDF of the day's postal letters and mark them `verzonden`."""
    if not pdf_available():
        raise LetterError("De printbatch kan niet: LibreOffice (soffice) is niet geïnstalleerd")
    letters = letters_to_print(session=session, gemeente=gemeente, day=day)
    if not letters:
        raise LetterError(f"Geen goedgekeurde brieven voor de post op {day.isoformat()}")
    attach_pdfs(session=session, letters=letters)
    writer = PdfWriter()
    for letter in letters:
        writer.append(io.BytesIO(letter.pdf))
    out = io.BytesIO()
    writer.write(out)
    for letter in letters:
        letter.status = "verzonden"
        letter.sent_at, letter.sent_by = now, actor
        audit(session=session, letter=letter, action="letter_sent", actor=actor, now=now, kanaal="post")
    session.flush()
    return out.getvalue()


def mark_sent(*, session: Session, letter: Letter, actor: str, now: datetime) -> None:
    """Record that an approved letter left by its channel (the digital sender calls this)."""
    if letter.status != "goedgekeurd":
        raise LetterError(f"Brief {letter.id} is niet goedgekeurd (status {letter.status})")
    letter.status = "verzonden"
    letter.sent_at, letter.sent_by = now, actor
    audit(session=session, letter=letter, action="letter_sent", actor=actor, now=now, kanaal=letter.kanaal)
    session.flush()
