"""Which earlier fines count (engine/legal/boete.py) and a beschikking's legal status."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from engine.legal.beschikking import onherroepelijk_op, status_op
from engine.legal.boete import boete_feiten, eerdere_boete, pw_maatregel_zelfde_gedraging


def boete(datum: str, artikel: str = "23", bedrag: int = 50, **facts) -> object:
    return eerdere_boete({"artikel": artikel, "bedrag": bedrag, "datum": datum, **facts})


def feiten(*eerdere, overtreding="2026-04-05", peildatum="2026-04-08", artikel="23"):
    return boete_feiten(eerdere, artikel=artikel, overtreding_datum=date.fromisoformat(overtreding),
                        peildatum=date.fromisoformat(peildatum))


@pytest.mark.parametrize("peildatum, herhaling", [
    ("2026-04-12", 1),   # sent 2026-03-02: bezwaar term runs to 2026-04-13 (Awb 6:7, 6:8)
    ("2026-04-13", 1),   # the last day of the bezwaar term: not yet onherroepelijk
    ("2026-04-14", 2),   # onherroepelijk: it counts for doubling (Besluit 7.1.3)
])
def test_only_an_onherroepelijke_earlier_fine_doubles(peildatum, herhaling):
    earlier = boete("2026-03-02")
    assert onherroepelijk_op(earlier) == date(2026, 4, 14)
    assert feiten(earlier, peildatum=peildatum).herhaling == herhaling


def test_a_fine_in_bezwaar_does_not_double_and_a_herroepen_fine_counts_for_nothing():
    in_bezwaar = boete("2026-01-05", bezwaar_ontvangen_op="2026-02-01")
    assert status_op(in_bezwaar, date(2026, 4, 8)) == "bezwaar_loopt"
    assert feiten(in_bezwaar).herhaling == 1
    assert feiten(in_bezwaar).boetes_in_termijn == Decimal("50")  # still imposed: it counts for the cap
    herroepen = boete("2026-01-05", bedrag=400, bezwaar_ontvangen_op="2026-02-01", bezwaar_uitkomst="gegrond",
                      bezwaar_beslist_op="2026-03-01", herroepen_op="2026-03-01")
    assert status_op(herroepen, date(2026, 4, 8)) == "herroepen"
    assert (feiten(herroepen).herhaling, feiten(herroepen).boetes_in_termijn) == (1, Decimal("0"))


def test_an_ongegrond_bezwaar_makes_the_fine_onherroepelijk_after_the_beroep_term():
    ongegrond = boete("2026-01-05", bezwaar_ontvangen_op="2026-02-01", bezwaar_uitkomst="ongegrond",
                      bezwaar_beslist_op="2026-03-02")
    assert onherroepelijk_op(ongegrond) == date(2026, 4, 14)
    assert status_op(ongegrond, date(2026, 4, 13)) == "verzonden"
    assert status_op(ongegrond, date(2026, 4, 14)) == "onherroepelijk"


@pytest.mark.parametrize("earlier, herhaling", [
    (("2025-04-05",), 2),   # exactly 12 months before the violation
    (("2025-04-04",), 1),   # a day more than 12 months
    (("2024-03-01", "2025-06-01", "2025-11-01"), 3),  # the chain stops at a gap of more than 12 months
])
def test_the_12_month_window(earlier, herhaling):
    assert feiten(*(boete(d) for d in earlier)).herhaling == herhaling


def test_never_two_fines_for_one_violation():
    earlier = boete("2026-04-06", overtreding_datum="2026-04-05")
    assert feiten(earlier).al_beboet is True
    assert feiten(earlier, overtreding="2026-04-06").al_beboet is False
    assert feiten(earlier, artikel="22").al_beboet is False


def test_wet_27_matches_the_same_gedraging_on_the_same_day():
    maatregelen = [{"datum": "2026-04-20", "gedraging": "taalles", "overtreding_datum": "2026-04-05", "besluit": "PW-12"}]
    assert pw_maatregel_zelfde_gedraging(maatregelen, gedraging="taalles", overtreding_datum=date(2026, 4, 5))["besluit"] == "PW-12"
    assert pw_maatregel_zelfde_gedraging(maatregelen, gedraging="taalles", overtreding_datum=date(2026, 4, 4)) is None
    assert pw_maatregel_zelfde_gedraging(maatregelen, gedraging="pvt", overtreding_datum=date(2026, 4, 5)) is None
