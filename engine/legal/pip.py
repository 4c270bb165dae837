"""The rules a PIP or gewijzigde PIP must pass before its beschikking is made.

One function, `pip_weigeringen`, used on every path that makes or changes a PIP (pip,
pip_bijstellen, schakelen, afschalen, verhuizing): when the klantmanager completes the
task that fixes the content (the form shows each refusal on its field) and again when the
beschikking is rendered (the dagtekening is then known). The DUO outbox asks it too.

Sources: DUO's registration rules for a PIP (duo-m2m/README-DUO.md: dagtekening,
niveau), Wet 8 lid 3 (no MAP in the onderwijsroute), Wet 17 lid 3 with Besluit 5.5
(afschalen to A2 after 600 course hours), Besluit 5.4 (schakelen within 18 months),
Besluit 5.3 lid 3 (after a move the new gemeente keeps the leerroute of the previous
gemeente's PIP; DUO's SS121 brings that route as `leerroute_vorige_gemeente`).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from engine.legal.termijnen import schakelen_laatste_dag, schakelen_toegestaan, termijn_start

# Wet 17 lid 3, Besluit 5.5: afschalen to A2 after at least 600 course hours at a keurmerk institution.
AFSCHALEN_MIN_UREN = 600
LEERROUTES = ("onderwijs", "B1", "Z")
REDENEN = ("schakelen", "afschalen", "verhuizing", "bijstelling")
ROUTE_NAMEN = {"onderwijs": "onderwijsroute", "B1": "B1-route", "Z": "Z-route"}


def pip_weigeringen(data: Mapping[str, Any], *, dagtekening: date, gewijzigd: bool) -> dict[str, str]:
    """Return field -> reason (with the article) for every rule this PIP breaks; empty when lawful.

    `data` holds the case variables: leerroute, taalniveau, map, datum_plicht,
    datum_brp_inschrijving, pip_eerder_vastgesteld; for a gewijzigde PIP also
    pip_dagtekening (the current one), wijziging_reden, vorige_leerroute, uren_cursus.
    """
    refusals: dict[str, str] = {}
    leerroute = data.get("leerroute")
    niveau = str(data.get("taalniveau") or "").upper()
    if leerroute not in LEERROUTES:
        refusals["leerroute"] = "Kies de onderwijsroute, de B1-route of de Z-route (Wet 6)."
    _dagtekening(data, dagtekening, gewijzigd, refusals)
    if niveau == "A2" and leerroute == "onderwijs":
        refusals["taalniveau"] = "Niveau A2 kan niet bij de onderwijsroute (regels PIP van DUO; Wet 7)."
    if niveau == "B1" and leerroute == "Z":
        refusals["taalniveau"] = "Niveau B1 hoort niet bij de Z-route (regels PIP van DUO; Wet 8)."
    if _truthy(data.get("map")) and leerroute == "onderwijs":
        refusals["map"] = "De module arbeidsmarkt en participatie hoort niet bij de onderwijsroute (Wet 8 lid 3)."
    eerste = not gewijzigd and not _truthy(data.get("pip_eerder_vastgesteld"))
    if niveau == "A2" and leerroute == "B1":
        if eerste:
            refusals["taalniveau"] = ("Niveau A2 kan niet in een eerste PIP met de B1-route (regels PIP van DUO); "
                                      "afschalen kan pas na 600 lesuren (Wet 17 lid 3, Besluit 5.5).")
        elif data.get("wijziging_reden") == "afschalen" or gewijzigd:
            _afschalen(data, refusals)
    if gewijzigd:
        _wijziging(data, dagtekening, refusals)
    else:
        refusals.update(leerroute_weigeringen(data))
    return refusals


def leerroute_weigeringen(data: Mapping[str, Any]) -> dict[str, str]:
    """Return {"leerroute": reason} when a first PIP of this gemeente leaves the route kept after a move.

    Besluit 5.3 lid 3: after a move (DUO SS121: the person came with the previous gemeente's
    PIP) the new gemeente keeps that PIP's leerroute. Another route is only possible later, by
    schakelen within its window (Besluit 5.4), as a change of this gemeente's PIP. Asked when
    the leerroute is chosen in the brede intake, when the PIP's content is fixed, when the
    beschikking is rendered and by the DUO outbox.
    """
    kept = behouden_leerroute(data)
    if kept is None or data.get("leerroute") == kept:
        return {}
    return {"leerroute": (f"Deze inburgeraar kwam met een PIP van de vorige gemeente: de leerroute blijft de "
                          f"{ROUTE_NAMEN[kept]} (Besluit 5.3 lid 3). Een andere leerroute kan daarna alleen "
                          "via schakelen (Besluit 5.4).")}


def behouden_leerroute(data: Mapping[str, Any]) -> str | None:
    """The leerroute of the previous gemeente's PIP that this gemeente keeps (Besluit 5.3 lid 3), or None.

    The rule binds the new gemeente's own first PIP; once that is sent (`pip_dagtekening`,
    set by its beschikking) the route changes only by schakelen, as in every case.
    """
    kept = data.get("leerroute_vorige_gemeente")
    if kept not in LEERROUTES or data.get("pip_dagtekening"):
        return None
    return kept


def _dagtekening(data: Mapping[str, Any], dagtekening: date, gewijzigd: bool, refusals: dict[str, str]) -> None:
    plicht, brp = _day(data.get("datum_plicht")), _day(data.get("datum_brp_inschrijving"))
    if plicht is not None and dagtekening < plicht:
        refusals["pip_dagtekening"] = "De datum van het PIP ligt voor de start van de inburgeringsplicht (regels PIP van DUO)."
    elif brp is not None and dagtekening < brp:
        refusals["pip_dagtekening"] = "De datum van het PIP ligt voor de inschrijving in de gemeente (BRP; regels PIP van DUO)."
    huidige = _day(data.get("pip_dagtekening"))
    if gewijzigd and huidige is not None and dagtekening < huidige:
        refusals["pip_dagtekening"] = "De datum van het gewijzigde PIP ligt voor die van het huidige PIP (regels PIP van DUO)."


def _afschalen(data: Mapping[str, Any], refusals: dict[str, str]) -> None:
    uren = _number(data.get("uren_cursus"))
    if uren < AFSCHALEN_MIN_UREN:
        refusals["taalniveau"] = (f"Afschalen naar A2 kan pas na {AFSCHALEN_MIN_UREN} lesuren; er zijn er {uren:g} "
                                  "(Wet 17 lid 3, Besluit 5.5).")


def _wijziging(data: Mapping[str, Any], dagtekening: date, refusals: dict[str, str]) -> None:
    reden, van, naar = data.get("wijziging_reden"), data.get("vorige_leerroute"), data.get("leerroute")
    if reden not in REDENEN:
        refusals["wijziging_reden"] = "Kies de reden: schakelen, afschalen, verhuizing of bijstelling (Wet 15)."
    if reden == "afschalen":
        if naar != "B1":
            refusals["leerroute"] = "Afschalen naar A2 kan alleen in de B1-route (Wet 17 lid 3)."
        _afschalen(data, refusals)
    if reden == "verhuizing" and van and naar != van:
        refusals["leerroute"] = "Na een verhuizing blijft de leerroute dezelfde (Besluit 5.3 lid 3)."
    if reden != "schakelen" or naar not in LEERROUTES:
        return
    if van == naar:
        refusals["leerroute"] = "De nieuwe leerroute is dezelfde als de huidige; dat is geen schakelen (Besluit 5.4)."
        return
    huidige = _day(data.get("pip_dagtekening"))
    start = _day(data.get("termijn_start")) or (termijn_start(huidige) if huidige else None)
    if start is not None and not schakelen_toegestaan(start, dagtekening, van, naar):
        refusals["leerroute"] = (f"Schakelen mocht tot en met {schakelen_laatste_dag(start):%d-%m-%Y}: "
                                 "18 maanden na de start van de inburgeringstermijn (Besluit 5.4 lid 1).")


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "ja", "1")


def _number(value: Any) -> float:
    try:
        return float(str(value)) if value not in (None, "") else 0.0
    except ValueError:
        return 0.0


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value if type(value) is date else value.date()
    return date.fromisoformat(str(value)[:10])
