"""Keep `monitoring_maand` (events counted per month and dimension) in step with the events written."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Mapping

from sqlalchemy import insert

from engine.monitoring.models import MonitoringMonth

_TABLE = MonitoringMonth.__table__
KEY = ("gemeente", "maand", "kind", "element_id", "detail", "doelgroep", "leerroute", "consulent")


def month_rows(events: Iterable[Mapping]) -> list[dict]:
    """Count event rows (as written to monitoring_events) per month and dimension."""
    counted: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for e in events:
        key = (e["gemeente"], f"{e['at']:%Y-%m}", e["kind"], e.get("element_id") or "", e.get("detail") or "",
               e.get("doelgroep") or "", e.get("leerroute") or "", e.get("consulent") or "")
        counted[key][0] += 1
        counted[key][1] += e.get("bedrag") or 0
    return [{**dict(zip(KEY, key)), "aantal": n, "bedrag": amount} for key, (n, amount) in counted.items()]


def add(conn, events: Iterable[Mapping]) -> None:
    """Add the events to the month counts in one upsert (race-free on SQLite and PostgreSQL)."""
    rows = month_rows(events)
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - Regie runs on SQLite and PostgreSQL
        conn.execute(insert(_TABLE), rows)
        return
    statement = dialect_insert(_TABLE)
    statement = statement.on_conflict_do_update(
        index_elements=list(KEY),
        set_={"aantal": _TABLE.c.aantal + statement.excluded.aantal,
              "bedrag": _TABLE.c.bedrag + statement.excluded.bedrag})
    conn.execute(statement, rows)
