"""The real processes of a load test: a scratch schema on a local PostgreSQL, web processes and workers."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlalchemy import create_engine, text

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
CLI = "from engine.tools.cli import main; main()"


class NotLocal(ValueError):
    """The load test only ever writes to a database on this machine."""


def scratch_schema(admin_url: str) -> tuple[str, str]:
    """Create an empty schema on the local PostgreSQL; return (its name, a URL that uses it)."""
    host = urlsplit(admin_url.replace("+psycopg", "")).hostname
    if host not in LOCAL_HOSTS:
        raise NotLocal(f"the load test runs on a PostgreSQL on 127.0.0.1 only, not on {host}")
    schema = f"load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    sep = "&" if "?" in admin_url else "?"
    return schema, f"{admin_url}{sep}options=-csearch_path%3D{schema}"


def drop_schema(admin_url: str, schema: str) -> None:
    """Throw the scratch schema away."""
    admin = create_engine(admin_url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    """Web processes and workers on one database; started and stopped together."""

    database_url: str
    web: int = 2
    workers: int = 2
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    poll_seconds: float = 0.5
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)
    logs: dict[str, Path] = field(default_factory=dict)
    log_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="regie-loadtest-")))

    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> None:
        # Error output goes to a file: a pipe nobody reads would stall a chatty process.
        self.logs[name] = self.log_dir / f"{name}.log"
        with self.logs[name].open("wb") as log:
            self.processes[name] = subprocess.Popen([sys.executable, "-c", CLI, *args], env=env,
                                                    stdout=subprocess.DEVNULL, stderr=log)

    def env(self) -> dict[str, str]:
        """The environment every process gets: the same database, clock and signing key."""
        return dict(os.environ, DATABASE_URL=self.database_url, REGIE_CLOCK="database",
                    REGIE_SECRET_KEY=self.secret_key, REGIE_WORKER_POLL_SECONDS=str(self.poll_seconds))

    def start(self, timeout: float = 60.0) -> None:
        """Start the web processes and workers; wait until every web process answers."""
        env = self.env()
        for n in range(self.web):
            port = free_port()
            self._spawn(f"web{n + 1}", ["serve", "--host", "127.0.0.1", "--port", str(port)], env)
            self.urls.append(f"http://127.0.0.1:{port}")
        for n in range(self.workers):
            self._spawn(f"worker{n + 1}", ["worker"], env)
        deadline = time.monotonic() + timeout
        for url in self.urls:
            while True:
                try:
                    if httpx.get(f"{url}/login", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")
                time.sleep(0.2)

    def dead(self) -> dict[str, int]:
        """Return the processes that ended by themselves, with their exit codes."""
        return {name: p.returncode for name, p in self.processes.items() if p.poll() is not None}

    def stop(self, timeout: float = 20.0) -> dict[str, str]:
        """Stop every process (SIGTERM, then SIGKILL); return the tail of each one's error output."""
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for name, process in self.processes.items():
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return {name: path.read_text(encoding="utf-8", errors="replace")[-3000:] for name, path in self.logs.items()}
