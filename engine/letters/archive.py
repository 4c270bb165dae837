"""Store rendered letters and find them again; nothing here changes an archived letter."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db.models import AuditEntry
from engine.legal.beschikking import register_sent
from engine.letters.models import Letter
from engine.letters.render import RenderedLetter


class LetterError(Exception):
    """A letter operation that cannot be done (unknown letter, wrong status, no LibreOffice)."""


def next_sequence(*, session: Session, case_id: str) -> int:
    """Return the sequence number the case's next letter gets (1 for the first)."""
    current = session.scalar(select(func.max(Letter.sequence)).where(Letter.case_id == case_id))
    return (current or 0) + 1


def archive_letter(
    *,
    session: Session,
    case_id: str,
    gemeente: str,
    sequence: int,
    kenmerk: str,
    rendered: RenderedLetter,
    kanaal: str,
    status: str,
    task_id: str | None,
    element_id: str | None,
    actor: str,
    now: datetime,
) -> Letter:
    """Add a rendered letter to the archive (flush, never commit) and audit it."""
    letter = Letter(
        case_id=case_id,
        gemeente=gemeente,
        sequence=sequence,
        kenmerk=kenmerk,
        template=rendered.template,
        template_version=rendered.template_version,
        part_versions=rendered.part_versions,
        beschikking=rendered.beschikking,
        dagtekening=rendered.dagtekening,
        taal=rendered.taal,
        kanaal=kanaal,
        status=status,
        data=rendered.snapshot,
        docx=rendered.docx,
        docx_sha256=hashlib.sha256(rendered.docx).hexdigest(),
        task_id=task_id,
        element_id=element_id,
        created_at=now,
        created_by=actor,
    )
    if status == "goedgekeurd":
        letter.approved_at, letter.approved_by = now, actor
    session.add(letter)
    session.flush()
    audit(session=session, letter=letter, action="letter_created", actor=actor, now=now)
    return letter


def audit(*, session: Session, letter: Letter, action: str, actor: str, now: datetime, **detail: Any) -> None:
    """Write an audit row about `letter` (ids and template only: no personal data)."""
    session.add(AuditEntry(
        at=now,
        actor=actor,
        gemeente=letter.gemeente,
        case_id=letter.case_id,
        action=action,
        element_id=letter.element_id,
        detail={"letter_id": letter.id, "template": letter.template, "status": letter.status, **detail},
    ))


def list_letters(*, session: Session, case_id: str) -> list[Letter]:
    """Return a case's letters in the order they were made (DOCX/PDF bytes load on access)."""
    return list(session.scalars(select(Letter).where(Letter.case_id == case_id).order_by(Letter.sequence)))


def get_letter(*, session: Session, letter_id: int, gemeente: str | None = None) -> Letter | None:
    """Return one letter, or None; with `gemeente`, only when it belongs to that gemeente."""
    letter = session.get(Letter, letter_id)
    if letter is None or (gemeente is not None and letter.gemeente != gemeente):
        return None
    return letter


def letter_for_task(*, session: Session, case_id: str, task_id: str) -> Letter | None:
    """Return the newest letter a service task produced that was not rejected, or None."""
    return session.scalars(
        select(Letter)
        .where(Letter.case_id == case_id, Letter.task_id == task_id, Letter.status != "afgekeurd")
        .order_by(Letter.sequence.desc())
    ).first()


def require_letter(*, session: Session, letter_id: int) -> Letter:
    """Return the letter or raise LetterError when it does not exist."""
    letter = session.get(Letter, letter_id)
    if letter is None:
        raise LetterError(f"Brief {letter_id} bestaat niet")
    return letter


def record_if_beschikking(*, session: Session, letter: Letter, now: datetime) -> dict[str, Any]:
    """Record a sent beschikking; return the case variables that name it."""
    if not letter.beschikking:
        return {}
    row = register_sent(session=session, case_id=letter.case_id, gemeente=letter.gemeente, letter_id=letter.id,
                        soort=letter.template, verzonden_op=letter.dagtekening, now=now)
    return {"laatste_beschikking_id": row.id, f"{letter.template}_beschikking_id": row.id,
            f"{letter.template}_bezwaar_uiterlijk": row.bezwaar_uiterlijk.isoformat()}
