"""What the mutation run changes, and which changes are not a legal rule (with the reason).

Every number, duration and boundary comparison in the diagrams, decision tables, forms
and letter rules is a site, and every term a letter template states in words. Most are law (DOMAIN.md cites the article); the ones listed
in EXCLUSIONS are local policy (beleid), input sanity limits, or changes that provably
cannot alter what a case does (gelijkwaardig: an equivalent mutant). They are shown in
the report but not counted in the kill rate; `--all` runs them anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.mutation.sites import Mutant, docx_mutants, form_mutants, python_mutants, xml_mutants

# The rule modules: the legal rules themselves (engine/legal: termijnen, PIP rules, fines,
# onherroepelijkheid), what letters compute and check (engine/letters/rules.py) and the
# per-letter checks that call them (engine/letters/derive.py).
RULE_MODULES = ("engine/legal/termijnen.py", "engine/legal/pip.py", "engine/legal/boete.py",
                "engine/legal/beschikking.py", "engine/legal/ontzorgen.py",
                "engine/letters/rules.py", "engine/letters/derive.py")
# Gauss's Easter algorithm is calendar arithmetic, not a legal choice; the Python tests
# compare it with published Easter dates and the cosmic-ray run mutates it.
SKIP_FUNCTIONS = frozenset({"_easter_sunday"})


@dataclass(frozen=True)
class Exclusion:
    """Mutants of `path` whose element and changed text contain the given parts."""

    path: str
    element: str
    mutated: str  # a part of the text after the change ('' = every change of the element)
    kind: str     # beleid | invoer | gelijkwaardig
    reason: str

    def matches(self, mutant: Mutant) -> bool:
        """Tell whether this exclusion covers `mutant`."""
        return mutant.path == self.path and self.element in mutant.element and self.mutated in mutant.mutated


EXCLUSIONS: tuple[Exclusion, ...] = (
    Exclusion("processes/afronding.bpmn", "Nazorg", "", "beleid",
              "nazorg zes maanden na het examen is beleid (seed 002), geen wettelijke plicht"),
    Exclusion("processes/brugklas.bpmn", "", "", "beleid", "de brugklas en haar duur zijn beleid (seed 002)"),
    Exclusion("processes/partner_signaal.bpmn", "", "", "beleid",
              "hoe snel de klantmanager een signaal van een partner oppakt is beleid (beleidsplan: signalering), "
              "geen wettelijke termijn"),
    Exclusion("processes/pip.bpmn", "Timer_Herinnering", "", "beleid", "herinnering voor de consulent, geen termijn"),
    Exclusion("processes/pip.bpmn", "Timer_Escalatie", "", "beleid", "escalatie naar de teamleider, geen termijn"),
    Exclusion("processes/ontzorgen.bpmn", "Timer_VoorEinde", "", "beleid",
              "signaal vier weken voor het einde van ontzorgen, geen termijn"),
    Exclusion("processes/brede_intake.bpmn", "Timer_NietVerschenen", "", "beleid",
              "het moment waarop de consulent controleert of de inburgeraar reageerde"),
    Exclusion("processes/voortgang.bpmn", "", "", "beleid",
              "het aantal voortgangsgesprekken staat in het PIP (Besluit 5.3.4); het schema is beleid"),
    Exclusion("processes/voortgang_interval.dmn", "", "", "beleid",
              "de tijd tussen voortgangsgesprekken is beleid (seed 002: vaker aan het begin)"),
    Exclusion("processes/boete_bedrag.dmn", "herhaling", "function(x, y) x >= y", "gelijkwaardig",
              "sorteervolgorde van boetes op dezelfde dag verandert de telling niet"),
    Exclusion("processes/boete_bedrag.dmn", "boetes_in_termijn", "count(wet_22_en_23) = 1", "gelijkwaardig",
              "met één eerdere boete (ten hoogste EUR 800) is het plafond van EUR 2.400 nooit in zicht"),
    Exclusion("processes/boete_bedrag.dmn", "boetes_in_termijn", "= 0 then 1 else", "gelijkwaardig",
              "zonder eerdere boetes is het plafond van EUR 2.400 nooit in zicht"),
    Exclusion("processes/boete_bedrag.dmn", "DecisionRule_verwijtbaarheid_factor_6", "", "gelijkwaardig",
              "het diagram stopt bij verwijtbaarheid 'geen' vóór deze tabel (Awb 5:41); de regel is een vangnet"),
    Exclusion("engine/letters/rules.py", "boete_art23", 'quantize(Decimal("0.02"))', "gelijkwaardig",
              "quantize gebruikt alleen het aantal decimalen (0.01 en 0.02 hebben er twee)"),
    Exclusion("engine/letters/rules.py", "boete_art23", 'quantize(Decimal("0.00"))', "gelijkwaardig",
              "quantize gebruikt alleen het aantal decimalen (0.01 en 0.00 hebben er twee)"),
    Exclusion("engine/letters/rules.py", "boete_art23", "herhaling < 0", "gelijkwaardig",
              "de beslistabel geeft herhaling 1 of hoger; herhaling 0 komt niet voor"),
    Exclusion("engine/letters/rules.py", "algemeen_erkende_feestdagen", "weekday() == 7", "gelijkwaardig",
              "Koningsdag op zondag of op de zaterdag ervoor: allebei weekend, voor Atw art. 1 hetzelfde"),
    Exclusion("engine/letters/rules.py", "algemeen_erkende_feestdagen", "koningsdag -= timedelta(days=0)",
              "gelijkwaardig", "Koningsdag op zondag of op de zaterdag ervoor: allebei weekend, voor Atw art. 1 hetzelfde"),
    Exclusion("processes/boete_bedrag.dmn", "DecisionRule_boete_bedrag_3", '"22" then "P', "gelijkwaardig",
              "een boete op grond van Wet 22 is ten hoogste EUR 250 (Besluit 7.1.1), nooit boven EUR 340; "
              "de nieuwe termijn van regel 2 wordt wel getoetst"),
    Exclusion("processes/brede_intake.bpmn", "pip_deadline", "date(datum_brp_inschrijving) >= date(datum_plicht)",
              "gelijkwaardig", "op dezelfde dag geven beide takken dezelfde deadline"),
    Exclusion("processes/pip.bpmn", "pip_deadline", "'P2W')) >= date(pip_deadline)", "gelijkwaardig",
              "bij gelijke datums geven beide takken dezelfde deadline"),
    Exclusion("engine/legal/termijnen.py", "pip_deadline", "datum_brp_inschrijving >= datum_plicht", "gelijkwaardig",
              "op dezelfde dag geven beide takken dezelfde deadline (start is dan dezelfde datum)"),
    Exclusion("engine/legal/beschikking.py", "status_op", "beroep_ingesteld_op < peildatum", "gelijkwaardig",
              "op de dag van het beroep: 'beroep_loopt' of 'verzonden'; de enige gebruikers (verdubbeling en plafond "
              "in boete.py) vragen alleen 'onherroepelijk' of 'herroepen', en Regie legt zelf geen beroep op een rij vast"),
    Exclusion("processes/schakelen_toegestaan.dmn", "DecisionRule_schakelen_toegestaan_4", ">= 17", "gelijkwaardig",
              "hit policy FIRST: onder 18 maanden geldt regel 3 al"),
    Exclusion("engine/letters/rules.py", "NIEUWE_TERMIJN_ART22_MAANDEN", "= 3", "gelijkwaardig",
              "vangnet: de beslistabel geeft een Wet 22-boete altijd precies 2 maanden (P2M), nooit meer"),
    Exclusion("engine/letters/derive.py", "_boetebeschikking", "dagtekening <= nieuwe_termijn", "gelijkwaardig",
              "vangnet: de nieuwe termijn ligt altijd 2 maanden na de dagtekening, nooit op dezelfde dag"),
    Exclusion("engine/letters/derive.py", "as_amount", "quantize(Decimal(", "gelijkwaardig",
              "quantize gebruikt alleen het aantal decimalen (0.00, 0.01 en 0.02 hebben er twee)"),
    Exclusion("forms/pvt_afronden.form", "pvt_uren", "max:", "invoer", "bovengrens tegen tikfouten, geen wet"),
    Exclusion("forms/uren_vastleggen.form", "", "", "invoer", "grenzen tegen tikfouten, geen wet"),
    Exclusion("forms/pip_opstellen.form", "", "", "invoer", "grenzen tegen tikfouten, geen wet"),
    Exclusion("forms/pip_bijstellen.form", "", "", "invoer", "grenzen tegen tikfouten, geen wet"),
    Exclusion("forms/voortgang_schema.form", "", "", "invoer", "grenzen tegen tikfouten, geen wet"),
    Exclusion("forms/leerroute_start.form", "", "", "invoer", "uren per week: grenzen tegen tikfouten, geen wet"),
    Exclusion("forms/lbt_uitslag.form", "", "", "invoer", "een score is niet negatief; geen wet"),
)



def exclusion_for(mutant: Mutant) -> Exclusion | None:
    """Return the exclusion that covers `mutant`, or None when it is a legal rule."""
    return next((e for e in EXCLUSIONS if e.matches(mutant)), None)


def catalogue(root: Path) -> list[Mutant]:
    """Return every mutant of the diagrams, tables, forms and letter rules under `root`."""
    mutants: list[Mutant] = []
    for pattern in ("processes/*.bpmn", "processes/*.dmn"):
        for path in sorted(root.glob(pattern)):
            mutants.extend(xml_mutants(root, path.relative_to(root).as_posix()))
    for path in sorted(root.glob("forms/*.form")):
        mutants.extend(form_mutants(root, path.relative_to(root).as_posix()))
    for relative in RULE_MODULES:
        mutants.extend(python_mutants(root, relative, SKIP_FUNCTIONS))
    for path in sorted(root.glob("letters/**/*.docx")):
        mutants.extend(docx_mutants(root, path.relative_to(root).as_posix()))
    return mutants
