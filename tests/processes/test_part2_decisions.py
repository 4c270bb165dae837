"""The part-2 decision tables say what the law says: fines (Besluit 7.1), voortgang schedule.

Schakelen (Besluit 5.4) is one rule in engine/legal/termijnen.py: tests/legal/test_termijnen.py.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from engine.dmn import load_dmn

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
NOW = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


def decide(file: str, decision: str, now: datetime = NOW, **inputs):
    model = load_dmn((PROCESSES / file).read_bytes(), filename=file)
    rows = model.evaluate(decision, inputs, now=now).rows
    assert len(rows) == 1, rows
    return rows[0]


def fine(**inputs):
    inputs.setdefault("overtreding_artikel", "23")
    inputs.setdefault("verwijtbaarheid", "opzet")
    inputs.setdefault("herhaling", 1)
    inputs.setdefault("boetes_in_termijn", 0)
    return decide("boete_bedrag.dmn", "boete_bedrag", **inputs)


# Which earlier fines count (onherroepelijk, within 12 months) is engine/legal/boete.py's
# question (tests/legal/test_boete.py); the table gets the repeat count as a fact.
@pytest.mark.parametrize("herhaling, amount", [(1, 50), (2, 100), (3, 200), (4, 400), (5, 800), (6, 800)])
def test_art23_doubles_for_each_repeat_up_to_800(herhaling, amount):
    result = fine(herhaling=herhaling)
    assert (result["boete_bedrag"], result["boete_basis"]) == (amount, amount)


@pytest.mark.parametrize("verwijtbaarheid, amount, percentage", [
    ("opzet", Decimal("100"), 100), ("grove_schuld", Decimal("75"), 75),
    ("geen_opzet_of_grove_schuld", Decimal("50"), 50), ("verminderd", Decimal("25"), 25),
])
def test_culpability_scales_an_art23_fine(verwijtbaarheid, amount, percentage):
    result = fine(verwijtbaarheid=verwijtbaarheid, herhaling=2)
    assert (result["boete_bedrag"], result["verwijtbaarheid_percentage"]) == (amount, percentage)


def test_no_culpability_means_no_fine():
    assert fine(verwijtbaarheid="geen")["boete_bedrag"] == 0


def test_art22_is_a_fixed_250_with_a_new_deadline_of_two_months():
    result = fine(overtreding_artikel="22", verwijtbaarheid="verminderd")
    assert (result["boete_bedrag"], result["nieuwe_termijn_periode"], result["zienswijze_verplicht"]) == (250, "P2M", False)
    assert result["plafond_toegepast"] is False


def test_above_340_the_zienswijze_is_required():
    result = fine(herhaling=4)
    assert (result["boete_bedrag"], result["zienswijze_verplicht"]) == (400, True)
    assert fine(herhaling=3)["zienswijze_verplicht"] is False


@pytest.mark.parametrize("total, amount, capped", [
    (2400, 0, True), (2350, 50, True), (2000, 100, False), (0, 100, False), (2301, 99, True),
])
def test_all_art22_and_art23_fines_together_stay_within_2400(total, amount, capped):
    result = fine(herhaling=2, boetes_in_termijn=total)
    assert (result["boete_bedrag"], result["plafond_toegepast"]) == (amount, capped)


@pytest.mark.parametrize("total, amount, zienswijze", [(2059, 341, True), (2060, 340, False), (2061, 339, False)])
def test_a_fine_capped_to_340_keeps_the_awb_553_boundary(total, amount, zienswijze):
    result = fine(herhaling=4, boetes_in_termijn=total)
    assert (result["boete_bedrag"], result["zienswijze_verplicht"], result["plafond_toegepast"]) == (amount, zienswijze, True)


@pytest.mark.parametrize("artikel", ["22", "23"])
def test_at_the_cap_the_table_says_no_fine_with_the_reason_and_no_new_deadline(artikel):
    result = fine(overtreding_artikel=artikel, boetes_in_termijn=2400)
    assert (result["boete_bedrag"], result["handhaving_uitkomst"], result["nieuwe_termijn_periode"]) == \
        (0, "geen_boete_plafond", None)
    assert result["handhaving_reden"] == "artikel 7.1, lid 5 Besluit inburgering 2021"


@pytest.mark.parametrize("artikel, termijn", [("22", "P2M"), ("23", None)])
def test_one_euro_below_the_cap_is_still_a_fine(artikel, termijn):
    result = fine(overtreding_artikel=artikel, boetes_in_termijn=2399)
    assert (result["boete_bedrag"], result["handhaving_uitkomst"], result["nieuwe_termijn_periode"]) == \
        (1, "in_behandeling", termijn)
    assert result["handhaving_reden"] is None

def test_eight_voortgangsgesprekken_are_more_frequent_at_the_start_and_fit_in_the_termijn():
    waits = [decide("voortgang_interval.dmn", "voortgang_interval", gesprek_nummer=n, aantal_voortgangsgesprekken=8)
             ["wachttijd_voortgang"] for n in range(8)]
    assert waits == ["P1M", "P2M", "P2M", "P2M", "P6M", "P6M", "P6M", "P6M"]
    assert sum(int(w[1:-1]) for w in waits) <= 36
