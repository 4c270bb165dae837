"""Review before sending: the task waits; approval sends exactly what was previewed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.db.models import AuditEntry
from engine.letters.archive import LetterError, list_letters
from engine.letters.handler import letter_handler
from engine.letters.review import approve_letter, preview_html, reject_letter
from engine.running.handlers import Wait

from .conftest import NOW


def waiting_letter(session, make_call, case):
    call = make_call("pip_beschikking", review="true")
    result = letter_handler(call)
    assert isinstance(result, Wait) and "wacht op controle" in result.reason
    [letter] = list_letters(session=session, case_id=case.id)
    return call, letter


def test_review_waits_and_approval_completes_with_the_same_bytes(session, make_call, case):
    call, letter = waiting_letter(session, make_call, case)
    assert letter.status == "ter_controle" and letter.approved_at is None
    previewed = letter.docx
    preview = preview_html(letter)

    assert isinstance(letter_handler(call), Wait)  # running the task again renders nothing new
    assert len(list_letters(session=session, case_id=case.id)) == 1

    done = approve_letter(session=session, letter_id=letter.id, actor="teamleider1", now=NOW + timedelta(hours=2))
    assert done["case_id"] == case.id and done["task_id"] == call.task_id
    assert done["variables"]["laatste_brief_id"] == letter.id
    assert done["variables"]["termijn_eind"] == "2029-03-02"
    assert letter.status == "goedgekeurd" and letter.approved_by == "teamleider1"
    assert letter.docx == previewed and preview_html(letter) == preview
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case.id)).all()
    assert actions == ["letter_created", "letter_approved"]

    with pytest.raises(LetterError, match="wacht niet op controle"):
        approve_letter(session=session, letter_id=letter.id, actor="teamleider1", now=NOW)


def test_rejection_keeps_the_letter_and_a_retry_renders_a_new_one(session, make_call, case):
    call, letter = waiting_letter(session, make_call, case)

    with pytest.raises(LetterError, match="reden"):
        reject_letter(session=session, letter_id=letter.id, actor="teamleider1", now=NOW, reason=" ")
    rejected = reject_letter(session=session, letter_id=letter.id, actor="teamleider1", now=NOW,
                             reason="Motivering is te kort")
    assert rejected == {"case_id": case.id, "task_id": call.task_id, "letter_id": letter.id,
                        "reason": "Motivering is te kort"}
    assert letter.status == "afgekeurd" and letter.rejected_by == "teamleider1"

    assert isinstance(letter_handler(call), Wait)
    letters = list_letters(session=session, case_id=case.id)
    assert [item.status for item in letters] == ["afgekeurd", "ter_controle"]
    assert letters[1].sequence == 2


def test_preview_shows_the_letter_text_escaped(session, make_call, case):
    _, letter = waiting_letter(session, make_call, case)

    preview = preview_html(letter)
    assert "<h3>Bent u het niet eens met dit besluit?</h3>" in preview
    assert "taalmaatje &amp; hulp" in preview
    assert "<li>Uw leerroute: <strong>de B1-route</strong></li>" in preview
    assert f'data-sha256="{letter.docx_sha256}"' in preview
