"""The monitoring in a real browser: charts drawn from their tables, click-through to the cases behind a number."""

from __future__ import annotations


import pytest

from api.app import create_app
from tests.monitoring.conftest import PASSWORD
from tests.web.conftest import no_horizontal_scroll, page, serve, shot  # noqa: F401 - shared fixture

pytestmark = pytest.mark.browser
PERIOD = "van=2026-01-01&tot=2027-12-31"


@pytest.fixture
def server(population):
    """Serve the population's app on a free local port."""
    with serve(create_app(population)) as url:
        yield url


def _login(page, server, username: str) -> None:  # noqa: F811
    page.goto(f"{server}/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: not url.endswith("/login"))


def _charts_drawn(page) -> dict[str, str]:
    page.wait_for_function("document.querySelectorAll('canvas[data-drawn]').length >= 1")
    return page.evaluate("Object.fromEntries([...document.querySelectorAll('canvas[data-table]')]"
                         ".map(c => [c.id, c.getAttribute('data-drawn')]))")


def test_teamleider_reads_the_dashboard_and_clicks_through_to_a_case(page, server):  # noqa: F811
    _login(page, server, "tess")
    page.get_by_role("link", name="Sturingsinformatie").click()
    page.goto(f"{server}/monitoring?{PERIOD}")
    drawn = _charts_drawn(page)
    assert len(drawn) == 9 and all(v and int(v) >= 1 for v in drawn.values()), drawn
    assert page.locator("#table-instroom").is_visible(), "a table beside each chart"
    assert no_horizontal_scroll(page)
    shot(page, "monitoring-01-dashboard")

    routes = page.locator("#table-routemix")
    routes.get_by_role("row").filter(has_text="B1-route").get_by_role("link", name="3").click()
    page.wait_for_url("**/monitoring/zaken?**")
    rows = page.locator("#drill-cases tbody tr")
    assert rows.count() == 3
    shot(page, "monitoring-02-zaken-achter-cijfer")
    page.locator("#drill-cases").get_by_role("link").first.click()
    page.wait_for_url("**/zaken/**")
    assert page.get_by_role("heading", name="Open taken").is_visible()


def test_team_week_and_forecast_have_their_tables_and_chart(page, server):  # noqa: F811
    _login(page, server, "tess")
    page.goto(f"{server}/monitoring/team")
    assert page.get_by_role("heading", name="Caseload per klantmanager").is_visible()
    assert page.locator("#table-caseload tbody tr").count() >= 1
    shot(page, "monitoring-03-team")
    # the first forecast runs every klantreis scenario through the deployed diagrams (tens of seconds)
    page.goto(f"{server}/monitoring/prognose?bereken=1&statushouders=3&gezinsmigranten=2&maanden=2&runs=3&seed=5",
              timeout=300_000)
    drawn = _charts_drawn(page)
    assert drawn == {"chart-prognose": "6"}  # counts in the chart; open cases, hours and costs in the table
    assert page.locator("#table-prognose tbody tr").count() >= 2
    shot(page, "monitoring-04-prognose")


def test_beleid_sees_charts_without_case_links(page, server):  # noqa: F811
    _login(page, server, "bram")
    page.goto(f"{server}/monitoring?{PERIOD}")
    assert len(_charts_drawn(page)) == 9
    assert page.locator("table a[href*='/monitoring/zaken']").count() == 0
    assert page.get_by_role("link", name="Team deze week").count() == 0
    shot(page, "monitoring-05-beleid")
