"""`python -m engine.monitoring.bench` (in `make bench`): dashboard time at 10k and 100k cases, forecast throughput.

Figures are printed, never asserted. The dashboard baseline is the same dashboard at 10k
cases in the same run (a flat ratio means the indexes carry it); the forecast baseline is
one klantreis run through the engine (SpiffWorkflow + SQLite), which is what running every
synthetic case through the diagrams would cost per case.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from engine.config import PROJECT_ROOT, Settings
from engine.db.all_models import metadata
from engine.db.models import Gemeente

TODAY = date(2026, 12, 1)


def _database(folder: Path, cases: int):
    from engine.monitoring.history import load_history
    from engine.running.runtime import build_runtime

    rt = build_runtime(Settings(database_url=f"sqlite:///{folder / f'bench-{cases}.sqlite'}", clock="database"),
                       migrate=False)
    metadata.create_all(rt.db)
    started = time.perf_counter()
    with rt.session_factory.begin() as session:
        session.add(Gemeente(code="bench", naam="Bench", settings={}))
        session.flush()
        made = load_history(session, gemeente="bench", today=TODAY, months=36, per_month=cases / 36, seed=7)
    return rt, made, time.perf_counter() - started


def _dashboard_ms(rt, repeats: int = 5) -> tuple[float, dict[str, float]]:
    from engine.monitoring.indicators import INDICATORS, Filters
    from engine.monitoring.settings import monitoring_settings

    f = Filters(("bench",), TODAY - timedelta(days=365), TODAY)
    settings = monitoring_settings({})
    totals, per = [], {k: [] for k in INDICATORS}
    with rt.session_factory() as session:
        for _ in range(repeats):
            start = time.perf_counter()
            for key, compute in INDICATORS.items():
                t = time.perf_counter()
                compute(session, f, settings)
                per[key].append((time.perf_counter() - t) * 1000)
            totals.append((time.perf_counter() - start) * 1000)
    return statistics.median(totals), {k: round(statistics.median(v), 1) for k, v in per.items()}


def _forecast_figures() -> dict[str, float]:
    from engine.deploy.deployment import kind_of
    from engine.forecast.paths import build_library
    from engine.forecast.service import NATIONAL_MIX, NATIONAL_YEAR
    from engine.forecast.simulate import ForecastInput, forecast
    from engine.monitoring.settings import monitoring_settings
    from engine.tools.scenario import prepared_database, run_scenario

    files = [(f.name, f.read_bytes()) for d in (PROJECT_ROOT / "processes", PROJECT_ROOT / "forms")
             for f in sorted(d.iterdir()) if kind_of(f.name)]
    started = time.perf_counter()
    library = build_library(files=files)
    library_s = time.perf_counter() - started
    prepared_database()  # deploying the template is not part of one case's cost
    started = time.perf_counter()
    run_scenario(PROJECT_ROOT / "tests" / "scenarios" / "part3_e2e_statushouder_b1.yaml")
    one_case_s = time.perf_counter() - started
    settings = monitoring_settings({})
    figures = {"paths": len(library), "library_s": round(library_s, 1), "one_klantreis_engine_s": round(one_case_s, 2)}
    for runs in (1, 20):
        spec = ForecastInput(start=date(2027, 1, 1), months=12, instroom=dict(NATIONAL_YEAR), routemix=NATIONAL_MIX,
                             kansen={"no_show": 0.15}, runs=runs, seed=1)
        started = time.perf_counter()
        result = forecast(library, spec, settings)
        seconds = time.perf_counter() - started
        figures[f"national_year_{runs}_runs_s"] = round(seconds, 2)
        figures[f"national_year_{runs}_runs_cases_per_s"] = round(result.cases_per_run * runs / seconds)
    figures["national_year_all_through_engine_h_estimate"] = round(18000 * one_case_s / 3600, 1)
    return figures


def run(out=print) -> dict:
    """Measure and print; return the figures."""
    folder = Path(tempfile.mkdtemp(prefix="regie-monitoring-bench-"))
    figures: dict = {}
    try:
        for cases in (10_000, 100_000):
            rt, made, load_s = _database(folder, cases)
            total, per = _dashboard_ms(rt)
            figures[f"dashboard_{cases // 1000}k"] = {"cases": made, "load_s": round(load_s, 1),
                                                       "dashboard_ms": round(total, 1), "per_indicator_ms": per}
            rt.db.dispose()
        figures["dashboard_ratio_100k_to_10k"] = round(
            figures["dashboard_100k"]["dashboard_ms"] / figures["dashboard_10k"]["dashboard_ms"], 2)
        figures["forecast"] = _forecast_figures()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    d10, d100, fc = figures["dashboard_10k"], figures["dashboard_100k"], figures["forecast"]
    out("Monitoring (SQLite, one year of a 3-year history, all 9 indicators):")
    out(f"  dashboard at {d10['cases']:,} cases:  {d10['dashboard_ms']} ms (baseline)")
    out(f"  dashboard at {d100['cases']:,} cases: {d100['dashboard_ms']} ms, ratio {figures['dashboard_ratio_100k_to_10k']}"
        f"  (target < 1000 ms); slowest: {max(d100['per_indicator_ms'].items(), key=lambda kv: kv[1])}")
    out("Forecast (one core):")
    out(f"  path library: {fc['paths']} scenarios through the deployed diagrams in {fc['library_s']} s")
    out(f"  national year (18,000 inburgeraars, 12 + 42 months): 1 run {fc['national_year_1_runs_s']} s, "
        f"20 runs {fc['national_year_20_runs_s']} s ({fc['national_year_20_runs_cases_per_s']:,} cases/s)")
    out(f"  baseline: one whole klantreis through the engine {fc['one_klantreis_engine_s']} s, so every case "
        f"through SpiffWorkflow would take ~{fc['national_year_all_through_engine_h_estimate']} h per run")
    return figures


if __name__ == "__main__":
    if "--json" in sys.argv:
        sys.stdout.write(json.dumps(run(out=lambda *_: None)) + "\n")
    else:
        run()
