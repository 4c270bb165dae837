"""DUO's notifications over real HTTP: each gebeurtenis of Gebeurtenissen.md and what it does to the case."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import func, select

from api.simulators.duo.store import SIM_DUO_OIN, SIM_GEMEENTE_OIN
from engine.casefile.notes import CaseNote
from engine.db.models import AuditEntry, Case, Message, UserTask
from engine.duo.client import duo_contract
from engine.duo.models import IN, NIET_VERWERKT, VERWERKT, DuoBericht
from engine.contract.openapi import Exchange
from tests.exchanges.conftest import TOKEN


def _case(world, number: str) -> Case:
    with world.rt.session_factory() as session:
        case = session.execute(select(Case).where(Case.bsn == number).order_by(Case.created_at.desc())).scalars().first()
        session.expunge(case)
        return case


def _variables(world, case: Case) -> dict:
    with world.rt.session_factory() as session:
        return world.rt.engine.case_variables(session=session, case=session.get(Case, case.id))


def _tasks(world, case: Case) -> set[str]:
    with world.rt.session_factory() as session:
        return set(session.execute(select(UserTask.element_id).where(UserTask.case_id == case.id)).scalars())


def _complete(world, case: Case, element_id: str, data: dict) -> None:
    with world.rt.session_factory.begin() as session:
        task = session.execute(select(UserTask).where(UserTask.case_id == case.id,
                                                      UserTask.element_id == element_id)).scalar_one()
        world.rt.engine.complete_task(session=session, task_id=task.id, data=data, actor="test")


def _started(world, gebeurtenis: str = "SS139", **spec) -> tuple[str, Case]:
    number = world.persoon(**spec)
    row = world.gebeurtenis(gebeurtenis, number)
    assert row.status == VERWERKT, row.reden
    return number, _case(world, number)


def test_ss139_starts_a_case_with_duo_and_brp_data(world):
    number, case = _started(world, doelgroep="asielstatushouder", kennisgeving="2026-02-23")
    variables = _variables(world, case)
    assert case.status == "active" and case.gemeente == "demo"
    assert variables["datum_plicht"] == "2026-02-23"            # DUO's kennisgeving: the 10 weeks start here
    assert variables["doelgroep"] == "asielstatushouder"
    assert variables["naam"].startswith("Amina Test")            # from the BRP
    assert variables["straat"] == "Lindelaan" and variables["postcode"] == "2261 AB"
    assert variables["datum_brp_inschrijving"] == "2026-02-20"
    assert _tasks(world, case) == {"Task_Klantprofiel"}          # statushouder: warme overdracht first


def test_ss101_and_ss128_start_a_case_and_ss128_adds_the_aow_note(world):
    _, case = _started(world, "SS101")
    assert _tasks(world, case) == {"Task_IntakePlannen", "Task_LbtRegelen"}
    _, aow = _started(world, "SS128")
    assert _variables(world, aow)["aow_binnen_6_maanden"] is True
    with world.rt.session_factory() as session:
        notes = session.execute(select(CaseNote.text).where(CaseNote.case_id == aow.id)).scalars().all()
    assert any("AOW-leeftijd" in n for n in notes)


def test_the_same_bericht_id_twice_has_one_effect(world):
    number = world.persoon()
    headers = {"bron": SIM_DUO_OIN, "doel": SIM_GEMEENTE_OIN, "berichtId": str(uuid.uuid4()),
               "authorization": f"Bearer {TOKEN}"}
    body = {"registratieDatumTijd": "2026-03-02T09:00:00Z", "gebeurtenisId": "SS139", "bsn": number}
    first = world.http.post(f"{world.regie_url}/duo/v1/notificaties", headers=headers, json=body)
    second = world.http.post(f"{world.regie_url}/duo/v1/notificaties", headers=headers, json=body)
    assert first.status_code == second.status_code == 201
    world.processed(headers["berichtId"])
    with world.rt.session_factory() as session:
        assert session.execute(select(func.count()).select_from(Case).where(Case.bsn == number)).scalar() == 1
        assert session.execute(select(func.count()).select_from(DuoBericht).where(
            DuoBericht.richting == IN, DuoBericht.bericht_id == headers["berichtId"])).scalar() == 1
    other = world.http.post(f"{world.regie_url}/duo/v1/notificaties", headers=headers,
                            json={**body, "gebeurtenisId": "SS101"})
    assert other.status_code == 400 and "berichtId" in other.json()["fouttekst"]


def test_the_endpoint_answers_as_the_notificatie_document_says(world):
    contract = duo_contract("Notificatie")
    good = {"bron": SIM_DUO_OIN, "doel": SIM_GEMEENTE_OIN, "berichtId": str(uuid.uuid4())}
    body = {"registratieDatumTijd": "2026-03-02T09:00:00Z", "gebeurtenisId": "SS137", "bsn": world.persoon()}
    cases = [
        ({**good}, body, 401),                                                   # no token
        ({**good, "authorization": "Bearer fout"}, body, 401),
        ({**good, "authorization": f"Bearer {TOKEN}", "bron": "1" * 20}, body, 403),   # not DUO
        ({**good, "authorization": f"Bearer {TOKEN}", "doel": "2" * 20}, body, 403),   # unknown gemeente
        ({**good, "authorization": f"Bearer {TOKEN}", "bron": "kort"}, body, 400),
        ({**good, "authorization": f"Bearer {TOKEN}"}, {**body, "gebeurtenisId": "ss 1"}, 400),
        ({**good, "authorization": f"Bearer {TOKEN}", "berichtId": "geen-uuid"}, body, 400),
    ]
    for headers, payload, status in cases:
        response = world.http.post(f"{world.regie_url}/duo/v1/notificaties", headers=headers, json=payload)
        assert response.status_code == status, (headers, response.text)
        assert response.headers["API-Version"] == "1.8.0"
        exchange = Exchange(method="post", path="/notificaties", headers={**good, **headers}, body=payload)
        assert contract.response_problems(exchange, response.status_code, response.headers, response.content,
                                          response.headers.get("content-type", "application/json")) == []
    bad = world.http.post(f"{world.regie_url}/duo/v1/notificaties", json={**body, "gebeurtenisId": "ss 1"},
                          headers={**good, "authorization": f"Bearer {TOKEN}"})
    assert "gebeurtenisId" in bad.json()["fouttekst"]


def test_ss131_puts_the_lbt_result_on_the_case(world):
    number, case = _started(world)
    _complete(world, case, "Task_LbtRegelen", {"lbt_vrijstelling": False, "lbt_afspraak_datum": "2026-03-03"})
    row = world.gebeurtenis("SS131", number, uitslag="niet_haalbaar", score=31.5, datum="2026-03-03")
    assert row.status == VERWERKT, row.reden
    variables = _variables(world, case)
    assert (variables["lbt_uitslag"], variables["lbt_score"], variables["lbt_datum"]) == \
        ("niet_haalbaar", Decimal("31.50"), "2026-03-03")


def test_termijn_doelgroep_pause_resume_and_end(world):
    number, case = _started(world)
    assert world.gebeurtenis("SS102", number, start="2026-05-01").status == VERWERKT
    assert _variables(world, case)["termijn_eind"] == "2029-05-01"
    assert world.gebeurtenis("SS104", number, eind="2029-11-01").status == VERWERKT
    variables = _variables(world, case)
    assert variables["termijn_eind"] == "2029-11-01" and variables["termijn_verlengingsgrond"]
    assert world.gebeurtenis("SS125", number).status == VERWERKT
    assert _variables(world, case)["doelgroep"] == "asielstatushouder"
    assert world.gebeurtenis("SS109", number).status == VERWERKT       # temporary exemption: pause
    assert _tasks(world, case) == set() and _variables(world, case)["traject_gepauzeerd"] is True
    assert world.gebeurtenis("SS129", number).status == VERWERKT       # withdrawn, no leerroute yet: start again
    variables = _variables(world, case)
    assert variables["traject_gepauzeerd"] is False and variables["datum_plicht"] == "2026-03-02"
    assert _tasks(world, case) == {"Task_Klantprofiel"}                 # now a statushouder: warme overdracht
    assert world.gebeurtenis("SS110", number).status == VERWERKT       # plicht ended
    assert _tasks(world, case) == {"Task_DossierSluiten"}
    assert _variables(world, case)["reden"].startswith("Inburgeringsplicht ingetrokken")


def test_plicht_ends_during_a_pause(world):
    number, case = _started(world)
    world.gebeurtenis("SS109", number)
    assert world.gebeurtenis("SS111", number).status == VERWERKT
    assert _tasks(world, case) == {"Task_DossierSluiten"}
    assert _variables(world, case)["reden"].startswith("Overleden")


def test_each_end_of_plicht_closes_with_its_reason(world):
    for gebeurtenis, reden in (("SS106", "Inburgeringsplicht voldaan"), ("SS107", "Gehele vrijstelling"),
                               ("SS108", "Gehele ontheffing")):
        number, case = _started(world)
        assert world.gebeurtenis(gebeurtenis, number).status == VERWERKT
        assert _tasks(world, case) == {"Task_DossierSluiten"}
        assert _variables(world, case)["reden"].startswith(reden)


def test_moving_in_without_and_with_a_pip(world):
    number = world.persoon(gemeente_oin=SIM_GEMEENTE_OIN)
    row = world.gebeurtenis("SS120", number, datum="2026-03-01")
    assert row.status == VERWERKT, row.reden
    variables = _variables(world, _case(world, number))
    assert variables["datum_plicht"] == "2026-03-02" and variables["verhuisd_naar_gemeente"] is True
    number = world.persoon(pip={"gemeentecode": "0518", "pip": {"dagtekeningPip": "2025-06-01", "leerroute": "Z"}},
                           termijn={"startdatum": "2025-06-02", "einddatum": "2028-06-02"})
    row = world.gebeurtenis("SS121", number)
    assert row.status == VERWERKT, row.reden
    variables = _variables(world, _case(world, number))
    assert variables["leerroute"] == "Z" and variables["pip_vorige_gemeente"] == "0518"   # Besluit 5.3.3
    assert (variables["termijn_start"], variables["termijn_eind"]) == ("2025-06-02", "2028-06-02")


def test_exam_result_is_fetched_and_offered_to_the_case(world):
    number, case = _started(world)
    row = world.gebeurtenis("SS199", number, onderdelen=["KNM", "LE", "LU", "SC", "SP"], resultaat="Geslaagd",
                            datum="2026-03-01")
    # The case is still in the brede intake: it does not wait for an exam result, and says so.
    assert row.status == NIET_VERWERKT and "duo_examenuitslag" in row.reden
    with world.rt.session_factory() as session:
        message = session.execute(select(Message).where(Message.message_id == f"duo:{row.bericht_id}")).scalar_one()
    assert message.payload == {"examen_behaald": True, "examen_datum": "2026-03-01", "examen_onderdeel": "SP"}


def test_informative_gebeurtenissen_land_on_the_timeline(world):
    number, case = _started(world)
    for gebeurtenis in ("SS137", "SS113", "SS114", "SS115", "SS116", "SS117", "SS118", "SS119"):
        assert world.gebeurtenis(gebeurtenis, number).status == VERWERKT
    with world.rt.session_factory() as session:
        noted = session.execute(select(AuditEntry.detail).where(AuditEntry.case_id == case.id,
                                                                AuditEntry.action == "duo_gebeurtenis")).scalars().all()
    assert {d["gebeurtenisId"] for d in noted} >= {"SS137", "SS113", "SS119"}


def test_an_unknown_person_is_kept_with_the_reason(world):
    number = world.persoon()
    row = world.gebeurtenis("SS131", number)
    assert row.status == NIET_VERWERKT and "Geen lopend dossier" in row.reden


def test_zero_contract_violations_in_what_regie_asked(world):
    log = world.sim_log()
    assert log, "Regie made no requests"
    assert [e for e in log if e["problems"]] == []
    assert {e["spec"] for e in log} >= {"Inburgeringsplicht.openapi.yml", "BRP-Personen.openapi.yaml",
                                         "Leerbaarheidstoets.openapi.yml", "Inburgeringstermijn.openapi.yml"}


def test_duo_is_recognised_by_its_client_certificate_and_or_token():
    from starlette.requests import Request

    from api.duo.notificaties import authenticated
    from engine.config import Settings

    def request(**headers) -> Request:
        raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        return Request({"type": "http", "method": "POST", "path": "/duo/v1/notificaties", "headers": raw})

    cert = Settings(duo_client_cert_header="X-SSL-Client-SHA256", duo_client_cert_fingerprint="AB:CD:EF")
    assert authenticated(request(**{"X-SSL-Client-SHA256": "abcdef"}), cert)
    assert not authenticated(request(**{"X-SSL-Client-SHA256": "abcde0"}), cert)
    assert not authenticated(request(), cert)
    both = Settings(duo_client_cert_header="X-SSL-Client-SHA256", duo_client_cert_fingerprint="abcdef", duo_token="t")
    assert not authenticated(request(**{"X-SSL-Client-SHA256": "abcdef"}), both)        # every proof must hold
    assert authenticated(request(**{"X-SSL-Client-SHA256": "abcdef", "Authorization": "Bearer t"}), both)
    assert not authenticated(request(**{"Authorization": "Bearer t"}), Settings())        # nothing configured: closed


def test_moving_in_with_a_pip_keeps_its_leerroute_up_to_the_pip_at_duo(world):
    """SS121 (Besluit 5.3.3): the intake and the PIP form refuse another route; the kept route reaches DUO."""
    import pytest

    from engine.duo.service import connect
    from engine.errors import Invalid
    from engine.letters.flow import approve
    from engine.letters.models import Letter

    number = world.persoon(pip={"gemeentecode": "0518", "pip": {"dagtekeningPip": "2025-06-01", "leerroute": "Z"}},
                           termijn={"startdatum": "2025-06-02", "einddatum": "2028-06-01"})
    assert world.gebeurtenis("SS121", number).status == VERWERKT
    case = _case(world, number)
    assert _variables(world, case)["leerroute_vorige_gemeente"] == "Z"
    _complete(world, case, "Task_IntakePlannen", {"intake_datum": "2026-03-05", "intake_tijd": "10:00",
                                                  "intake_locatie": "Gemeentehuis", "reageren_voor": "2026-03-06"})
    _complete(world, case, "Task_LbtRegelen", {"lbt_vrijstelling": False, "lbt_afspraak_datum": "2026-03-03"})
    assert world.gebeurtenis("SS131", number, uitslag="haalbaar", datum="2026-03-03").status == VERWERKT
    _complete(world, case, "Task_BredeIntake", {
        "verblijfsvergunning": "regulier_bepaalde_tijd", "opleiding": "Middelbare school", "werkervaring": "Winkel",
        "arbeidsparticipatie": "Werkt", "onderwijs_perspectief": False, "taalniveau_nl": "A1", "alfabetisering": False,
        "digitale_vaardigheden": "basis", "motivatie": "Groot", "gezinssituatie": "Alleen", "kinderen_vve": False,
        "sociaal_netwerk": "Buren", "zelfredzaamheid": "Redelijk", "brugklas": False,
        "intake_samenvatting": "Verder in de Z-route."})
    assert _variables(world, case)["leerroute_advies"] == "B1"   # the table's advice differs from the kept route
    with pytest.raises(Invalid) as refused:
        _complete(world, case, "Task_LeerrouteVaststellen", {"leerroute": "B1"})
    assert "Besluit 5.3 lid 3" in refused.value.field_errors["leerroute"]
    _complete(world, case, "Task_LeerrouteVaststellen", {"leerroute": "Z"})
    pip = {"taalniveau": "A1", "aantal_voortgangsgesprekken": 6, "pvt": True, "map": True, "begeleiding": "Taalmaatje",
           "motivering": "Verder in de route van de vorige gemeente.", "pip_wacht_op_derde": False}
    with pytest.raises(Invalid) as refused:
        _complete(world, case, "Task_PipOpstellen", {**pip, "leerroute": "onderwijs", "map": False, "taalniveau": "B1"})
    assert "Besluit 5.3 lid 3" in refused.value.field_errors["leerroute"]
    _complete(world, case, "Task_PipOpstellen", {**pip, "leerroute": "Z"})
    _complete(world, case, "Task_PipBespreken", {"pip_besproken_op": "2026-03-03", "tolk_aanwezig": False})
    _complete(world, case, "Task_PipOndertekenen", {"pip_ondertekend": True, "pip_ondertekend_op": "2026-03-03"})
    with world.rt.session_factory.begin() as session:
        for letter_id in session.execute(select(Letter.id).where(Letter.case_id == case.id,
                                                                 Letter.status == "ter_controle")).scalars().all():
            approve(world.rt.engine, session=session, letter_id=letter_id, actor="test")
    connect(world.rt).deliver_pending()
    variables = _variables(world, case)
    assert variables["leerroute"] == "Z" and variables["duo_pip_status"] == "ontvangen door DUO"
    assert connect(world.rt).client_for("demo").pip(number)["pip"]["leerroute"] == "Z"
