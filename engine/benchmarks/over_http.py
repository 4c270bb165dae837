"""Time the real app over HTTP: `regie serve` in its own process, driven with httpx like a browser.

The client logs in with the login form (CSRF token from the page), reads the CSRF token
for the JSON API from `GET /api/me`, and then does what a klantmanager does: open the
inbox (page and JSON), start a case, claim and complete tasks of cases of every age, send
messages, open the case page and the dossier. Each figure is the server's own time
(the `Server-Timing` header the app sets) and the round trip seen by the client.
The engine does not import the web app: the server is a separate process.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PASSWORD = "bench-wachtwoord-2026"
USERNAME = "bench1"
SYSTEM_USERNAME = "bench-duo"   # DUO's events come from DUO's system account (engine/access/roles.py)
_SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")


def percentiles(values: list[float]) -> dict[str, float]:
    """Return p50, p95 and p99 (nearest rank) and the number of samples."""
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def rank(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered) + 0.5)) - 1))], 2)

    return {"p50": round(statistics.median(ordered), 2), "p95": rank(0.95), "p99": rank(0.99), "n": len(ordered)}


@dataclass
class Timings:
    """Samples per operation: server time and round trip, in ms."""

    server: dict[str, list[float]] = field(default_factory=dict)
    round_trip: dict[str, list[float]] = field(default_factory=dict)

    def add(self, op: str, server_ms: float, round_trip_ms: float) -> None:
        self.server.setdefault(op, []).append(server_ms)
        self.round_trip.setdefault(op, []).append(round_trip_ms)

    def summary(self) -> dict[str, dict[str, float]]:
        """Return per operation the percentiles of server time, and the round trip's p50."""
        out = {}
        for op, values in self.server.items():
            out[op] = {**percentiles(values), "round_trip_p50": percentiles(self.round_trip[op]).get("p50")}
        return out


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def regie_command() -> list[str]:
    """Return the command that runs `regie` from this Python environment."""
    script = Path(sys.executable).with_name("regie")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from engine.tools.cli import main; main()"]


class Server:
    """`regie serve` on a free port, as its own process; `cold_start_s` is spawn to first page."""

    def __init__(self, database_url: str, *, workdir: Path) -> None:
        self.database_url = database_url
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"server-{self.port}.log"
        self.process: subprocess.Popen | None = None
        self.cold_start_s: float | None = None

    def __enter__(self) -> "Server":
        import httpx

        env = {**os.environ, "DATABASE_URL": self.database_url, "REGIE_CLOCK": "database",
               "REGIE_SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex}
        started = time.perf_counter()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [*regie_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = started + 120
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"regie serve stopped: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.base_url + "/login", timeout=2).status_code == 200:
                    self.cold_start_s = round(time.perf_counter() - started, 2)
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.__exit__(None, None, None)
        raise RuntimeError("regie serve did not answer within 120 s")

    def rss_mb(self) -> float | None:
        """Return the server process's resident memory (Linux /proc), in MB."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), None)
        return round(kb / 1024, 1) if kb is not None else None

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Client:
    """A logged-in browser-like client: session cookie, CSRF token for forms and JSON calls."""

    def __init__(self, base_url: str, timings: Timings, *, username: str = USERNAME, password: str = PASSWORD) -> None:
        import httpx

        self.http = httpx.Client(base_url=base_url, timeout=60, follow_redirects=False)
        self.timings = timings
        page = self.http.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if token is None:
            raise RuntimeError("the login page has no CSRF token")
        done = self.http.post("/login", data={"csrf_token": token.group(1), "username": username,
                                              "password": password})
        if done.status_code not in (302, 303):
            raise RuntimeError(f"login failed: {done.status_code}")
        me = self.http.get("/api/me").json()
        self.http.headers["X-CSRF-Token"] = me["csrf_token"]
        self.system = httpx.Client(base_url=base_url, timeout=60, follow_redirects=False,
                                   auth=(SYSTEM_USERNAME, password))

    def call(self, op: str | None, method: str, url: str, *, expect: tuple[int, ...] = (200,), as_system: bool = False,
             **kwargs):
        """Send one request (`as_system`: as DUO's system account); record its timings under `op`; check the status."""
        started = time.perf_counter()
        response = (self.system if as_system else self.http).request(method, url, **kwargs)
        round_trip = (time.perf_counter() - started) * 1000
        if response.status_code not in expect:
            raise RuntimeError(f"{method} {url}: {response.status_code} {response.text[:300]}")
        if op is not None:
            found = _SERVER_TIMING.search(response.headers.get("server-timing", ""))
            self.timings.add(op, float(found.group(1)) if found else round_trip, round_trip)
        return response

    def close(self) -> None:
        self.http.close()
        self.system.close()


def cleanup(path: Path) -> None:
    """Remove a scratch folder."""
    shutil.rmtree(path, ignore_errors=True)


def new_start_data(template_start: dict[str, Any], number: int) -> dict[str, Any]:
    """Return start data for a new case: the scenario's inburgeraar with a BSN of its own."""
    from engine.benchmarks.cases import bsn_for

    return {**template_start, "bsn": bsn_for(900_000 + number)}
