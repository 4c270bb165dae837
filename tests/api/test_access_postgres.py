"""The access model on PostgreSQL and SQLite: partner links, the long-field refusal, sessions."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from engine.access import accounts, tenancy
from engine.config import Settings
from engine.db.session import transaction
from engine.running.runtime import build_runtime
from tests.api.conftest import FIXTURES, NOW, PASSWORD, PERSON, Browser, _handlers


@pytest.fixture
def access_runtime(database_url):
    """A migrated database (SQLite or a fresh PostgreSQL schema) with a teamleider, a partner and two cases."""
    runtime = build_runtime(Settings(database_url=database_url, clock="database", secret_key="pg-test"),
                            handlers=_handlers())
    with transaction(runtime.session_factory) as session:
        runtime.clock.set(session, NOW)
        accounts.create_user(session=session, username="tess", password=PASSWORD, display_name="Tess",
                             gemeente="demo", roles=["teamleider", "consulent"], groups=["consulent"])
        pia = accounts.create_user(session=session, username="pia", password=PASSWORD, display_name="Pia",
                                   gemeente="demo", roles=["partner"], groups=["partner_mb"])
        tenancy.add_membership(session, user=pia, gemeente="demo", organisation="VluchtelingenWerk")
        files = [(p.name, p.read_bytes()) for p in sorted(FIXTURES.iterdir()) if p.suffix in (".bpmn", ".form")]
        runtime.engine.deploy(session=session, files=files, actor="test")
        ids = [runtime.engine.start_case(session=session, process_id="klantreis_test", gemeente="demo",
                                         data={**PERSON, "naam": naam}, actor="test").id
               for naam in ("Amina Yusuf", "Yonas Tesfaye")]
    yield runtime, ids
    runtime.db.dispose()


def test_partner_links_long_fields_and_logout_on_both_databases(access_runtime):
    runtime, (linked, other) = access_runtime
    app = create_app(runtime)
    tess, pia = Browser(TestClient(app)), Browser(TestClient(app))
    assert tess.login("tess").status_code == 303 and pia.login("pia").status_code == 303
    link = {"organisation": "VluchtelingenWerk", "purpose": "maatschappelijke_begeleiding",
            "valid_from": NOW.date().isoformat()}
    assert tess.api("POST", f"/api/cases/{linked}/partners", json=link).status_code == 201
    assert pia.get(f"/api/cases/{linked}").status_code == 200
    assert pia.get(f"/api/cases/{other}").status_code == 404
    assert [c["id"] for c in pia.get("/api/cases?q=a").json()] == [linked]
    too_long = tess.api("POST", "/api/cases", json={"process_id": "klantreis_test",
                                                    "data": {**PERSON, "bsn": "1" * 12, "naam": "n" * 300}})
    assert too_long.status_code == 422
    assert set(too_long.json()["field_errors"]) == {"data.bsn", "data.naam"}
    assert tess.api("GET", "/api/tasks?page=99999999999999999999").status_code == 422
    tess.post("/logout")
    assert tess.get("/api/me").status_code == 401
