"""Every deadline of engine/legal/termijnen.py at its edge: the day before, of and after."""

from __future__ import annotations

from datetime import date

import pytest

from engine.legal import termijnen


@pytest.mark.parametrize("plicht, brp, deadline", [
    (date(2026, 1, 5), None, date(2026, 3, 16)),
    (date(2026, 1, 5), date(2026, 1, 4), date(2026, 3, 16)),   # registered the day before: from SS139
    (date(2026, 1, 5), date(2026, 1, 5), date(2026, 3, 16)),   # same day
    (date(2026, 1, 5), date(2026, 1, 6), date(2026, 3, 17)),   # registered the day after: from the BRP date
])
def test_pip_deadline_is_ten_weeks_from_ss139_or_the_later_registration(plicht, brp, deadline):
    assert termijnen.pip_deadline(plicht, brp) == deadline


@pytest.mark.parametrize("ontvangen, deadline", [
    (date(2026, 3, 1), date(2026, 3, 16)),    # 2 weeks after receipt is the 15th: the 16th stays
    (date(2026, 3, 2), date(2026, 3, 16)),    # the same day
    (date(2026, 3, 3), date(2026, 3, 17)),    # moved to 2 weeks after receipt
])
def test_a_third_partys_information_moves_the_deadline_to_two_weeks_after_receipt(ontvangen, deadline):
    assert termijnen.pip_deadline_na_derde(date(2026, 3, 16), ontvangen) == deadline


@pytest.mark.parametrize("besluit_op, allowed", [
    (date(2026, 1, 3), True), (date(2026, 1, 4), True), (date(2026, 1, 5), False),
])
def test_schakelen_is_allowed_until_the_day_before_eighteen_months(besluit_op, allowed):
    start = date(2024, 7, 5)
    assert termijnen.schakelen_laatste_dag(start) == date(2026, 1, 4)
    assert termijnen.schakelen_toegestaan(start, besluit_op, "B1", "Z") is allowed
    assert termijnen.schakelen_toegestaan(start, besluit_op, "onderwijs", "B1") is True  # Besluit 5.4 lid 2


def test_termijn_starts_the_day_after_the_dagtekening_and_lasts_three_years():
    assert termijnen.termijn_start(date(2026, 3, 9)) == date(2026, 3, 10)
    assert termijnen.termijn_eind(date(2026, 3, 9)) == date(2029, 3, 9)
    assert termijnen.termijn_eind(date(2028, 2, 28)) == date(2031, 2, 28)


def test_verlenging_may_be_requested_from_six_months_before_the_end():
    assert termijnen.verlenging_aanvraag_vanaf(date(2029, 3, 9)) == date(2028, 9, 9)
    assert termijnen.verlenging_aanvraag_vanaf(date(2029, 8, 31)) == date(2029, 2, 28)


@pytest.mark.parametrize("rapport, laatste", [(date(2026, 1, 5), date(2026, 4, 6))])
def test_a_fine_is_decided_within_13_weeks_of_the_rapport(rapport, laatste):
    assert termijnen.beslistermijn_boete(rapport) == laatste


def test_bezwaar_is_decided_within_six_weeks_after_the_bezwaar_term_or_twelve_with_a_commissie():
    sent, received = date(2026, 3, 2), date(2026, 3, 20)   # bezwaar term ends 2026-04-13
    assert termijnen.beslistermijn_bezwaar(sent, received, adviescommissie=False) == date(2026, 5, 25)
    assert termijnen.beslistermijn_bezwaar(sent, received, adviescommissie=True) == date(2026, 7, 6)
    assert termijnen.beslistermijn_bezwaar(sent, received, adviescommissie=False, verdaagd=True) == date(2026, 7, 6)
