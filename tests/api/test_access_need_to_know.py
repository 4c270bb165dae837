"""Need-to-know: a partner sees exactly its linked inburgeraars and the fields its purpose needs;
events only from their own system account; tasks only for roles that may do their group."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from engine.access import accounts, tenancy
from engine.db.models import User
from engine.db.session import transaction
from tests.api.conftest import NOW, PERSON, start_case, system_client

PARTNER = "pia"


@pytest.fixture
def partner(runtime, login):
    """A VluchtelingenWerk account (role partner, group partner_mb) of gemeente demo, logged in."""
    with transaction(runtime.session_factory) as session:
        user = accounts.create_user(session=session, username=PARTNER, password="geheim-wachtwoord-1",
                                    display_name="Pia (VluchtelingenWerk)", gemeente="demo", roles=["partner"],
                                    groups=["partner_mb"])
        tenancy.add_membership(session, user=user, gemeente="demo", organisation="VluchtelingenWerk")
    return login(PARTNER)


def _link(teamleider, case_id, **extra):
    body = {"organisation": "VluchtelingenWerk", "purpose": "maatschappelijke_begeleiding",
            "valid_from": NOW.date().isoformat(), **extra}
    response = teamleider.api("POST", f"/api/cases/{case_id}/partners", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_partner_sees_exactly_its_linked_inburgeraars_and_their_needed_fields(login, runtime, partner):
    linked, _ = start_case(runtime)
    other, _ = start_case(runtime, naam="Yonas Tesfaye", bsn="111222333")
    later, _ = start_case(runtime, naam="Maria Santos", bsn="999999990")
    tess = login("tess")
    _link(tess, linked)
    _link(tess, later, valid_from=(NOW.date() + timedelta(days=1)).isoformat())
    assert partner.get(f"/api/cases/{other}").status_code == 404, "not linked"
    assert partner.get(f"/api/cases/{later}").status_code == 404, "the link starts tomorrow"
    dossier = partner.get(f"/api/cases/{linked}")
    assert dossier.status_code == 200
    body = dossier.json()
    assert PERSON["bsn"] not in dossier.text and body["case"]["bsn_masked"] is None
    assert [f["label"] for f in body["person"]] == ["Naam", "Geboortedatum", "Taal", "Tolk nodig"]
    assert body["notes"] == [] and body["timeline"] == [] and body["violations"] == [] and body["letters"] == []
    assert [c["id"] for c in partner.get("/api/cases?q=a").json()] == [linked]
    assert partner.api("POST", "/api/cases/search", json={"bsn": PERSON["bsn"]}).status_code == 403
    assert partner.get(f"/api/cases/{linked}/letters").status_code == 403, "letters are not shared"
    assert partner.get(f"/api/cases/{linked}/audit").status_code == 403


def test_the_link_ends_when_its_purpose_ends(login, runtime, partner):
    case_id, _ = start_case(runtime)
    tess = login("tess")
    link = _link(tess, case_id)
    assert partner.get(f"/api/cases/{case_id}").status_code == 200
    assert tess.api("POST", f"/api/partner-links/{link['id']}/end").status_code == 200
    assert partner.get(f"/api/cases/{case_id}").status_code == 404
    assert [x["valid_until"] for x in tess.get(f"/api/cases/{case_id}/partners").json()] == [
        (NOW.date() - timedelta(days=1)).isoformat()]


def test_a_link_needs_a_known_purpose(login, runtime):
    case_id, _ = start_case(runtime)
    response = login("tess").api("POST", f"/api/cases/{case_id}/partners", json={
        "organisation": "VluchtelingenWerk", "purpose": "nieuwsgierigheid", "valid_from": "2026-03-02"})
    assert response.status_code == 422 and "purpose" in response.json()["field_errors"]


def test_a_teamleider_cannot_give_a_consulent_task_to_the_partner(login, runtime, partner):
    _, task_id = start_case(runtime)
    tess = login("tess")
    response = tess.api("POST", f"/api/tasks/{task_id}/assign", json={"assignee": PARTNER, "reason": "hulp"})
    assert response.status_code == 422
    assert "mag taken van groep consulent niet doen" in response.json()["field_errors"]["assignee"]
    page = tess.get(f"/taken/{task_id}").text
    assert f'value="{PARTNER}"' not in page and 'value="bert"' in page, "the page offers only those who may"
    assert partner.api("POST", f"/api/tasks/{task_id}/claim").status_code == 404


def test_events_come_only_from_their_own_system_account(login, runtime, app):
    case_id, _ = start_case(runtime)
    body = {"name": "duo_plicht_beeindigd", "message_id": "duo-9", "case_id": case_id, "payload": {"reden": "x"}}
    assert login("anna").api("POST", "/api/messages", json=body).status_code == 403, "never from a person"
    assert login("tess").api("POST", "/api/messages", json=body).status_code == 403
    coa = system_client(app, "coa-koppeling")
    refused = coa.post("/api/messages", json=body)
    assert refused.status_code == 403 and "duo_plicht_beeindigd" in refused.json()["detail"]
    assert coa.post("/api/messages", json={**body, "name": "coa_klantprofiel", "message_id": "coa-1"}).status_code == 200
    duo = system_client(app, "duo-koppeling")
    assert duo.post("/api/messages", json=body).status_code == 200
    assert duo.get(f"/api/cases/{case_id}").status_code == 403, "a system account reads no dossiers"


def test_bsn_searches_and_letter_downloads_are_audited_and_the_fg_sees_who_looked(login, runtime, app):
    from engine.db.models import AuditEntry

    case_id, _ = start_case(runtime)
    anna = login("anna")
    assert anna.get(f"/api/cases/{case_id}").status_code == 200
    assert anna.api("POST", "/api/cases/search", json={"bsn": PERSON["bsn"]}).status_code == 200
    with transaction(runtime.session_factory) as session:
        searches = session.query(AuditEntry).filter_by(action="search_bsn", actor="anna").all()
        assert len(searches) == 1 and PERSON["bsn"] not in str(searches[0].detail)
        accounts.create_user(session=session, username="fien", password="geheim-wachtwoord-1",
                             display_name="Fien (FG)", gemeente="demo", roles=["fg"])
    fg = login("fien")
    looked = fg.get(f"/api/cases/{case_id}/inzage").json()
    assert [(x["actor"], x["action"]) for x in looked] == [("anna", "view")]
    page = fg.post("/inzage", {"case_number": anna.get(f"/api/cases/{case_id}").json()["case"]["case_number"]})
    assert page.status_code == 200 and "anna" in page.text
    assert anna.get(f"/api/cases/{case_id}/inzage").status_code == 403


def test_a_regional_user_switches_gemeente_explicitly_and_is_audited_there(login, runtime):
    from engine.db.models import AuditEntry

    demo_case, _ = start_case(runtime)
    other_case, _ = start_case(runtime, "amersfoort", naam="Karim Haddad", bsn="111222333")
    with transaction(runtime.session_factory) as session:
        anna = session.query(User).filter_by(username="anna").one()
        tenancy.add_membership(session, user=anna, gemeente="amersfoort")
    anna = login("anna")
    assert anna.get(f"/api/cases/{other_case}").status_code == 404, "not before switching"
    assert anna.api("POST", "/api/me/gemeente", json={"gemeente": "utrecht"}).status_code == 422
    assert anna.api("POST", "/api/me/gemeente", json={"gemeente": "amersfoort"}).status_code == 200
    assert anna.get("/api/me").json()["gemeente"] == "amersfoort"
    assert anna.get(f"/api/cases/{other_case}").status_code == 200
    assert anna.get(f"/api/cases/{demo_case}").status_code == 404
    with transaction(runtime.session_factory) as session:
        rows = session.query(AuditEntry).filter_by(actor="anna").order_by(AuditEntry.id).all()
        assert [(r.action, r.gemeente) for r in rows] == [
            ("login", "demo"), ("switch_gemeente", "amersfoort"), ("view", "amersfoort")]
        assert rows[0].detail == {"method": "password"}
        assert session.query(User).filter_by(username="anna").one().gemeente == "demo", "the account is unchanged"


def test_cli_writes_go_through_the_access_model(runtime, partner):
    from engine.access import cli as cli_access
    from engine.errors import Forbidden

    _, task_id = start_case(runtime)
    with transaction(runtime.session_factory) as session:
        with pytest.raises(Forbidden):
            cli_access.require(session, PARTNER, "tasks.work", task_id=task_id)
        with pytest.raises(Forbidden):
            cli_access.require_message(session, "anna", "duo_lbt_uitslag")
        cli_access.require(session, "anna", "tasks.work", task_id=task_id)
        cli_access.require(session, "bea", "tasks.work", task_id=task_id)  # the beheerder's CLI
        cli_access.require_message(session, "systeem:duo", "duo_lbt_uitslag")
        cli_access.require_message(session, "duo-koppeling", "duo_lbt_uitslag")
        with pytest.raises(Forbidden):
            cli_access.require_message(session, "coa-koppeling", "duo_lbt_uitslag")
