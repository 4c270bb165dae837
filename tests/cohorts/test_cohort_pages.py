"""The brugklas pages in Chromium, on a desk (1280 px) and on a phone (390 px), checked with axe-core."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import (  # noqa: F401 - server is a fixture
    ARTIFACTS, chromium_page, log_in, no_horizontal_scroll, serious_accessibility_problems, server,
)

from .conftest import PASSWORD, start_brugklas



@pytest.fixture
def page():
    """Headless Chromium; the page's CSP is bypassed only so that axe-core can be injected."""
    with chromium_page(bypass_csp=True) as fresh:
        yield fresh


@pytest.fixture
def database_url(tmp_path) -> str:
    """The pages are the same on PostgreSQL; the placement and locking tests run there too."""
    return f"sqlite:///{tmp_path / 'regie.sqlite'}"


@pytest.fixture
def runtime(klantreis):
    """The web fixtures serve this runtime: the real klantreis, two seats per group."""
    return klantreis


def _login(page, server, username: str) -> None:
    log_in(page, server, username, PASSWORD)


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_teamleider_sees_a_full_cohort_plans_a_session_and_registers_attendance(page, server, runtime, width):
    people = [start_brugklas(runtime, naam) for naam in ("Amina Yusuf", "Dawit Tesfay", "Hamid Rahimi")]
    page.set_viewport_size({"width": width, "height": 900})
    _login(page, server, "tess")

    page.click("nav >> text=Brugklas")
    page.wait_for_url(f"{server}/brugklas")
    february = page.locator("tr", has_text="Brugklas 2 februari 2026")
    assert "2 van 2" in february.inner_text() and "vol" in february.inner_text()
    assert "1 van 2" in page.locator("tr", has_text="Brugklas 15 april 2026").inner_text()
    assert no_horizontal_scroll(page)
    assert serious_accessibility_problems(page) == []
    page.screenshot(path=str(ARTIFACTS / f"brugklas-{width}.png"), full_page=True)

    february.locator("a").click()
    page.wait_for_url(re.compile(r".*/brugklas/\d+$"))
    assert "Amina Yusuf" in page.content() and "Dawit Tesfay" in page.content() and "Hamid Rahimi" not in page.content()
    page.fill("#datum", "2026-02-09")
    page.fill("#tijd", "10:00")
    page.fill("#onderwerp", "Kennismaking en PVT")
    page.click("text=Bijeenkomst toevoegen")
    page.wait_for_selector("text=De bijeenkomst is toegevoegd.")

    page.click("summary:has-text('Kennismaking en PVT')")
    page.check("label:has-text('Amina Yusuf')")
    page.click("text=Aanwezigheid opslaan")
    page.wait_for_selector("text=Aanwezigheid van 2 deelnemers is opgeslagen.")
    rows = page.locator("tbody tr")
    assert "aanwezig" in rows.filter(has_text="Amina Yusuf").inner_text()
    assert "afwezig" in rows.filter(has_text="Dawit Tesfay").inner_text()
    assert no_horizontal_scroll(page)
    assert serious_accessibility_problems(page) == []
    page.screenshot(path=str(ARTIFACTS / f"brugklas-groep-{width}.png"), full_page=True)

    # the dossier names the group, its dates and its place
    page.goto(f"{server}/zaken/{people[2]}")
    assert "Brugklas 15 april 2026 van 15-04-2026 tot 15-07-2026, Wijkcentrum De Linde" in page.content()


@pytest.mark.browser
def test_a_consulent_may_look_but_not_plan(page, server, runtime):
    start_brugklas(runtime, "Amina Yusuf")
    _login(page, server, "anna")
    page.goto(f"{server}/brugklas")
    assert page.locator("text=Nieuwe groep").count() == 0
    response = page.request.post(f"{server}/brugklas", form={"naam": "x", "start": "2026-03-01", "eind": "2026-04-01",
                                                            "capaciteit": "5"})
    assert response.status in (400, 403)
