"""A small hand-known population: klantreis scenarios run through the real diagrams into one database.

| scenario | doelgroep | start | what the figures must show |
|---|---|---|---|
| part3_e2e_statushouder_b1 | asielstatushouder | 2026-01-05 | B1, intake Jan, PIP 2026-03-02 (deadline 03-30), 4 gesprekken, exam passed 2027-05-14, PVT/KNM/MAP |
| part3_e2e_gezinsmigrant_z | gezinsmigrant | 2026-02-02 | Z, intake Feb, PIP 2026-02-02, 3 gesprekken |
| part1_gezinsmigrant_onderwijs | gezinsmigrant | 2026-02-02 | onderwijs, intake Feb, PIP 2026-02-02 |
| part1_brede_intake_niet_verschenen | gezinsmigrant | 2026-01-05 | two warnings, intake without her (Jan), B1 |
| part2_handhaving_art22 | asielstatushouder | 2026-01-05 | one fine, artikel 22, EUR 250 |
| part2_handhaving_pw_maatregel | gezinsmigrant | 2026-01-05 | B1 (start data), no fine: Wet 27 |
"""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from engine.access import accounts
from engine.config import PROJECT_ROOT, Settings
from engine.db.models import Gemeente
from engine.running.runtime import build_runtime
from engine.tools.scenario import ScenarioRun, load_scenario, prepared_database
from tests.api.conftest import Browser

POPULATION = [
    "part3_e2e_statushouder_b1", "part3_e2e_gezinsmigrant_z", "part1_gezinsmigrant_onderwijs",
    "part1_brede_intake_niet_verschenen", "part2_handhaving_art22", "part2_handhaving_pw_maatregel",
]
PASSWORD = "geheim-wachtwoord-1"
USERS = [
    ("bram", "Bram Beleid", "demo", ["beleid"], []),
    ("tess", "Tess Teamleider", "demo", ["teamleider", "consulent"], ["consulent"]),
    ("anna", "Anna Klantmanager", "demo", ["consulent"], ["consulent"]),
    ("olaf", "Olaf Beleid", "amersfoort", ["beleid"], []),
]
NOW = datetime(2028, 1, 10, 9, 0, tzinfo=timezone.utc)


def _runtime(path: Path):
    return build_runtime(Settings(database_url=f"sqlite:///{path}", clock="database", secret_key="test-secret-key"),
                         migrate=False)


@pytest.fixture(scope="session")
def population_db(tmp_path_factory) -> Path:
    """Run the population's scenarios once into one database; add accounts; set the clock to NOW."""
    path = tmp_path_factory.mktemp("monitoring") / "population.sqlite"
    shutil.copyfile(prepared_database(), path)
    for name in POPULATION:
        result = ScenarioRun(load_scenario(PROJECT_ROOT / "tests" / "scenarios" / f"{name}.yaml"), path).run()
        assert result.passed, result.failures
    rt = _runtime(path)
    with rt.session_factory.begin() as session:
        session.add(Gemeente(code="amersfoort", naam="Gemeente Amersfoort", settings={}))
        session.flush()
        for username, name, gemeente, roles, groups in USERS:
            accounts.create_user(session=session, username=username, password=PASSWORD, display_name=name,
                                 gemeente=gemeente, roles=roles, groups=groups)
        rt.clock.set(session, NOW)
    rt.db.dispose()
    return path


@pytest.fixture
def population(population_db, tmp_path):
    """A fresh copy of the population database with its runtime."""
    path = tmp_path / "population.sqlite"
    shutil.copyfile(population_db, path)
    rt = _runtime(path)
    yield rt
    rt.db.dispose()


@pytest.fixture
def login(population):
    """Return a function that logs a user in on the population's app and gives a Browser."""
    app = create_app(population)
    clients = []

    def _login(username: str) -> Browser:
        client = TestClient(app)
        clients.append(client)
        browser = Browser(client)
        assert browser.login(username, PASSWORD).status_code == 303
        return browser

    yield _login
    for client in clients:
        client.close()
