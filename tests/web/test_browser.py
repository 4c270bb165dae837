"""The consultant's day in a real browser: log in, claim, a refused form, complete, letter, diagram."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.api.conftest import PASSWORD, start_case
from tests.web.conftest import no_horizontal_scroll, shot

pytestmark = pytest.mark.browser


def _login(page, server, username: str = "anna", screenshot: bool = False) -> None:
    page.goto(f"{server}/login")
    if screenshot:
        shot(page, "00-inloggen")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{server}/")


def test_claim_refused_form_complete_letter_and_diagram(page, server, runtime):
    case_id, task_id = start_case(runtime)
    _login(page, server, screenshot=True)
    assert page.get_by_role("heading", name="Mijn taken").is_visible()
    shot(page, "01-inbox-mijn-taken")

    page.get_by_role("link", name="Taken van mijn groep").first.click()
    row = page.get_by_role("row").filter(has_text="Amina Yusuf")
    assert "4 mei 2026" in row.inner_text(), "legal deadline shown apart from the internal one"
    assert no_horizontal_scroll(page)
    shot(page, "02-inbox-groep")
    row.get_by_role("button", name="Oppakken").click()
    page.wait_for_url(f"{server}/taken/{task_id}")
    assert page.get_by_text("Op uw naam", exact=True).is_visible()

    language = page.get_by_label("Welke taal spreekt de tolk?")
    expect(language).to_be_hidden()
    page.get_by_label("Tolk nodig").check()
    expect(language).to_be_visible()
    language.fill("Tigrinya")

    page.get_by_label("Tijd (uu:mm)").fill("half elf")
    page.get_by_label("Locatie").fill("Stadskantoor")
    page.get_by_role("button", name="Afronden").click()
    summary = page.locator(".regie-error-summary")
    assert summary.is_visible() and "Controleer deze velden" in summary.inner_text()
    assert page.get_by_label("Locatie").input_value() == "Stadskantoor", "typed values are kept"
    assert language.input_value() == "Tigrinya" and language.is_visible()
    assert page.locator("#veld-intake_tijd").get_attribute("aria-invalid") == "true"
    assert no_horizontal_scroll(page)
    shot(page, "03-taak-met-fouten")

    page.locator("#veld-intake_datum").fill("2026-03-10")
    page.get_by_label("Tijd (uu:mm)").fill("10:30")
    page.locator("#veld-reageren_voor").fill("2026-03-09")
    page.get_by_role("button", name="Afronden").click()
    page.wait_for_selector("h1:has-text('Brede intake voeren')")
    assert page.get_by_text("'Brede intake plannen' is afgerond.").is_visible()
    letters = page.locator("section[aria-labelledby='dossier-letters']")
    assert "Uitnodiging brede intake" in letters.inner_text()
    assert letters.get_by_role("link", name="Download Word").is_visible()
    shot(page, "04-volgende-taak-met-brief")

    page.locator(f"a[href='/zaken/{case_id}']").first.click()
    page.wait_for_url(f"{server}/zaken/{case_id}")
    page.wait_for_selector(".regie-diagram[data-rendered='true']")
    marked = page.locator("g.djs-element.regie-active[data-element-id='Task_IntakeVoeren']")
    assert marked.count() == 1, "the active task is marked in the diagram"
    assert page.locator("g.regie-completed[data-element-id='Task_IntakePlannen']").count() == 1
    assert no_horizontal_scroll(page)
    shot(page, "05-zaak-diagram")


def test_keyboard_user_reaches_the_main_content_first(page, server, runtime):
    start_case(runtime)
    _login(page, server)
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Direct naar de inhoud"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_teamleider_sees_the_team_and_bulk_assign(page, server, runtime):
    start_case(runtime)
    start_case(runtime, naam="Yonas Tesfaye")
    _login(page, server, "tess")
    page.goto(f"{server}/?view=team")
    page.get_by_label("Kies Brede intake plannen").first.check()
    page.get_by_label("Toewijzen aan").select_option("bert")
    page.get_by_label("Reden").fill("Verlof")
    page.get_by_role("button", name="Gekozen taken toewijzen").click()
    assert page.get_by_text("1 taak toegewezen.").is_visible()
    assert no_horizontal_scroll(page)
    shot(page, "06-team")
