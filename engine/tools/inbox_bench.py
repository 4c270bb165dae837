"""Inbox benchmark: fill a scratch database with n cases' task rows and time the inbox.

Run it through `make bench` (or `python -m engine.tools.inbox_bench 10000 100000`), never in
tests. The web layer passes `page_timer` to time the whole inbox page as well
(engine code does not import the web app).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from engine.access.tenancy import default_team, join_default
from engine.casefile.inbox import InboxQuery, group_tasks_stmt, list_inbox
from engine.db import all_models  # noqa: F401 - every table in Base.metadata
from engine.db.base import Base
from engine.db.models import (
    Case,
    Deployment,
    Gemeente,
    ProcessDefinition,
    TaskCandidate,
    User,
    UserTask,
)
from engine.db.session import make_engine, make_session_factory

GEMEENTE = "bench"
GROUP = "consulent"
GROUPS = (GROUP, "handhaving", "partner_mb")
CONSULENTEN = 40
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)
REPEATS = 30
BATCH = 5_000

PageTimer = Callable[[Path, str], float]
"""Given the database file and a username, return the server time of one inbox page in ms."""


def fill(session: Session, n_cases: int, *, seed: int = 7) -> None:
    """Insert n cases with one open task each (a tenth of them in another gemeente)."""
    rnd = random.Random(seed)
    session.add_all([Gemeente(code=GEMEENTE, naam="Bench", settings={}),
                     Gemeente(code="andere", naam="Andere", settings={})])
    session.add(Deployment(id="bench", name="bench", source="bench", content_hash="0" * 64, deployed_at=NOW,
                           deployed_by="bench"))
    session.add(ProcessDefinition(id="bench:1", process_id="bench", name="Bench", version=1, content_hash="0" * 64,
                                  deployment_id="bench", spec={}, extras={}, created_at=NOW))
    session.add(User(username="consulent0", display_name="Consulent 0", gemeente=GEMEENTE, password_hash="x",
                     roles=["consulent"], groups=[GROUP], active=True, failed_logins=0))
    session.add(User(username="teamleider", display_name="Teamleider", gemeente=GEMEENTE, password_hash="x",
                     roles=["teamleider"], groups=[GROUP], active=True, failed_logins=0))
    session.flush()
    # every case in its gemeente's default team, both people in the bench gemeente's
    for user in session.query(User).all():
        join_default(session, user, now=NOW)
    teams = {code: default_team(session, code, now=NOW).id for code in (GEMEENTE, "andere")}
    for start in range(0, n_cases, BATCH):
        cases, tasks, candidates = [], [], []
        for i in range(start, min(start + BATCH, n_cases)):
            gemeente = "andere" if i % 10 == 9 else GEMEENTE
            case_id, task_id = str(uuid.UUID(int=rnd.getrandbits(128))), str(uuid.UUID(int=rnd.getrandbits(128)))
            due = NOW + timedelta(days=rnd.randint(-30, 90), hours=rnd.randint(0, 23))
            legal = due + timedelta(days=rnd.randint(0, 40)) if i % 3 == 0 else None
            group = GROUPS[0] if i % 10 < 8 else GROUPS[i % 2 + 1]
            assignee = f"consulent{rnd.randrange(CONSULENTEN)}" if rnd.random() < 0.3 else None
            cases.append(dict(id=case_id, case_number=f"INB-2026-{i:07d}", gemeente=gemeente, definition_id="bench:1",
                              bsn=f"{100000000 + i}", naam=f"Inburgeraar {i}", status="active", state={},
                              team_id=teams[gemeente],
                              state_format=1, version=1, created_at=NOW, updated_at=NOW))
            tasks.append(dict(id=task_id, case_id=case_id, gemeente=gemeente, element_id="Task_Intake",
                              name="Brede intake voeren", process_id="bench", assignee=assignee,
                              candidate_groups=[group], candidate_users=[], due_at=due, legal_deadline=legal,
                              priority=50, properties={}, created_at=NOW - timedelta(days=rnd.randint(0, 60))))
            candidates.append(dict(task_id=task_id, kind="group", name=group, gemeente=gemeente, due_at=due,
                                   assigned=assignee is not None))
        session.execute(insert(Case), cases)
        session.execute(insert(UserTask), tasks)
        session.execute(insert(TaskCandidate), candidates)
    session.flush()


def group_query_plan(session: Session) -> str:
    """Return SQLite's plan for 'one group's open tasks by due date, first page'."""
    stmt = group_tasks_stmt(gemeente=GEMEENTE, group=GROUP)
    compiled = stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    rows = session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    return "\n".join(str(row[-1]) for row in rows)


def _median_ms(action: Callable[[], object], repeats: int = REPEATS) -> float:
    action()  # warm the caches once
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def run_benchmark(n_cases: int, *, page_timer: PageTimer | None = None, workdir: Path | None = None) -> dict:
    """Fill a scratch SQLite database with n cases and return median timings in ms."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        db_file = Path(tmp) / "inbox-bench.sqlite"
        db = make_engine(f"sqlite:///{db_file}")
        Base.metadata.create_all(db)
        factory = make_session_factory(db)
        started = time.perf_counter()
        with factory.begin() as session:
            fill(session, n_cases)
        fill_s = round(time.perf_counter() - started, 1)
        with factory() as session:
            session.execute(text("ANALYZE"))
            user = session.query(User).filter_by(username="consulent0").one()
            first_group_page = group_tasks_stmt(gemeente=GEMEENTE, group=GROUP)
            teamleider = session.query(User).filter_by(username="teamleider").one()
            result = {
                "n_cases": n_cases,
                "fill_s": fill_s,
                "group_query_ms": _median_ms(lambda: session.execute(first_group_page).all()),
                "inbox_groups_ms": _median_ms(
                    lambda: list_inbox(session=session, user=user, query=InboxQuery(view="groups"), now=NOW)),
                "inbox_mine_ms": _median_ms(
                    lambda: list_inbox(session=session, user=user, query=InboxQuery(view="mine"), now=NOW)),
                "inbox_groups_page10_ms": _median_ms(
                    lambda: list_inbox(session=session, user=user, query=InboxQuery(view="groups", page=10), now=NOW)),
                "inbox_team_ms": _median_ms(
                    lambda: list_inbox(session=session, user=teamleider, query=InboxQuery(view="team"), now=NOW)),
                "group_query_plan": group_query_plan(session),
            }
        db.dispose()
        if page_timer is not None:
            result["inbox_page_ms"] = page_timer(db_file, "consulent0")
        return result


def main(argv: list[str]) -> None:
    """Print the benchmark for each number of cases given on the command line."""
    for n in [int(a) for a in argv] or [10_000, 100_000]:
        print(run_benchmark(n))


if __name__ == "__main__":
    main(sys.argv[1:])
