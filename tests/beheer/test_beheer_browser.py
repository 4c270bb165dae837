"""Every beheer screen in a real browser (headless Chromium), without JavaScript doing the work."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from engine.db.session import transaction
from engine.running.models import WorkerHeartbeat
from engine.outbox.handlers import OutboxMessage
from tests.api.conftest import NOW, PASSWORD, start_case
from tests.beheer.conftest import case_past_first_step, deploy_v2, failing_incident, rejected_letter_incident
from tests.web.conftest import no_horizontal_scroll, page, server, shot  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.browser


def _login(page, server, username: str) -> None:
    page.goto(f"{server}/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: not url.endswith("/login"))


def test_beheerder_filters_incidents_and_retries_two_with_the_true_result(page, server, runtime):
    failing_case, failing = failing_incident(runtime)
    _, fixed = rejected_letter_incident(runtime)
    _login(page, server, "bea")
    page.get_by_role("link", name="Beheer").click()
    page.wait_for_url(f"{server}/beheer")
    assert "2 open storingen" in page.locator(".regie-summary").inner_text().replace("\n", " ")
    shot(page, "beheer-01-overzicht")

    page.get_by_role("link", name="Storingen", exact=True).click()
    page.get_by_label("Stap (element-id)").select_option("Task_Brief")
    page.get_by_role("button", name="Filter").click()
    assert page.get_by_role("checkbox").count() == 1, "filtered on the step"
    page.get_by_label("Stap (element-id)").select_option("")
    page.get_by_label("Ouder dan (dagen)").fill("veel")
    page.get_by_role("button", name="Filter").click()
    assert page.get_by_role("alert").filter(has_text="aantal dagen").is_visible()
    page.get_by_label("Ouder dan (dagen)").fill("")
    page.get_by_role("button", name="Filter").click()
    page.get_by_label(f"Kies storing {failing} ").check()
    page.get_by_label(f"Kies storing {fixed} ").check()
    assert no_horizontal_scroll(page)
    shot(page, "beheer-02-storingen")
    page.get_by_role("button", name="Gekozen storingen opnieuw proberen").click()
    page.wait_for_url(f"{server}/beheer/storingen/opnieuw")
    assert "1 van de 2 storingen zijn niet opgelost" in page.get_by_role("alert").inner_text()
    assert "opnieuw mislukt" in page.locator(f"tr[data-outcome='opnieuw_mislukt']").inner_text()
    assert page.locator("tr[data-outcome='gelukt']").count() == 1
    shot(page, "beheer-03-resultaat")


def test_versions_diff_and_migration_with_a_dry_run_first(page, server, runtime):
    waiting_case, _ = start_case(runtime)
    case_past_first_step(runtime)
    deploy_v2(runtime)
    _login(page, server, "bea")
    page.goto(f"{server}/beheer/versies")
    klantreis = page.locator("section[aria-labelledby='proc-klantreis_test']")
    old_row = klantreis.locator("tr[data-version='1']")
    assert old_row.get_by_role("cell").nth(2).inner_text() == "2", "two running cases on version 1"
    shot(page, "beheer-04-versies")
    old_row.get_by_role("link", name="Verschil met v2").click()
    assert page.get_by_role("heading", name="Toegevoegd (2)").is_visible()
    assert "Task_Welkom" in page.locator("section[aria-labelledby='diff-added']").inner_text()
    assert "P3W" in page.locator("section[aria-labelledby='diff-changed']").inner_text()
    shot(page, "beheer-05-verschil")

    page.goto(f"{server}/beheer/versies")
    page.locator("section[aria-labelledby='proc-klantreis_test']").get_by_role(
        "button", name="Proef: overzetten naar v2").click()
    assert "Dit was een proef" in page.get_by_role("status").last.inner_text()
    assert page.locator("tr[data-safe='ja']").count() == 1 and page.locator("tr[data-safe='nee']").count() == 1
    assert "Task_IntakePlannen is al gedaan" in page.locator("tr[data-safe='nee']").inner_text()
    shot(page, "beheer-06-proef")
    page.get_by_role("button", name="Zet de 1 veilige zaken over").click()
    assert page.get_by_role("heading", name="Zaken overgezet").is_visible()
    page.goto(f"{server}/beheer/versies")
    klantreis = page.locator("section[aria-labelledby='proc-klantreis_test']")
    assert klantreis.locator("tr[data-version='2']").get_by_role("cell").nth(2).inner_text() == "1"


def test_search_by_bsn_keeps_it_out_of_the_address(page, server, runtime):
    start_case(runtime)
    _login(page, server, "bea")
    page.goto(f"{server}/beheer/zoeken")
    page.get_by_role("textbox", name="BSN").fill("123456782")
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Zoek").click()
    assert page.url == f"{server}/beheer/zoeken", "the BSN went in the POST body"
    assert "1 zaken gevonden met dit BSN" in page.get_by_role("heading", level=2).inner_text()
    assert page.get_by_role("cell", name="Amina Yusuf").is_visible()
    assert page.get_by_role("textbox", name="BSN").input_value() == "", "the BSN is not echoed back into the page"
    assert "123456782" not in page.content()
    shot(page, "beheer-07-zoeken")
    page.get_by_role("textbox", name="BSN").fill("12")
    page.get_by_role("button", name="Zoek").click()
    assert page.get_by_role("alert").filter(has_text="9 cijfers").is_visible()


def test_reviewers_work_the_letter_queue(page, server, runtime):
    from engine.letters.archive import list_letters
    from tests.api.conftest import PERSON
    from tests.api.test_api_tasks import VALID

    with transaction(runtime.session_factory) as session:
        case = runtime.engine.start_case(session=session, process_id="brief_review_test", gemeente="demo",
                                         data={**PERSON, **VALID}, actor="anna")
        letter = list_letters(session=session, case_id=case.id)[0]
    _login(page, server, "bert")
    page.get_by_role("link", name="Brieven ter controle").click()
    page.wait_for_url(f"{server}/beheer/brieven")
    row = page.get_by_role("row").filter(has_text=letter.kenmerk)
    assert "Amina Yusuf" in row.inner_text()
    shot(page, "beheer-08-brieven")
    row.get_by_role("button", name="Goedkeuren").click()
    page.wait_for_url(f"{server}/beheer/brieven")
    assert page.get_by_text(f"Brief {letter.kenmerk} is goedgekeurd.").is_visible()
    assert page.get_by_text("Er wachten geen brieven op controle.").is_visible()


def test_outbox_and_workers(page, server, runtime):
    case_id, _ = start_case(runtime)
    with transaction(runtime.session_factory) as session:
        for kind, status in (("pip", "queued"), ("pip_gewijzigd", "sent")):
            session.add(OutboxMessage(case_id=case_id, gemeente="demo", destination="duo", kind=kind,
                                      payload={"leerroute": "B1"}, status=status, created_at=NOW))
    _login(page, server, "bea")
    page.goto(f"{server}/beheer/uitgaand")
    assert page.locator("tr[data-status]").count() == 2
    page.get_by_role("link", name="in de wachtrij (1)").click()
    assert page.locator("tr[data-status='queued']").count() == 1 and page.locator("tr[data-status='sent']").count() == 0
    shot(page, "beheer-09-uitgaand")

    page.goto(f"{server}/beheer/workers")
    assert page.get_by_text("Er heeft zich nog geen worker gemeld").is_visible()
    wall = datetime.now(timezone.utc)
    with transaction(runtime.session_factory) as session:
        session.add(WorkerHeartbeat(name="worker-1", host="app-1", pid=41, started_at=wall - timedelta(hours=2),
                                    last_heartbeat=wall - timedelta(seconds=20)))
        session.add(WorkerHeartbeat(name="worker-2", host="app-2", pid=42, started_at=wall - timedelta(days=1),
                                    last_heartbeat=wall - timedelta(hours=3), last_error="TimeoutError",
                                    last_error_at=wall - timedelta(hours=3)))
    page.reload()
    assert "actief" in page.get_by_role("row").filter(has_text="worker-1").inner_text()
    stuck = page.get_by_role("row").filter(has_text="worker-2").inner_text()
    assert "geen teken van leven" in stuck and "TimeoutError" in stuck
    shot(page, "beheer-10-workers")


def test_a_consulent_does_not_get_the_beheer_screens(page, server, runtime):
    _login(page, server, "anna")
    assert page.get_by_role("link", name="Beheer").count() == 0
    response = page.goto(f"{server}/beheer/storingen")
    assert response.status == 403
