"""Pw 56a (who gets ontzorgen, until when) and what a recorded Pw 18/18b maatregel is, at their edges."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from engine.errors import Conflict, Invalid
from engine.legal.checks import task_refusals
from engine.legal.ontzorgen import ontzorgen_eind, ontzorgen_van_toepassing
from engine.pw.maatregelen import parse_maatregel, with_maatregel


@pytest.mark.parametrize("doelgroep, bijstand, vergunning, expected", [
    ("asielstatushouder", True, "asiel_bepaalde_tijd", True),
    ("asielstatushouder", True, "asiel_onbepaalde_tijd", False),
    ("asielstatushouder", True, "regulier_bepaalde_tijd", False),
    ("asielstatushouder", False, "asiel_bepaalde_tijd", False),
    ("asielstatushouder", None, "asiel_bepaalde_tijd", False),
    ("gezinsmigrant", True, "asiel_bepaalde_tijd", False),
    ("asielstatushouder", True, None, False),
])
def test_ontzorgen_applies_only_with_bijstand_and_a_temporary_asylum_permit(doelgroep, bijstand, vergunning, expected):
    assert ontzorgen_van_toepassing(doelgroep=doelgroep, bijstand=bijstand, verblijfsvergunning=vergunning) is expected


@pytest.mark.parametrize("start, eind", [
    (date(2026, 1, 1), date(2026, 6, 30)),
    (date(2026, 1, 2), date(2026, 7, 1)),
    (date(2025, 12, 31), date(2026, 6, 30)),  # no 31 June: the last day of June
    (date(2026, 8, 30), date(2027, 2, 28)),  # 30 February does not exist either
    (date(2026, 8, 31), date(2027, 2, 28)),
    (date(2027, 8, 31), date(2028, 2, 29)),  # a leap year
    (date(2026, 9, 1), date(2027, 2, 28)),
])
def test_ontzorgen_lasts_six_months_until_the_day_before(start, eind):
    assert ontzorgen_eind(start) == eind


TODAY = date(2026, 1, 5)


def test_a_maatregel_needs_date_gedraging_and_besluit_and_no_future_dates():
    ok = parse_maatregel({"datum": "2026-01-05", "gedraging": " 23 ", "besluit": "PW-1"}, today=TODAY)
    assert ok == {"datum": "2026-01-05", "gedraging": "23", "besluit": "PW-1", "overtreding_datum": None}
    with pytest.raises(Invalid) as refused:
        parse_maatregel({"datum": "2026-01-06", "overtreding_datum": "2026-01-06", "gedraging": "", "extra": 1},
                        today=TODAY)
    assert set(refused.value.field_errors) == {"datum", "overtreding_datum", "gedraging", "besluit", "extra"}
    # the gedraging on the day of the besluit is fine; the day after is not
    assert parse_maatregel({"datum": "2026-01-04", "overtreding_datum": "2026-01-04", "gedraging": "23",
                            "besluit": "PW-2"}, today=TODAY)["overtreding_datum"] == "2026-01-04"
    with pytest.raises(Invalid) as later:
        parse_maatregel({"datum": "2026-01-04", "overtreding_datum": "2026-01-05", "gedraging": "23",
                         "besluit": "PW-2"}, today=TODAY)
    assert "na het besluit" in later.value.field_errors["overtreding_datum"]


def test_the_same_besluit_is_recorded_once():
    first = with_maatregel(None, {"besluit": "PW-1", "datum": "2026-01-05"})
    assert with_maatregel(first, {"besluit": "PW-2", "datum": "2026-01-05"})[-1]["besluit"] == "PW-2"
    with pytest.raises(Conflict):
        with_maatregel(first, {"besluit": "PW-1", "datum": "2026-01-04"})


def test_the_pw18_form_refuses_an_incomplete_or_known_besluit_and_accepts_nothing():
    now = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
    props = {"legalCheck": "pw_maatregel"}
    assert task_refusals(props, {"nieuwe_maatregel_besluit": None, "nieuwe_maatregel_datum": ""}, now) == {}
    refused = task_refusals(props, {"nieuwe_maatregel_besluit": "PW-3"}, now)
    assert set(refused) == {"nieuwe_maatregel_datum", "nieuwe_maatregel_gedraging"}
    known = task_refusals(props, {"nieuwe_maatregel_besluit": "PW-3", "nieuwe_maatregel_datum": "2026-01-05",
                                  "nieuwe_maatregel_gedraging": "23",
                                  "pw_maatregelen": [{"besluit": "PW-3", "datum": "2026-01-02"}]}, now)
    assert "PW-3" in known["nieuwe_maatregel_besluit"]
