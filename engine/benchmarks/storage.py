"""Storage per case by age: what a klantreis case costs on disk, indexes and audit rows included.

For each age, clones of the real case at that age are loaded into a database holding
only the deployed klantreis, and the growth of the database (pages in use on SQLite,
tables with their TOAST and indexes on PostgreSQL) is divided by their number. Letter
documents are not included (they live in the letter archive). The baseline column is the
size of SpiffWorkflow's own state JSON of the same case (spec not included).
"""

from __future__ import annotations

from typing import Any

from engine.benchmarks.cases import AGE_NAMES, CaseTemplate, clone_cases
from engine.benchmarks.databases import ScratchDatabase, bytes_used, prepare
from engine.benchmarks.over_http import PASSWORD


def storage_by_age(database: ScratchDatabase, templates: list[CaseTemplate], *, per_age: int,
                   now) -> dict[str, Any]:
    """Return per age: KB per case in the database, tasks completed, state JSON KB."""
    db = prepare(database.url, now=now, groups=["consulent"], username="storage", password=PASSWORD)
    out: dict[str, Any] = {}
    number = 0
    try:
        for age in AGE_NAMES:
            chosen = [t for t in templates if t.age == age]
            if not chosen:
                continue
            before = bytes_used(db)
            clone_cases(db, chosen, per_age, first_number=number, mix={age: 1.0}, audit=True)
            number += per_age
            grown = bytes_used(db) - before
            out[age] = {"kb_per_case": round(grown / 1024 / per_age, 1),
                        "tasks_completed": chosen[0].tasks_completed,
                        "state_json_kb": round(chosen[0].state_bytes / 1024, 1)}
    finally:
        db.dispose()
    return out
