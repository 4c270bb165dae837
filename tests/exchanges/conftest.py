"""Regie and the DUO/BRP simulator, each served by uvicorn on 127.0.0.1, talking over real HTTP.

Module-scoped: starting two servers and deploying the klantreis takes a few seconds; each
test uses its own persons (BSNs), so tests do not see each other's cases.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import select

from api.app import create_app
from api.simulators.cli import create_app as create_sim
from api.simulators.duo.store import SIM_DUO_OIN, SIM_GEMEENTE_OIN
from engine.config import PROJECT_ROOT, Settings
from engine.db.models import Gemeente
from engine.duo.models import IN, ONTVANGEN, DuoBericht
from engine.running.runtime import build_runtime

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
TOKEN = "test-duo-token"
PASSWORD = "geheim-wachtwoord-1"
_counter = iter(range(1, 10_000))


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """A uvicorn server in a thread."""

    def __init__(self, app, port: int) -> None:
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop the server and wait for its thread."""
        self.server.should_exit = True
        self.thread.join(timeout=10)


def bsn(seed: int) -> str:
    """Return a fictitious BSN that passes the elfproef."""
    n = 200000000 + seed * 7919
    while True:
        digits = [int(c) for c in f"{n:09d}"]
        if (sum(d * w for d, w in zip(digits[:8], range(9, 1, -1))) - digits[8]) % 11 == 0:
            return f"{n:09d}"
        n += 1


class World:
    """Regie, the simulator, and helpers to play DUO and look at Regie's database."""

    def __init__(self, tmp: Path, database_url: str | None = None) -> None:
        self.regie_port, self.sim_port = free_port(), free_port()
        self.regie_url = f"http://127.0.0.1:{self.regie_port}"
        self.sim_url = f"http://127.0.0.1:{self.sim_port}"
        settings = Settings(
            database_url=database_url or f"sqlite:///{tmp / 'regie.sqlite'}", clock="database", secret_key="test-secret",
            duo_url=f"{self.sim_url}/v1", duo_oin=SIM_DUO_OIN, duo_token=TOKEN, brp_url=f"{self.sim_url}/brp",
            duo_retries=3, duo_backoff_seconds=0.01, duo_timeout_seconds=5, coa_token="test-coa-token")
        self.rt = build_runtime(settings)
        files = [(f.name, f.read_bytes()) for d in (PROJECT_ROOT / "processes", PROJECT_ROOT / "forms")
                 for f in sorted(d.iterdir()) if f.suffix in (".bpmn", ".dmn", ".form")]
        files.append(("pip_melden.bpmn", (FIXTURES / "pip_melden.bpmn").read_bytes()))
        with self.rt.session_factory.begin() as session:
            session.add(Gemeente(code="demo", naam="Gemeente Voorbeeldstad", settings={"oin": SIM_GEMEENTE_OIN}))
            self.rt.clock.set(session, NOW)
            self.rt.engine.deploy(session=session, files=files, actor="test")
            from engine.access.accounts import create_user

            for username, roles in (("bea", ["beheerder"]), ("anna", ["consulent"])):
                create_user(session=session, username=username, password=PASSWORD, display_name=username,
                            gemeente="demo", roles=roles, groups=["consulent"])
        self.sim_app = create_sim(tmp / "duo-sim.json", f"{self.regie_url}/duo/v1/notificaties", TOKEN)
        self.servers = [Served(create_app(self.rt), self.regie_port), Served(self.sim_app, self.sim_port)]
        self.http = httpx.Client(timeout=30)

    def close(self) -> None:
        """Stop both servers."""
        self.http.close()
        for server in self.servers:
            server.stop()
        self.rt.db.dispose()

    def persoon(self, **spec) -> str:
        """Add a person to the simulator; return the BSN."""
        number = bsn(next(_counter))
        body = {"bsn": number, "voornamen": "Amina", "achternaam": f"Test{number[-4:]}",
                "doelgroep": "gezinsmigrant", "kennisgeving": "2026-02-23", "datum_inschrijving": "2026-02-20",
                "straat": "Lindelaan", "huisnummer": 7, "postcode": "2261AB", "woonplaats": "Voorbeeldstad", **spec}
        assert self.http.post(f"{self.sim_url}/_sim/personen", json=body).status_code == 201
        return number

    def gebeurtenis(self, gebeurtenis_id: str, number: str, **data) -> dict:
        """Let DUO (the simulator) notify Regie; wait until Regie has processed it; return the stored row."""
        answer = self.http.post(f"{self.sim_url}/_sim/gebeurtenissen", json={
            "gebeurtenisId": gebeurtenis_id, "bsn": number, "data": data,
            "registratieDatumTijd": NOW.isoformat().replace("+00:00", "Z")}).json()
        assert answer["regie_status"] == 201, answer
        return self.processed(answer["berichtId"])

    def processed(self, bericht_id: str, timeout: float = 20) -> DuoBericht:
        """Wait (up to `timeout` s) until Regie processed a notification; return its row."""
        deadline = time.monotonic() + timeout
        while True:
            with self.rt.session_factory() as session:
                row = session.execute(select(DuoBericht).where(DuoBericht.richting == IN,
                                                               DuoBericht.bericht_id == bericht_id)).scalar_one_or_none()
                if row is not None and row.status != ONTVANGEN:
                    session.expunge(row)
                    return row
            if time.monotonic() > deadline:
                raise AssertionError(f"notification {bericht_id} not processed within {timeout} s")
            time.sleep(0.05)

    def sim_log(self) -> list[dict]:
        """Return the requests Regie made to the simulator."""
        return self.http.get(f"{self.sim_url}/_sim/log").json()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Regie and the simulator, served over HTTP."""
    w = World(tmp_path_factory.mktemp("exchanges"))
    yield w
    w.close()


@pytest.fixture(scope="module")
def pg_world(tmp_path_factory):
    """The same on PostgreSQL (a schema of its own), when PostgreSQL answers."""
    from sqlalchemy import create_engine, text

    from tests.conftest import POSTGRES_URL, postgres_available

    if not postgres_available():
        pytest.skip("PostgreSQL not reachable")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    w = World(tmp_path_factory.mktemp("exchanges_pg"), f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}")
    yield w
    w.close()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
