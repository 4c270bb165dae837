"""The server-rendered pages, without JavaScript: inbox, search, task page, case page."""

from __future__ import annotations

from engine.db.models import AuditEntry
from engine.db.session import transaction
from tests.api.conftest import start_case
from tests.api.test_api_tasks import VALID


def _form(**values):
    return {"case_version": "", **VALID, **values}


def test_inbox_shows_group_tasks_with_claim_button_and_legal_deadline(login, case_ids):
    (_, task_id), _ = case_ids
    page = login("anna").get("/?view=groups")
    assert page.status_code == 200
    assert "Brede intake plannen" in page.text and "Amina Yusuf" in page.text
    assert f'formaction="/taken/{task_id}/claimen"' in page.text
    assert "4 mei 2026" in page.text, "the PIP's legal deadline, apart from the internal one"
    assert "9 maart 2026" in page.text
    assert "Karim" not in page.text


def test_claim_from_the_inbox_opens_the_task(login, case_ids):
    (_, task_id), _ = case_ids
    anna = login("anna")
    response = anna.post(f"/taken/{task_id}/claimen")
    assert response.status_code == 303 and response.headers["location"] == f"/taken/{task_id}"
    mine = anna.get("/")
    assert "Brede intake plannen" in mine.text and "Vrijgeven" in mine.text
    anna.post(f"/taken/{task_id}/vrijgeven", {"next": "/?view=groups"})
    assert "Er zijn hier geen open taken" in anna.get("/").text


def test_unknown_view_falls_back_to_my_tasks_and_bad_sort_is_explained(login, case_ids):
    anna = login("anna")
    assert anna.get("/?view=team").status_code == 403
    assert anna.get("/?view=whatever").status_code == 200
    assert anna.get("/?sort=evil").status_code == 422


def test_bsn_search_is_a_post_and_the_bsn_stays_out_of_urls(login, case_ids):
    (case_id, task_id), _ = case_ids
    anna = login("anna")
    page = anna.post("/zoeken", {"bsn": "123 456 782"})
    assert page.status_code == 200
    assert f"/zaken/{case_id}" in page.text and f"/taken/{task_id}" in page.text
    assert "?bsn" not in page.text and "bsn=" not in page.text
    bad = anna.post("/zoeken", {"bsn": "12"})
    assert bad.status_code == 422 and "9 cijfers" in bad.text


def test_teamleider_bulk_reassigns_with_a_reason(login, runtime, case_ids):
    (_, first), _ = case_ids
    _, second = start_case(runtime, naam="Yonas Tesfaye")
    tess = login("tess")
    team = tess.get("/?view=team")
    assert 'name="task_ids"' in team.text and "Gekozen taken toewijzen" in team.text
    response = tess.client.post("/taken/toewijzen", data={"csrf_token": tess.csrf, "task_ids": [first, second],
                                                          "assignee": "bert", "reason": "Verlof"},
                                follow_redirects=False)
    assert response.status_code == 303
    assert len(login("bert").get("/api/tasks?view=mine").json()["rows"]) == 2
    no_reason = tess.client.post("/taken/toewijzen", data={"csrf_token": tess.csrf, "task_ids": [first],
                                                           "assignee": "anna", "reason": ""})
    assert no_reason.status_code == 422 and "waarom" in no_reason.text


def test_task_page_shows_form_beside_dossier_and_audits_the_view(login, runtime, case_ids):
    (case_id, task_id), _ = case_ids
    page = login("anna").get(f"/taken/{task_id}")
    assert page.status_code == 200
    assert 'name="intake_tijd"' in page.text and "Concept opslaan" in page.text
    assert "Amina Yusuf" in page.text and "Wettelijke termijn" in page.text and "4 mei 2026" in page.text
    assert "123456782" not in page.text and "••••••782" in page.text
    with transaction(runtime.session_factory) as session:
        views = session.query(AuditEntry).filter_by(case_id=case_id, action="view").all()
        assert [(v.actor, v.detail["what"]) for v in views] == [("anna", "task")]


def test_invalid_submit_keeps_values_and_marks_the_field(login, case_ids):
    (_, task_id), _ = case_ids
    anna = login("anna")
    response = anna.post(f"/taken/{task_id}", _form(intake_tijd="half elf", intake_locatie="Wijkbureau Noord"))
    assert response.status_code == 422
    assert "Controleer deze velden" in response.text
    assert 'value="Wijkbureau Noord"' in response.text and 'value="half elf"' in response.text
    assert 'aria-invalid="true"' in response.text


def test_complete_goes_to_the_next_task_with_the_new_letter(login, case_ids):
    (_, task_id), _ = case_ids
    anna = login("anna")
    anna.post(f"/taken/{task_id}/claimen")
    response = anna.post(f"/taken/{task_id}", _form())
    assert response.status_code == 303
    next_page = anna.get(response.headers["location"])
    assert "Brede intake voeren" in next_page.text
    assert "Uitnodiging brede intake" in next_page.text and "Download Word" in next_page.text


def test_stale_form_says_so_and_keeps_what_was_typed(login, case_ids):
    (_, task_id), _ = case_ids
    login("bert").post(f"/taken/{task_id}", _form())
    late = login("anna").post(f"/taken/{task_id}", _form(intake_locatie="Mijn eigen tekst"))
    assert late.status_code == 409
    assert "al afgerond" in late.text and "Mijn eigen tekst" in late.text


def test_changed_case_keeps_the_form_with_a_message(login, case_ids):
    (_, task_id), _ = case_ids
    response = login("anna").post(f"/taken/{task_id}", _form(case_version="999", intake_locatie="Bibliotheek"))
    assert response.status_code == 409
    assert "net gewijzigd" in response.text and 'value="Bibliotheek"' in response.text


def test_draft_is_saved_and_resumed(login, case_ids):
    (_, task_id), _ = case_ids
    anna = login("anna")
    saved = anna.post(f"/taken/{task_id}", {"action": "draft", "intake_locatie": "Buurthuis"})
    assert saved.status_code == 303
    page = anna.get(f"/taken/{task_id}")
    assert 'value="Buurthuis"' in page.text and "verder met uw concept" in page.text
    anna.post(f"/taken/{task_id}", {"action": "discard"})
    assert 'value="Buurthuis"' not in anna.get(f"/taken/{task_id}").text


def test_case_page_has_diagram_data_notes_and_timeline(login, case_ids):
    (case_id, _), (other_case, _) = case_ids
    anna = login("anna")
    page = anna.get(f"/zaken/{case_id}")
    assert page.status_code == 200
    assert 'id="diagram-data"' in page.text and "Task_IntakePlannen" in page.text
    assert "/static/bpmn-js/bpmn-navigated-viewer.production.min.js" in page.text
    added = anna.post(f"/zaken/{case_id}/notities", {"text": "Tolk Tigrinya nodig.", "next": f"/zaken/{case_id}"})
    assert added.headers["location"] == f"/zaken/{case_id}"
    again = anna.get(f"/zaken/{case_id}")
    assert "Tolk Tigrinya nodig." in again.text and "Notitie toegevoegd" in again.text
    missing = anna.get(f"/zaken/{other_case}")
    assert missing.status_code == 404 and "Niet gevonden" in missing.text


def test_note_redirect_never_leaves_the_site(login, case_ids):
    (case_id, _), _ = case_ids
    response = login("anna").post(f"/zaken/{case_id}/notities", {"text": "x", "next": "//evil.example/"})
    assert response.headers["location"] == f"/zaken/{case_id}"


def test_static_assets_are_served_locally(app):
    from fastapi.testclient import TestClient

    client = TestClient(app)
    assert client.get("/static/utrecht/index.css").status_code == 200
    assert client.get("/static/bpmn-js/bpmn-navigated-viewer.production.min.js").status_code == 200
    assert client.get("/static/app/regie.css").status_code == 200
    assert client.get("/static/utrecht/../../bpmn-js/package.json").status_code == 404


def test_conditional_field_visibility_is_decided_by_the_server(login, case_ids):
    (_, task_id), (_, other_task) = case_ids
    anna = login("anna")
    page = anna.get(f"/taken/{task_id}")
    assert 'data-hide="=tolk_nodig != true" hidden' in page.text, "hidden until the box is ticked"
    assert anna.post(f"/taken/{task_id}/zichtbaarheid", {}).json() == {"hidden": [True]}
    assert anna.post(f"/taken/{task_id}/zichtbaarheid", {"tolk_nodig": "true"}).json() == {"hidden": [False]}
    assert anna.post(f"/taken/{other_task}/zichtbaarheid", {}).status_code == 404


def test_pages_carry_security_headers(login):
    page = login("anna").get("/")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


def test_teamleider_reassigns_from_the_task_page(login, case_ids):
    (_, task_id), _ = case_ids
    tess = login("tess")
    page = tess.get(f"/taken/{task_id}")
    assert 'action="/taken/toewijzen"' in page.text and "Bert Jansen" in page.text
    response = tess.post("/taken/toewijzen", {"task_ids": task_id, "assignee": "bert", "reason": "Spreekt Arabisch",
                                              "next": f"/taken/{task_id}"})
    assert response.headers["location"] == f"/taken/{task_id}"
    assert "Op naam van bert" in tess.get(f"/taken/{task_id}").text
    assert 'action="/taken/toewijzen"' not in login("anna").get(f"/taken/{task_id}").text


def test_beheerder_retries_an_incident_from_the_case_page(login, runtime):
    from tests.api.test_api_cases import _incident_case

    case_id, incident_id = _incident_case(runtime)
    assert "Opnieuw proberen" not in login("anna").get(f"/zaken/{case_id}").text
    bea = login("bea")
    page = bea.get(f"/zaken/{case_id}")
    assert "Storingen" in page.text and f'action="/storingen/{incident_id}/opnieuw"' in page.text
    response = bea.post(f"/storingen/{incident_id}/opnieuw")
    assert response.status_code == 303 and response.headers["location"] == f"/zaken/{case_id}"


def test_the_case_page_draws_the_diagram_the_case_is_in_now_and_the_others_on_request():
    from api.cases.services import diagrams_to_show
    from engine.running.core import DiagramState

    main = '<bpmn:process id="inburgering" name="Inburgering"><bpmn:task id="Call_Intake"/></bpmn:process>'
    intake = '<bpmn:process id="brede_intake" name="Brede intake"><bpmn:userTask id="Task_Intake"/></bpmn:process>'
    pip = '<bpmn:process id="pip" name="PIP"><bpmn:userTask id="Task_Pip"/></bpmn:process>'
    state = DiagramState(diagrams={"inburgering": main, "brede_intake": intake, "pip": pip},
                         active=["Task_Pip"], completed=["Call_Intake", "Task_Intake"])
    shown = diagrams_to_show(state, "inburgering")
    assert [(d["id"], d["current"]) for d in shown] == [("inburgering", False), ("brede_intake", False), ("pip", True)]

    ended = DiagramState(diagrams={"inburgering": main, "brede_intake": intake}, completed=["Call_Intake", "Task_Intake"])
    assert [(d["id"], d["current"]) for d in diagrams_to_show(ended, "inburgering")] == [
        ("inburgering", True), ("brede_intake", False)]


def test_the_inbox_names_a_task_group_by_its_name(login, case_ids):
    page = login("anna").get("/?view=groups").text
    assert "Klantmanagers" in page and ">groep consulent<" not in page
