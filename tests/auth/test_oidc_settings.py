"""The settings of OpenID Connect login: off by default, password form optional, no provisioning
unless asked, and a wrong configuration stops the app at startup."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from engine.access import oidc
from engine.access.redaction import redact_text
from engine.config import Settings
from tests.api.conftest import Browser
from tests.auth.conftest import idp_login


@pytest.mark.parametrize("oidc_overrides", [{"oidc_auto_provision": False, "oidc_username_claim": ""}], indirect=True)
def test_without_provisioning_or_username_linking_an_unlinked_person_is_refused(regie):
    for person in ("nadia", "anna"):
        with regie.client() as client:
            form = client.get(regie.url + "/login/oidc")
            refused = idp_login(client, form, person)
            assert refused.status_code == 403 and "geen account in Regie" in refused.text


@pytest.mark.parametrize("oidc_overrides", [{"oidc_password_login": False}], indirect=True)
def test_with_password_login_off_the_page_offers_only_the_button_and_refuses_passwords(regie):
    with regie.client() as client:
        page = client.get(regie.url + "/login")
        assert "Inloggen met Test-IdP" in page.text and 'name="password"' not in page.text
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0] if "csrf_token" in page.text else ""
        refused = client.post(regie.url + "/login", data={"csrf_token": token, "username": "anna",
                                                          "password": "geheim-wachtwoord-1"}, follow_redirects=False)
        assert refused.status_code == 403
        assert client.get(regie.url + "/api/me").status_code == 401
        home = idp_login(client, client.get(regie.url + "/login/oidc"), "anna")
        assert str(home.url) == regie.url + "/"


@pytest.mark.parametrize("oidc_overrides", [{"oidc_roles_claim": "", "oidc_role_map": {},
                                             "oidc_auto_provision": False}], indirect=True)
def test_without_a_roles_claim_the_account_keeps_its_own_roles(regie):
    with regie.client() as client:
        home = idp_login(client, client.get(regie.url + "/login/oidc"), "bea")
        assert str(home.url) == regie.url + "/beheer"
        assert client.get(regie.url + "/api/me").json()["roles"] == ["beheerder"]


def test_off_by_default_no_button_and_404(runtime):
    assert Settings().oidc_issuer == ""
    client = TestClient(create_app(runtime))
    page = client.get("/login")
    assert "Inloggen met" not in page.text and 'name="password"' in page.text
    assert client.get("/login/oidc", follow_redirects=False).status_code == 404
    assert client.get("/login/oidc/callback?code=x&state=y", follow_redirects=False).status_code == 404
    assert Browser(client).login("anna").status_code == 303


@pytest.mark.parametrize("wrong, problem", [
    ({"oidc_client_id": ""}, "oidc_client_id"),
    ({"oidc_redirect_url": ""}, "oidc_redirect_url"),
    ({"oidc_role_map": {"g": {"roles": ["systeem_duo"]}}}, "systeem_duo"),
    ({"oidc_role_map": {"g": {"roles": ["opperbaas"]}}}, "opperbaas"),
    ({"oidc_auto_provision": True, "oidc_roles_claim": ""}, "oidc_roles_claim"),
])
def test_an_incomplete_or_unsafe_configuration_stops_the_app(runtime, wrong, problem):
    settings = Settings(**{**runtime.settings.model_dump(), "oidc_issuer": "https://idp.gemeente.test",
                           "oidc_client_id": "regie", "oidc_redirect_url": "https://regie.test/login/oidc/callback",
                           **wrong})
    with pytest.raises(ValueError, match=problem):
        oidc.config_from(settings)


def test_the_callbacks_code_and_state_never_reach_a_log_line():
    line = '127.0.0.1:5 - "GET /login/oidc/callback?code=abc123geheim&state=xyz&iss=http%3A%2F%2Fidp HTTP/1.1" 303'
    assert "abc123geheim" not in redact_text(line) and "xyz" not in redact_text(line)
