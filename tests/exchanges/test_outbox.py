"""The PIP leaves for DUO from the outbox after the beschikking: once, checked, and with incidents that a retry clears."""

from __future__ import annotations

from sqlalchemy import select

from engine.db.models import Case, Incident, UserTask
from engine.duo.exchanges import duo_status_of_case, list_exchanges
from engine.duo.models import GEWEIGERD_DOOR_DUO, MISLUKT, ONTVANGEN_DOOR_DUO, UIT, DuoBericht
from engine.duo.service import connect


def _start(world, number: str, **data) -> str:
    start = {"bsn": number, "naam": "Test", "leerroute": "B1", "taalniveau": "B1", "pip_dagtekening": "2026-03-02",
             "datum_plicht": "2026-02-23", **data}
    with world.rt.session_factory.begin() as session:
        return world.rt.engine.start_case(session=session, process_id="pip_melden", gemeente="demo", data=start,
                                          actor="test").id


def _row(world, case_id: str) -> DuoBericht:
    with world.rt.session_factory() as session:
        row = session.execute(select(DuoBericht).where(DuoBericht.richting == UIT,
                                                       DuoBericht.case_id == case_id)).scalar_one()
        session.expunge(row)
        return row


def _open(world, case_id: str) -> tuple[set[str], list[Incident]]:
    with world.rt.session_factory() as session:
        tasks = set(session.execute(select(UserTask.element_id).where(UserTask.case_id == case_id)).scalars())
        incidents = session.execute(select(Incident).where(Incident.case_id == case_id,
                                                           Incident.resolved_at.is_(None))).scalars().all()
        session.expunge_all()
        return tasks, incidents


def _pip_posts(world) -> list[dict]:
    return [e for e in world.sim_log() if e.get("spec") == "PIP.openapi.yml" and e["method"] == "POST"]


def test_the_pip_is_received_by_duo_once_and_the_case_goes_on(world):
    number = world.persoon()
    before = len(_pip_posts(world))
    case_id = _start(world, number)
    row = _row(world, case_id)
    assert row.status == ONTVANGEN_DOOR_DUO and row.pogingen == 1
    tasks, incidents = _open(world, case_id)
    assert tasks == {"Task_Verder"} and incidents == []
    with world.rt.session_factory() as session:
        variables = world.rt.engine.case_variables(session=session, case=session.get(Case, case_id))
        shown = duo_status_of_case(session, case_id=case_id)
    assert variables["duo_pip_status"] == "ontvangen door DUO"
    assert [r.status_text for r in shown] == ["ontvangen door DUO"]
    assert connect(world.rt).deliver_pending() == 0                 # nothing left: sent exactly once
    assert len(_pip_posts(world)) == before + 1
    pip = world.http.get(f"{world.sim_url}/_sim/health").json()
    assert pip["status"] == "ok"


def test_a_duo_outage_becomes_an_incident_after_the_retries_and_a_retry_clears_it(world):
    number = world.persoon()
    world.http.put(f"{world.sim_url}/_sim/storing", json={"aan": True})
    try:
        before = [e for e in world.sim_log() if e["status"] == 503]
        case_id = _start(world, number)
        outage = [e for e in world.sim_log() if e["status"] == 503][len(before):]
        assert len(outage) == 3                                       # REGIE_DUO_RETRIES attempts
        row = _row(world, case_id)
        tasks, incidents = _open(world, case_id)
        assert row.status == MISLUKT and tasks == set()
        assert len(incidents) == 1 and "DUO niet bereikbaar na 3 pogingen (HTTP 503)" in incidents[0].message
        assert incidents[0].element_id == "Service_PipDuo"
    finally:
        world.http.put(f"{world.sim_url}/_sim/storing", json={"aan": False})
    with world.rt.session_factory.begin() as session:
        world.rt.engine.retry_incident(session=session, incident_id=incidents[0].id, actor="beheerder")
    row = _row(world, case_id)
    tasks, incidents = _open(world, case_id)
    assert row.status == ONTVANGEN_DOOR_DUO and tasks == {"Task_Verder"} and incidents == []
    with world.rt.session_factory() as session:
        assert session.execute(select(DuoBericht).where(DuoBericht.case_id == case_id)).scalars().all() == [
            session.get(DuoBericht, row.id)]                          # the same outbox row, not a second PIP


def test_duos_refusal_becomes_an_incident_with_duos_text(world):
    # DUO knows a later start of the plicht than the case does: DUO refuses the dagtekening.
    number = world.persoon(plicht_begindatum="2026-03-10", kennisgeving="2026-03-10", datum_inschrijving="2026-02-01")
    case_id = _start(world, number)
    row = _row(world, case_id)
    tasks, incidents = _open(world, case_id)
    assert row.status == GEWEIGERD_DOOR_DUO and tasks == set()
    assert incidents[0].message == ("DUO weigert het PIP: De datum dagtekening ligt voor de start van de "
                                    "inburgeringsplicht")
    with world.rt.session_factory() as session:
        listed = list_exchanges(session, gemeente="demo", only_problems=True)
    assert any(r.id == row.id and r.reden == incidents[0].message for r in listed)


def test_regie_refuses_a_pip_that_breaks_duos_rules_before_sending(world):
    number = world.persoon()
    before = len(_pip_posts(world))
    case_id = _start(world, number, leerroute="onderwijs", taalniveau="A2")
    tasks, incidents = _open(world, case_id)
    assert "A2 kan niet bij de onderwijsroute" in incidents[0].message
    assert len(_pip_posts(world)) == before


def test_the_client_writes_map_pvt_and_zroute_results_and_reads_duos_refusal(world):
    from engine.duo.client import DuoRefused

    client = connect(world.rt).client_for("demo")
    without_pip = world.persoon()
    try:
        client.put_pvt(without_pip, {"datumOndertekeningPvt": "2026-03-01"})
    except DuoRefused as exc:
        assert exc.reasons == ["Uw gemeente heeft geen actueel PIP voor deze persoon"]
    else:
        raise AssertionError("DUO should refuse a PVT date without a PIP")
    with_pip = world.persoon()
    _start(world, with_pip)                                          # the PIP goes to DUO first
    client.put_pvt(with_pip, {"datumOndertekeningPvt": "2026-03-01", "verwijtbaar": "Nee"})
    client.put_map(with_pip, {"datumEindgesprekMap": "2026-03-01"})
    client.put_zroute(with_pip, {"datumAfrondingZroute": "2026-03-02"})
    writes = [e for e in world.sim_log() if e.get("spec") == "MAP-PVT-Zroute.openapi.yml"]
    assert [e["status"] for e in writes][-3:] == [200, 200, 200] and not any(e["problems"] for e in writes)
