"""The `legal` service-task topic: a diagram asks one rule module for a deadline or fact.

Property `regel` names the rule; the handler returns the case variables it sets:
| regel              | sets                                                          |
|--------------------|---------------------------------------------------------------|
| pip_deadline       | pip_deadline (Besluit 5.3.1)                                  |
| pip_deadline_derde | pip_deadline after a third party's information (5.3.2)        |
| boete_feiten       | herhaling, boetes_in_termijn, al_beboet (Besluit 7.1.3, 7.1.5, Awb 5:43), beslistermijn_boete (5:51) |
| wet_27             | pw_sanctie_zelfde_gedraging, pw_maatregel_besluit, handhaving_reden (Wet 27); first adds a |
|                    | maatregel entered on Task_Pw18Check (nieuwe_maatregel_*) to pw_maatregelen          |
| ontzorgen          | ontzorgen_van_toepassing, and ontzorgen_eind when it applies (Pw 56a)                |
| termijn_bewaking   | schakelen_laatste_dag, verlenging_aanvraag_vanaf, termijn_eind (Besluit 5.4, 4.5, Wet 11) |
| schakelen          | schakelbesluit {schakelen_toegestaan, schakelen_reden} (Besluit 5.4.1-2) |
| bezwaar_registreren| beschikking_status, bezwaar_beslistermijn, hersteltermijn (Awb 6:6, 7:10) |
| bezwaar_verdagen   | bezwaar_beslistermijn + 6 weeks (Awb 7:10 lid 3)              |
| bezwaar_beslissen  | beschikking_status; a gegrond bezwaar herroept (Awb 7:11)     |
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Callable, Mapping

from engine.legal import beschikking, ontzorgen, termijnen
from engine.errors import Conflict, Invalid
from engine.legal.boete import WET_27_REDEN, boete_feiten, eerdere_boete, pw_maatregel_zelfde_gedraging
from engine.legal.checks import PW_PREFIX, new_pw_maatregel
from engine.legal.models import Beschikking
from engine.pw.maatregelen import FIELDS as PW_FIELDS, VARIABLE as PW_MAATREGELEN, with_maatregel
from engine.letters.handler import letter_date
from engine.running.handlers import HandlerError, ServiceCall


def legal_handler(call: ServiceCall) -> dict[str, Any]:
    """Apply the rule named by the task's `regel` property; return the variables it sets."""
    regel = call.properties.get("regel") or ""
    rule = RULES.get(regel)
    if rule is None:
        raise HandlerError(f"Onbekende regel {regel!r}; kies uit {', '.join(sorted(RULES))}")
    data = {**call.data, **call.inputs}
    return rule(call, data, letter_date(call.now))


def _pip_deadline(call: ServiceCall, data: Mapping[str, Any], today: date) -> dict[str, Any]:
    plicht = _required_day(data, "datum_plicht")
    return {"pip_deadline": termijnen.pip_deadline(plicht, _day(data.get("datum_brp_inschrijving"))).isoformat()}


def _pip_deadline_derde(call: ServiceCall, data: Mapping[str, Any], today: date) -> dict[str, Any]:
    deadline = termijnen.pip_deadline_na_derde(_required_day(data, "pip_deadline"),
                                               _required_day(data, "pip_info_ontvangen_op"))
    return {"pip_deadline": deadline.isoformat()}


def _boete_feiten(call: ServiceCall, data: Mapping[str, Any], today: date) -> dict[str, Any]:
    eerdere = []
    for entry in data.get("boetes") or []:
        row = call.session.get(Beschikking, int(entry["beschikking_id"])) if entry.get("beschikking_id") else None
        eerdere.append(eerdere_boete(entry, row))
    feiten = boete_feiten(eerdere, artikel=str(data.get("overtreding_artikel")),
                          overtreding_datum=_required_day(data, "overtreding_datum"), peildatum=today)
    rapport = _day(data.get("rapport_datum")) or today
    return {"boetes": list(data.get("boetes") or []), "herhaling": Decimal(feiten.herhaling),
            "boetes_in_termijn": feiten.boetes_in_termijn,
            "al_beboet": feiten.al_beboet, "beslistermijn_boete": termijnen.beslistermijn_boete(rapport).isoformat()}


def _wet_27(call: ServiceCall, data: Mapping[str, Any], today: date) -> dict[str, Any]:
    result: dict[str, Any] = {}
    maatregelen = list(data.get(PW_MAATREGELEN) or [])
    try:
        nieuw = new_pw_maatregel(data, call.now)
        if nieuw is not None:  # entered on Task_Pw18Check (checked there already: legalCheck=pw_maatregel)
            maatregelen = with_maatregel(maatregelen, nieuw)
            result[PW_MAATREGELEN] = maatregelen
    except (Invalid, Conflict) as exc:
        raise HandlerError(f"Pw-maatregel: {exc.message} {exc.field_errors or ''}".strip()) from None
    result.update({PW_PREFIX + name: None for name in PW_FIELDS if PW_PREFIX + name in data})
    overtreding_datum = _day(data.get("overtreding_datum"))
    gedraging = str(data.get("overtreding_gedraging") or data.get("overtreding_artikel") or "")
    maatregel = None
    if overtreding_datum is not None:
        maatregel = pw_maatregel_zelfde_gedraging(maatregelen, gedraging=gedraging,
                                                  overtreding_datum=overtreding_datum)
    if maatregel is None:
        return {**result, "pw_sanctie_zelfde_gedraging": False}
    return {**result, "pw_sanctie_zelfde_gedraging": True, "pw_maatregel_besluit": maatregel.get("besluit"),
            "handhaving_reden": WET_27_REDEN}


def _ontzorgen(call: ServiceCall, data: Mapping[str, Any], today: date) -> dict[str, Any]:
    toepassing = ontzorgen.ontzorgen_van_toepassing(doelgroep=data.get("doelgroep"), bijstand=data.get("bijstand"),
                                                    verblijfsvergunning=data.get("verblijfsvergunning"))
    if not toepassing:
        return {"ontzorgen_van_toepassing": False}
    start = _required_day(data, "datum_start_bijstand")
    return {"ontzorgen_van_toepassing": True, "ontzorgen_eind": ontzorgen.ontzorgen_eind(start).isoformat()}


def _termijn_bewaking(call: ServiceCall, data: Mapping[str, Any], today: date) -> dict[str, Any]:
    # The termijn the PIP beschikking stated (termijnen.termijn_bij_pip; DUO's after a move or an extension),
    # else the one a PIP of this dagtekening starts.
    dagtekening = _required_day(data, "pip_dagtekening")
    start = _day(data.get("termijn_start")) or termijnen.termijn_start(dagtekening)
    eind = _day(data.get("termijn_eind")) or termijnen.termijn_eind(dagtekening)
    return {"schakelen_laatste_dag": termijnen.schakelen_laatste_dag(start).isoformat(),
            "verlenging_aanvraag_vanaf": termijnen.verlenging_aanvraag_vanaf(eind).isoformat(),
            "termijn_eind": eind.isoformat()}


def _schakelen(call: ServiceCall, data: Mapping[str, Any], today: date) -> dict[str, Any]:
    van, naar = data.get("leerroute"), data.get("nieuwe_leerroute")
    start = _day(data.get("termijn_start"))
    if start is None:
        start = termijnen.termijn_start(_required_day(data, "pip_dagtekening"))
    if van == naar:
        allowed, reden = False, "De nieuwe leerroute is dezelfde als de huidige leerroute."
    elif van == "onderwijs" and naar == "B1":
        allowed, reden = True, "Van de onderwijsroute naar de B1-route mag altijd (Besluit 5.4 lid 2)."
    elif termijnen.schakelen_toegestaan(start, today, van, str(naar)):
        allowed, reden = True, "Binnen 18 maanden na de start van de inburgeringstermijn (Besluit 5.4 lid 1)."
    else:
        allowed, reden = False, (f"Schakelen mocht tot en met {termijnen.schakelen_laatste_dag(start):%d-%m-%Y}: 18 maanden "
                                 "na de start van de inburgeringstermijn (Besluit 5.4 lid 1). Die periode is voorbij.")
    return {"schakelbesluit": {"schakelen_toegestaan": allowed, "schakelen_reden": reden}}


def _bezwaar_registreren(call: ServiceCall, data: Mapping[str, Any], today: date) -> dict[str, Any]:
    ontvangen = _required_day(data, "bezwaar_ontvangen_op")
    row = _beschikking(call, data)
    beschikking.record_bezwaar(session=call.session, beschikking_id=row.id, ontvangen_op=ontvangen,
                               bezwaar_case_id=call.case_id)
    beslistermijn = termijnen.beslistermijn_bezwaar(row.verzonden_op, ontvangen,
                                                    adviescommissie=bool(data.get("adviescommissie")))
    return {"beschikking_status": beschikking.status_op(row, today), "bezwaar_beslistermijn": beslistermijn.isoformat(),
            "bezwaar_te_laat": ontvangen > row.bezwaar_uiterlijk,
            "hersteltermijn": termijnen.hersteltermijn(ontvangen).isoformat()}


def _bezwaar_verdagen(call: ServiceCall, data: Mapping[str, Any], today: date) -> dict[str, Any]:
    row = _beschikking(call, data)
    beslistermijn = termijnen.beslistermijn_bezwaar(row.verzonden_op, _required_day(data, "bezwaar_ontvangen_op"),
                                                    adviescommissie=bool(data.get("adviescommissie")), verdaagd=True)
    return {"bezwaar_beslistermijn": beslistermijn.isoformat(), "bezwaar_verdaagd": True}


def _bezwaar_beslissen(call: ServiceCall, data: Mapping[str, Any], today: date) -> dict[str, Any]:
    uitkomst = str(data.get("bezwaar_uitkomst") or "")
    row = _beschikking(call, data)
    try:
        beschikking.record_beslissing_op_bezwaar(session=call.session, beschikking_id=row.id, uitkomst=uitkomst,
                                                 beslist_op=today)
    except ValueError:
        raise HandlerError("Veld 'bezwaar_uitkomst' moet gegrond, ongegrond of niet_ontvankelijk zijn") from None
    return {"beschikking_status": beschikking.status_op(row, today),
            "beroep_uiterlijk": termijnen.beroep_uiterlijk(today).isoformat()}


def _beschikking(call: ServiceCall, data: Mapping[str, Any]) -> Beschikking:
    raw = data.get("beschikking_id")
    row = call.session.get(Beschikking, int(raw)) if str(raw or "").isdigit() else None
    if row is None or row.gemeente != call.gemeente:
        raise HandlerError("Veld 'beschikking_id' wijst niet naar een verzonden beschikking van deze gemeente")
    return row


def _required_day(data: Mapping[str, Any], name: str) -> date:
    day = _day(data.get(name))
    if day is None:
        raise HandlerError(f"Veld '{name}' ontbreekt (datum JJJJ-MM-DD)")
    return day


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value if type(value) is date else value.date()
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


Rule = Callable[[ServiceCall, Mapping[str, Any], date], dict[str, Any]]
RULES: dict[str, Rule] = {
    "pip_deadline": _pip_deadline, "pip_deadline_derde": _pip_deadline_derde, "boete_feiten": _boete_feiten,
    "wet_27": _wet_27, "ontzorgen": _ontzorgen, "schakelen": _schakelen, "termijn_bewaking": _termijn_bewaking,
    "bezwaar_registreren": _bezwaar_registreren, "bezwaar_verdagen": _bezwaar_verdagen,
    "bezwaar_beslissen": _bezwaar_beslissen,
}
