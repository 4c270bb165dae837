"""Run the load test and print its table: `python -m engine.loadtest --users 20 --seconds 120`.

N simulated klantmanagers work real klantreis cases through two `regie serve` processes,
while two `regie worker` processes fire timers and the database clock moves a day every
few seconds. Afterwards every case is checked. The exit code is 1 when a request got a
5xx, a process died, or a case is inconsistent.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from engine.access import accounts
from engine.config import Settings
from engine.db.models import Gemeente, Timer
from engine.loadtest.cluster import Cluster, drop_schema, scratch_schema
from engine.loadtest.consistency import check_cases, letter_count
from engine.loadtest.klantmanager import SYSTEM_USERNAME, Klantmanager, Shared, Stats
from engine.loadtest.playbook import load_playbook
from engine.running.runtime import build_runtime
from engine.running.transactions import run_in_transaction

DEFAULT_URL = os.environ.get("REGIE_LOADTEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "Regie-load-2026"
GROUPS = ["consulent", "teamleider", "handhaving", "partner_mb"]
START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


@dataclass
class Report:
    """What a run measured."""

    users: int
    seconds: float
    stats: Stats
    cases: int = 0
    problems: list[str] = field(default_factory=list)
    dead: dict[str, int] = field(default_factory=dict)
    days: int = 0
    letters: dict[str, int] = field(default_factory=dict)
    timers_left: int = 0
    logs: dict[str, str] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        """Return the number of requests made."""
        return sum(sum(c.values()) for c in self.stats.codes.values())

    def count(self, test) -> int:
        """Return the number of responses whose status passes `test`."""
        return sum(n for codes in self.stats.codes.values() for status, n in codes.items() if test(status))

    @property
    def ok(self) -> bool:
        """Tell whether the run passed: no 5xx, no dead process, every case consistent."""
        return self.count(lambda s: s >= 500) == 0 and not self.dead and not self.problems  # 599: no answer

    def table(self) -> str:
        """Return the printed report."""
        lines = [f"Regie load test: {self.users} klantmanagers, {self.seconds:.0f} s, 2 web processes, 2 workers, "
                 f"PostgreSQL; clock moved {self.days} days",
                 f"{'operation':<10} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'409':>5} {'5xx':>5} {'conn':>5}"
                 f" {'other':>14}"]
        for op in sorted(self.stats.latencies):
            times = sorted(self.stats.latencies[op])
            codes = self.stats.codes[op]
            other = {s: n for s, n in codes.items() if s >= 300 and s != 409 and s < 500}
            lines.append(f"{op:<10} {len(times):>8} {_pct(times, 50):>8.1f} {_pct(times, 95):>8.1f} "
                         f"{_pct(times, 99):>8.1f} {codes.get(409, 0):>5} {sum(n for s, n in codes.items() if 500 <= s < 599):>5}"
                         f" {codes.get(599, 0):>5}"
                         f" {' '.join(f'{s}:{n}' for s, n in sorted(other.items())):>14}")
        lines.append(f"total: {self.requests} requests, {self.requests / self.seconds:.1f} requests/s, "
                     f"{self.count(lambda s: s == 409)} x 409, {self.count(lambda s: 500 <= s < 599)} x 5xx, "
                     f"{self.count(lambda s: s == 599)} without an answer")
        lines.append(f"cases checked: {self.cases}; letters: "
                     + ", ".join(f"{k} {v}" for k, v in sorted(self.letters.items()))
                     + f"; due timers left: {self.timers_left}")
        lines.append("processes: " + ("all alive" if not self.dead else f"DIED {self.dead}"))
        lines.append("consistency: " + ("every case consistent" if not self.problems
                                        else f"{len(self.problems)} PROBLEM(S)"))
        lines.extend(f"  - {p}" for p in self.problems[:20])
        lines.extend(f"  ! {e}" for e in self.stats.errors[:10])
        lines.append("RESULT: " + ("ok" if self.ok else "FAILED"))
        return "\n".join(lines)


def _pct(values: list[float], pct: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0] * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1] * 1000


def prepare(rt, users: int) -> list[str]:
    """Create the gemeente, the klantmanagers, the deployed klantreis and the clock."""
    from engine.tools.demo import _deploy_all

    names = [f"km{n:02d}" for n in range(1, users + 1)]
    with rt.session_factory.begin() as session:
        session.add(Gemeente(code="demo", naam="Gemeente Loadstad", settings={}))
        session.flush()
        for name in names:
            accounts.create_user(session=session, username=name, password=PASSWORD, display_name=name,
                                 gemeente="demo", roles=["consulent", "teamleider", "handhaving"], groups=GROUPS)
        accounts.create_user(session=session, username=SYSTEM_USERNAME, password=PASSWORD, display_name="DUO en COA",
                             gemeente="demo", roles=["systeem_duo", "systeem_coa"], groups=[])
        rt.clock.set(session, START)
    _deploy_all(rt)
    return names


def run_load(*, users: int, seconds: float, day_every: float = 2.0, database_url: str = DEFAULT_URL,
             keep: bool = False) -> Report:
    """Run one load test on a scratch schema and return its report."""
    schema, url = scratch_schema(database_url)
    rt = build_runtime(Settings(database_url=url, clock="database"))
    stats = Stats()
    report = Report(users=users, seconds=seconds, stats=stats)
    cluster = Cluster(database_url=url)
    try:
        names = prepare(rt, users)
        cluster.start()
        book, shared = load_playbook(), Shared()
        deadline = time.monotonic() + seconds
        people = [Klantmanager(username=name, password=PASSWORD, base_urls=cluster.urls, book=book, stats=stats,
                               shared=shared, seed=n) for n, name in enumerate(names)]
        threads = [threading.Thread(target=p.work_until, args=(deadline,)) for p in people]
        began = time.monotonic()
        for t in threads:
            t.start()
        while time.monotonic() < deadline:  # the clock: a day every `day_every` seconds
            time.sleep(min(day_every, max(0.0, deadline - time.monotonic())))
            run_in_transaction(rt.session_factory, lambda s: rt.clock.set(s, rt.clock.now(s) + timedelta(days=1)))
            report.days += 1
        for t in threads:
            t.join(120)
        report.seconds = time.monotonic() - began
        _let_workers_catch_up(rt, timeout=30.0)
        report.dead = cluster.dead()
    finally:
        report.logs = cluster.stop()
    with rt.session_factory() as session:
        report.cases, report.problems = check_cases(session, rt.engine)
        report.letters = dict(letter_count(session))
        now = rt.engine.now(session)
        report.timers_left = len(session.execute(select(Timer.id).where(Timer.due_at <= now)).all())
    rt.db.dispose()
    if not keep:
        drop_schema(database_url, schema)
    return report


def _let_workers_catch_up(rt, timeout: float) -> None:
    """Wait until the workers fired every timer that is due now (or `timeout` passed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with rt.session_factory() as session:
            now = rt.engine.now(session)
            if session.execute(select(Timer.id).where(Timer.due_at < now).limit(1)).first() is None:
                return
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run, print the table; exit 1 when the run failed."""
    parser = argparse.ArgumentParser(prog="python -m engine.loadtest", description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20, help="simulated klantmanagers (default 20)")
    parser.add_argument("--seconds", type=float, default=120.0, help="how long they work (default 120)")
    parser.add_argument("--day-every", type=float, default=2.0, help="real seconds per day of the clock")
    parser.add_argument("--database-url", default=DEFAULT_URL, help="a PostgreSQL on 127.0.0.1 (a scratch schema)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch schema afterwards")
    args = parser.parse_args(argv)
    report = run_load(users=args.users, seconds=args.seconds, day_every=args.day_every,
                      database_url=args.database_url, keep=args.keep)
    print(report.table())
    if not report.ok:
        for name, log in report.logs.items():
            if log.strip():
                print(f"--- {name} (last lines) ---\n{log}")
    return 0 if report.ok else 1
