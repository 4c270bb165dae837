"""Scratch databases for the benchmarks: a SQLite file, or a schema of its own on PostgreSQL.

Each is brought to the newest schema with the real migrations and gets the klantreis
(processes/ and forms/) deployed, the gemeente, the clock and a klantmanager account.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from sqlalchemy import text
from sqlalchemy.engine import Engine

from engine.config import Settings

POSTGRES_URL = os.environ.get("REGIE_BENCH_POSTGRES_URL",
                              os.environ.get("REGIE_TEST_POSTGRES_URL",
                                             "postgresql+psycopg://postgres@127.0.0.1:5432/test"))


@dataclass
class ScratchDatabase:
    """A database URL for one benchmark run and how to throw it away."""

    label: str
    url: str
    drop: Callable[[], None]


def sqlite_database(workdir: Path, name: str = "bench") -> ScratchDatabase:
    """Return a new SQLite file in `workdir`."""
    path = workdir / f"{name}.sqlite"
    return ScratchDatabase("sqlite", f"sqlite:///{path}", lambda: None)


def postgres_database(admin_url: str = POSTGRES_URL) -> ScratchDatabase | None:
    """Return a new schema on PostgreSQL, or None when PostgreSQL does not answer."""
    from sqlalchemy import create_engine

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    schema = f"regie_bench_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception:  # noqa: BLE001 - no PostgreSQL here: the benchmark runs on SQLite only
        admin.dispose()
        return None

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    sep = "&" if "?" in admin_url else "?"
    return ScratchDatabase("postgresql", f"{admin_url}{sep}options=-csearch_path%3D{schema}", drop)


def prepare(url: str, *, now: datetime, groups: list[str], username: str, password: str) -> Engine:
    """Migrate, deploy the klantreis, add the gemeente and an account; set the clock to `now`."""
    from engine.db.models import Gemeente
    from engine.deploy.deployment import kind_of
    from engine.running.runtime import build_runtime
    from engine.access.accounts import create_user

    rt = build_runtime(Settings(database_url=url, clock="database"))
    files = [(f.name, f.read_bytes()) for d in (rt.settings.processes_dir, rt.settings.forms_dir) if d.is_dir()
             for f in sorted(d.iterdir()) if f.is_file() and kind_of(f.name)]
    with rt.session_factory.begin() as session:
        session.add(Gemeente(code="demo", naam="Gemeente Voorbeeldstad", settings={}))
        session.flush()
        rt.clock.set(session, now)
        rt.engine.deploy(session=session, files=files, actor="bench", source="bench", name="klantreis")
        # The roles whose task groups the benchmark's cases reach (engine/access/roles.py: a role may do a group).
        from engine.access.roles import ROLES

        roles = sorted({"consulent"} | {r.name for r in ROLES.values() if r.person and not r.system
                                        and r.task_groups & set(groups)})
        create_user(session=session, username=username, password=password, display_name="Bench Klantmanager",
                    gemeente="demo", roles=roles, groups=groups)
        from engine.benchmarks.over_http import SYSTEM_USERNAME

        create_user(session=session, username=SYSTEM_USERNAME, password=password, display_name="DUO (benchmark)",
                    gemeente="demo", roles=["systeem_duo"], groups=[])
    return rt.db


def analyze(db: Engine) -> None:
    """Refresh the planner's statistics after a bulk load."""
    with db.begin() as conn:
        conn.execute(text("ANALYZE"))


def bytes_used(db: Engine) -> int:
    """Return the bytes the database's tables and indexes take (SQLite: pages in use)."""
    with db.begin() as conn:
        if db.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
            free = conn.exec_driver_sql("PRAGMA freelist_count").scalar_one()
            size = conn.exec_driver_sql("PRAGMA page_size").scalar_one()
            return (pages - free) * size
        return int(conn.execute(text(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r'")).scalar_one())
