"""BRP: the letter's address comes from the BRP at rendering time. COA: the klantprofiel lands on the case."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import select

from engine.brp.letters import with_brp_address
from engine.coa.models import CoaKlantprofiel
from engine.db.models import Case, UserTask
from engine.duo.models import VERWERKT
from engine.running.handlers import HandlerError, ServiceCall
from api.simulators.duo.store import SIM_GEMEENTE_OIN

PDF = b"%PDF-1.4\n% klantprofiel\n"


def _call(session, bsn: str) -> ServiceCall:
    return ServiceCall(session=session, case_id="c", case_number="INB-1", gemeente="demo", process_id="p",
                       element_id="Letter", task_id="t", topic="letter", properties={"template": "x"}, inputs={},
                       data={"bsn": bsn, "straat": "Oude straat", "huisnummer": "1", "postcode": "9999 ZZ",
                             "woonplaats": "Vroeger"}, now=datetime.now(timezone.utc), actor="test")


def test_the_letter_gets_the_address_the_brp_has_now(world):
    number = world.persoon(straat="Kerkstraat", huisnummer=12, postcode="2261AB", woonplaats="Leidschendam")
    seen = []
    handler = with_brp_address(lambda call: seen.append(dict(call.data)) or {})
    with world.rt.session_factory() as session:
        handler(_call(session, number))
    assert {k: seen[0][k] for k in ("straat", "huisnummer", "postcode", "woonplaats")} == {
        "straat": "Kerkstraat", "huisnummer": "12", "postcode": "2261 AB", "woonplaats": "Leidschendam"}
    brp_calls = [e for e in world.sim_log() if e.get("spec") == "BRP-Personen.openapi.yaml"]
    assert brp_calls and all(e["resource"] == "/personen" and not e["problems"] for e in brp_calls)


def test_a_person_the_brp_does_not_know_gets_no_letter(world):
    handler = with_brp_address(lambda call: {})
    with world.rt.session_factory() as session:
        try:
            handler(_call(session, "999999990"))
        except HandlerError as exc:
            assert "BRP kent deze persoon niet" in str(exc)
        else:
            raise AssertionError("expected a HandlerError")


def _klantprofiel(world, fields: dict, token: str = "test-coa-token", document=PDF):
    files = {"klantprofiel": (None, json.dumps(fields), "application/json")}
    if document is not None:
        files["document"] = ("profiel.pdf", document, "application/pdf")
    return world.http.post(f"{world.regie_url}/api/coa/klantprofielen", files=files,
                           headers={"authorization": f"Bearer {token}"})


def test_the_coa_klantprofiel_lands_on_the_case_and_moves_the_warme_overdracht_on(world):
    number = world.persoon(doelgroep="asielstatushouder")
    assert world.gebeurtenis("SS139", number).status == VERWERKT
    fields = {"formaat": "regie-coa-klantprofiel/1", "bsn": number, "gemeente_oin": SIM_GEMEENTE_OIN,
              "profiel_datum": "2026-02-27", "coa_locatie": "AZC Ter Apel", "taal": "ti", "tolk_nodig": True,
              "opleiding": "Middelbare school", "werkervaring": "Boer"}
    response = _klantprofiel(world, fields)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "in de warme overdracht"
    with world.rt.session_factory() as session:
        case = session.execute(select(Case).where(Case.bsn == number)).scalar_one()
        tasks = set(session.execute(select(UserTask.element_id).where(UserTask.case_id == case.id)).scalars())
        variables = world.rt.engine.case_variables(session=session, case=case)
        stored = session.execute(select(CoaKlantprofiel).where(CoaKlantprofiel.case_id == case.id)).scalar_one()
    assert tasks == {"Task_BrpInschrijving"}
    assert (variables["coa_locatie"], variables["taal"], variables["tolk_nodig"]) == ("AZC Ter Apel", "ti", True)
    assert stored.document == PDF and "bsn" not in stored.velden


def test_the_coa_endpoint_refuses_strangers_and_names_bad_fields(world):
    fields = {"formaat": "regie-coa-klantprofiel/1", "bsn": "123456789", "gemeente_oin": SIM_GEMEENTE_OIN,
              "profiel_datum": "gisteren", "taal": "Tigrinya"}
    assert _klantprofiel(world, fields, token="fout").status_code == 401
    response = _klantprofiel(world, fields)
    assert response.status_code == 422
    errors = response.json()["field_errors"]
    assert set(errors) == {"bsn", "profiel_datum", "taal"} and "123456789" not in response.text
    assert _klantprofiel(world, {**fields, "formaat": "v9"}).json()["field_errors"] == {
        "formaat": "gebruik een van: regie-coa-klantprofiel/1"}
    assert "document" in _klantprofiel(world, fields, document=None).json()["field_errors"]
