"""The HTTP benchmark runs end to end on a shortened plan and reports its figures (no timing asserted)."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.benchmarks.cases import AGE_NAMES, bsn_for, capture_templates, clone_cases
from engine.benchmarks.databases import prepare, sqlite_database
from engine.benchmarks.report import QUICK, run_http
from engine.benchmarks.suite import bench_clock
from engine.db.models import Case, TaskCandidate, UserTask
from engine.running.runtime import build_runtime
from engine.config import Settings


def test_the_shortened_benchmark_reports_every_promised_figure():
    figures = run_http(QUICK)
    for key in ("http_complete_p50_ms", "http_complete_p95_ms", "storage_kb_per_case_10_tasks",
                "ratio_http_complete_to_baseline", *(f"http_inbox_p95_ms_{n}" for n in QUICK.sizes)):
        assert isinstance(figures[key], (int, float)) and figures[key] > 0, key
    for size in ("60", "120"):
        ops = figures["http"]["sqlite"][size]["ops"]
        for op in ("inbox_page", "inbox_json", "start", "claim", "complete", "message", "case_page", "dossier"):
            assert ops[op]["n"] >= QUICK.samples, (size, op)
        assert {f"complete_{age}" for age in AGE_NAMES} <= set(ops)
    assert figures["http"]["sqlite"]["60"]["cold_start_s"] > 0
    assert figures["http"]["sqlite"]["120"]["server_rss_mb"] > 0
    assert set(figures["storage"]["sqlite"]) == set(AGE_NAMES)
    assert figures["letter_render"]["n"] == QUICK.letter_samples
    assert figures["http"]["sqlite"]["timer_sweep"]["n"] >= 1, "the sweep fired the waiting cases' timers"


def test_clones_are_cases_the_engine_can_run(tmp_path):
    templates = capture_templates((0,), ages=("year",))
    (template,) = templates
    assert template.next_complete == ("Task_Plannen", template.next_complete[1])
    database = sqlite_database(tmp_path)
    db = prepare(database.url, now=bench_clock(templates), groups=["consulent"], username="u", password="bench-wachtwoord-2026")
    loaded = clone_cases(db, templates, 3, mix={"year": 1.0})
    assert len(loaded.by_age["year"]) == 3
    rt = build_runtime(Settings(database_url=database.url, clock="database"), migrate=False)
    with rt.session_factory.begin() as session:
        cases = session.execute(select(Case)).scalars().all()
        assert len({c.bsn for c in cases}) == 3 and len({c.naam for c in cases}) == 3
        assert all(len(c.bsn) == 9 for c in cases) and cases[0].bsn == bsn_for(0)
        task = session.execute(select(UserTask).where(UserTask.case_id == loaded.by_age["year"][1],
                                                      UserTask.element_id == "Task_Plannen")).scalar_one()
        assert session.execute(select(func.count()).select_from(TaskCandidate)
                               .where(TaskCandidate.task_id == task.id)).scalar_one() >= 1
        variables = rt.engine.case_variables(session=session, case=session.get(Case, task.case_id))
        assert variables["bsn"] == session.get(Case, task.case_id).bsn
        rt.engine.complete_task(session=session, task_id=task.id, data=template.next_complete[1], actor="u")
    with rt.session_factory() as session:
        open_tasks = session.execute(select(UserTask.element_id).where(UserTask.case_id == task.case_id)).scalars()
        assert "Task_Gesprek" in set(open_tasks)
    rt.db.dispose()
    db.dispose()
