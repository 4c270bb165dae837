"""What the klantreis diagrams' element ids mean for monitoring (one place to keep in step with processes/).

The figures count events by element id; when an analyst renames an element in
Camunda Modeler, this table is what changes with it.
"""

from __future__ import annotations

INTAKE = ("Task_BredeIntake", "Task_ZonderMedewerking")
"""A brede intake held (with the person, or completed without them, Wet 14.2)."""
NO_SHOW = ("Letter_Waarschuwing",)
"""A written warning and new invitation after a no-show (Wet 14.2)."""
PIP = ("Letter_PipBeschikking",)
"""A PIP-beschikking sent (Wet 15)."""
PIP_GEWIJZIGD = ("Letter_PipGewijzigd",)
VOORTGANGSGESPREK = ("Task_Gesprek",)
SCHAKELEN = ("Task_SchakelenMelden",)
"""A route switch granted (Besluit 5.4)."""
MODULES = {"PVT": ("Task_Pvt",), "KNM": ("Task_Knm",), "MAP": ("Task_MapEindgesprek",)}
"""Modules completed, per module."""
TOLK = ("Task_TolkRegelen",)
ONTZORGEN_START = ("Task_BriefOntzorgen",)
ONTZORGEN_VERLENGING = ("Task_BriefVerlenging",)
LEERROUTE_START = ("Task_StartLeerroute",)
BOETE_OPGELEGD = ("End_Boete",)
GEEN_BOETE = {
    "Wet 27 (bijstand al verlaagd)": ("End_GeenBoetePw",),
    "statushouder (juridische toets)": ("End_GeenBoeteStatushouder",),
    "niet verwijtbaar (Awb 5:41)": ("End_NietVerwijtbaar",),
    "plafond EUR 2.400": ("End_Plafond",),
    "afgezien na zienswijze": ("End_Afgezien",),
}
WET27 = ("End_GeenBoetePw",)
TEVREDENHEID_ONDERDELEN = {
    "maatschappelijke_begeleiding": "Maatschappelijke begeleiding",
    "map": "MAP (module arbeidsmarkt en participatie)",
    "pvt": "PVT (participatieverklaringstraject)",
}
DOELGROEPEN = {"asielstatushouder": "Asielstatushouder", "gezinsmigrant": "Gezinsmigrant"}
LEERROUTES = {"B1": "B1-route", "onderwijs": "Onderwijsroute", "Z": "Z-route"}

TASK_LABELS = {
    "Task_BredeIntake": "Brede intake",
    "Task_ZonderMedewerking": "Intake zonder medewerking",
    "Task_PipOpstellen": "PIP opstellen",
    "Task_PipBespreken": "PIP bespreken",
    "Task_Gesprek": "Voortgangsgesprek",
    "Task_Rapport": "Handhaving: rapport",
    "Task_Zienswijze": "Handhaving: zienswijze",
    "Task_Driegesprek": "Driegesprek",
    "Task_Eindgesprek": "Eindgesprek Z-route",
    "Task_MapEindgesprek": "MAP-eindgesprek",
    "Task_Nazorg": "Nazorgcontact",
}
