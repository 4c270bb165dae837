"""Reconciliation with DUO's GevolgdeUren over real HTTP: Regie and the DUO simulator each served
by uvicorn; the klantmanager asks DUO and sees both numbers and the difference on the case."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import httpx

from engine.db.models import Case
from engine.partners.duo_uren import summarise
from engine.partners.hours import Registration, register_hours
from tests.exchanges.conftest import NOW, PASSWORD, world  # noqa: F401 - the served pair

from .conftest import LEERROUTE


def _case_with_hours(world, number: str) -> str:  # noqa: F811
    rt = world.rt
    with rt.session_factory.begin() as session:
        case = rt.engine.start_case(session=session, process_id="leerroute", gemeente="demo",
                                    data={**LEERROUTE, "bsn": number}, actor="anna")
        case_id = case.id
    for week, module, uren in ((date(2026, 2, 16), "taal", "40"), (date(2026, 2, 23), "knm", "12"),
                               (date(2026, 2, 23), "participatie", "6")):
        with rt.session_factory.begin() as session:
            register_hours(session, engine=rt.engine, case=session.get(Case, case_id), organisation="Taalschool Noord",
                           actor="pia", registration=Registration(week, module, Decimal(uren), 0, 0, ""), now=NOW)
    return case_id


def _anna(world) -> httpx.Client:  # noqa: F811
    client = httpx.Client(base_url=world.regie_url, timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"csrf_token": token, "username": "anna", "password": PASSWORD}).status_code in (200, 303)
    return client


def test_the_case_shows_regie_and_duo_hours_and_the_difference(world):  # noqa: F811
    number = world.persoon(doelgroep="asielstatushouder")
    case_id = _case_with_hours(world, number)
    assert world.http.put(f"{world.sim_url}/_sim/uren", json={
        "bsn": number, "cursus": 48, "participatie": 6, "bekend_tot": "2026-03-01"}).status_code == 200
    anna = _anna(world)
    page = anna.get(f"/zaken/{case_id}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    done = anna.post(f"/zaken/{case_id}/duo-uren", data={"csrf_token": token})
    assert done.status_code in (200, 303)
    page = anna.get(f"/zaken/{case_id}").text
    section = page[page.index('id="partner-uren-sectie"'):]
    assert re.search(r'data-label="Regie">52</td>\s*<td[^>]*data-label="DUO">48</td>\s*<td[^>]*data-label="Verschil">'
                     r'<span class="regie-badge-diff">4</span>', section), section[:3000]
    assert re.search(r'data-label="Regie">6</td>\s*<td[^>]*data-label="DUO">6</td>\s*<td[^>]*data-label="Verschil">'
                     r'<span class="regie-badge-ok">gelijk</span>', section)
    assert "bekend tot 2026-03-01" in section
    assert number not in page, "the BSN only travels in DUO's URL"
    assert any(e["resource"] == "/personen/{bsn}/uren" and e["status"] == 200 for e in world.sim_log())
    # the provider report counts the person among those that differ from DUO
    with world.rt.session_factory.begin() as session:
        from engine.access.models import PartnerLink
        from engine.partners.report import provider_report

        session.add(PartnerLink(case_id=case_id, gemeente="demo", organisation="Taalschool Noord", purpose="taalaanbieder",
                                valid_from=date(2026, 2, 1), share_letters=False, created_by="anna", created_at=NOW))
        session.flush()
        [row] = [r for r in provider_report(session, gemeente="demo", month="2026-02") if r.organisation == "Taalschool Noord"]
        assert (row.vergeleken_met_duo, row.verschil_met_duo, row.uren_cursus) == (1, 1, Decimal("52"))


def test_no_hours_at_duo_is_said_not_hidden(world):  # noqa: F811
    number = world.persoon()
    case_id = _case_with_hours(world, number)
    anna = _anna(world)
    token = re.search(r'name="csrf_token" value="([^"]+)"', anna.get(f"/zaken/{case_id}").text).group(1)
    anna.post(f"/zaken/{case_id}/duo-uren", data={"csrf_token": token})
    assert "DUO heeft (nog) geen uren van deze persoon." in anna.get(f"/zaken/{case_id}").text


def test_duo_answer_is_added_up_over_gemeenten():
    cursus, participatie, rows = summarise([
        {"gemeentecode": "0363", "bekendTot": "2025-06-01", "ParticipatieAlsTaalles": {"uren": 200},
         "TaallesEnKnmBredeIntake": {"uren": 30}},
        {"gemeentecode": "9999", "ParticipatieAlsTaalles": {"uren": 150},
         "ParticipatieactiviteitenBredeIntake": {"uren": 40}}])
    assert (cursus, participatie) == (350, 40)
    assert [r["brede_intake"] for r in rows] == [30, None]
    assert summarise([]) == (None, None, [])
