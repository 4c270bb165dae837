"""A gemeente's monitoring settings: unit prices, minutes per task, the region, route expectations.

All amounts here are **policy, not law**: the defaults are round example figures so a
fresh installation shows something; every gemeente sets its own in
`gemeenten.settings["monitoring"]` (`regie gemeente <code> --monitoring FILE.json`).
The budget headings follow the beleidsplan (seed 002, Financiën): *uitvoeringskosten*
(brede intake, PIP, voortgangsgesprekken, handhaving, ontzorgen, tolken) paid from the
integratie-uitkering, and *inburgeringsvoorzieningen* (leerroutes, PVT, MAP, KNM) paid
from the specifieke uitkering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

DEFAULTS: dict[str, Any] = {
    # euros per case that starts a leerroute (inburgeringsvoorziening; example figures)
    "prijs_leerroute": {"B1": 10000, "onderwijs": 12000, "Z": 9000},
    # euros per completed module (inburgeringsvoorziening; example figures)
    "prijs_module": {"PVT": 400, "MAP": 1000, "KNM": 300},
    "prijs_tolk_uur": 60,
    "tolk_uren_per_inzet": 1.5,
    "prijs_ontzorgen_maand": 40,
    "ontzorgen_maanden": 6,
    "uurtarief_consulent": 75,
    # minutes of consultant work per completed task (uitvoeringskosten, consultant hours)
    "minuten_per_taak": {
        "Task_BredeIntake": 150, "Task_ZonderMedewerking": 45, "Task_IntakePlannen": 15,
        "Task_LeerrouteVaststellen": 30, "Task_Driegesprek": 90, "Task_DriegesprekPlannen": 15,
        "Task_PipOpstellen": 120, "Task_PipBespreken": 60, "Task_PipOndertekenen": 15,
        "Task_PipBijstellen": 60, "Task_Plannen": 15, "Task_Gesprek": 60, "Task_Schema": 10,
        "Task_Rapport": 90, "Task_Zienswijze": 60, "Task_Pw18Check": 20, "Task_JuridischeToets": 45,
        "Task_Eindgesprek": 60, "Task_MapEindgesprek": 60, "Task_Nazorg": 30, "Task_Verlenging": 20,
        "Task_Schakelverzoek": 45,
    },
    "minuten_overige_taak": 15,
    # the beleidsplan's expected route mix, in percent
    "verwachting_lokaal": {"B1": 55, "onderwijs": 20, "Z": 25},
    "verwachting_landelijk": {"B1": 65, "onderwijs": 20, "Z": 15},
    # other gemeenten a regional team of this gemeente works for (their codes)
    "regio": [],
}

UITVOERING = "uitvoeringskosten"
VOORZIENINGEN = "inburgeringsvoorzieningen"


@dataclass(frozen=True)
class MonitoringSettings:
    """The merged settings of one gemeente (its own values over the defaults)."""

    values: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def minutes(self, element_id: str | None) -> float:
        """Return the consultant minutes a completed task of this element costs."""
        per_task = self.values["minuten_per_taak"]
        return float(per_task.get(element_id or "", self.values["minuten_overige_taak"]))


def monitoring_settings(gemeente_settings: Mapping[str, Any] | None) -> MonitoringSettings:
    """Merge a gemeente's `monitoring` settings over the defaults (dicts one level deep)."""
    own = dict((gemeente_settings or {}).get("monitoring") or {})
    merged: dict[str, Any] = {}
    for key, default in DEFAULTS.items():
        value = own.get(key, default)
        merged[key] = {**default, **value} if isinstance(default, dict) and isinstance(value, dict) else value
    return MonitoringSettings(merged)


def validate(values: Mapping[str, Any]) -> dict[str, str]:
    """Return field -> problem for monitoring settings a beheerder wants to store."""
    problems: dict[str, str] = {}
    for key, value in values.items():
        if key not in DEFAULTS:
            problems[key] = "onbekende instelling; kies uit " + ", ".join(sorted(DEFAULTS))
            continue
        default = DEFAULTS[key]
        if isinstance(default, dict) and not isinstance(value, dict):
            problems[key] = "moet een object zijn"
        elif isinstance(default, (int, float)) and (not isinstance(value, (int, float)) or value < 0):
            problems[key] = "moet een getal van 0 of meer zijn"
        elif isinstance(default, dict):
            bad = [k for k, v in value.items() if not isinstance(v, (int, float)) or v < 0]
            if bad:
                problems[key] = f"geen getal van 0 of meer bij {', '.join(map(str, bad))}"
        elif isinstance(default, list) and not isinstance(value, list):
            problems[key] = "moet een lijst zijn"
    return problems
