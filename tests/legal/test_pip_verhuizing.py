"""Besluit 5.3 lid 3: after a move with the previous gemeente's PIP (DUO SS121) the new gemeente keeps its route."""

from __future__ import annotations

from datetime import date

from engine.legal.checks import task_refusals
from engine.legal.pip import leerroute_weigeringen, pip_weigeringen

MOVED = {"leerroute_vorige_gemeente": "Z", "pip_vorige_gemeente": "0518", "pip_eerder_vastgesteld": True,
         "datum_plicht": "2026-03-02", "datum_brp_inschrijving": "2026-02-26", "taalniveau": "A1"}
DAY = date(2026, 3, 9)


def test_the_first_pip_of_the_new_gemeente_keeps_the_route():
    assert pip_weigeringen({**MOVED, "leerroute": "Z"}, dagtekening=DAY, gewijzigd=False) == {}
    for other in ("B1", "onderwijs"):
        refusals = pip_weigeringen({**MOVED, "leerroute": other, "taalniveau": "B1"}, dagtekening=DAY, gewijzigd=False)
        assert set(refusals) == {"leerroute"} and "Besluit 5.3 lid 3" in refusals["leerroute"]
        assert "Z-route" in refusals["leerroute"]


def test_the_brede_intake_asks_the_same_rule_on_its_field():
    from datetime import datetime, timezone

    now = datetime(2026, 3, 9, 9, tzinfo=timezone.utc)
    assert task_refusals({"legalCheck": "leerroute"}, {**MOVED, "leerroute": "Z"}, now) == {}
    assert "Besluit 5.3 lid 3" in task_refusals({"legalCheck": "leerroute"}, {**MOVED, "leerroute": "B1"}, now)["leerroute"]
    assert leerroute_weigeringen({"leerroute": "B1"}) == {}            # no previous PIP (SS120, SS139): free choice


def test_after_its_own_pip_a_change_is_schakelen_within_its_window():
    own = {**MOVED, "pip_dagtekening": "2026-03-09", "termijn_start": "2025-06-02", "vorige_leerroute": "Z",
           "leerroute": "B1", "taalniveau": "B1", "wijziging_reden": "schakelen"}
    # Besluit 5.4 lid 1: until the day before the same day 18 months after the start of the termijn
    assert pip_weigeringen(own, dagtekening=date(2026, 12, 1), gewijzigd=True) == {}
    assert "Besluit 5.4" in pip_weigeringen(own, dagtekening=date(2026, 12, 2), gewijzigd=True)["leerroute"]
    assert "Besluit 5.3 lid 3" in pip_weigeringen({**own, "wijziging_reden": "verhuizing"}, dagtekening=DAY,
                                                  gewijzigd=True)["leerroute"]
    assert leerroute_weigeringen({**own}) == {}


def test_a_pip_after_a_move_keeps_the_running_termijn_and_a_first_pip_starts_one():
    from engine.legal.termijnen import termijn_bij_pip

    # Wet 11 lid 1: the day after the first PIP's dagtekening, three years
    assert termijn_bij_pip(date(2026, 3, 2)) == (date(2026, 3, 3), date(2029, 3, 2))
    # after a move with a PIP (SS121): DUO's running termijn, with its end (an extension included)
    assert termijn_bij_pip(date(2026, 3, 2), date(2025, 6, 2), date(2028, 12, 1)) == (date(2025, 6, 2), date(2028, 12, 1))
    # DUO gave a start without an end: three years from that start
    assert termijn_bij_pip(date(2026, 3, 2), date(2025, 6, 2)) == (date(2025, 6, 2), date(2028, 6, 1))
