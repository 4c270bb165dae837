"""Per letter type: values computed from the data, and the checks before rendering.

The law is not checked here a second time: PIP rules live in engine/legal/pip.py (called
here on the dagtekening), amounts in processes/boete_bedrag.dmn, the end of ontzorgen in
engine/legal/ontzorgen.py (the letter states the case variable `ontzorgen_eind`).

A derivation returns the extra template variables; a failed check raises
HandlerError naming the field, like a missing field does.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Callable, Mapping

from engine.legal import termijnen
from engine.legal.pip import pip_weigeringen
from engine.letters import rules
from engine.running.handlers import HandlerError

Derivation = Callable[[str, dict[str, Any], date], dict[str, Any]]


def _refuse(template: str, field: str, reason: str) -> None:
    raise HandlerError(f"Brief {template}: veld '{field}' {reason}")


def _waarschuwing(template: str, values: dict[str, Any], dagtekening: date) -> dict[str, Any]:
    return {"boete_art22": rules.BOETE_ART22}


def _pip(template: str, values: dict[str, Any], dagtekening: date) -> dict[str, Any]:
    # A PIP after a move with the previous gemeente's PIP keeps DUO's running termijn (engine/legal/termijnen.py).
    lopend = values.get("pip_vorige_gemeente") is not None and values.get("termijn_start") is not None
    start, eind = termijnen.termijn_bij_pip(dagtekening, values.get("termijn_start") if lopend else None,
                                            values.get("termijn_eind") if lopend else None)
    return {"termijn_start": start, "termijn_eind": eind}


def _voornemen(template: str, values: dict[str, Any], dagtekening: date) -> dict[str, Any]:
    return {"besluit_uiterlijk": termijnen.beslistermijn_boete(values.get("rapport_datum") or dagtekening)}


def _boetebeschikking(template: str, values: dict[str, Any], dagtekening: date) -> dict[str, Any]:
    # The amount is the decision table's (boete_bedrag.dmn): checked there, stated here.
    if values["artikel"] == "22":
        nieuwe_termijn = values["nieuwe_termijn"]
        if not dagtekening < nieuwe_termijn <= rules.laatste_dag_nieuwe_termijn_art22(dagtekening):
            _refuse(template, "nieuwe_termijn", "moet binnen twee maanden na de datum van de brief liggen (Wet 22)")
    return {}


def _beslissing_op_bezwaar(template: str, values: dict[str, Any], dagtekening: date) -> dict[str, Any]:
    return {"beroep_uiterlijk": termijnen.beroep_uiterlijk(dagtekening)}


def pip_refusals(template: str, data: Mapping[str, Any], dagtekening: date) -> None:
    """Raise HandlerError when a PIP beschikking breaks a PIP rule on `dagtekening` (engine/legal/pip.py)."""
    if template not in ("pip_beschikking", "pip_gewijzigd"):
        return
    case = {**data, "wijziging_reden": data.get("reden") or data.get("wijziging_reden")}
    refusals = pip_weigeringen(case, dagtekening=dagtekening, gewijzigd=template == "pip_gewijzigd")
    if refusals:
        raise HandlerError(f"Brief {template}: " + "; ".join(f"veld '{k}': {v}" for k, v in sorted(refusals.items())))


def _ontzorgen(template: str, values: dict[str, Any], dagtekening: date) -> dict[str, Any]:
    # The six months are engine/legal/ontzorgen.py's (the case variable ontzorgen_eind); stated here.
    eind = values["ontzorgen_eind"]
    verlenging = values.get("verlenging_tot")
    if verlenging is not None and verlenging <= eind:
        _refuse(template, "verlenging_tot", "moet na het huidige einde van het ontzorgen liggen")
    return {}


DERIVATIONS: dict[str, Derivation] = {
    "waarschuwing_brede_intake": _waarschuwing,
    "pip_beschikking": _pip,
    "voornemen_boete": _voornemen,
    "boetebeschikking": _boetebeschikking,
    "beschikking_ontzorgen": _ontzorgen,
    "beslissing_op_bezwaar": _beslissing_op_bezwaar,
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
    return {}


def as_amount(value: Any) -> Decimal:
    """Return a schema-valid amount (number or numeric string) as Decimal cents."""
    return Decimal(str(value)).quantize(Decimal("0.01"))
