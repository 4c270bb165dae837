"""`make bench` / `regie bench --json`: the HTTP benchmark on aged cases, then the engine-only figures.

`run_all` keeps every key the engine-only benchmark reported (engine/tools/bench.py, printed
as the second table for comparison) and adds the HTTP figures; the headline keys are flat
(`http_complete_p50_ms`, `http_inbox_p95_ms_100k`, …, SQLite unless the key says otherwise),
the details are under `http`, `storage`, `baseline` and `letter_render`.
"""

from __future__ import annotations

import platform
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from engine.benchmarks.baseline import measure_baseline
from engine.benchmarks.cases import SCENARIO, capture_templates
from engine.benchmarks.databases import postgres_database, sqlite_database
from engine.benchmarks.over_http import cleanup, percentiles
from engine.benchmarks.storage import storage_by_age
from engine.benchmarks.suite import bench_clock, run_database, size_label


@dataclass(frozen=True)
class Plan:
    """How much to measure: numbers of cases, samples per operation, start dates, databases."""

    sizes: tuple[int, ...] = (1_000, 10_000, 100_000)
    samples: int = 20
    shifts_days: tuple[int, ...] = (0, 7, 14, 21)
    storage_per_age: int = 200
    databases: tuple[str, ...] = ("sqlite", "postgresql")
    timer_samples: int = 50
    letter_samples: int = 50


FULL = Plan()
# The shortened run the tests use to prove the benchmark works end to end (well under a minute).
QUICK = Plan(sizes=(60, 120), samples=2, shifts_days=(0,), storage_per_age=10, databases=("sqlite",),
             timer_samples=2, letter_samples=2)


def measure_letter_render(samples: int) -> dict[str, Any]:
    """Render and archive a PIP-beschikking `samples` times through the letter handler; ms each."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    import engine.letters.models  # noqa: F401 - registers the letters table
    from engine.db.base import Base
    from engine.running.handlers import ServiceCall
    from engine.letters.bench import PIP_DATA, demo_case
    from engine.letters.handler import letter_handler

    now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    times = []
    with tempfile.TemporaryDirectory(prefix="regie-bench-letters-") as work:
        db = create_engine(f"sqlite:///{Path(work) / 'letters.sqlite'}")
        Base.metadata.create_all(db)
        with Session(db) as session:
            case = demo_case(session, now)
            for number in range(samples + 1):
                call = ServiceCall(session=session, case_id=case.id, case_number=case.case_number, gemeente="demo",
                                   process_id="klantreis", element_id="pip_vaststellen", task_id=str(uuid.uuid4()),
                                   topic="letter", properties={"template": "pip_beschikking"}, inputs={},
                                   data=PIP_DATA, now=now, actor="bench")
                started = time.perf_counter()
                letter_handler(call)
                if number:  # the first compiles the template
                    times.append((time.perf_counter() - started) * 1000)
            session.commit()
        db.dispose()
    return percentiles(times)


def run_http(plan: Plan = FULL, out=None) -> dict[str, Any]:
    """Run the HTTP, storage and baseline benchmarks; return the figures (tables printed to `out`)."""
    from engine.tools.scenario import load_scenario

    say = out.print if out is not None else (lambda *a, **k: None)
    work = Path(tempfile.mkdtemp(prefix="regie-bench-http-"))
    figures: dict[str, Any] = {"machine": f"{platform.node()} ({platform.machine()}, {_cpus()} cores)",
                               "measured_on": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
                               "load_average_at_start": _load_average()}
    try:
        started = time.perf_counter()
        templates = capture_templates(plan.shifts_days)
        say(f"real klantreis cases captured at {len(templates)} (age, start date) points "
            f"in {time.perf_counter() - started:.0f} s")
        start_data = load_scenario(SCENARIO).start_data
        databases = [sqlite_database(work)] if "sqlite" in plan.databases else []
        if "postgresql" in plan.databases:
            pg = postgres_database()
            if pg is None:
                say("PostgreSQL does not answer: SQLite only")
            else:
                databases.append(pg)
        http, storage, baseline = {}, {}, {}
        for database in databases:
            say(f"{database.label}: loading and measuring {', '.join(map(size_label, plan.sizes))} cases …")
            try:
                http[database.label] = run_database(database, templates, sizes=list(plan.sizes),
                                                    samples=plan.samples, workdir=work, start_data=start_data,
                                                    timer_samples=plan.timer_samples)
            finally:
                database.drop()
            scratch = sqlite_database(work, "storage") if database.label == "sqlite" else postgres_database()
            if scratch is None:
                continue
            try:
                storage[database.label] = storage_by_age(scratch, templates, per_age=plan.storage_per_age,
                                                         now=bench_clock(templates))
                baseline[database.label] = measure_baseline(scratch.url, templates, plan.samples)
            finally:
                scratch.drop()
        figures.update(http=http, storage=storage, baseline=baseline,
                       letter_render=measure_letter_render(plan.letter_samples))
        figures.update(headline(figures, plan))
        figures["load_average_at_end"] = _load_average()
    finally:
        cleanup(work)
    if out is not None:
        print_tables(figures, out)
    return figures


def _load_average() -> float | None:
    """Return the 1-minute load average (other work on the machine inflates every figure)."""
    import os

    try:
        return round(os.getloadavg()[0], 1)
    except OSError:
        return None


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


def headline(figures: dict[str, Any], plan: Plan) -> dict[str, Any]:
    """Return the flat keys `regie bench --json` promises (SQLite unless the key names the database)."""
    out: dict[str, Any] = {}
    for db, per_size in figures["http"].items():
        suffix = "" if db == "sqlite" else f"_{db}"
        for size in plan.sizes:
            label = size_label(size)
            ops = per_size[label]["ops"]
            out[f"http_inbox_p95_ms_{label}{suffix}"] = ops["inbox_page"]["p95"]
            out[f"http_inbox_json_p95_ms_{label}{suffix}"] = ops["inbox_json"]["p95"]
        first = per_size[size_label(plan.sizes[0])]
        for op in ("complete", "claim", "message", "start", "case_page", "dossier"):
            if op in first["ops"]:
                out[f"http_{op}_p50_ms{suffix}"] = first["ops"][op]["p50"]
                out[f"http_{op}_p95_ms{suffix}"] = first["ops"][op]["p95"]
        out[f"cold_start_s{suffix}"] = first["cold_start_s"]
        out[f"server_rss_mb{suffix}"] = per_size[size_label(plan.sizes[-1])]["server_rss_mb"]
        for age, figures_of_age in figures["storage"].get(db, {}).items():
            out[f"storage_kb_per_case_{age}{suffix}"] = figures_of_age["kb_per_case"]
    sqlite_storage = figures["storage"].get("sqlite", {})
    if "ten_tasks" in sqlite_storage:
        out["storage_kb_per_case_10_tasks"] = sqlite_storage["ten_tasks"]["kb_per_case"]
    base = figures["baseline"].get("sqlite", {}).get("all", {})
    if base.get("p50") and "http_complete_p50_ms" in out:
        out["baseline_complete_p50_ms"] = base["p50"]
        out["ratio_http_complete_to_baseline"] = round(out["http_complete_p50_ms"] / base["p50"], 2)
    return out


OPS = ("inbox_page", "inbox_json", "inbox_json_legal", "inbox_json_name", "start", "claim", "complete",
       "message", "case_page", "dossier")
AGE_OPS = ("complete_fresh", "complete_ten_tasks", "complete_year", "complete_afronding", "claim_year",
           "message_fresh", "message_year", "message_afronding")


def print_tables(figures: dict[str, Any], out) -> None:
    """Print the HTTP, age, storage and startup tables."""
    from rich.table import Table

    table = Table("database", "cases", "operation", "p50", "p95", "p99", "round trip p50", "n",
                  title=f"Over HTTP, server time in ms ({figures['machine']}, {figures['measured_on']}, load average "
                        f"{figures.get('load_average_at_start')} at the start)")
    for db, per_size in figures["http"].items():
        for label, result in per_size.items():
            if label == "timer_sweep":
                continue
            for op in OPS + AGE_OPS:
                s = result["ops"].get(op)
                if s:
                    table.add_row(db, label, op, *(str(s.get(k, "")) for k in ("p50", "p95", "p99", "round_trip_p50",
                                                                                 "n")))
        sweep = per_size.get("timer_sweep")
        if sweep and sweep.get("n"):
            table.add_row(db, "", "timer sweep (one case, in-process)", *(str(sweep[k]) for k in ("p50", "p95", "p99")),
                          "", str(sweep["n"]))
    letter = figures["letter_render"]
    if letter.get("n"):
        table.add_row("", "", "letter render (in-process)", *(str(letter[k]) for k in ("p50", "p95", "p99")), "",
                      str(letter["n"]))
    out.print(table)

    startup = Table("database", "cases", "load s", "KB per case loaded", "cold start s", "first inbox page ms",
                    "first start ms", "server RSS MB", title="Loading, cold start and memory")
    for db, per_size in figures["http"].items():
        for label, r in per_size.items():
            if label != "timer_sweep":
                startup.add_row(db, label, *(str(r.get(k)) for k in ("load_s", "load_kb_per_case", "cold_start_s",
                                                                       "first_inbox_page_ms", "first_start_ms",
                                                                       "server_rss_mb")))
    out.print(startup)

    dbs = list(figures["storage"])
    storage = Table("age", "tasks done", "Spiff state JSON KB", *(f"{db} KB/case" for db in dbs),
                    *(f"baseline complete p50 ms ({db})" for db in dbs), title="Storage and step cost by age")
    ages = list(next(iter(figures["storage"].values()), {}))
    for age in ages:
        first = figures["storage"][dbs[0]][age]
        storage.add_row(age, str(first["tasks_completed"]), str(first["state_json_kb"]),
                        *(str(figures["storage"][db].get(age, {}).get("kb_per_case")) for db in dbs),
                        *(str(figures["baseline"].get(db, {}).get(age, {}).get("p50")) for db in dbs))
    out.print(storage)


def run_all(out=None, plan: Plan = FULL) -> dict[str, Any]:
    """Run the HTTP benchmark and the engine-only one; return every figure (tables printed to `out`)."""
    from engine.tools.bench import run_all as engine_only

    figures = run_http(plan, out)
    if out is not None:
        out.print("Engine-only figures (the earlier benchmark, for comparison):")
    old = engine_only(out)
    return {**old, **figures}


