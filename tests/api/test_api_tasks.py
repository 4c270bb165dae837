"""JSON API for tasks: inbox views, claim, unclaim, assign, complete, drafts."""

from __future__ import annotations

from engine.db.models import AuditEntry, UserTask
from engine.db.session import transaction
from tests.api.conftest import start_case

VALID = {"intake_datum": "2026-03-10", "intake_tijd": "10:30", "intake_locatie": "Stadskantoor Utrecht",
         "reageren_voor": "2026-03-09"}


def test_me_returns_the_logged_in_person(login):
    me = login("anna").get("/api/me").json()
    assert me["username"] == "anna" and me["gemeente"] == "demo" and me["groups"] == ["consulent"]


def test_group_view_lists_unassigned_tasks_with_both_deadlines(login, case_ids):
    (case_id, task_id), _ = case_ids
    rows = login("anna").get("/api/tasks?view=groups").json()["rows"]
    assert [r["task_id"] for r in rows] == [task_id]
    row = rows[0]
    assert row["due_at"].startswith("2026-03-09") and row["legal_deadline"].startswith("2026-05-04")
    assert row["case_id"] == case_id and row["naam"] == "Amina Yusuf"
    assert "bsn" not in row


def test_claim_moves_the_task_from_group_to_mine_and_unclaim_back(login, case_ids):
    (_, task_id), _ = case_ids
    anna = login("anna")
    claimed = anna.api("POST", f"/api/tasks/{task_id}/claim").json()
    assert claimed["assignee"] == "anna"
    assert [r["task_id"] for r in anna.get("/api/tasks?view=mine").json()["rows"]] == [task_id]
    assert anna.get("/api/tasks?view=groups").json()["rows"] == []
    assert anna.api("POST", f"/api/tasks/{task_id}/unclaim").json()["assignee"] is None
    assert anna.get("/api/tasks?view=mine").json()["rows"] == []


def test_claiming_a_colleagues_task_is_a_conflict(login, case_ids):
    (_, task_id), _ = case_ids
    login("anna").api("POST", f"/api/tasks/{task_id}/claim")
    bert = login("bert")
    assert bert.api("POST", f"/api/tasks/{task_id}/claim").status_code == 409
    assert bert.api("POST", f"/api/tasks/{task_id}/unclaim").status_code == 403


def test_team_view_is_for_the_teamleider(login, case_ids):
    assert login("anna").get("/api/tasks?view=team").status_code == 403
    rows = login("tess").get("/api/tasks?view=team").json()["rows"]
    assert len(rows) == 1, "only the teamleider's own gemeente"


def test_teamleider_assigns_many_with_a_reason_that_is_audited(login, runtime, case_ids):
    (_, first), _ = case_ids
    _, second = start_case(runtime, naam="Yonas Tesfaye")
    tess = login("tess")
    done = tess.api("POST", "/api/tasks/assign", json={"task_ids": [first, second], "assignee": "bert",
                                                         "reason": "Anna is met verlof"})
    assert done.json()["count"] == 2
    assert len(login("bert").get("/api/tasks?view=mine").json()["rows"]) == 2
    with transaction(runtime.session_factory) as session:
        rows = session.query(AuditEntry).filter_by(action="assign").all()
        assert {r.detail["reason"] for r in rows} == {"Anna is met verlof"} and len(rows) == 2
    refused = login("anna").api("POST", "/api/tasks/assign", json={"task_ids": [first], "assignee": "anna",
                                                                  "reason": "ik wil hem"})
    assert refused.status_code == 403


def test_assign_needs_a_colleague_of_the_same_gemeente(login, case_ids):
    (_, task_id), _ = case_ids
    response = login("tess").api("POST", f"/api/tasks/{task_id}/assign", json={"assignee": "olaf", "reason": "x"})
    assert response.status_code == 422 and "assignee" in response.json()["field_errors"]
    ok = login("tess").api("POST", f"/api/tasks/{task_id}/assign", json={"assignee": "anna", "reason": "werkverdeling"})
    assert ok.json()["assignee"] == "anna"


def test_complete_with_invalid_data_gives_field_errors(login, case_ids):
    (_, task_id), _ = case_ids
    response = login("anna").api("POST", f"/api/tasks/{task_id}/complete",
                                 json={"data": {**VALID, "intake_tijd": "half elf"}})
    assert response.status_code == 422
    assert set(response.json()["field_errors"]) == {"intake_tijd"}


def test_complete_runs_the_case_on_and_makes_the_letter(login, runtime, case_ids):
    (case_id, task_id), _ = case_ids
    anna = login("anna")
    case = anna.api("POST", f"/api/tasks/{task_id}/complete", json={"data": VALID}).json()
    assert case["id"] == case_id
    with transaction(runtime.session_factory) as session:
        names = [t.name for t in session.query(UserTask).filter_by(case_id=case_id)]
    assert names == ["Brede intake voeren"]
    letters = anna.get(f"/api/cases/{case_id}/letters").json()
    assert [x["template"] for x in letters] == ["uitnodiging_brede_intake"]
    again = anna.api("POST", f"/api/tasks/{task_id}/complete", json={"data": VALID})
    assert again.status_code == 409


def test_stale_version_is_a_conflict(login, case_ids):
    (_, task_id), _ = case_ids
    response = login("anna").api("POST", f"/api/tasks/{task_id}/complete", json={"data": VALID,
                                                                                 "expected_version": 999})
    assert response.status_code == 409


def test_draft_save_resume_and_discard(login, case_ids):
    (_, task_id), _ = case_ids
    anna = login("anna")
    assert anna.get(f"/api/tasks/{task_id}/draft").status_code == 404
    saved = anna.api("PUT", f"/api/tasks/{task_id}/draft", json={"data": {"intake_locatie": "Wijkbureau"}})
    assert saved.json()["data"] == {"intake_locatie": "Wijkbureau"}
    assert anna.get(f"/api/tasks/{task_id}/draft").json()["data"]["intake_locatie"] == "Wijkbureau"
    assert login("bert").get(f"/api/tasks/{task_id}/draft").status_code == 404, "a draft is personal"
    anna.api("DELETE", f"/api/tasks/{task_id}/draft")
    assert anna.get(f"/api/tasks/{task_id}/draft").status_code == 404


def test_search_by_bsn_goes_in_the_body_never_the_url(login, case_ids):
    (_, task_id), _ = case_ids
    anna = login("anna")
    found = anna.api("POST", "/api/tasks/search", json={"bsn": "123456782"}).json()["rows"]
    assert [r["task_id"] for r in found] == [task_id]
    assert anna.api("POST", "/api/tasks/search", json={"bsn": "111222333"}).json()["rows"] == [], "other gemeente"
    refused = anna.get("/api/tasks?q=123456782")
    assert refused.status_code == 422 and "123456782" not in refused.text
    by_name = anna.get("/api/tasks?q=amina").json()["rows"]
    assert [r["task_id"] for r in by_name] == [task_id]


def test_tasks_of_another_gemeente_are_not_found(login, case_ids):
    _, (_, other_task) = case_ids
    anna = login("anna")
    assert anna.get(f"/api/tasks/{other_task}").status_code == 404
    for action in ("claim", "unclaim"):
        assert anna.api("POST", f"/api/tasks/{other_task}/{action}").status_code == 404
    assert anna.api("POST", f"/api/tasks/{other_task}/complete", json={"data": VALID}).status_code == 404
    assert anna.api("PUT", f"/api/tasks/{other_task}/draft", json={"data": {}}).status_code == 404
    assert login("tess").api("POST", f"/api/tasks/{other_task}/assign",
                             json={"assignee": "anna", "reason": "x"}).status_code == 404


def test_get_task_returns_its_form_reference(login, case_ids):
    (_, task_id), _ = case_ids
    task = login("anna").get(f"/api/tasks/{task_id}").json()
    assert task["form_ref"] == "intake_plannen_test" and task["candidate_groups"] == ["consulent"]
