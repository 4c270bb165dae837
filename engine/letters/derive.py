"""Per letter type: values computed from the data, and the legal checks the data must pass.

A derivation returns the extra template variables; a failed check raises
HandlerError naming the field, like a missing field does.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Callable

from engine.letters import rules
from engine.running.handlers import HandlerError

Derivation = Callable[[str, dict[str, Any], date], dict[str, Any]]


def _refuse(template: str, field: str, reason: str) -> None:
    raise HandlerError(f"Brief {template}: veld '{field}' {reason}")


def _waarschuwing(template: str, values: dict[str, Any], dagtekening: date) -> dict[str, Any]:
    return {"boete_art22": rules.BOETE_ART22}


def _pip(template: str, values: dict[str, Any], dagtekening: date) -> dict[str, Any]:
    if values["leerroute"] == "onderwijs" and values["map"]:
        _refuse(template, "map", "moet nee zijn bij de onderwijsroute (Wet 8 lid 3)")
    return {
        "termijn_start": rules.termijn_start(dagtekening),
        "termijn_eind": rules.termijn_eind(dagtekening),
    }


def _pip_gewijzigd(template: str, values: dict[str, Any], dagtekening: date) -> dict[str, Any]:
    if values["reden"] == "schakelen" and values.get("vorige_leerroute") == values["leerroute"]:
        _refuse(template, "leerroute", "is gelijk aan de vorige leerroute; dat is geen schakelen")
    if values["pip_dagtekening"] > dagtekening:
        _refuse(template, "pip_dagtekening", "ligt na de datum van deze brief")
    if values["reden"] == "schakelen" and not rules.schakelen_toegestaan(
        values["pip_dagtekening"], dagtekening, values.get("vorige_leerroute"), values["leerroute"]
    ):
        _refuse(template, "reden", "schakelen mag alleen in de eerste 18 maanden van de termijn (Besluit 5.4)")
    return {}


def _check_boete(template: str, values: dict[str, Any]) -> None:
    if values["artikel"] == "22" and values["boete_bedrag"] != rules.BOETE_ART22:
        _refuse(template, "boete_bedrag", f"moet {rules.BOETE_ART22} zijn bij artikel 22 (Besluit 7.1.1)")
    if values["artikel"] == "23" and values["boete_bedrag"] > rules.BOETE_ART23_MAXIMUM:
        _refuse(template, "boete_bedrag", f"is hoger dan {rules.BOETE_ART23_MAXIMUM} (Besluit 7.1.3)")


def _voornemen(template: str, values: dict[str, Any], dagtekening: date) -> dict[str, Any]:
    _check_boete(template, values)
    return {"besluit_uiterlijk": dagtekening + rules.BESLISTERMIJN_NA_RAPPORT}


def _boetebeschikking(template: str, values: dict[str, Any], dagtekening: date) -> dict[str, Any]:
    _check_boete(template, values)
    if values.get("bijstand_verlaagd_zelfde_gedrag"):
        _refuse(template, "bijstand_verlaagd_zelfde_gedrag", "is waar: dan is geen boete toegestaan (Wet 27)")
    if values["artikel"] == "22":
        nieuwe_termijn = values["nieuwe_termijn"]
        if not dagtekening < nieuwe_termijn <= rules.laatste_dag_nieuwe_termijn_art22(dagtekening):
            _refuse(template, "nieuwe_termijn", "moet binnen twee maanden na de datum van de brief liggen (Wet 22)")
        return {}
    herhaling, verwijtbaarheid = values["herhaling"], values["verwijtbaarheid"]
    expected = rules.boete_art23(herhaling, verwijtbaarheid)
    if values["boete_bedrag"] != expected:
        _refuse(template, "boete_bedrag", f"moet {expected} zijn bij herhaling {herhaling} en deze verwijtbaarheid (Besluit 7.1)")
    return {
        "boete_basis": rules.boete_art23(herhaling, "opzet"),
        "verwijtbaarheid_percentage": rules.VERWIJTBAARHEID_PERCENTAGE[verwijtbaarheid],
    }


def _ontzorgen(template: str, values: dict[str, Any], dagtekening: date) -> dict[str, Any]:
    eind = rules.ontzorgen_eind(values["datum_start_bijstand"])
    verlenging = values.get("verlenging_tot")
    if verlenging is not None and verlenging <= eind:
        _refuse(template, "verlenging_tot", "moet na het einde van de zes maanden liggen")
    return {"ontzorgen_eind": eind}


DERIVATIONS: dict[str, Derivation] = {
    "waarschuwing_brede_intake": _waarschuwing,
    "pip_beschikking": _pip,
    "pip_gewijzigd": _pip_gewijzigd,
    "voornemen_boete": _voornemen,
    "boetebeschikking": _boetebeschikking,
    "beschikking_ontzorgen": _ontzorgen,
}


def derive(template: str, values: dict[str, Any], dagtekening: date) -> dict[str, Any]:
    """Return the computed variables of `template`, after checking the data against the law."""
    derivation = DERIVATIONS.get(template)
    return derivation(template, values, dagtekening) if derivation else {}


def case_variables(
    template: str, values: dict[str, Any], derived: dict[str, Any], dagtekening: date
) -> dict[str, Any]:
    """Return the case variables a sent letter sets besides its id (ISO dates)."""
    if template == "pip_beschikking":
        return {
            "pip_dagtekening": dagtekening.isoformat(),
            "termijn_start": derived["termijn_start"].isoformat(),
            "termijn_eind": derived["termijn_eind"].isoformat(),
        }
    if template == "beschikking_ontzorgen":
        return {"ontzorgen_eind": (values.get("verlenging_tot") or derived["ontzorgen_eind"]).isoformat()}
    return {}


def as_amount(value: Any) -> Decimal:
    """Return a schema-valid amount (number or numeric string) as Decimal cents."""
    return Decimal(str(value)).quantize(Decimal("0.01"))
