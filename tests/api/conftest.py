"""A real runtime on a temporary SQLite file: test process deployed, users of two gemeenten.

The database is built once per test session (argon2 hashing and deploying take time)
and copied for each test, so every test starts from the same state.
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from engine.access import accounts
from engine.config import Settings
from engine.db.session import transaction
from engine.letters.handler import letter_handler
from engine.running.handlers import HandlerRegistry
from engine.running.runtime import build_runtime

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
PASSWORD = "geheim-wachtwoord-1"
PERSON = {
    "naam": "Amina Yusuf",
    "bsn": "123456782",
    "datum_plicht": "2026-02-23",
    "straat": "Stationsplein",
    "huisnummer": "1",
    "postcode": "3511 ED",
    "woonplaats": "Utrecht",
    "doelgroep": "asielstatushouder",
    "taal": "nl",
}
USERS = [
    ("anna", "Anna de Vries", "demo", ["consulent"], ["consulent"]),
    ("bert", "Bert Jansen", "demo", ["consulent"], ["consulent"]),
    ("tess", "Tess Bakker", "demo", ["teamleider", "consulent"], ["consulent"]),
    ("bea", "Bea Smit", "demo", ["beheerder"], []),
    ("olaf", "Olaf Mulder", "amersfoort", ["consulent", "teamleider"], ["consulent"]),
    ("duo-koppeling", "DUO (systeem)", "demo", ["systeem_duo"], []),
    ("coa-koppeling", "COA (systeem)", "demo", ["systeem_coa"], []),
]


def _handlers() -> HandlerRegistry:
    registry = HandlerRegistry()
    registry.register("letter", letter_handler)
    return registry


def _runtime(db_file: Path):
    settings = Settings(database_url=f"sqlite:///{db_file}", clock="database", secret_key="test-secret-key")
    return build_runtime(settings, handlers=_handlers())


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """Build the database once: clock, users, deployed test process and form."""
    db_file = tmp_path_factory.mktemp("template") / "regie.sqlite"
    runtime = _runtime(db_file)
    with transaction(runtime.session_factory) as session:
        runtime.clock.set(session, NOW)
        for username, name, gemeente, roles, groups in USERS:
            accounts.create_user(session=session, username=username, password=PASSWORD, display_name=name,
                                 gemeente=gemeente, roles=roles, groups=groups)
        files = [(p.name, p.read_bytes()) for p in sorted(FIXTURES.iterdir()) if p.suffix in (".bpmn", ".form")]
        runtime.engine.deploy(session=session, files=files, actor="test")
    runtime.db.dispose()
    return db_file


@pytest.fixture
def runtime(template_db, tmp_path):
    """A fresh copy of the template database with its runtime."""
    db_file = tmp_path / "regie.sqlite"
    shutil.copy(template_db, db_file)
    rt = _runtime(db_file)
    yield rt
    rt.db.dispose()


def start_case(runtime, gemeente: str = "demo", **data):
    """Start a test klantreis and return (case id, first task id)."""
    from engine.db.models import UserTask

    with transaction(runtime.session_factory) as session:
        case = runtime.engine.start_case(session=session, process_id="klantreis_test", gemeente=gemeente,
                                         data={**PERSON, **data}, actor="test")
        task = session.query(UserTask).filter_by(case_id=case.id).one()
        return case.id, task.id


@pytest.fixture
def case_ids(runtime):
    """One case in gemeente demo and one in Amersfoort: (demo case, task), (amersfoort case, task)."""
    return start_case(runtime), start_case(runtime, "amersfoort", naam="Karim Haddad", bsn="111222333")


class Browser:
    """A logged-in TestClient that knows its CSRF token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    def login(self, username: str, password: str = PASSWORD):
        """Log in through the login form; keep the session's CSRF token."""
        page = self.client.get("/login")
        self.csrf = csrf_from(page.text)
        response = self.client.post("/login", data={"csrf_token": self.csrf, "username": username,
                                                    "password": password}, follow_redirects=False)
        if response.status_code == 303:
            self.csrf = self.client.get("/api/me").json()["csrf_token"]
        return response

    def post(self, url: str, data: dict | None = None, **kwargs):
        """Post a web form with the CSRF field."""
        return self.client.post(url, data={"csrf_token": self.csrf, **(data or {})}, follow_redirects=False, **kwargs)

    def api(self, method: str, url: str, **kwargs):
        """Call the JSON API with the session cookie and the CSRF header."""
        return self.client.request(method, url, headers={"X-CSRF-Token": self.csrf}, **kwargs)

    def get(self, url: str, **kwargs):
        """GET a page or API resource."""
        return self.client.get(url, **kwargs)


def csrf_from(html: str) -> str:
    """Return the CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


def _basic_client(app, username: str) -> TestClient:
    """A client that sends HTTP basic credentials (beheerder or system account) on every call."""
    import base64

    token = base64.b64encode(f"{username}:{PASSWORD}".encode()).decode()
    return TestClient(app, headers={"Authorization": f"Basic {token}"})


def system_client(app, username: str) -> TestClient:
    """A client that calls the API with a system account's HTTP basic credentials."""
    return _basic_client(app, username)


@pytest.fixture
def app(runtime):
    """The app on the test runtime."""
    return create_app(runtime)


@pytest.fixture
def login(app):
    """Return a function that logs a user in and gives a Browser."""
    clients = []

    def _login(username: str) -> Browser:
        client = TestClient(app)
        clients.append(client)
        browser = Browser(client)
        assert browser.login(username).status_code == 303
        return browser

    yield _login
    for client in clients:
        client.close()
