"""The print street: one PDF of the day's approved postal letters, which marks them sent."""

from __future__ import annotations

import pytest

from engine.db.session import transaction
from engine.letters.archive import get_letter
from engine.letters.pdf import pdf_available
from tests.api.test_letters_review import _case_with_letter_in_review

DAY = "2026-03-02"  # the test clock's day (tests/api/conftest.py NOW)


def test_post_page_lists_the_approved_letter_and_says_whether_pdf_is_possible(login, runtime):
    _case_id, letter_id = _case_with_letter_in_review(runtime)
    assert login("bert").api("POST", f"/api/letters/{letter_id}/approve").status_code == 200
    page = login("tess").get(f"/post?day={DAY}")
    assert page.status_code == 200
    assert "Printbatch maken (1 brieven)" in page.text
    assert ("LibreOffice is niet geïnstalleerd" in page.text) is (not pdf_available())


def test_a_consulent_may_not_make_the_print_batch(login, runtime):
    assert login("anna").get(f"/post?day={DAY}").status_code == 403
    assert login("anna").api("POST", "/api/letters/print-batch", json={"day": DAY}).status_code == 403


@pytest.mark.skipif(not pdf_available(), reason="LibreOffice (soffice) is not installed")
def test_print_batch_returns_one_pdf_and_marks_the_letters_sent(login, runtime):
    _case_id, letter_id = _case_with_letter_in_review(runtime)
    assert login("bert").api("POST", f"/api/letters/{letter_id}/approve").status_code == 200
    response = login("tess").api("POST", "/api/letters/print-batch", json={"day": DAY})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    with transaction(runtime.session_factory) as session:
        assert get_letter(session=session, letter_id=letter_id).status == "verzonden"
    again = login("tess").api("POST", "/api/letters/print-batch", json={"day": DAY})
    assert again.status_code == 409 and "Geen goedgekeurde brieven" in again.json()["detail"]

