"""The klantmanager of a case: one responsible person, set and changed with a reason, every change audited."""

from __future__ import annotations

from sqlalchemy import select

from engine.db.models import AuditEntry, Case

from tests.api.conftest import start_case


def _owner(runtime, case_id):
    with runtime.session_factory() as session:
        return session.get(Case, case_id).klantmanager


def test_teamleider_assigns_with_a_reason_and_the_dossier_names_the_person(runtime, login):
    case_id, _ = start_case(runtime)
    tess = login("tess")

    refused = tess.api("PUT", f"/api/cases/{case_id}/klantmanager", json={"klantmanager": "anna", "reden": ""})
    assert refused.status_code == 422 and _owner(runtime, case_id) is None

    done = tess.api("PUT", f"/api/cases/{case_id}/klantmanager", json={"klantmanager": "anna", "reden": "Nieuwe instroom"})
    assert done.status_code == 200 and done.json()["klantmanager"] == "anna"
    page = tess.get(f"/zaken/{case_id}").text
    assert "<strong>Anna de Vries</strong> is verantwoordelijk voor dit dossier." in page
    assert "<dt>Klantmanager</dt><dd>Anna de Vries</dd>" in page

    with runtime.session_factory() as session:
        change = session.scalar(select(AuditEntry).where(AuditEntry.case_id == case_id, AuditEntry.action == "klantmanager"))
        assert change.actor == "tess" and change.detail == {"van": None, "naar": "anna", "reden": "Nieuwe instroom"}


def test_only_people_who_can_own_a_case_of_this_gemeente(runtime, login):
    case_id, _ = start_case(runtime)
    tess = login("tess")
    for username in ("bea", "olaf", "nobody"):   # a beheerder, another gemeente, no such person
        response = tess.api("PUT", f"/api/cases/{case_id}/klantmanager", json={"klantmanager": username, "reden": "Test"})
        assert response.status_code == 422 and "klantmanager" in response.json()["field_errors"]


def test_a_consulent_takes_an_unowned_case_hands_it_over_but_cannot_take_anothers(runtime, login):
    case_id, _ = start_case(runtime)
    anna, bert = login("anna"), login("bert")

    form = anna.get(f"/zaken/{case_id}").text
    assert 'name="klantmanager"' in form and '<option value="bert"' not in form   # only herself, while nobody owns it
    assert anna.post(f"/zaken/{case_id}/klantmanager", {"klantmanager": "anna", "reden": "Ik doe de intake"}).status_code == 303
    assert _owner(runtime, case_id) == "anna"

    taken = bert.api("PUT", f"/api/cases/{case_id}/klantmanager", json={"klantmanager": "bert", "reden": "Mijn zaak"})
    assert taken.status_code == 403 and _owner(runtime, case_id) == "anna"
    assert 'name="klantmanager"' not in bert.get(f"/zaken/{case_id}").text

    handed = anna.api("PUT", f"/api/cases/{case_id}/klantmanager", json={"klantmanager": "bert", "reden": "Verlof"})
    assert handed.status_code == 200 and _owner(runtime, case_id) == "bert"


def test_another_gemeentes_case_is_not_found(runtime, login, case_ids):
    (_, _), (amersfoort_case, _) = case_ids
    response = login("tess").api("PUT", f"/api/cases/{amersfoort_case}/klantmanager",
                                 json={"klantmanager": "anna", "reden": "Test"})
    assert response.status_code == 404
