"""One database's HTTP benchmark: load cases, serve, time every operation, per number of cases."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine.benchmarks.cases import AGE_NAMES, TIMER_AGE, CaseTemplate, case_count, clone_cases
from engine.benchmarks.databases import ScratchDatabase, analyze, bytes_used, prepare
from engine.benchmarks.over_http import PASSWORD, USERNAME, Client, Server, Timings, new_start_data, percentiles
from engine.db.models import UserTask


def size_label(n: int) -> str:
    """Return '1k' for 1000, '100k' for 100000, else the number."""
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def bench_clock(templates: list[CaseTemplate]):
    """Return the moment the benchmark database's clock stands at: just after the oldest case's age."""
    return max(t.clock for t in templates) + timedelta(hours=1)


def groups_of(templates: list[CaseTemplate]) -> list[str]:
    """Return every candidate group of the templates' open tasks (the bench account works them all)."""
    groups = {"consulent"}
    for template in templates:
        for row in template.rows[UserTask.__tablename__]:
            groups.update(row.get("candidate_groups") or [])
    return sorted(groups)


def run_database(database: ScratchDatabase, templates: list[CaseTemplate], *, sizes: list[int], samples: int,
                 workdir: Path, start_data: dict[str, Any], timer_samples: int | None = None) -> dict[str, Any]:
    """Run the HTTP benchmark on one database for each number of cases; return the figures."""
    db = prepare(database.url, now=bench_clock(templates), groups=groups_of(templates), username=USERNAME,
                 password=PASSWORD)
    by_age = {t.age: t for t in templates if t.shift_days == templates[0].shift_days and t.age in AGE_NAMES}
    result: dict[str, Any] = {}
    loaded_total = 0
    try:
        for size in sizes:
            started = time.perf_counter()
            before = bytes_used(db)
            loaded = clone_cases(db, templates, size - loaded_total, first_number=loaded_total,
                                 audit=size <= 20_000)
            loaded_total = size
            analyze(db)
            figures: dict[str, Any] = {"cases": case_count(db), "load_s": round(time.perf_counter() - started, 1),
                                       "db_mb": round(bytes_used(db) / 1e6, 1),
                                       "load_kb_per_case": round((bytes_used(db) - before) / 1024 / loaded.count, 1)}
            with Server(database.url, workdir=workdir) as server:
                timings = Timings()
                client = Client(server.base_url, timings)
                try:
                    first = time.perf_counter()
                    client.call(None, "GET", "/?view=groups")
                    figures["first_inbox_page_ms"] = round((time.perf_counter() - first) * 1000, 1)
                    first = time.perf_counter()
                    client.call(None, "POST", "/api/cases", expect=(201,),
                                json={"process_id": "inburgering", "data": new_start_data(start_data, size)})
                    figures["first_start_ms"] = round((time.perf_counter() - first) * 1000, 1)
                    _measure(client, db, by_age, loaded.by_age, samples, start_data, size)
                finally:
                    client.close()
                figures["cold_start_s"] = server.cold_start_s
                figures["server_rss_mb"] = server.rss_mb()
            figures["ops"] = timings.summary()
            result[size_label(size)] = figures
        waiting = [t for t in templates if t.age == TIMER_AGE]
        if timer_samples and waiting:
            # Cases whose timer is due (the clock stands past it); the sweep fires them in due order.
            clone_cases(db, waiting, timer_samples, first_number=loaded_total, mix={TIMER_AGE: 1.0})
            result["timer_sweep"] = measure_timer_sweep(database.url, timer_samples)
    finally:
        db.dispose()
    return result


def _task_of(db, case_id: str, element_id: str) -> str:
    with db.connect() as conn:
        return conn.execute(select(UserTask.id).where(UserTask.case_id == case_id,
                                                      UserTask.element_id == element_id)).scalar_one()


def _measure(client: Client, db, templates: dict[str, CaseTemplate], cases: dict[str, list[str]], samples: int,
             start_data: dict[str, Any], size: int) -> None:
    """Time each operation `samples` times (after one untimed warm-up)."""
    for round_ in range(samples + 1):
        op = None if round_ == 0 else "inbox_page"
        client.call(op, "GET", "/?view=groups")
        client.call(op and "inbox_json", "GET", "/api/tasks", params={"view": "groups"})
        client.call(op and "inbox_json_legal", "GET", "/api/tasks", params={"view": "groups", "sort": "legal"})
        client.call(op and "inbox_json_name", "GET", "/api/tasks", params={"view": "groups", "sort": "name"})
        client.call(op and "start", "POST", "/api/cases", expect=(201,),
                    json={"process_id": "inburgering", "data": new_start_data(start_data, size * 10 + round_)})
    for age in AGE_NAMES:
        template, pool = templates.get(age), list(cases.get(age, []))
        if template is None or not pool:
            continue
        for round_ in range(samples + 1):
            if not pool:
                break
            case_id = pool.pop()
            record = round_ > 0
            client.call("case_page" if record else None, "GET", f"/zaken/{case_id}")
            client.call("dossier" if record else None, "GET", f"/api/cases/{case_id}")
            if template.next_complete is not None:
                element, data = template.next_complete
                task_id = _task_of(db, case_id, element)
                client.call("claim" if record else None, "POST", f"/api/tasks/{task_id}/claim")
                response = client.call("complete" if record else None, "POST", f"/api/tasks/{task_id}/complete",
                                       json={"data": data})
                if record:
                    client.timings.add(f"complete_{age}", *_last(client.timings, "complete"))
                    client.timings.add(f"claim_{age}", *_last(client.timings, "claim"))
                del response
            if template.message is not None and pool:
                name, payload = template.message
                message_case = pool.pop()
                client.call("message" if record else None, "POST", "/api/messages", as_system=name.startswith("duo_"),
                            json={"name": name, "message_id": f"bench-{uuid.uuid4()}", "case_id": message_case,
                                  "payload": payload})
                if record:
                    client.timings.add(f"message_{age}", *_last(client.timings, "message"))


def _last(timings: Timings, op: str) -> tuple[float, float]:
    return timings.server[op][-1], timings.round_trip[op][-1]


def measure_timer_sweep(url: str, samples: int) -> dict[str, Any]:
    """Fire due timers one case at a time, as the worker does; time each (due-timer query included)."""
    from engine.config import Settings
    from engine.running.runtime import build_runtime

    rt = build_runtime(Settings(database_url=url, clock="database"), migrate=False)
    times = []
    try:
        for _ in range(samples):
            started = time.perf_counter()
            fired = rt.engine.fire_due_timers(session_factory=rt.session_factory, limit=1)
            if not fired:
                break
            times.append((time.perf_counter() - started) * 1000)
    finally:
        rt.db.dispose()
    return percentiles(times)
