"""Review before sending: approve or reject a letter exactly as it was rendered.

Approval sends the content the reviewer saw; only when approval comes on a later day than
the rendering is the letter rendered again with the date it is sent (engine/letters/
sending.py), and both versions stay in the archive. A rejected letter stays in the archive;
the engine turns the rejection into an incident on the waiting task, and a retry
after the data is fixed renders a new letter.
"""

from __future__ import annotations

import html
import io
from datetime import datetime
from typing import Any

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph
from sqlalchemy.orm import Session

from engine.letters.archive import LetterError, audit, require_letter
from engine.letters.models import Letter


def approve_letter(*, session: Session, letter_id: int, actor: str, now: datetime) -> dict[str, Any]:
    """Approve a letter waiting for review; return what completes its service task."""
    letter = _waiting(session, letter_id)
    letter.status = "goedgekeurd"
    letter.approved_at, letter.approved_by = now, actor
    session.flush()
    audit(session=session, letter=letter, action="letter_approved", actor=actor, now=now)
    return {
        "case_id": letter.case_id,
        "task_id": letter.task_id,
        "letter_id": letter.id,
        "variables": dict(letter.case_variables),
    }


def reject_letter(
    *, session: Session, letter_id: int, actor: str, now: datetime, reason: str
) -> dict[str, Any]:
    """Reject a letter waiting for review; return the task it blocks and the reason."""
    if not reason.strip():
        raise LetterError("Geef een reden waarom de brief is afgekeurd")
    letter = _waiting(session, letter_id)
    letter.status = "afgekeurd"
    letter.rejected_at, letter.rejected_by, letter.reject_reason = now, actor, reason.strip()
    session.flush()
    audit(session=session, letter=letter, action="letter_rejected", actor=actor, now=now)
    return {"case_id": letter.case_id, "task_id": letter.task_id, "letter_id": letter.id, "reason": letter.reject_reason}


def _waiting(session: Session, letter_id: int) -> Letter:
    letter = require_letter(session=session, letter_id=letter_id)
    if letter.status != "ter_controle":
        raise LetterError(f"Brief {letter_id} wacht niet op controle (status {letter.status})")
    return letter


def preview_html(letter: Letter) -> str:
    """Return the archived DOCX's text as a plain, escaped HTML fragment for review."""
    document = Document(io.BytesIO(letter.docx))
    out = [f'<article class="brief" data-brief-id="{letter.id}" data-sha256="{letter.docx_sha256}">']
    list_open = False
    for block in document.iter_inner_content():
        is_item = isinstance(block, Paragraph) and block.style.name.startswith("List")
        if list_open and not is_item:
            out.append("</ul>")
            list_open = False
        if isinstance(block, Table):
            out.append(_table_html(block))
        elif is_item:
            if not list_open:
                out.append("<ul>")
                list_open = True
            out.append(f"<li>{_runs_html(block)}</li>")
        else:
            out.append(_paragraph_html(block))
    if list_open:
        out.append("</ul>")
    out.append("</article>")
    return "\n".join(out)


def _paragraph_html(paragraph: Paragraph) -> str:
    page_break = paragraph.paragraph_format.page_break_before
    prefix = '<hr class="pagina">' if page_break else ""
    text = _runs_html(paragraph)
    if paragraph.style.name.startswith(("Kop", "Heading")):
        return f"{prefix}<h3>{text}</h3>"
    return f"{prefix}<p>{text}</p>" if text else f"{prefix}<p>&nbsp;</p>"


def _runs_html(paragraph: Paragraph) -> str:
    parts = []
    for run in paragraph.runs:
        text = html.escape(run.text)
        parts.append(f"<strong>{text}</strong>" if run.bold and text else text)
    return "".join(parts)


def _table_html(table: Table) -> str:
    rows = []
    for row in table.rows:
        cells = "".join(
            "<td>" + "<br>".join(_runs_html(p) for p in cell.paragraphs if p.text) + "</td>" for cell in row.cells
        )
        rows.append(f"<tr>{cells}</tr>")
    return "<table>" + "".join(rows) + "</table>"
