"""OpenID Connect login in a real browser (headless Chromium): Regie -> the provider -> Regie."""

from __future__ import annotations

import pytest

from tests.web.conftest import chromium_page

pytestmark = pytest.mark.browser


def _login_at_provider(page, regie, login):
    page.goto(regie.url + "/login")
    page.get_by_role("link", name="Inloggen met Test-IdP").click()
    page.wait_for_url(regie.provider.issuer + "/interaction/**")
    page.fill("#login", login)
    page.fill("#password", "idp-wachtwoord-1")
    page.click("#idp-submit")


def test_a_klantmanager_logs_in_with_the_provider_and_logs_out_again(regie):
    with chromium_page() as page:
        _login_at_provider(page, regie, "anna")
        page.wait_for_url(regie.url + "/")
        assert "Welkom, Anna de Vries." in page.content()
        assert page.locator(".regie-header__user").inner_text().startswith("Anna de Vries")
        page.get_by_role("button", name="Uitloggen").click()
        page.wait_for_url(regie.url + "/login")
        page.goto(regie.url + "/")
        page.wait_for_url(regie.url + "/login")


def test_an_unknown_person_sees_the_dutch_refusal_page(regie):
    with chromium_page() as page:
        _login_at_provider(page, regie, "tom")
        page.wait_for_url(regie.url + "/login/oidc/callback**")
        assert page.locator("h1").inner_text() == "Inloggen lukt niet"
        assert "geen account in Regie" in page.get_by_role("alert").inner_text()
        page.get_by_role("link", name="Terug naar de inlogpagina").click()
        page.wait_for_url(regie.url + "/login")
