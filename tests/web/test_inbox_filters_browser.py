"""The inbox in Chromium on a desk (1280 px) and a phone (390 px): filters by route and klantmanager
change the totals; rows show priority, follow-up date and brugklas group; axe-core finds nothing serious."""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import parse_qs, urlparse

import pytest

from engine.casefile.ownership import set_klantmanager
from engine.db.models import User
from engine.db.session import transaction
from tests.cohorts.conftest import PERSON, klantreis  # noqa: F401 - the real klantreis, two seats per group
from tests.cohorts.test_cohort_pages import _login
from tests.web.conftest import (  # noqa: F401 - server is a fixture
    ARTIFACTS, chromium_page, no_horizontal_scroll, serious_accessibility_problems, server,
)

LATER = datetime(2026, 1, 20, 9, 0, tzinfo=timezone.utc)   # the February group's follow-up date (2 weeks ahead) passed


@pytest.fixture
def page():
    """Headless Chromium; the page's CSP is bypassed only so that axe-core can be injected."""
    with chromium_page(bypass_csp=True) as fresh:
        yield fresh


@pytest.fixture
def database_url(tmp_path) -> str:
    """The inbox queries run on PostgreSQL in tests/api/test_inbox_filters.py; the page is the same."""
    return f"sqlite:///{tmp_path / 'regie.sqlite'}"


@pytest.fixture
def runtime(klantreis):  # noqa: F811 - the shared fixture
    """Three inburgeraars in the brugklas: two fill the February group, the third goes to April."""
    people = [("Amina Yusuf", "B1", "anna"), ("Dawit Tesfay", "Z", "tess"), ("Hamid Rahimi", "B1", None)]
    for naam, route, owner in people:
        with transaction(klantreis.session_factory) as session:
            case = klantreis.engine.start_case(session=session, process_id="brugklas", gemeente="demo",
                                               data={**PERSON, "naam": naam, "leerroute": route}, actor="anna")
            if owner:
                tess = session.query(User).filter_by(username="tess").one()
                set_klantmanager(session, engine=klantreis.engine, case_id=case.id, actor=tess, username=owner,
                                 reason="Vaste klantmanager", now=LATER)
    with transaction(klantreis.session_factory) as session:
        klantreis.clock.set(session, LATER)
    return klantreis


def _total(page) -> str:
    return page.locator("#inbox-total").inner_text()


def _row(page, naam: str) -> str:
    return page.locator("tbody tr", has_text=naam).inner_text()


def _apply(page, width: int, **choices) -> None:
    """Open the filters (folded in on a phone), pick, and show the tasks."""
    if width < 600:
        assert page.locator("#inbox-filters").get_attribute("open") is None, "folded in on a phone"
        page.click("#inbox-filters summary")
    for field, label in choices.items():
        page.get_by_label(field, exact=True).select_option(label=label)
    page.get_by_role("button", name="Toon taken").click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_teamleider_filters_the_inbox_by_route_and_klantmanager(page, server, runtime, width):
    page.set_viewport_size({"width": width, "height": 900})
    _login(page, server, "tess")
    page.goto(f"{server}/?view=team")
    assert _total(page).startswith("3 taken in deze lijst")
    assert "3\ntaken van het team" in page.locator(".regie-summary").inner_text()

    amina = _row(page, "Amina Yusuf")
    assert "Aanmelden voor de brugklas" in amina and "Klantmanager: Anna de Vries" in amina
    assert "Brugklas: Brugklas 2 februari 2026, start 02-02-2026" in amina
    assert "normaal" in amina, "the priority in a word"
    assert "19 januari 2026" in amina and "bereikt" in amina and "opvolgen" in amina, "follow-up reached, in words"
    hamid = _row(page, "Hamid Rahimi")
    assert "Brugklas: Brugklas 15 april 2026, start 15-04-2026" in hamid and "Klantmanager: nog niemand" in hamid
    assert "1 april 2026" in hamid and "bereikt" not in hamid
    assert no_horizontal_scroll(page)
    assert serious_accessibility_problems(page) == []
    page.screenshot(path=str(ARTIFACTS / f"inbox-team-{width}.png"), full_page=True)

    _apply(page, width, Leerroute="Z-route")
    assert parse_qs(urlparse(page.url).query) == {"view": ["team"], "route": ["Z"], "sort": ["due"]}
    assert _total(page).startswith("1 taak in deze lijst")
    assert "1\ntaken van het team" in page.locator(".regie-summary").inner_text()
    assert page.locator("tbody tr").count() == 1 and "Dawit Tesfay" in _row(page, "Dawit Tesfay")

    _apply(page, width, Leerroute="B1-route", Klantmanager="Zonder klantmanager")
    query = parse_qs(urlparse(page.url).query)
    assert query["route"] == ["B1"] and query["klantmanager"] == ["-"] and "bsn" not in page.url
    assert _total(page).startswith("1 taak in deze lijst")
    assert page.locator("tbody tr").count() == 1 and "Hamid Rahimi" in _row(page, "Hamid Rahimi")

    _apply(page, width, Leerroute="Alle routes", Klantmanager="Anna de Vries")
    assert _total(page).startswith("1 taak in deze lijst") and "Amina Yusuf" in _row(page, "Amina Yusuf")
    if width < 600:
        assert "(1 gekozen)" in page.locator("#inbox-filters summary").inner_text()
    assert no_horizontal_scroll(page)
    assert serious_accessibility_problems(page) == []
    page.screenshot(path=str(ARTIFACTS / f"inbox-filter-{width}.png"), full_page=True)

    page.get_by_role("link", name="Filters wissen").click()
    page.wait_for_load_state()
    assert _total(page).startswith("3 taken in deze lijst")
