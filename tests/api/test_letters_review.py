"""Letters that need a second pair of eyes before they are sent."""

from __future__ import annotations

from engine.db.models import AuditEntry, UserTask
from engine.db.session import transaction
from tests.api.conftest import PERSON
from tests.api.test_api_tasks import VALID


def _case_with_letter_in_review(runtime) -> tuple[str, int]:
    from engine.letters.archive import list_letters

    with transaction(runtime.session_factory) as session:
        case = runtime.engine.start_case(session=session, process_id="brief_review_test", gemeente="demo",
                                         data={**PERSON, **VALID}, actor="anna")
        letter = list_letters(session=session, case_id=case.id)[0]
        assert letter.status == "ter_controle"
        return case.id, letter.id


def _open_task_names(runtime, case_id: str) -> list[str]:
    with transaction(runtime.session_factory) as session:
        return [t.name for t in session.query(UserTask).filter_by(case_id=case_id)]


def test_a_colleague_approves_and_the_case_continues(login, runtime):
    case_id, letter_id = _case_with_letter_in_review(runtime)
    assert _open_task_names(runtime, case_id) == []
    assert login("anna").api("POST", f"/api/letters/{letter_id}/approve").status_code == 403, "four eyes"
    approved = login("bert").api("POST", f"/api/letters/{letter_id}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "goedgekeurd"
    assert _open_task_names(runtime, case_id) == ["Gesprek voeren"]
    assert login("bert").api("POST", f"/api/letters/{letter_id}/approve").status_code == 409


def test_reject_needs_a_reason_and_is_audited(login, runtime):
    case_id, letter_id = _case_with_letter_in_review(runtime)
    bert = login("bert")
    assert bert.api("POST", f"/api/letters/{letter_id}/reject", json={"reason": " "}).status_code == 422
    rejected = bert.api("POST", f"/api/letters/{letter_id}/reject", json={"reason": "Verkeerde datum"})
    assert rejected.json()["status"] == "afgekeurd"
    with transaction(runtime.session_factory) as session:
        assert session.query(AuditEntry).filter_by(case_id=case_id, action="letter_rejected").count() == 1
    assert login("olaf").api("POST", f"/api/letters/{letter_id}/reject", json={"reason": "x"}).status_code == 404


def test_web_review_buttons_on_the_case_page(login, runtime):
    case_id, letter_id = _case_with_letter_in_review(runtime)
    bert = login("bert")
    page = bert.get(f"/zaken/{case_id}")
    assert f'action="/brieven/{letter_id}/goedkeuren"' in page.text and "ter controle" in page.text
    response = bert.post(f"/brieven/{letter_id}/goedkeuren")
    assert response.status_code == 303 and response.headers["location"] == f"/zaken/{case_id}"
    assert "Gesprek voeren" in bert.get(f"/zaken/{case_id}").text


def test_reads_of_notes_letters_and_diagram_are_audited(login, runtime):
    case_id, letter_id = _case_with_letter_in_review(runtime)
    bert = login("bert")
    for path in ("/notes", "/letters", "/diagram"):
        assert bert.get(f"/api/cases/{case_id}{path}").status_code == 200
    assert bert.get(f"/api/letters/{letter_id}/docx").status_code == 200
    with transaction(runtime.session_factory) as session:
        reads = [e.detail["what"] for e in session.query(AuditEntry).filter(
            AuditEntry.case_id == case_id, AuditEntry.action.in_(("view", "download"))).order_by(AuditEntry.id)]
    assert reads == ["notes", "letters", "diagram", f"letter:{letter_id}"]



def test_a_letter_sent_back_becomes_an_incident_and_a_retry_renders_it_again(login, runtime):
    from engine.db.models import Incident
    from engine.letters.archive import list_letters

    case_id, letter_id = _case_with_letter_in_review(runtime)
    rejected = login("bert").api("POST", f"/api/letters/{letter_id}/reject", json={"reason": "Adres klopt niet"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "afgekeurd"
    with transaction(runtime.session_factory) as session:
        incident = session.query(Incident).filter_by(case_id=case_id, resolved_at=None).one()
        assert incident.kind == "letter_rejected" and "Adres klopt niet" in incident.message
    with transaction(runtime.session_factory) as session:
        runtime.engine.retry_incident(session=session, incident_id=incident.id, actor="bea")
    with transaction(runtime.session_factory) as session:
        statuses = [letter.status for letter in list_letters(session=session, case_id=case_id)]
    assert sorted(statuses) == ["afgekeurd", "ter_controle"]
