"""The demo's inburgeraars enter the way real ones do: DUO (the simulator) notifies, Regie fetches.

`regie demo` runs before the web app serves, so the simulator hands the notification it
would send (headers and body, built by the simulator) to the same `receive` and
processing code the Notificatie endpoint uses; everything Regie then asks DUO and the BRP
goes over HTTP to the simulator. Without a reachable simulator the demo starts its cases
directly, as before.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import httpx

from engine.duo.notifications import NotificationProcessor, receive
from engine.duo.service import connect

DEMO_OIN = "00000099000000000002"  # the demo gemeente's fictitious OIN; the simulator knows it (api/simulators)
ACTOR = "systeem:duo"
# Case variables DUO and the BRP provide; the rest of a persona is what the gemeente knows itself.
FROM_PARTNERS = frozenset({"bsn", "voornamen", "achternaam", "naam", "geboortedatum", "straat", "huisnummer",
                           "postcode", "woonplaats", "doelgroep", "datum_plicht", "duo_gebeurtenis",
                           "verhuisd_naar_gemeente", "pip_vorige_gemeente", "leerroute", "leerroute_vorige_gemeente",
                           "pip_eerder_vastgesteld", "termijn_start", "termijn_eind"})
# A persona who moved in (SS120 without, SS121 with the previous gemeente's PIP) arrives as such.
MOVES = ("SS120", "SS121")
LEERROUTE_CODE = {"B1": "B", "onderwijs": "O", "Z": "Z"}  # DUO's codes (gebeurtenissen.LEERROUTE, reversed)


def simulator_url(rt) -> str | None:
    """Return the simulator's base URL when Regie's DUO connection points at a running simulator."""
    if not connect(rt).configured:
        return None
    base = rt.settings.duo_url.rstrip("/").removesuffix("/v1")
    try:
        return base if httpx.get(f"{base}/_sim/health", timeout=2).status_code == 200 else None
    except httpx.HTTPError:
        return None


def _sim_http(rt) -> httpx.Client:
    """One HTTP client (one connection pool) for the demo's calls to the simulator's /_sim API.

    A client per call builds a new TLS context and a new connection each time, which cost
    more than the call itself when the demo registers 30 persons and their gebeurtenissen.
    """
    client = getattr(rt, "_duo_sim_http", None)
    if client is None:
        client = httpx.Client(timeout=10)
        rt._duo_sim_http = client
    return client


def _day_before(day: str) -> str:
    """The previous PIP's dagtekening: the termijn started the day after it (Wet 11)."""
    return (date.fromisoformat(day[:10]) - timedelta(days=1)).isoformat()


def close_sim_http(rt) -> None:
    """Close the demo's client of the simulator (when it made one)."""
    client = getattr(rt, "_duo_sim_http", None)
    if client is not None:
        client.close()
        rt._duo_sim_http = None


def start_through_duo(rt, *, sim: str, gemeente: str, data: dict[str, Any], at: datetime) -> str:
    """Register the person at the simulator, let it notify SS139 (or the move the persona made), process it;
    return the new case id."""
    postcode = str(data.get("postcode", "1234 AB")).replace(" ", "")
    person = {"bsn": data["bsn"], "voornamen": data["voornamen"], "achternaam": data["achternaam"],
              "geboortedatum": data.get("geboortedatum") or "1990-01-01", "doelgroep": data["doelgroep"],
              "kennisgeving": data["datum_plicht"], "plicht_begindatum": data["datum_plicht"],
              "datum_inschrijving": min(data.get("datum_brp_inschrijving") or data["datum_plicht"], data["datum_plicht"]),
              "straat": data.get("straat", "Stationsweg"),
              "huisnummer": int("".join(c for c in str(data.get("huisnummer", "1")) if c.isdigit())[:5] or 1),
              "postcode": postcode, "woonplaats": data.get("woonplaats", "Voorbeeldstad"), "gemeente_oin": DEMO_OIN}
    gebeurtenis = data.get("duo_gebeurtenis") if data.get("duo_gebeurtenis") in MOVES else "SS139"
    if gebeurtenis == "SS121" and data.get("leerroute_vorige_gemeente") in LEERROUTE_CODE:
        # DUO knows the previous gemeente's PIP and the termijn it started
        person["pip"] = {"gemeentecode": data.get("pip_vorige_gemeente") or "0000",
                         "pip": {"dagtekeningPip": _day_before(data.get("termijn_start") or data["datum_plicht"]),
                                 "leerroute": LEERROUTE_CODE[data["leerroute_vorige_gemeente"]]}}
        if data.get("termijn_start") and data.get("termijn_eind"):
            person["termijn"] = {"startdatum": data["termijn_start"], "einddatum": data["termijn_eind"]}
    _sim_http(rt).post(f"{sim}/_sim/personen", json=person).raise_for_status()
    case_id, reden = _notify(rt, sim=sim, gemeente=gemeente, gebeurtenis=gebeurtenis, bsn=data["bsn"], values={}, at=at,
                             gemeente_data={k: v for k, v in data.items() if k not in FROM_PARTNERS})
    if case_id is None:
        raise RuntimeError(f"DUO-notificatie niet verwerkt: {reden}")
    return case_id


# Scenario messages that DUO sends in real life, and the gebeurtenis the simulator makes of them.
DUO_MESSAGES = {"duo_lbt_uitslag": "SS131", "duo_examenuitslag": "SS199"}


def message_through_duo(rt, *, sim: str, gemeente: str, bsn: str, name: str, data: dict[str, Any],
                        at: datetime) -> None:
    """Let the simulator register a scenario's DUO message as a gebeurtenis and process its notification."""
    if name == "duo_lbt_uitslag":
        values = {"uitslag": data.get("lbt_uitslag", "onbekend"), "datum": data.get("lbt_datum") or at.date().isoformat()}
        if data.get("lbt_score") is not None:
            values["score"] = float(data["lbt_score"])
    else:
        values = {"onderdelen": ["KNM", "LE", "LU", "SC", "SP"], "datum": data.get("examen_datum") or at.date().isoformat(),
                  "resultaat": "Geslaagd" if data.get("examen_behaald") else "Gezakt"}
    _notify(rt, sim=sim, gemeente=gemeente, gebeurtenis=DUO_MESSAGES[name], bsn=bsn, values=values, at=at)


def _notify(rt, *, sim: str, gemeente: str, gebeurtenis: str, bsn: str, values: dict, at: datetime,
            gemeente_data: dict[str, Any] | None = None):
    notification = _sim_http(rt).post(f"{sim}/_sim/gebeurtenissen", json={
        "gebeurtenisId": gebeurtenis, "bsn": bsn, "deliver": False, "data": values,
        "registratieDatumTijd": at.isoformat().replace("+00:00", "Z")}).json()
    service = connect(rt)
    with rt.session_factory.begin() as session:
        row = receive(session=session, bericht_id=notification["headers"]["berichtId"], gemeente=gemeente,
                      body=notification["body"], now=rt.clock.now(session)).bericht
        NotificationProcessor(engine=rt.engine, duo=service.client_for(gemeente), brp=service.brp(),
                              gemeente_data=gemeente_data).process(session=session, bericht=row)
        return row.case_id, row.reden
