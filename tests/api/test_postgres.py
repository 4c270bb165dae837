"""The consultant's main path once more on PostgreSQL (skipped when it does not answer)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from engine.access import accounts
from engine.config import Settings
from engine.db.session import transaction
from engine.running.runtime import build_runtime
from tests.api.conftest import FIXTURES, NOW, PASSWORD, PERSON, Browser, _handlers
from tests.api.test_api_tasks import VALID

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_runtime(database_url):
    """A runtime on a fresh PostgreSQL schema with two users and the test process."""
    settings = Settings(database_url=database_url, clock="database", secret_key="pg-test")
    runtime = build_runtime(settings, handlers=_handlers())
    with transaction(runtime.session_factory) as session:
        runtime.clock.set(session, NOW)
        accounts.create_user(session=session, username="anna", password=PASSWORD, display_name="Anna",
                             gemeente="demo", roles=["consulent"], groups=["consulent"])
        accounts.create_user(session=session, username="olaf", password=PASSWORD, display_name="Olaf",
                             gemeente="amersfoort", roles=["consulent"], groups=["consulent"])
        files = [(p.name, p.read_bytes()) for p in sorted(FIXTURES.iterdir()) if p.suffix in (".bpmn", ".form")]
        runtime.engine.deploy(session=session, files=files, actor="test")
        case = runtime.engine.start_case(session=session, process_id="klantreis_test", gemeente="demo",
                                         data=PERSON, actor="test")
        case_id = case.id
    yield runtime, case_id
    runtime.db.dispose()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_main_path_on_postgresql(pg_runtime):
    runtime, case_id = pg_runtime
    app = create_app(runtime)
    anna, olaf = Browser(TestClient(app)), Browser(TestClient(app))
    assert anna.login("anna").status_code == 303 and olaf.login("olaf").status_code == 303
    rows = anna.get("/api/tasks?view=groups").json()["rows"]
    task_id = rows[0]["task_id"]
    assert anna.api("POST", "/api/tasks/search", json={"bsn": PERSON["bsn"]}).json()["rows"][0]["task_id"] == task_id
    assert olaf.get(f"/api/cases/{case_id}").status_code == 404
    assert anna.post(f"/taken/{task_id}/claimen").status_code == 303
    refused = anna.post(f"/taken/{task_id}", {**VALID, "intake_tijd": "later"})
    assert refused.status_code == 422 and 'value="later"' in refused.text
    assert anna.post(f"/taken/{task_id}", VALID).status_code == 303
    stale = anna.post(f"/taken/{task_id}", VALID)
    assert stale.status_code == 409 and "al afgerond" in stale.text
    dossier = anna.get(f"/api/cases/{case_id}").json()
    assert [t["name"] for t in dossier["open_tasks"]] == ["Brede intake voeren"]
    assert [x["template"] for x in dossier["letters"]] == ["uitnodiging_brede_intake"]
    assert anna.api("POST", f"/api/cases/{case_id}/notes", json={"text": "Op PostgreSQL."}).status_code == 201
    assert anna.get(f"/zaken/{case_id}").status_code == 200
