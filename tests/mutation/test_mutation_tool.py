"""The mutation tool finds every one-step change, applies it faithfully and sees which scenario kills it."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from engine.config import PROJECT_ROOT
from engine.mutation.run import ScenarioInfo, evaluate, reachable_files, swap_module_source
from engine.mutation.scope import catalogue, exclusion_for
from engine.mutation.sites import apply_changes, expression_changes, mutated_text

SCENARIOS = PROJECT_ROOT / "tests" / "scenarios"


def changed(text: str) -> list[str]:
    return [apply_changes(text, c) for c in expression_changes(text)]


def test_numbers_durations_and_boundaries_change_by_one_step():
    assert changed("${uren_cursus >= 600}") == ["${uren_cursus > 600}", "${uren_cursus >= 601}",
                                                "${uren_cursus >= 599}"]
    assert changed("${isoFormat(dateAdd(today(), 'P13W'))}") == ["${isoFormat(dateAdd(today(), 'P14W'))}",
                                                                 "${isoFormat(dateAdd(today(), 'P12W'))}"]
    assert "]0..340[" in changed("]0..340]") and "[0..340]" in changed("]0..340]")
    assert changed("0.75") == ["0.76", "0.74"]


def test_words_in_strings_and_times_of_day_are_no_rules():
    assert changed("${leerroute == 'B1'}") == []
    assert changed('"Besluit 5.4 lid 1"') == []
    assert changed("${isoFormat(date(x))}T08:00:00Z") == []


def test_every_mutant_makes_a_different_valid_file():
    mutants = catalogue(PROJECT_ROOT)
    assert len({m.id for m in mutants}) == len(mutants)
    by_kind = {m.kind for m in mutants}
    assert by_kind == {"bpmn", "dmn", "form", "python", "docx"}
    for mutant in mutants:
        original = (PROJECT_ROOT / mutant.path).read_bytes()
        content = mutated_text(PROJECT_ROOT, mutant)
        content = content if isinstance(content, bytes) else content.encode("utf-8")
        assert content != original
        if mutant.kind in ("bpmn", "dmn"):
            etree.fromstring(content)
        elif mutant.kind == "form":
            json.loads(content)
        elif mutant.kind == "docx":
            assert mutant.mutated.split()[0].encode() in document_xml(content)
        else:
            compile(content, mutant.path, "exec")


def test_the_legal_catalogue_holds_the_constants_the_law_names():
    legal = [m.describe() for m in catalogue(PROJECT_ROOT) if exclusion_for(m) is None]
    # The rules of issue 10 moved into engine/legal (the 13-week beslistermijn, the 12-month window
    # and the 18-month schakel window); they are mutated there.
    for needle in ("uren_cursus >= 601", "uren_participatie > 800", "pvt_uren: min: 12 -> min: 13",
                   "BESLISTERMIJN_BOETE = timedelta(weeks=14)", "'P3W'", "HERHALING_MAANDEN = 13",
                   "SCHAKELEN_MAANDEN = 19", "0.76", "2401", "BEZWAARTERMIJN = timedelta(weeks=7)",
                   "date(year, 5, 6)"):
        assert any(needle in line for line in legal), needle
    assert not any("voortgang_interval" in line for line in legal)  # policy, listed with its reason
    # The partial cap and the cap already reached are scenarios now (plafond_*.yaml): nothing waits.
    assert {"> 341", ">= 340", "<= 1", "]1..340]"} <= {m.mutated for m in catalogue(PROJECT_ROOT)
                                                      if "boete_bedrag.dmn" in m.path and exclusion_for(m) is None}


def document_xml(docx: bytes) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return package.read("word/document.xml")


def test_a_term_a_letter_states_in_words_is_killed_by_the_scenario_that_reads_it():
    mutant = next(m for m in catalogue(PROJECT_ROOT)
                  if m.path == "letters/samenvatting/boetebeschikking.en.docx" and m.mutated == "seven weeks")
    outcome = evaluate(job(mutant, "grens_termijnenwet_5mei"))
    assert outcome.status == "gedood" and "within six weeks" in outcome.detail
    import os

    assert "REGIE_LETTERS_DIR" not in os.environ


def test_scenarios_reach_the_files_of_called_processes_decisions_and_forms():
    reach = reachable_files(PROJECT_ROOT)
    assert {"processes/handhaving.bpmn", "processes/boete_bedrag.dmn", "forms/handhaving_rapport.form"} \
        <= reach["handhaving"]
    assert "processes/handhaving.bpmn" in reach["inburgering"]
    assert "processes/leerroute.bpmn" not in reach["handhaving"]


def job(mutant, *names):
    paths = [SCENARIOS / f"{name}.yaml" for name in names]
    files = reachable_files(PROJECT_ROOT)["leerroute" if "leerroute" in mutant.path else "handhaving"]
    from engine.tools.scenario import prepared_database

    return (mutant, paths, files, str(PROJECT_ROOT), str(prepared_database()))


def find(description: str):
    return next(m for m in catalogue(PROJECT_ROOT) if description in m.describe())


def test_the_600_hour_boundary_is_killed_by_the_scenario_at_600_and_not_by_the_one_at_599():
    mutant = find("uren_cursus >= 601")
    assert evaluate(job(mutant, "grens_afschalen_599_lesuren")).status == "overleefd"
    outcome = evaluate(job(mutant, "grens_afschalen_599_lesuren", "grens_afschalen_600_lesuren"))
    assert (outcome.status, outcome.killer, outcome.tried) == ("gedood", "grens_afschalen_600_lesuren.yaml", 2)


def test_a_letter_rule_mutant_runs_in_process_and_is_undone():
    from engine.letters import rules

    mutant = find("BEZWAARTERMIJN = timedelta(weeks=7)")
    outcome = evaluate(job(mutant, "grens_termijnenwet_5mei"))
    assert outcome.status == "gedood" and "bezwaar_uiterlijk" in outcome.detail
    assert rules.BEZWAARTERMIJN.days == 42


def test_swapping_a_module_rebinds_names_imported_from_it():
    from engine.letters import derive, rules

    source = (PROJECT_ROOT / "engine/letters/rules.py").read_text(encoding="utf-8")
    before = derive.rules.bezwaar_uiterlijk
    swap_module_source(rules, source.replace("BEZWAARTERMIJN = timedelta(weeks=6)",
                                             "BEZWAARTERMIJN = timedelta(weeks=1)"))
    try:
        assert rules.BEZWAARTERMIJN.days == 7 and derive.rules.bezwaar_uiterlijk is not before
    finally:
        swap_module_source(rules, source)
    assert rules.BEZWAARTERMIJN.days == 42


@pytest.mark.parametrize("info_files, expected", [(frozenset(), 0), (frozenset({"processes/leerroute.bpmn"}), 1)])
def test_only_scenarios_that_reach_the_changed_file_run(info_files, expected):
    from engine.mutation.run import candidates

    mutant = find("uren_cursus >= 601")
    info = ScenarioInfo(path=SCENARIOS / "x.yaml", files=info_files, seconds=0.1, passed=True)
    assert len(candidates(mutant, [info])) == expected


def test_the_cosmic_ray_report_is_summed_up_as_survivors_and_totals():
    from engine.mutation.cosmic import config_text, summary

    report = "\n".join([
        "[job-id] a", "engine/letters/rules.py core/NumberReplacer 3",
        "worker outcome: WorkerOutcome.NORMAL, test outcome: TestOutcome.SURVIVED",
        "[job-id] b", "engine/letters/rules.py core/NumberReplacer 4",
        "worker outcome: WorkerOutcome.NORMAL, test outcome: TestOutcome.KILLED",
        "total jobs: 2", "complete: 2 (100.00%)", "surviving mutants: 1 (50.00%)"])
    assert summary(report) == (["engine/letters/rules.py core/NumberReplacer 3"],
                               ["total jobs: 2", "complete: 2 (100.00%)", "surviving mutants: 1 (50.00%)"])
    config = config_text("python", ("engine/letters/rules.py",), 60)
    assert 'module-path = ["engine/letters/rules.py"]' in config and "core/NumberReplacer" in config


def test_a_scenario_with_a_bezwaar_step_also_reaches_the_bezwaar_process():
    from engine.mutation.run import reachable_files, scenario_files
    from engine.tools.scenario import load_scenario

    reach = reachable_files(PROJECT_ROOT)
    scenarios = PROJECT_ROOT / "tests" / "scenarios"
    with_bezwaar = scenario_files(load_scenario(scenarios / "bezwaar_beslistermijn_zes_weken.yaml"), reach)
    without = scenario_files(load_scenario(scenarios / "part2_handhaving_art22.yaml"), reach)
    assert {"processes/handhaving.bpmn", "processes/bezwaar.bpmn", "forms/bezwaar_horen.form"} <= with_bezwaar
    assert "processes/bezwaar.bpmn" not in without
