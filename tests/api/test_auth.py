"""Login, sessions, CSRF, HTTP basic for beheerders, and lockout."""

from __future__ import annotations

import base64
from datetime import timedelta

from fastapi.testclient import TestClient

from engine.access import accounts
from engine.db.models import User
from engine.db.session import transaction
from tests.api.conftest import NOW, PASSWORD, Browser, csrf_from


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


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(app, runtime):
    client = TestClient(app)
    browser = Browser(client)
    for _ in range(accounts.MAX_FAILED_LOGINS):
        assert browser.login("bert", "fout-wachtwoord").status_code == 401
    assert browser.login("bert").status_code == 401, "locked: even the right password is refused"
    with transaction(runtime.session_factory) as session:
        runtime.clock.set(session, NOW + accounts.LOCKOUT_DURATION + timedelta(seconds=1))
    assert browser.login("bert").status_code == 303


def test_authenticate_resets_the_counter_after_success(runtime):
    with transaction(runtime.session_factory) as session:
        for _ in range(accounts.MAX_FAILED_LOGINS - 1):
            assert accounts.authenticate(session=session, username="anna", password="x", now=NOW) is None
        assert accounts.authenticate(session=session, username="anna", password=PASSWORD, now=NOW) is not None
        user = session.query(User).filter_by(username="anna").one()
        assert user.failed_logins == 0 and user.locked_until is None
        assert user.password_hash.startswith("$argon2id$")


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
    wrong = client.get("/api/me", headers=_basic("bea", "fout"))
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"].startswith("Basic")


def test_basic_auth_failures_count_towards_the_lockout(app, runtime):
    client = TestClient(app)
    for _ in range(accounts.MAX_FAILED_LOGINS):
        client.get("/api/me", headers=_basic("bea", "fout"))
    assert client.get("/api/me", headers=_basic("bea", PASSWORD)).status_code == 401


def test_create_user_refuses_unknown_roles_and_short_passwords(runtime):
    import pytest

    from engine.errors import Invalid

    with transaction(runtime.session_factory) as session:
        with pytest.raises(Invalid) as refused:
            accounts.create_user(session=session, username="anna", password="kort", display_name="X",
                                 gemeente="demo", roles=["koning"], groups=[])
    assert set(refused.value.field_errors) == {"username", "password", "roles"}


def test_login_page_has_labels_and_a_csrf_field(app):
    page = TestClient(app).get("/login")
    assert page.status_code == 200
    assert '<label class="utrecht-form-label" for="username">' in page.text
    assert csrf_from(page.text)
    assert page.headers["cache-control"] == "no-store"


def test_app_without_runtime_builds_one_at_startup(tmp_path, monkeypatch):
    from api.app import create_app

    monkeypatch.setenv("REGIE_DATABASE_URL", f"sqlite:///{tmp_path / 'own.sqlite'}")
    app = create_app()
    assert app.state.runtime is None, "nothing is built before startup"
    with TestClient(app) as client:
        assert client.get("/login").status_code == 200
        assert app.state.runtime.settings.database_url.endswith("own.sqlite")
    assert (tmp_path / "own.sqlite").exists()
