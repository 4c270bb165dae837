"""The beheer API and pages without a browser: true retry results, dry-run migration, BSN search by POST."""

from __future__ import annotations

from datetime import timedelta

from engine.db.models import AuditEntry, Case, Incident
from engine.db.session import transaction
from tests.api.conftest import NOW, start_case
from tests.beheer.conftest import (
    case_past_first_step, deploy_v2, failing_incident, rejected_letter_incident,
)


def test_retry_many_reports_the_true_result_of_each_incident(login, runtime):
    failing_case, failing = failing_incident(runtime)
    fixed_case, fixed = rejected_letter_incident(runtime)
    _, foreign = failing_incident_in(runtime, "amersfoort")
    body = {"incident_ids": [failing, fixed, foreign]}
    assert login("anna").api("POST", "/api/beheer/incidents/retry", json=body).status_code == 403
    outcomes = login("bea").api("POST", "/api/beheer/incidents/retry", json=body)
    assert outcomes.status_code == 200
    by_id = {o["incident_id"]: o for o in outcomes.json()}
    assert by_id[failing]["status"] == "opnieuw_mislukt" and "mislukt" in by_id[failing]["message"]
    assert by_id[fixed]["status"] == "gelukt" and by_id[fixed]["new_incident_id"] is None
    assert by_id[foreign]["status"] == "geweigerd" and by_id[foreign]["case_id"] is None, "another gemeente's"
    with transaction(runtime.session_factory) as session:
        assert session.get(Incident, failing).resolved_by == "bea"
        again = session.get(Incident, by_id[failing]["new_incident_id"])
        assert again.case_id == failing_case and again.resolved_at is None
        assert session.query(Incident).filter_by(case_id=fixed_case, resolved_at=None).count() == 0
        assert session.query(Incident).filter_by(id=foreign, resolved_at=None).count() == 1, "untouched"
    retried_again = login("bea").api("POST", "/api/beheer/incidents/retry", json={"incident_ids": [failing]}).json()
    assert retried_again[0]["status"] == "geweigerd" and "al opgelost" in retried_again[0]["message"]


def failing_incident_in(runtime, gemeente: str) -> tuple[str, int]:
    case_id, task_id = start_case(runtime, gemeente, postcode="onbekend", naam="Karim Haddad", bsn="111222333")
    from tests.api.test_api_tasks import VALID

    with transaction(runtime.session_factory) as session:
        runtime.engine.complete_task(session=session, task_id=task_id, data=VALID, actor="olaf")
        return case_id, session.query(Incident).filter_by(case_id=case_id, resolved_at=None).one().id


def test_the_case_page_retry_says_when_the_step_failed_again(login, runtime):
    case_id, incident_id = failing_incident(runtime)
    bea = login("bea")
    response = bea.post(f"/storingen/{incident_id}/opnieuw")
    assert response.status_code == 303 and response.headers["location"] == f"/zaken/{case_id}"
    page = bea.get(f"/zaken/{case_id}").text
    assert "De stap is opnieuw mislukt" in page and "De stap is opnieuw uitgevoerd" not in page
    assert login("anna").post(f"/storingen/{incident_id}/opnieuw").status_code == 403


def test_incident_filters_by_step_text_and_age(login, runtime):
    failing_incident(runtime)
    rejected_letter_incident(runtime)
    bea = login("bea")
    everything = bea.get("/api/beheer/incidents").json()
    assert len(everything) == 2
    assert [i["element_id"] for i in bea.get("/api/beheer/incidents?element=Task_Brief").json()] == ["Task_Brief"]
    assert [i["process_id"] for i in bea.get("/api/beheer/incidents?process=klantreis_test").json()] == ["klantreis_test"]
    assert len(bea.get("/api/beheer/incidents?text=teruggestuurd").json()) == 1
    assert bea.get("/api/beheer/incidents?min_age_days=1").json() == [], "made today"
    with transaction(runtime.session_factory) as session:
        runtime.clock.set(session, NOW + timedelta(days=2))
    assert len(bea.get("/api/beheer/incidents?min_age_days=1").json()) == 2
    assert bea.get("/api/beheer/incidents?min_age_days=3").json() == []
    refused = bea.get("/api/beheer/incidents?min_age_days=gisteren")
    assert refused.status_code == 422 and "min_age_days" in refused.text
    assert login("olaf").get("/api/beheer/incidents").status_code == 403, "a teamleider is no beheerder"


def test_dry_run_migration_reports_per_case_and_changes_nothing(login, runtime):
    waiting_case, _ = start_case(runtime)
    done_case = case_past_first_step(runtime)
    v1, v2 = deploy_v2(runtime)
    bea = login("bea")
    dry = bea.api("POST", "/api/beheer/migrations", json={"definition_id": v1, "dry_run": True})
    assert dry.status_code == 200
    result = dry.json()
    assert result["to_definition"] == v2 and result["dry_run"] is True
    by_case = {c["case_id"]: c for c in result["cases"]}
    assert by_case[waiting_case]["safe"] is True and by_case[waiting_case]["migrated"] is False
    assert by_case[done_case]["safe"] is False
    assert "stap Task_IntakePlannen is al gedaan en is veranderd" in by_case[done_case]["reasons"]
    with transaction(runtime.session_factory) as session:
        assert {session.get(Case, c).definition_id for c in (waiting_case, done_case)} == {v1}
        proef = session.query(AuditEntry).filter_by(action="view", actor="bea").all()
        assert {e.case_id for e in proef if e.detail.get("what") == "beheer:migratie-proef"} == {waiting_case, done_case}
        assert session.query(AuditEntry).filter_by(action="migrate").count() == 0

    real = bea.api("POST", "/api/beheer/migrations", json={"definition_id": v1, "dry_run": False}).json()
    by_case = {c["case_id"]: c for c in real["cases"]}
    assert by_case[waiting_case]["migrated"] is True and by_case[done_case]["migrated"] is False
    with transaction(runtime.session_factory) as session:
        assert session.get(Case, waiting_case).definition_id == v2
        assert session.get(Case, done_case).definition_id == v1
        assert session.query(AuditEntry).filter_by(action="migrate_refused", case_id=done_case).count() == 1
    latest = bea.api("POST", "/api/beheer/migrations", json={"definition_id": v2, "dry_run": True})
    assert latest.status_code == 422 and "definition_id" in latest.text


def test_search_by_bsn_goes_by_post_and_never_echoes_the_bsn(login, runtime):
    (mine, _), (theirs, _) = start_case(runtime), start_case(runtime, "amersfoort", naam="Karim", bsn="123456782")
    bea = login("bea")
    assert bea.get("/api/beheer/cases/search").status_code == 405, "no GET: a BSN never goes in a URL"
    found = bea.api("POST", "/api/beheer/cases/search", json={"bsn": "123456782"})
    assert found.status_code == 200
    assert [h["id"] for h in found.json()] == [mine], "only the own gemeente's case"
    assert "123456782" not in found.text
    by_status = bea.api("POST", "/api/beheer/cases/search", json={"text": "amina", "status": "completed"}).json()
    assert by_status == []
    wrong = bea.api("POST", "/api/beheer/cases/search", json={"bsn": "12345"})
    assert wrong.status_code == 422 and "bsn" in wrong.json()["field_errors"]
    page = bea.post("/beheer/zoeken", {"bsn": "123456782", "status": ""})
    assert page.status_code == 200 and "Amina Yusuf" in page.text and "123456782" not in page.text
    with transaction(runtime.session_factory) as session:
        reads = session.query(AuditEntry).filter_by(action="view", case_id=mine).all()
        assert [e.detail["what"] for e in reads] == ["beheer:zoeken", "beheer:zoeken"]
        assert all("123456782" not in str(e.detail) for e in session.query(AuditEntry).all())
        assert session.query(AuditEntry).filter_by(action="view", case_id=theirs).count() == 0
    assert login("anna").post("/beheer/zoeken", {"bsn": "123456782"}).status_code == 403


def test_version_diff_names_added_removed_and_changed_steps(login, runtime):
    v1, v2 = deploy_v2(runtime)
    bea = login("bea")
    forward = bea.get("/beheer/versies/verschil", params={"old": v1, "new": v2})
    assert forward.status_code == 200
    text = forward.text
    assert "Toegevoegd (2)" in text and "Task_Welkom" in text and "Flow_5" in text
    assert "Weggehaald (0)" in text
    assert "Brede intake plannen → Brede intake inplannen" in text
    assert "P2W" in text and "P3W" in text
    backward = bea.get("/beheer/versies/verschil", params={"old": v2, "new": v1}).text
    assert "Weggehaald (2)" in backward and "Task_Welkom" in backward
    versions = bea.get("/beheer/versies").text
    assert "v2" in versions and "nieuwste" in versions
    assert bea.get("/beheer/versies/verschil", params={"old": v1, "new": "bestaat-niet"}).status_code == 404
