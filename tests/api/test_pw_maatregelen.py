"""Pw 18/18b maatregelen recorded on a running case: the Pw system's message, the API route, the case page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.access import accounts
from engine.db.models import AuditEntry, Case, Message
from engine.db.session import transaction
from engine.pw.maatregelen import MESSAGE
from engine.pw.service import apply_pw_maatregel
from tests.api.conftest import PASSWORD, system_client

MAATREGEL = {"datum": "2026-02-27", "gedraging": "23", "besluit": "PW-2026-0042", "overtreding_datum": "2026-02-20"}


@pytest.fixture
def pw_runtime(runtime):
    """The test runtime with the data message `pw_maatregel` and a Pw system account."""
    runtime.handlers.register_data_message(MESSAGE, apply_pw_maatregel)
    with transaction(runtime.session_factory) as session:
        accounts.create_user(session=session, username="pw-koppeling", password=PASSWORD, display_name="Pw (systeem)",
                             gemeente="demo", roles=["systeem_pw"], groups=[])
    return runtime


def _variables(runtime, case_id):
    with runtime.session_factory() as session:
        return runtime.engine.case_variables(session=session, case=session.get(Case, case_id))


def test_the_pw_system_records_a_maatregel_as_a_message_in_the_case_transaction(pw_runtime, app, case_ids):
    (case_id, _), _ = case_ids
    pw = system_client(app, "pw-koppeling")
    answer = pw.post("/api/messages", json={"name": "pw_maatregel", "message_id": "PW-1", "case_id": case_id,
                                            "payload": MAATREGEL})
    assert answer.status_code == 200 and answer.json()["status"] == "processed"
    assert _variables(pw_runtime, case_id)["pw_maatregelen"] == [MAATREGEL]
    # the same message again is a duplicate, not a second maatregel
    again = pw.post("/api/messages", json={"name": "pw_maatregel", "message_id": "PW-1", "case_id": case_id,
                                           "payload": MAATREGEL})
    assert again.json()["status"] == "duplicate"
    assert _variables(pw_runtime, case_id)["pw_maatregelen"] == [MAATREGEL]
    with pw_runtime.session_factory() as session:
        audit = session.execute(select(AuditEntry).where(AuditEntry.case_id == case_id,
                                                         AuditEntry.action == "message")).scalars().all()
        assert [a.detail["name"] for a in audit] == ["pw_maatregel"] and audit[0].actor == "pw-koppeling"
        assert session.execute(select(Message.status).where(Message.message_id == "PW-1")).scalar_one() == "processed"
    # the Pw account sends only pw_* messages
    assert pw.post("/api/messages", json={"name": "duo_lbt_uitslag", "message_id": "X", "case_id": case_id,
                                          "payload": {}}).status_code == 403


def test_bad_pw_data_is_refused_with_the_field_and_nothing_is_stored(pw_runtime, app, case_ids):
    (case_id, _), _ = case_ids
    pw = system_client(app, "pw-koppeling")
    answer = pw.post("/api/messages", json={"name": "pw_maatregel", "message_id": "PW-2", "case_id": case_id,
                                            "payload": {"datum": "2026-13-01", "gedraging": "23"}})
    assert answer.status_code == 422
    errors = answer.json()["field_errors"]
    assert set(errors) == {"datum", "besluit"} and "JJJJ-MM-DD" in errors["datum"]
    future = pw.post("/api/messages", json={"name": "pw_maatregel", "message_id": "PW-3", "case_id": case_id,
                                            "payload": {**MAATREGEL, "datum": "2026-03-03"}})
    assert future.status_code == 422 and "toekomst" in future.json()["field_errors"]["datum"]
    assert "pw_maatregelen" not in _variables(pw_runtime, case_id)


def test_a_klantmanager_records_a_maatregel_through_the_api_and_the_same_besluit_twice_is_a_conflict(
        pw_runtime, login, case_ids):
    (case_id, _), (other_case, _) = case_ids
    anna = login("anna")
    answer = anna.api("POST", f"/api/cases/{case_id}/pw-maatregelen", json=MAATREGEL)
    assert answer.status_code == 201 and answer.json()["pw_maatregelen"] == [MAATREGEL]
    second = {**MAATREGEL, "besluit": "PW-2026-0050", "overtreding_datum": None}
    assert anna.api("POST", f"/api/cases/{case_id}/pw-maatregelen", json=second).status_code == 201
    assert _variables(pw_runtime, case_id)["pw_maatregelen"] == [MAATREGEL, {**second, "overtreding_datum": None}]
    assert anna.api("POST", f"/api/cases/{case_id}/pw-maatregelen", json=MAATREGEL).status_code == 409
    # a case of another gemeente does not exist for her
    assert anna.api("POST", f"/api/cases/{other_case}/pw-maatregelen", json=MAATREGEL).status_code == 404
    # the overtreding cannot lie after the besluit
    late = anna.api("POST", f"/api/cases/{case_id}/pw-maatregelen",
                    json={**MAATREGEL, "besluit": "PW-9", "overtreding_datum": "2026-02-28"})
    assert late.status_code == 422 and "overtreding_datum" in late.json()["field_errors"]


def test_the_case_page_shows_the_form_and_records_a_maatregel(pw_runtime, login, case_ids):
    (case_id, _), _ = case_ids
    anna = login("anna")
    page = anna.get(f"/zaken/{case_id}")
    assert "Maatregelen Participatiewet" in page.text and "Nog geen maatregel vastgelegd" in page.text
    posted = anna.post(f"/zaken/{case_id}/pw-maatregelen", MAATREGEL)
    assert posted.status_code == 303
    page = anna.get(f"/zaken/{case_id}")
    assert "De maatregel is vastgelegd" in page.text and "PW-2026-0042" in page.text
    bad = anna.post(f"/zaken/{case_id}/pw-maatregelen", {**MAATREGEL, "besluit": ""})
    assert bad.status_code == 303
    assert "Kenmerk van het besluit: Vul dit veld in" in anna.get(f"/zaken/{case_id}").text
    assert len(_variables(pw_runtime, case_id)["pw_maatregelen"]) == 1
