"""The scenario expectations fail when the case differs: no letters, exact letters, whole dates, refusals, stated dates."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from engine.tools.scenario import run_scenario

START = {
    "bsn": "123456782", "naam": "Hassan Ali", "straat": "Kerkstraat", "huisnummer": "3", "postcode": "2261 AB",
    "woonplaats": "Leidschendam", "taal": "nl", "tolk_nodig": False, "doelgroep": "gezinsmigrant",
    "leerroute": "B1", "termijn_start": "2025-01-02", "termijn_eind": "2028-01-01", "overtreding_artikel": "23",
    "overtreding_omschrijving": "Niet naar de taalles gegaan", "overtreding_datum": "2026-02-20", "boetes": [],
}
TO_VOORNEMEN = [
    {"complete": {"task": "Task_Pw18Check", "as": "handhaver1", "data": {"pw_sanctie_zelfde_gedraging": False}}},
    {"complete": {"task": "Task_Rapport", "as": "handhaver1", "data": {
        "overtreding_omschrijving": "Niet naar de taalles gegaan", "overtreding_datum": "2026-02-20",
        "verwijtbaarheid": "opzet", "verwijtbaarheid_toelichting": "Wist van de afspraak"}}},
]
# Awb 4:8, 5:50: every fine waits for the zienswijze before the boetebeschikking is made.
TO_FINE = [*TO_VOORNEMEN, {"complete": {"task": "Task_Zienswijze", "as": "handhaver1", "data": {
    "zienswijze_ontvangen": False, "besluit_na_zienswijze": "opleggen", "besluit_toelichting": "Geen reactie gekregen."}}}]


# Four art. 23 fines within 12 months: the fifth is EUR 800, so a voornemen and a zienswijze come first.
REPEATED = [{"artikel": "23", "bedrag": 50 * 2 ** n, "datum": f"2025-{6 + 2 * n:02d}-01"} for n in range(4)]


def run(tmp_path: Path, steps: list[dict], clock: str = "2026-03-02T09:00:00Z", **data) -> list[str]:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump({"name": "test", "process": "handhaving", "clock": clock,
                                    "start": {"data": {**START, **data}}, "steps": steps}), encoding="utf-8")
    return run_scenario(path).failures


def test_an_empty_letter_list_means_no_letters(tmp_path):
    assert run(tmp_path, [{"expect": {"letters": []}}]) == []
    failures = run(tmp_path, [*TO_FINE, {"expect": {"letters": []}}])
    assert len(failures) == 1 and "expected no letters" in failures[0]


def test_letters_exactly_fails_on_a_missing_or_an_extra_letter(tmp_path):
    assert run(tmp_path, [*TO_FINE, {"expect": {"letters_exactly": ["voornemen_boete", "boetebeschikking"]}}]) == []
    assert run(tmp_path, [*TO_FINE, {"expect": {"letters": ["boetebeschikking"]}}]) == []
    extra = run(tmp_path, [*TO_FINE, {"expect": {"letters_exactly": []}}])
    missing = run(tmp_path, [*TO_FINE, {"expect": {"letters_exactly": ["boetebeschikking"]}}])
    assert "expected exactly []" in extra[0] and "expected exactly" in missing[0]


@pytest.mark.parametrize("variables, fails", [
    ({"rapport_datum": "2026-03-02"}, False),
    ({"beslistermijn_boete": "2026-06-01"}, False),
    ({"rapport_datum": "2026-03-03"}, True),
    ({"rapport_datum": "2026-03"}, True),       # a partial date no longer matches every day of March
    ({"rapport_datum": "2026"}, True),
])
def test_dates_match_only_as_a_whole(tmp_path, variables, fails):
    failures = run(tmp_path, [*TO_FINE, {"expect": {"variables": variables}}])
    assert bool(failures) is fails


def test_due_dates_match_only_as_a_whole(tmp_path):
    due = {"expect": {"task_due": {"Task_Zienswijze": "2026-06-01"}}}
    assert run(tmp_path, [*TO_VOORNEMEN, due], boetes=REPEATED) == []
    for wrong in ("2026-05-31", "2026-06-02"):
        assert run(tmp_path, [*TO_VOORNEMEN, {"expect": {"task_due": {"Task_Zienswijze": wrong}}}], boetes=REPEATED)
    failures = run(tmp_path, [*TO_VOORNEMEN, {"expect": {"task_due": {"Task_Zienswijze": "2026-06"}}}],
                   boetes=REPEATED)
    assert failures and "not a full date" in failures[0]


def test_a_refused_completion_names_the_field_and_leaves_the_case_as_it_was(tmp_path):
    refused = {"complete": {"task": "Task_Rapport", "as": "handhaver1", "expect_refused": {"verwijtbaarheid": None},
                            "data": {"overtreding_omschrijving": "Niet naar de taalles gegaan",
                                     "overtreding_datum": "2026-02-20", "verwijtbaarheid_toelichting": "x" * 20}}}
    assert run(tmp_path, [TO_FINE[0], refused, {"expect": {"tasks": ["Task_Rapport"], "letters": []}}]) == []
    wrong_field = {"complete": {**refused["complete"], "expect_refused": ["overtreding_datum"]}}
    assert "not field 'overtreding_datum'" in run(tmp_path, [TO_FINE[0], wrong_field])[0]
    wrong_reason = {"complete": {**refused["complete"], "expect_refused": {"verwijtbaarheid": "minstens 12"}}}
    assert "expected a reason with 'minstens 12'" in run(tmp_path, [TO_FINE[0], wrong_reason])[0]
    accepted = {"complete": {**TO_FINE[1]["complete"], "expect_refused": ["verwijtbaarheid"]}}
    assert "was accepted" in run(tmp_path, [TO_FINE[0], accepted])[0]


def test_a_letter_states_its_dates_in_data_and_in_the_text(tmp_path):
    stated = {"template": "boetebeschikking", "dagtekening": "2026-03-02", "bezwaar_uiterlijk": "2026-04-13",
              "status": "ter_controle", "text": ["U heeft daarvoor zes weken de tijd"]}
    assert run(tmp_path, [*TO_FINE, {"expect": {"letter": stated}}]) == []
    for wrong, message in [({"bezwaar_uiterlijk": "2026-04-14"}, "bezwaar_uiterlijk is 2026-04-13"),
                           ({"status": "verzonden"}, "status 'ter_controle'"),
                           ({"text": ["binnen zeven weken"]}, "does not contain"),
                           ({"zienswijze_voor": "2026-03-16"}, "has no 'zienswijze_voor'"),
                           ({"template": "beslissing_op_bezwaar"}, "no beslissing_op_bezwaar letter")]:
        failures = run(tmp_path, [*TO_FINE, {"expect": {"letter": {**stated, **wrong}}}])
        assert failures and message in failures[0], (wrong, failures)


def test_the_voornemen_states_the_zienswijze_term_and_the_beslistermijn(tmp_path):
    stated = {"template": "voornemen_boete", "dagtekening": "2026-03-02", "zienswijze_voor": "2026-03-16",
              "besluit_uiterlijk": "2026-06-01"}
    assert run(tmp_path, [*TO_VOORNEMEN, {"expect": {"letter": stated}}], boetes=REPEATED) == []
    late = run(tmp_path, [*TO_VOORNEMEN, {"expect": {"letter": {**stated, "besluit_uiterlijk": "2026-06-02"}}}],
               boetes=REPEATED)
    assert late and "besluit_uiterlijk is 2026-06-01" in late[0]


@pytest.mark.parametrize("wanted, actual, equal", [
    ("50", 50, True), (50, Decimal("50.00"), True), ("37.5", Decimal("37.50"), True), ("51", 50, False),
    ("vijftig", 50, False), (True, 1, False),
])
def test_amounts_compare_as_numbers_however_the_scenario_writes_them(wanted, actual, equal):
    from engine.tools.scenario_compare import same

    assert same(wanted, actual) is equal
