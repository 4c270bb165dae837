"""Archived letters never change: not when the template changes, not by assignment."""

from __future__ import annotations

import hashlib

import pytest
from docx import Document
from sqlalchemy.orm import Session

from engine.letters.archive import get_letter, list_letters
from engine.letters.handler import letter_handler
from engine.letters.models import ArchivedLetterError, Letter

from .conftest import text_of


def test_changing_a_template_leaves_archived_letters_unchanged(session, make_call, letters_copy):
    first = letter_handler(make_call("nazorg_contact"))["laatste_brief_id"]
    session.commit()
    archived = session.get(Letter, first)
    original_bytes, original_sha, original_version = archived.docx, archived.docx_sha256, archived.template_version

    template_path = letters_copy / "nazorg_contact.docx"
    document = Document(str(template_path))
    document.add_paragraph("Nieuwe alinea van de jurist.")
    document.save(str(template_path))
    second = letter_handler(make_call("nazorg_contact"))["laatste_brief_id"]
    session.commit()

    with Session(session.get_bind()) as fresh:
        old, new = fresh.get(Letter, first), fresh.get(Letter, second)
        assert old.docx == original_bytes and old.docx_sha256 == original_sha
        assert hashlib.sha256(old.docx).hexdigest() == original_sha
        assert old.template_version == original_version
        assert "Nieuwe alinea van de jurist." not in text_of(old.docx)
        assert "Nieuwe alinea van de jurist." in text_of(new.docx)
        assert new.template_version == hashlib.sha256(template_path.read_bytes()).hexdigest()
        assert new.template_version != old.template_version


def test_archived_content_cannot_be_assigned_again(session, make_call):
    letter_id = letter_handler(make_call("nazorg_contact"))["laatste_brief_id"]
    session.commit()
    letter = session.get(Letter, letter_id)

    for field, value in [("docx", b"other"), ("docx_sha256", "0" * 64), ("data", {}), ("template_version", "x")]:
        with pytest.raises(ArchivedLetterError):
            setattr(letter, field, value)


def test_letter_row_records_how_it_was_made(session, make_call, case):
    call = make_call("pip_beschikking", kanaal="digitaal")
    letter = session.get(Letter, letter_handler(call)["laatste_brief_id"])

    assert letter.case_id == case.id and letter.gemeente == "demo"
    assert letter.kenmerk == f"{case.case_number}-01" and letter.sequence == 1
    assert letter.template == "pip_beschikking" and letter.beschikking
    assert letter.status == "goedgekeurd" and letter.kanaal == "digitaal"
    assert letter.task_id == call.task_id and letter.element_id == "brief_pip_beschikking"
    assert letter.created_by == "consulent1" and letter.approved_by == "consulent1"
    assert letter.docx_sha256 == hashlib.sha256(letter.docx).hexdigest()
    assert set(letter.part_versions) == {"huisstijl", "bezwaarclausule"}
    assert letter.data["termijn_eind"] == "2029-03-02" and letter.data["naam"] == "Amina Yusuf"
    assert "bsn" not in letter.data  # only declared fields are kept


def test_list_and_get_letters(session, make_call, case):
    ids = [letter_handler(make_call(t))["laatste_brief_id"] for t in ("uitnodiging_brede_intake", "nazorg_contact")]

    listed = list_letters(session=session, case_id=case.id)
    assert [letter.id for letter in listed] == ids
    assert [letter.kenmerk for letter in listed] == [f"{case.case_number}-01", f"{case.case_number}-02"]
    assert get_letter(session=session, letter_id=ids[0]).template == "uitnodiging_brede_intake"
    assert get_letter(session=session, letter_id=ids[0], gemeente="andere") is None
    assert get_letter(session=session, letter_id=999) is None
