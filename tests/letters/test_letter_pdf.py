"""PDF/A-2b and the daily print batch (LibreOffice; one conversion run for the whole file)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from engine.letters import pdf as pdf_module
from engine.letters.archive import LetterError
from engine.letters.handler import letter_handler
from engine.letters.models import Letter
from engine.letters.pdf import pdf_available, pdfa_conformance
from engine.letters.print_batch import print_batch
from engine.letters.review import approve_letter

from .conftest import NOW

needs_libreoffice = pytest.mark.skipif(not pdf_available(), reason="LibreOffice (soffice) is not installed")


def make_letter(session, make_call, template, now=NOW, **properties) -> Letter:
    result = letter_handler(make_call(template, now=now, **properties))
    if isinstance(result, dict):
        return session.get(Letter, result["laatste_brief_id"])
    return session.query(Letter).order_by(Letter.id.desc()).first()


@needs_libreoffice
def test_print_batch_merges_the_days_postal_letters_as_pdfa(session, make_call):
    pip = make_letter(session, make_call, "pip_beschikking")
    reviewed = make_letter(session, make_call, "nazorg_contact", review="true")
    approve_letter(session=session, letter_id=reviewed.id, actor="teamleider1", now=NOW + timedelta(hours=1))
    digital = make_letter(session, make_call, "uitnodiging_voortgangsgesprek", kanaal="digitaal")
    waiting = make_letter(session, make_call, "uitnodiging_brede_intake", review="true")
    tomorrow = make_letter(session, make_call, "uitnodiging_eindgesprek", now=NOW + timedelta(days=1))

    batch = print_batch(session=session, gemeente="demo", day=date(2026, 3, 2), actor="postkamer",
                        now=NOW + timedelta(hours=8))

    reader = PdfReader(io.BytesIO(batch))
    expected_pages = sum(len(PdfReader(io.BytesIO(letter.pdf)).pages) for letter in (pip, reviewed))
    assert len(reader.pages) == expected_pages >= 3
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Besluit over uw Plan Inburgering" in text and "Hoe gaat het met u?" in text
    assert "Uitnodiging voor een voortgangsgesprek" not in text and "Uitnodiging voor de brede intake" not in text
    assert pdfa_conformance(pip.pdf) == ("2", "B")
    assert (pip.status, reviewed.status) == ("verzonden", "verzonden")
    assert pip.sent_by == "postkamer" and pip.sent_at == NOW + timedelta(hours=8)
    assert (digital.status, waiting.status, tomorrow.status) == ("goedgekeurd", "ter_controle", "goedgekeurd")
    assert digital.pdf_sha256 is None

    with pytest.raises(LetterError, match="Geen goedgekeurde brieven"):
        print_batch(session=session, gemeente="demo", day=date(2026, 3, 2), actor="postkamer", now=NOW)


def test_print_batch_says_clearly_when_libreoffice_is_missing(session, make_call, monkeypatch):
    make_letter(session, make_call, "nazorg_contact")
    monkeypatch.setattr(pdf_module.shutil, "which", lambda name: None)

    assert not pdf_available()
    with pytest.raises(LetterError, match="LibreOffice"):
        print_batch(session=session, gemeente="demo", day=date(2026, 3, 2), actor="postkamer", now=NOW)
    assert pdf_module.convert_pending_pdfs(session=session) == 0
