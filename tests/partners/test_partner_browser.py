"""Done-when of the partner portal in Chromium, on a desk (1280 px) and on a phone (390 px):
a partner registers hours that reach 600 and the klantmanager can then afschalen; a partner's
signal becomes a task in the klantmanager's inbox. axe-core finds no serious or critical issue
on the new pages."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import (  # noqa: F401 - server is a fixture
    ARTIFACTS, chromium_page, log_in, no_horizontal_scroll, serious_accessibility_problems, server,
)

from .conftest import NOORD, PASSWORD, link, open_tasks, start_leerroute



@pytest.fixture
def page():
    """Headless Chromium; the page's CSP is bypassed only so that axe-core can be injected."""
    with chromium_page(bypass_csp=True) as fresh:
        yield fresh


@pytest.fixture
def database_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'regie.sqlite'}"


@pytest.fixture
def runtime(klantreis):
    return klantreis


def _login(page, server, username: str) -> None:
    log_in(page, server, username, PASSWORD)


def _register(page, week: str, module: str, uren: str, gepland: str, aanwezig: str, notitie: str = "") -> None:
    page.fill("#week", week)
    page.select_option("#module", module)
    page.fill("#uren", uren)
    page.fill("#sessies_gepland", gepland)
    page.fill("#sessies_aanwezig", aanwezig)
    page.fill("#notitie", notitie)
    page.click("text=Uren opslaan")
    page.wait_for_selector("text=is opgeslagen")


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_a_partner_registers_hours_to_600_and_the_klantmanager_can_afschalen(page, server, runtime, width):
    case_id = start_leerroute(runtime, naam="Amina Yusuf", uren_cursus=570)
    other = start_leerroute(runtime, naam="Dawit Tesfay")
    link(runtime, case_id, NOORD)
    link(runtime, other, "Taalhuis Zuid")
    page.set_viewport_size({"width": width, "height": 900})
    _login(page, server, "pia")

    page.goto(f"{server}/partner")
    assert "Amina Yusuf" in page.content() and "Dawit Tesfay" not in page.content()
    assert "570 van 600" in page.content()
    assert no_horizontal_scroll(page)
    assert serious_accessibility_problems(page) == []
    page.screenshot(path=str(ARTIFACTS / f"partner-home-{width}.png"), full_page=True)

    page.click("text=Amina Yusuf")
    page.wait_for_url(re.compile(r".*/partner/[0-9a-f-]+$"))
    # wrong input is refused at its field
    page.fill("#week", "2026-W09")
    page.fill("#uren", "-3")
    page.click("text=Uren opslaan")
    page.wait_for_selector("#uren-fout")
    assert "Het aantal uren kan niet negatief zijn." in page.inner_text("#uren-fout")
    assert serious_accessibility_problems(page) == []

    _register(page, "2026-W09", "taal", "16", "4", "4", "Spreekt in hele zinnen")
    assert "Task_Afschalen" not in open_tasks(runtime, case_id)
    _register(page, "2026-W10", "knm", "14", "2", "1")
    assert "600 van 600" in page.content() and "bereikt" in page.content()
    assert no_horizontal_scroll(page)
    assert serious_accessibility_problems(page) == []
    page.screenshot(path=str(ARTIFACTS / f"partner-persoon-{width}.png"), full_page=True)

    # the klantmanager finds the afschalen decision in the inbox and sees the partner's hours on the case
    _login(page, server, "anna")
    page.goto(f"{server}/?view=groups")
    page.click("a:has-text('Afschalen naar A2 beoordelen')")
    page.wait_for_url(re.compile(r".*/taken/.+"))
    if page.locator("button:has-text('Oppakken')").count():
        page.click("button:has-text('Oppakken')")
        page.wait_for_selector("text=Afronden")
    page.check("#veld-voldoende_inspanning")
    page.check("#veld-afschalen")
    page.fill("#veld-afgeschaalde_onderdelen", "Schrijven")
    page.fill("#veld-wijziging", "Schrijven op A2")
    page.fill("#veld-wijziging_motivering", "600 lesuren gevolgd met goede inzet")
    page.click("button:has-text('Afronden')")
    page.wait_for_load_state()
    assert "Task_PipBijstellen" in open_tasks(runtime, case_id)
    page.goto(f"{server}/zaken/{case_id}")
    section = page.locator("#partner-uren-sectie")
    assert "Spreekt in hele zinnen" in section.inner_text() and NOORD in section.inner_text()
    assert "aanwezig bij 83% van de lessen" in section.inner_text()
    assert serious_accessibility_problems(page, "'#partner-uren-sectie'") == []
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(ARTIFACTS / f"partner-dossier-{width}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_a_partner_signal_becomes_a_task_in_the_klantmanagers_inbox(page, server, runtime, width):
    case_id = start_leerroute(runtime, naam="Hamid Rahimi", klantmanager="anna")
    link(runtime, case_id, NOORD)
    page.set_viewport_size({"width": width, "height": 900})
    _login(page, server, "pia")
    page.goto(f"{server}/partner/{case_id}")
    page.click("summary:has-text('Signaal sturen')")
    page.select_option("#categorie", "zorgen")
    page.fill("#tekst", "Hamid is twee weken niet gekomen en lijkt erg moe.")
    page.click("button:has-text('Signaal sturen')")
    page.wait_for_selector("text=is verstuurd naar de klantmanager")
    assert "Hamid is twee weken niet gekomen" in page.content()
    assert serious_accessibility_problems(page) == []

    _login(page, server, "anna")
    assert page.locator("a:has-text('Signaal partner: zorgen')").count() >= 1, "in Mijn werk: assigned to the case owner"
    page.click("a:has-text('Signaal partner: zorgen')")
    page.wait_for_url(re.compile(r".*/taken/.+"))
    assert "Hamid is twee weken niet gekomen en lijkt erg moe." in page.content() and NOORD in page.content()
    page.fill("#veld-signaal_opvolging", "Gebeld; afspraak met de huisarts gemaakt.")
    page.click("button:has-text('Afronden')")
    page.wait_for_load_state()
    assert no_horizontal_scroll(page)

    # the teamleider's report of this month counts the signal
    _login(page, server, "tess")
    page.click("nav >> text=Aanbieders")
    page.wait_for_url(re.compile(r".*/partners/rapportage$"))
    assert NOORD in page.content() and "Zorgen: 1" in page.content()
    assert no_horizontal_scroll(page)
    assert serious_accessibility_problems(page) == []
    page.screenshot(path=str(ARTIFACTS / f"partner-rapportage-{width}.png"), full_page=True)
