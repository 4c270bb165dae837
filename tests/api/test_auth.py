"""Login, server-side sessions, CSRF, HTTP basic for beheerders and systems, and throttling."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from engine.access import accounts, sessions, throttle
from engine.db.session import transaction
from tests.api.conftest import _basic_client, NOW, PASSWORD, Browser, csrf_from


def _basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def test_login_sets_a_signed_httponly_lax_cookie_and_logout_ends_it(app):
    client = TestClient(app)
    browser = Browser(client)
    response = browser.login("anna")
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert client.get("/api/me").json()["username"] == "anna"
    browser.post("/logout")
    assert client.get("/api/me").status_code == 401
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_secure_cookie_when_settings_say_so(runtime):
    from api.app import create_app

    runtime.settings.secure_cookies = True
    response = Browser(TestClient(create_app(runtime))).login("anna")
    assert "secure" in response.headers["set-cookie"].lower()


def test_wrong_password_shows_the_form_again_in_dutch(app):
    client = TestClient(app)
    browser = Browser(client)
    response = browser.login("anna", "fout-wachtwoord")
    assert response.status_code == 401
    assert "Controleer uw gebruikersnaam en wachtwoord" in response.text
    assert client.get("/api/me").status_code == 401


def test_login_form_without_csrf_token_is_refused(app):
    client = TestClient(app)
    client.get("/login")
    response = client.post("/login", data={"username": "anna", "password": PASSWORD})
    assert response.status_code == 403
    assert client.get("/api/me").status_code == 401


def test_wrong_passwords_slow_the_account_down_but_never_lock_it(app, monkeypatch):
    moment = [datetime(2026, 12, 2, 8, 0, tzinfo=timezone.utc)]
    monkeypatch.setattr(throttle, "wall_clock", lambda: moment[0])
    browser = Browser(TestClient(app))
    for _ in range(throttle.FREE_FAILURES):
        assert browser.login("bert", "fout-wachtwoord").status_code == 401
    waiting = browser.login("bert")
    assert waiting.status_code == 429 and waiting.headers["retry-after"] == "1", "a delay, not a lock"
    moment[0] += timedelta(seconds=1)
    assert browser.login("bert").status_code == 303, "after the delay the right password works"


def test_delays_grow_and_stop_at_the_cap_on_the_real_clock(runtime, monkeypatch):
    moment = [datetime(2026, 12, 2, 8, 0, tzinfo=timezone.utc)]
    monkeypatch.setattr(throttle, "wall_clock", lambda: moment[0])
    waits = []
    with transaction(runtime.session_factory) as session:
        runtime.clock.set(session, NOW + timedelta(days=365))  # the case clock plays no part
        for _ in range(12):
            wait = throttle.wait_seconds(session, account="anna", address=None)
            moment[0] += timedelta(seconds=wait)
            waits.append(wait)
            assert accounts.authenticate(session=session, username="anna", password="x") is None
    assert waits[:4] == [0, 0, 0, 1] and waits[4:7] == [2, 4, 8]
    assert max(waits) == throttle.ACCOUNT_MAX_DELAY.total_seconds()


def test_a_guessing_address_waits_longer_than_the_account(runtime, monkeypatch):
    moment = [datetime(2026, 12, 2, 8, 0, tzinfo=timezone.utc)]
    monkeypatch.setattr(throttle, "wall_clock", lambda: moment[0])
    with transaction(runtime.session_factory) as session:
        for n in range(14):  # spread over many accounts: each account stays free, the address does not
            moment[0] += timedelta(seconds=throttle.wait_seconds(session, account=f"gok{n}", address="10.0.0.9"))
            assert accounts.authenticate(session=session, username=f"gok{n}", password="x", address="10.0.0.9") is None
        assert throttle.wait_seconds(session, account="anna", address="10.0.0.9") > 60
        with pytest.raises(accounts.LoginThrottled):
            accounts.authenticate(session=session, username="anna", password=PASSWORD, address="10.0.0.9")
        assert throttle.wait_seconds(session, account="anna", address="10.0.0.7") == 0


def test_authenticate_resets_the_account_after_success(runtime):
    with transaction(runtime.session_factory) as session:
        for _ in range(throttle.FREE_FAILURES - 1):
            assert accounts.authenticate(session=session, username="anna", password="x") is None
        user = accounts.authenticate(session=session, username="anna", password=PASSWORD)
        assert user is not None and user.password_hash.startswith("$argon2id$")
        assert throttle.wait_seconds(session, account="anna", address=None) == 0


def test_json_api_with_session_cookie_needs_the_csrf_header(login, case_ids):
    (_, task_id), _ = case_ids
    anna = login("anna")
    without = anna.client.post(f"/api/tasks/{task_id}/claim")
    assert without.status_code == 403
    assert anna.api("POST", f"/api/tasks/{task_id}/claim").status_code == 200


def test_web_form_without_csrf_field_is_refused(login, case_ids):
    (_, task_id), _ = case_ids
    anna = login("anna")
    response = anna.client.post(f"/taken/{task_id}/claimen", data={}, follow_redirects=False)
    assert response.status_code == 403
    assert "formulier is verlopen" in response.text


def test_basic_auth_is_for_beheerders_only(app, case_ids):
    client = TestClient(app)
    assert client.get("/api/me", headers=_basic("bea", PASSWORD)).json()["roles"] == ["beheerder"]
    assert client.get("/api/me", headers=_basic("anna", PASSWORD)).status_code == 403
    assert client.get("/api/me", headers=_basic("duo-koppeling", PASSWORD)).json()["roles"] == ["systeem_duo"]
    wrong = client.get("/api/me", headers=_basic("bea", "fout"))
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"].startswith("Basic")


def test_basic_auth_failures_are_throttled_too(app, monkeypatch):
    monkeypatch.setattr(throttle, "wall_clock", lambda: datetime(2026, 12, 2, 8, 0, tzinfo=timezone.utc))
    client = TestClient(app)
    for _ in range(throttle.FREE_FAILURES):
        assert client.get("/api/me", headers=_basic("bea", "fout")).status_code == 401
    assert client.get("/api/me", headers=_basic("bea", PASSWORD)).status_code == 429


def test_a_copied_session_cookie_is_dead_after_logout(app):
    client = TestClient(app)
    browser = Browser(client)
    browser.login("anna")
    stolen = dict(client.cookies)
    browser.post("/logout")
    replay = TestClient(app, cookies=stolen)
    assert replay.get("/api/me").status_code == 401


def test_idle_and_absolute_timeouts_end_a_session(app, monkeypatch):
    moment = [datetime(2026, 12, 2, 8, 0, tzinfo=timezone.utc)]
    monkeypatch.setattr(throttle, "wall_clock", lambda: moment[0])
    monkeypatch.setattr(sessions, "wall_clock", lambda: moment[0])
    client = TestClient(app)
    Browser(client).login("anna")
    for _ in range(19):  # active all day: every 29 minutes a request
        moment[0] += timedelta(minutes=29)
        assert client.get("/api/me").status_code == 200
    moment[0] += timedelta(minutes=29)  # 9h40 after login
    assert client.get("/api/me").status_code == 200
    moment[0] += timedelta(minutes=21)  # past the absolute 10 hours
    assert client.get("/api/me").status_code == 401
    other = TestClient(app)
    Browser(other).login("bert")
    moment[0] += sessions.IDLE_TIMEOUT + timedelta(seconds=1)
    assert other.get("/api/me").status_code == 401, "idle too long"


def test_a_beheerder_revokes_a_session_of_their_gemeente(app, login):
    anna = login("anna")
    bea = _basic_client(app, "bea")
    live = bea.get("/api/access/sessions").json()
    mine = [s for s in live if s["username"] == "anna"]
    assert mine and all(s["gemeente"] == "demo" for s in live)
    csrf = {"X-CSRF-Token": ""}
    assert bea.post(f"/api/access/sessions/{mine[0]['id']}/revoke", headers=csrf).status_code == 200
    assert anna.get("/api/me").status_code == 401
    assert anna.api("GET", "/api/access/sessions").status_code == 401
