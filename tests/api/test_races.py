"""HTTP races through the real app: exactly one 200, the others a clear 409, never a 500."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from engine.access import accounts
from engine.config import Settings
from engine.db.models import AuditEntry
from engine.db.session import transaction
from engine.running.runtime import build_runtime
from tests.api.conftest import FIXTURES, NOW, PASSWORD, PERSON, Browser, _handlers
from tests.api.test_api_tasks import VALID

CONSULENTEN = ["anna", "bert", "carl", "dina"]


@pytest.fixture
def race_app(database_url):
    """The app on a fresh database (SQLite file or PostgreSQL schema) with four consulenten."""
    settings = Settings(database_url=database_url, clock="database", secret_key="race-test")
    runtime = build_runtime(settings, handlers=_handlers())
    with transaction(runtime.session_factory) as session:
        runtime.clock.set(session, NOW)
        for name in CONSULENTEN:
            accounts.create_user(session=session, username=name, password=PASSWORD, display_name=name.title(),
                                 gemeente="demo", roles=["consulent"], groups=["consulent"])
        files = [(p.name, p.read_bytes()) for p in sorted(FIXTURES.iterdir()) if p.suffix in (".bpmn", ".form")]
        runtime.engine.deploy(session=session, files=files, actor="test")
    app = create_app(runtime)
    browsers = []
    for name in CONSULENTEN:
        browser = Browser(TestClient(app))
        assert browser.login(name).status_code == 303
        browsers.append(browser)
    yield runtime, browsers
    for browser in browsers:
        browser.client.close()
    runtime.db.dispose()


def _start(runtime, process_id: str = "klantreis_test", data: dict | None = None) -> str:
    with transaction(runtime.session_factory) as session:
        return runtime.engine.start_case(session=session, process_id=process_id, gemeente="demo",
                                         data={**PERSON, **(data or {})}, actor="test").id


def _race(browsers, call) -> Counter:
    """Let every browser make its call at the same moment; count the status codes."""
    barrier = threading.Barrier(len(browsers))
    codes: list[int] = []

    def run(browser) -> None:
        barrier.wait()
        codes.append(call(browser).status_code)

    threads = [threading.Thread(target=run, args=(b,)) for b in browsers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return Counter(codes)


def _first_task(browser, case_id: str) -> str:
    return browser.get(f"/api/cases/{case_id}").json()["open_tasks"][0]["id"]


def test_simultaneous_claims_one_200_and_409s(race_app):
    runtime, browsers = race_app
    task_id = _first_task(browsers[0], _start(runtime))
    codes = _race(browsers, lambda b: b.api("POST", f"/api/tasks/{task_id}/claim"))
    assert codes == Counter({200: 1, 409: 3})
    with transaction(runtime.session_factory) as session:
        assert session.query(AuditEntry).filter_by(action="claim").count() == 1


def test_simultaneous_completions_of_an_unclaimed_task_one_200_and_409s(race_app):
    runtime, browsers = race_app
    for _ in range(3):
        task_id = _first_task(browsers[0], _start(runtime))
        codes = _race(browsers, lambda b: b.api("POST", f"/api/tasks/{task_id}/complete", json={"data": VALID}))
        assert codes == Counter({200: 1, 409: 3})


def test_simultaneous_form_posts_one_redirect_and_409s(race_app):
    runtime, browsers = race_app
    task_id = _first_task(browsers[0], _start(runtime))
    codes = _race(browsers, lambda b: b.post(f"/taken/{task_id}", VALID))
    assert codes == Counter({303: 1, 409: 3})


def test_simultaneous_approvals_of_a_letter_one_200_and_409s(race_app):
    from engine.letters.archive import list_letters

    runtime, browsers = race_app
    case_id = _start(runtime, "brief_review_test", VALID)
    with transaction(runtime.session_factory) as session:
        letter_id = list_letters(session=session, case_id=case_id)[0].id
    reviewers = [b for b in browsers if b.get("/api/me").json()["username"] != "test"]
    codes = _race(reviewers, lambda b: b.api("POST", f"/api/letters/{letter_id}/approve"))
    assert codes == Counter({200: 1, 409: len(reviewers) - 1})
    with transaction(runtime.session_factory) as session:
        assert session.query(AuditEntry).filter_by(action="letter_approved").count() == 1


class _LostRace(Exception):
    """What psycopg raises when PostgreSQL broke a deadlock."""

    sqlstate = "40P01"


def test_a_request_that_lost_a_race_is_run_again_then_a_409(app, login, monkeypatch):
    from engine.access.routes import ROUTE_RULES

    monkeypatch.setitem(ROUTE_RULES, "POST /api/test-lost-race/{times}", "tasks.work")  # the test's own route
    attempts = []

    @app.post("/api/test-lost-race/{times}")
    def lost_race(times: int) -> dict:
        attempts.append(times)
        if len(attempts) <= times:
            raise _LostRace("deadlock detected")
        return {"attempts": len(attempts)}

    anna = login("anna")
    assert anna.api("POST", "/api/test-lost-race/2", json={"x": 1}).json() == {"attempts": 3}
    attempts.clear()
    gave_up = anna.api("POST", "/api/test-lost-race/99")
    assert gave_up.status_code == 409 and "druk" in gave_up.json()["detail"] and len(attempts) == 5
    attempts.clear()
    page = anna.post("/api/test-lost-race/99")
    assert page.status_code == 409
