"""Case notes and task drafts: what a consultant writes down beside the process.

Notes belong to a case and are never changed (a correction is a new note). A draft
is one person's unfinished form for one open task; it is deleted when the task is
completed. Both carry `gemeente` so tenant filters need no join.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine import audit
from engine.db.base import Base, UTCDateTime
from engine.db.models import Case
from engine.errors import Invalid

MAX_NOTE_LENGTH = 10_000


class CaseNote(Base):
    """A dated note by a consultant on a case (append-only)."""

    __tablename__ = "case_notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    gemeente: Mapped[str] = mapped_column(String(32))
    author: Mapped[str] = mapped_column(String(100))
    author_name: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TaskDraft(Base):
    """One person's saved, not yet submitted form values for an open task."""

    __tablename__ = "task_drafts"
    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    gemeente: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)


def add_note(*, session: Session, case: Case, author: str, author_name: str, text: str, now: datetime) -> CaseNote:
    """Add a note to `case` and audit that a note was written (not its text)."""
    text = text.strip()
    if not text:
        raise Invalid("De notitie is leeg.", field_errors={"text": "Schrijf eerst een notitie."})
    if len(text) > MAX_NOTE_LENGTH:
        raise Invalid(
            "De notitie is te lang.",
            field_errors={"text": f"Een notitie heeft hoogstens {MAX_NOTE_LENGTH} tekens."},
        )
    note = CaseNote(
        case_id=case.id,
        gemeente=case.gemeente,
        author=author,
        author_name=author_name,
        text=text,
        created_at=now,
    )
    session.add(note)
    session.flush()
    audit.record(session=session, actor=author, action="note_added", at=now, case=case, detail={"note_id": note.id})
    return note


def list_notes(*, session: Session, case: Case) -> list[CaseNote]:
    """Return the notes of `case`, newest first."""
    stmt = (
        select(CaseNote)
        .where(CaseNote.case_id == case.id, CaseNote.gemeente == case.gemeente)
        .order_by(CaseNote.created_at.desc(), CaseNote.id.desc())
    )
    return list(session.execute(stmt).scalars())


def save_draft(
    *, session: Session, task_id: str, case: Case, username: str, data: dict[str, Any], now: datetime
) -> TaskDraft:
    """Store (or replace) `username`'s draft of a task."""
    draft = session.get(TaskDraft, (task_id, username))
    if draft is None:
        draft = TaskDraft(task_id=task_id, username=username, case_id=case.id, gemeente=case.gemeente)
        session.add(draft)
    draft.data = dict(data)
    draft.saved_at = now
    session.flush()
    return draft


def get_draft(*, session: Session, task_id: str, username: str) -> TaskDraft | None:
    """Return `username`'s draft of a task, or None."""
    return session.get(TaskDraft, (task_id, username))


def delete_drafts(*, session: Session, task_id: str, username: str | None = None) -> None:
    """Delete the drafts of a task (of one person, or everyone's once the task is done)."""
    stmt = delete(TaskDraft).where(TaskDraft.task_id == task_id)
    if username is not None:
        stmt = stmt.where(TaskDraft.username == username)
    session.execute(stmt)
