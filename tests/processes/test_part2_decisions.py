"""The part-2 decision tables say what the law says: fines (Besluit 7.1), schakelen (Besluit 5.4), voortgang schedule."""

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
    inputs.setdefault("overtreding_datum", "2026-01-02")
    return decide("boete_bedrag.dmn", "boete_bedrag", **inputs)


def fines_23(*dates: str) -> list[dict]:
    return [{"artikel": "23", "bedrag": 50, "datum": d} for d in dates]


@pytest.mark.parametrize("earlier, amount", [
    ([], 50),
    (["2025-11-01"], 100),
    (["2025-06-01", "2025-11-01"], 200),
    (["2025-02-01", "2025-06-01", "2025-11-01"], 400),
    (["2024-10-01", "2025-02-01", "2025-06-01", "2025-11-01"], 800),
    (["2024-06-01", "2024-10-01", "2025-02-01", "2025-06-01", "2025-11-01"], 800),
])
def test_art23_doubles_for_each_fine_within_12_months_up_to_800(earlier, amount):
    result = fine(boetes=fines_23(*earlier))
    assert result["boete_bedrag"] == amount
    assert result["herhaling"] == len(earlier) + 1


def test_a_gap_of_more_than_12_months_starts_again_at_50():
    result = fine(boetes=fines_23("2024-09-01", "2024-11-20"))
    assert (result["boete_bedrag"], result["herhaling"]) == (50, 1)


def test_the_chain_counts_back_while_each_fine_is_within_12_months_of_the_next():
    # 2024-03 is more than 12 months before 2025-06: only the two later fines count
    result = fine(boetes=fines_23("2024-03-01", "2025-06-01", "2025-11-01"))
    assert result["herhaling"] == 3


@pytest.mark.parametrize("verwijtbaarheid, amount", [
    ("opzet", Decimal("100")), ("grove_schuld", Decimal("75")),
    ("geen_opzet_of_grove_schuld", Decimal("50")), ("verminderd", Decimal("25")),
])
def test_culpability_scales_an_art23_fine(verwijtbaarheid, amount):
    assert fine(verwijtbaarheid=verwijtbaarheid, boetes=fines_23("2025-11-01"))["boete_bedrag"] == amount


def test_no_culpability_means_no_fine():
    assert fine(verwijtbaarheid="geen", boetes=[])["boete_bedrag"] == 0


def test_art22_is_a_fixed_250_with_a_new_deadline_of_two_months():
    result = fine(overtreding_artikel="22", verwijtbaarheid="verminderd")
    assert (result["boete_bedrag"], result["nieuwe_termijn_periode"], result["zienswijze_verplicht"]) == (250, "P2M", False)
    assert result["eerdere_boetes"] == []


def test_above_340_the_zienswijze_is_required():
    result = fine(boetes=fines_23("2025-02-01", "2025-06-01", "2025-11-01"))
    assert (result["boete_bedrag"], result["zienswijze_verplicht"]) == (400, True)
    assert fine(boetes=fines_23("2025-06-01", "2025-11-01"))["zienswijze_verplicht"] is False


@pytest.mark.parametrize("total, amount", [(2400, 0), (2350, 50), (2000, 100), (0, 100)])
def test_all_art22_and_art23_fines_together_stay_within_2400(total, amount):
    earlier = [{"artikel": "22", "bedrag": total, "datum": "2024-01-10"}, {"artikel": "23", "bedrag": 0, "datum": "2025-11-01"}]
    assert fine(boetes=earlier)["boete_bedrag"] == amount


def test_amounts_stored_as_text_still_count_towards_the_cap():
    earlier = [{"artikel": "23", "bedrag": "2400", "datum": "2025-11-01"}]
    assert fine(boetes=earlier)["boete_bedrag"] == 0


def schakelen(huidig: str, nieuw: str, termijn_start: str):
    return decide("schakelen_toegestaan.dmn", "schakelen_toegestaan",
                  leerroute=huidig, nieuwe_leerroute=nieuw, termijn_start=termijn_start)


@pytest.mark.parametrize("huidig, nieuw, termijn_start, allowed", [
    ("B1", "Z", "2024-08-01", True),          # month 17
    ("B1", "Z", "2024-07-06", True),          # 17 full months and 30 days
    ("B1", "Z", "2024-07-05", False),         # exactly 18 months
    ("B1", "Z", "2024-06-01", False),         # month 19
    ("Z", "B1", "2025-06-01", True),
    ("onderwijs", "B1", "2023-02-01", True),  # Besluit 5.4 lid 2: always
    ("onderwijs", "Z", "2024-06-01", False),
    ("B1", "B1", "2025-06-01", False),
])
def test_schakelen_within_18_months_and_onderwijs_to_b1_always(huidig, nieuw, termijn_start, allowed):
    result = schakelen(huidig, nieuw, termijn_start)
    assert result["schakelen_toegestaan"] is allowed
    assert "Besluit 5.4" in result["schakelen_reden"] or huidig == nieuw


def test_eight_voortgangsgesprekken_are_more_frequent_at_the_start_and_fit_in_the_termijn():
    waits = [decide("voortgang_interval.dmn", "voortgang_interval", gesprek_nummer=n, aantal_voortgangsgesprekken=8)
             ["wachttijd_voortgang"] for n in range(8)]
    assert waits == ["P1M", "P2M", "P2M", "P2M", "P6M", "P6M", "P6M", "P6M"]
    assert sum(int(w[1:-1]) for w in waits) <= 36
