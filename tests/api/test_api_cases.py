"""JSON API for cases: start, search, dossier, diagram, audit, notes, letters, messages, incidents."""

from __future__ import annotations

import pytest

from engine.db.models import AuditEntry, Incident
from engine.db.session import transaction
from tests.api.conftest import system_client, PERSON, start_case
from tests.api.test_api_tasks import VALID


def _views(runtime, case_id: str) -> list[AuditEntry]:
    with transaction(runtime.session_factory) as session:
        return session.query(AuditEntry).filter_by(case_id=case_id, action="view").all()


def test_dossier_shows_person_and_traject_and_audits_the_read(login, runtime, case_ids):
    (case_id, _), _ = case_ids
    dossier = login("anna").get(f"/api/cases/{case_id}").json()
    person = {f["label"]: f["value"] for f in dossier["person"]}
    assert person["Naam"] == "Amina Yusuf" and person["BSN"] == "••••••782"
    traject = {f["label"]: f["value"] for f in dossier["traject"]}
    assert traject["Doelgroep"] == "asielstatushouder" and traject["PIP uiterlijk (wettelijk)"] == "2026-05-04"
    assert [t["name"] for t in dossier["open_tasks"]] == ["Brede intake plannen"]
    assert "123456782" not in str(dossier)
    views = _views(runtime, case_id)
    assert [(v.actor, v.detail["what"]) for v in views] == [("anna", "api")]


def test_start_case_in_my_gemeente(login):
    anna = login("anna")
    created = anna.api("POST", "/api/cases", json={"process_id": "klantreis_test", "data": PERSON})
    assert created.status_code == 201
    assert created.json()["gemeente"] == "demo" and created.json()["bsn_masked"] == "••••••782"


@pytest.mark.parametrize("path", ["", "/diagram", "/notes", "/letters"])
def test_another_gemeentes_case_is_not_found(login, case_ids, path):
    _, (other_case, _) = case_ids
    response = login("anna").get(f"/api/cases/{other_case}{path}")
    assert response.status_code == 404
    assert response.json()["detail"] == "Deze zaak bestaat niet."


def test_writes_to_another_gemeentes_case_are_not_found(login, case_ids, app):
    _, (other_case, _) = case_ids
    anna = login("anna")
    assert anna.api("POST", f"/api/cases/{other_case}/notes", json={"text": "x"}).status_code == 404
    assert login("tess").get(f"/api/cases/{other_case}/audit").status_code == 404
    message = {"name": "duo_plicht_beeindigd", "message_id": "m-1", "case_id": other_case}
    assert system_client(app, "duo-koppeling").post("/api/messages", json=message).status_code == 404


def test_search_cases_by_name_or_bsn(login, case_ids):
    (case_id, _), _ = case_ids
    anna = login("anna")
    assert [c["id"] for c in anna.get("/api/cases?q=yusuf").json()] == [case_id]
    assert [c["id"] for c in anna.api("POST", "/api/cases/search", json={"bsn": "123456782"}).json()] == [case_id]
    assert anna.api("POST", "/api/cases/search", json={"bsn": "111222333"}).json() == []
    assert anna.get("/api/cases?q=123456782").status_code == 422


def test_diagram_marks_the_active_task(login, case_ids):
    (case_id, _), _ = case_ids
    diagram = login("anna").get(f"/api/cases/{case_id}/diagram").json()
    assert diagram["active"] == ["Task_IntakePlannen"]
    assert "StartEvent_1" in diagram["completed"]
    assert "<bpmn:process id=\"klantreis_test\"" in diagram["diagrams"]["klantreis_test"]


def test_notes_are_added_listed_and_audited_without_their_text(login, runtime, case_ids):
    (case_id, _), _ = case_ids
    anna = login("anna")
    assert anna.api("POST", f"/api/cases/{case_id}/notes", json={"text": "  "}).status_code == 422
    added = anna.api("POST", f"/api/cases/{case_id}/notes", json={"text": "Belt terug na de vakantie."})
    assert added.status_code == 201 and added.json()["author_name"] == "Anna de Vries"
    listed = login("bert").get(f"/api/cases/{case_id}/notes").json()
    assert [n["text"] for n in listed] == ["Belt terug na de vakantie."]
    with transaction(runtime.session_factory) as session:
        row = session.query(AuditEntry).filter_by(case_id=case_id, action="note_added").one()
        assert "Belt" not in str(row.detail)


def test_audit_log_is_for_teamleider_and_beheerder(login, case_ids):
    (case_id, _), _ = case_ids
    assert login("anna").get(f"/api/cases/{case_id}/audit").status_code == 403
    actions = [e["action"] for e in login("tess").get(f"/api/cases/{case_id}/audit").json()]
    assert "start" in actions and "view" in actions


def test_letter_download_as_docx_and_pdf_only_when_made(login, case_ids):
    (case_id, task_id), (other_case, _) = case_ids
    anna = login("anna")
    anna.api("POST", f"/api/tasks/{task_id}/complete", json={"data": VALID})
    letter = anna.get(f"/api/cases/{case_id}/letters").json()[0]
    docx = anna.get(letter["docx_url"])
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert docx.headers["content-disposition"].endswith('.docx"')
    if letter["pdf_url"] is None:
        assert anna.get(f"/api/letters/{letter['id']}/pdf").status_code == 404
    assert anna.get(f"/api/letters/{letter['id']}/exe").status_code == 404
    assert login("olaf").get(letter["docx_url"]).status_code == 404, "another gemeente's letter"


def test_message_to_a_case_that_does_not_wait_is_stored_and_refused(case_ids, app):
    (case_id, _), _ = case_ids
    body = {"name": "duo_lbt_uitslag", "message_id": "duo-1", "case_id": case_id,
            "payload": {"lbt_uitslag": "haalbaar"}}
    duo = system_client(app, "duo-koppeling")
    outcome = duo.post("/api/messages", json=body).json()
    assert outcome["status"] == "refused" and outcome["case_id"] == case_id
    again = duo.post("/api/messages", json=body).json()
    assert again["status"] == "duplicate"


def _incident_case(runtime):
    """A case whose letter fails (postcode the letter refuses), so it has an open incident."""
    case_id, task_id = start_case(runtime, postcode="onbekend")
    with transaction(runtime.session_factory) as session:
        runtime.engine.complete_task(session=session, task_id=task_id, data=VALID, actor="anna")
        incident = session.query(Incident).filter_by(case_id=case_id, resolved_at=None).one()
        return case_id, incident.id


def test_retry_incident_is_for_the_beheerder_of_the_gemeente(login, runtime, case_ids):
    case_id, incident_id = _incident_case(runtime)
    assert login("anna").api("POST", f"/api/incidents/{incident_id}/retry").status_code == 403
    assert login("olaf").api("POST", f"/api/incidents/{incident_id}/retry").status_code == 403
    retried = login("bea").api("POST", f"/api/incidents/{incident_id}/retry")
    assert retried.status_code == 200 and retried.json()["id"] == case_id
    with transaction(runtime.session_factory) as session:
        assert session.get(Incident, incident_id).resolved_by == "bea"
    assert login("bea").api("POST", f"/api/incidents/{incident_id}/retry").status_code == 409


def test_openapi_documents_the_api(app):
    from fastapi.testclient import TestClient

    paths = TestClient(app).get("/api/openapi.json").json()["paths"]
    assert {"/api/tasks", "/api/tasks/{task_id}/complete", "/api/cases/{case_id}", "/api/messages",
            "/api/incidents/{incident_id}/retry"} <= set(paths)
    assert not any(p.startswith("/taken") or p == "/" for p in paths), "web pages stay out of the API docs"
