"""DUO's gebeurtenissen (duo-m2m/Gebeurtenissen.md) and what the klantreis does with each.

A notification is only a signal (signaleringspatroon): it names the gebeurtenis and the
person. Regie then fetches the resource the gebeurtenis points at and acts on that data.
"""

from __future__ import annotations

from dataclasses import dataclass

# What the klantreis does
START = "start"            # a new inburgeraar for this gemeente: start a case
VERHUIZING = "verhuizing"  # moved into this gemeente: start a case (SS121 keeps the leerroute)
LBT = "lbt"                # leerbaarheidstoets result on the case
TERMIJN = "termijn"        # inburgeringstermijn started, extended or changed
EXAMEN = "examen"          # exam result moves the case on
DOELGROEP = "doelgroep"    # doelgroep changed
PAUZE = "pauze"            # temporary exemption granted: the traject pauses
HERVAT = "hervat"          # temporary exemption withdrawn: the traject resumes (or starts)
EINDE = "einde"            # the plicht ended: close the case with the reason
TIJDLIJN = "tijdlijn"      # nothing changes in the klantreis; noted on the case's timeline


@dataclass(frozen=True)
class Gebeurtenis:
    """One gebeurtenis: its id, DUO's description and what Regie does."""

    id: str
    omschrijving: str
    actie: str
    reden: str | None = None  # for EINDE: the reason the case is closed with


GEBEURTENISSEN: dict[str, Gebeurtenis] = {g.id: g for g in [
    Gebeurtenis("SS101", "Persoon is inburgeringsplichtig", START),
    Gebeurtenis("SS128", "Persoon is inburgeringsplichtig, maar bereikt AOW-leeftijd binnen 6 maanden", START),
    Gebeurtenis("SS139", "Persoon is inburgeringsplichtig en de termijn van 10 weken voor vaststellen leerroute "
                         "is gestart", START),
    Gebeurtenis("SS129", "Tijdelijke vrijstelling ingetrokken, nog geen leerroute bekend", HERVAT),
    Gebeurtenis("SS130", "Tijdelijke vrijstelling ingetrokken, PIP al bekend", HERVAT),
    Gebeurtenis("SS120", "Inburgeringsplichtige in gemeente gevestigd zonder PIP", VERHUIZING),
    Gebeurtenis("SS121", "Inburgeringsplichtige in gemeente gevestigd met PIP vorige gemeente", VERHUIZING),
    Gebeurtenis("SS124", "Doelgroep van asielstatushouder naar gezinsmigrant en overige migrant gewijzigd",
                DOELGROEP),
    Gebeurtenis("SS125", "Doelgroep van gezinsmigrant en overige migrant naar asielstatushouder gewijzigd",
                DOELGROEP),
    Gebeurtenis("SS109", "Tijdelijke vrijstelling toegekend", PAUZE),
    Gebeurtenis("SS110", "Inburgeringsplicht ingetrokken", EINDE, "Inburgeringsplicht ingetrokken door DUO"),
    Gebeurtenis("SS111", "Persoon is overleden", EINDE, "Overleden"),
    Gebeurtenis("SS106", "Diploma behaald", EINDE, "Inburgeringsplicht voldaan: diploma behaald"),
    Gebeurtenis("SS107", "Gehele vrijstelling toegekend", EINDE, "Gehele vrijstelling toegekend"),
    Gebeurtenis("SS108", "Gehele ontheffing toegekend", EINDE, "Gehele ontheffing toegekend"),
    Gebeurtenis("SS137", "Persoon is aangemeld voor de leerbaarheidstoets", TIJDLIJN),
    Gebeurtenis("SS131", "Leerbaarheidstoets is afgenomen en resultaat is bekend", LBT),
    Gebeurtenis("SS102", "Inburgeringstermijn gestart", TERMIJN),
    Gebeurtenis("SS103", "Termijn ambtshalve verlengd", TERMIJN),
    Gebeurtenis("SS104", "Termijn op verzoek verlengd", TERMIJN),
    Gebeurtenis("SS199", "Uitslag examen bekend", EXAMEN),
    Gebeurtenis("SS113", "Verzoek verlenging afgewezen", TIJDLIJN),
    Gebeurtenis("SS114", "Verzoek gehele vrijstelling afgewezen", TIJDLIJN),
    Gebeurtenis("SS115", "Verzoek tijdelijke vrijstelling afgewezen", TIJDLIJN),
    Gebeurtenis("SS116", "Verzoek gedeeltelijke vrijstelling afgewezen", TIJDLIJN),
    Gebeurtenis("SS117", "Verzoek gedeeltelijke vrijstelling toegekend", TIJDLIJN),
    Gebeurtenis("SS118", "Verzoek ontheffing afgewezen", TIJDLIJN),
    Gebeurtenis("SS119", "Verzoek gedeeltelijke ontheffing toegekend", TIJDLIJN),
]}

# The DUO messages the klantreis diagrams catch (processes/*.bpmn), by action.
MESSAGES = {
    LBT: "duo_lbt_uitslag",
    EXAMEN: "duo_examenuitslag",
    EINDE: "duo_plicht_beeindigd",
    TERMIJN: "duo_termijn",
    DOELGROEP: "duo_doelgroep_gewijzigd",
    PAUZE: "duo_tijdelijke_vrijstelling",
    HERVAT: "duo_vrijstelling_ingetrokken",
}
LBT_UITSLAG = {"B1-route haalbaar": "haalbaar", "B1-route niet haalbaar": "niet_haalbaar", "Onbekend": "onbekend"}
LEERROUTE = {"B": "B1", "O": "onderwijs", "Z": "Z"}
DOELGROEP_CODE = {"Asielstatushouder": "asielstatushouder", "Gezinsmigrant en overige migrant": "gezinsmigrant"}
EXAMEN_ONDERDELEN = ("KNM", "LE", "LU", "SC", "SP")
