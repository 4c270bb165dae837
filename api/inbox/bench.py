"""Inbox page benchmark: the engine's inbox benchmark plus the server time of the whole page.

`python -m api.inbox.bench 10000 100000` prints one line per size (run it via `make bench`).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from engine.access import accounts
from engine.config import Settings
from engine.db.models import User
from engine.db.session import transaction
from engine.running.runtime import build_runtime
from engine.tools.inbox_bench import REPEATS, run_benchmark

BENCH_PASSWORD = "bench-wachtwoord-123"


def inbox_page_timer(db_file: Path, username: str) -> float:
    """Log in on the benchmark database and return the median server time of GET /?view=groups (ms)."""
    settings = Settings(database_url=f"sqlite:///{db_file}", clock="system", secret_key="bench-secret")
    runtime = build_runtime(settings, migrate=False)
    with transaction(runtime.session_factory) as session:
        user = session.query(User).filter_by(username=username).one()
        accounts.set_password(session=session, user=user, password=BENCH_PASSWORD)
    with TestClient(create_app(runtime)) as client:
        token = client.get("/login").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post("/login", data={"csrf_token": token, "username": username, "password": BENCH_PASSWORD})
        times = []
        for _ in range(REPEATS + 1):
            started = time.perf_counter()
            response = client.get("/?view=groups")
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200 or "Brede intake voeren" not in response.text:
                raise RuntimeError(f"inbox page failed: {response.status_code}")
    runtime.db.dispose()
    return round(statistics.median(times[1:]), 2)


def main(argv: list[str]) -> None:
    """Print the inbox benchmark, page time included, for each size given."""
    for n in [int(a) for a in argv] or [10_000, 100_000]:
        print(run_benchmark(n, page_timer=inbox_page_timer))


if __name__ == "__main__":
    main(sys.argv[1:])
