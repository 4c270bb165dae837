"""The beheerder's page of the exchanges with DUO: every message in and out, with state and reason."""

from __future__ import annotations

import re

import httpx

from engine.duo.models import NIET_VERWERKT, VERWERKT
from tests.exchanges.conftest import PASSWORD


def _browser(world, username: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=world.regie_url, timeout=30)
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"csrf_token": csrf, "username": username, "password": PASSWORD})
    assert response.status_code in (200, 303)
    return client, client.get("/api/me").json()["csrf_token"]


def test_the_beheerder_sees_the_exchanges_and_requeues_a_notification(world):
    number = world.persoon()
    refused = world.gebeurtenis("SS131", number)                  # no case yet: kept with the reason
    assert refused.status == NIET_VERWERKT
    client, csrf = _browser(world, "bea")
    page = client.get("/beheer/duo?filter=problemen")
    assert page.status_code == 200
    assert "SS131: Leerbaarheidstoets is afgenomen" in page.text and "Geen lopend dossier" in page.text
    assert number not in page.text                                 # no BSN on the page
    assert world.gebeurtenis("SS139", number).status == VERWERKT   # the cause is gone: a case now exists
    answer = client.post(f"/beheer/duo/{refused.id}/opnieuw", data={"csrf_token": csrf}, follow_redirects=False)
    assert answer.status_code == 303
    again = world.processed(refused.bericht_id)
    assert again.status == NIET_VERWERKT and "wacht niet op bericht 'duo_lbt_uitslag'" in again.reden
    client.close()


def test_a_consulent_may_not_see_the_exchanges(world):
    client, _ = _browser(world, "anna")
    assert client.get("/beheer/duo").status_code == 403
    client.close()


def test_the_case_page_shows_that_duo_received_the_pip(world):
    from tests.exchanges.test_outbox import _start

    case_id = _start(world, world.persoon())
    client, _ = _browser(world, "bea")
    page = client.get(f"/zaken/{case_id}")
    assert page.status_code == 200
    assert "PIP bij DUO</dt><dd>ontvangen door DUO" in page.text
    client.close()
