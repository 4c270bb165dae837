"""A runtime with the real klantreis deployed, on SQLite and on PostgreSQL, for brugklas planning."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from engine.access import accounts
from engine.config import PROJECT_ROOT, Settings
from engine.db.models import Gemeente
from engine.db.session import transaction
from engine.deploy.deployment import kind_of
from engine.running.runtime import build_runtime

NOW = datetime(2026, 1, 12, 9, 0, tzinfo=timezone.utc)   # a Monday in January: the next start moment is 2 February
PASSWORD = "geheim-wachtwoord-1"
PERSON = {"doelgroep": "asielstatushouder", "pip_deadline": "2026-03-30", "taal": "nl", "datum_plicht": "2026-01-19"}


@pytest.fixture
def klantreis(database_url):
    """The deployed processes and forms of the repository, gemeente `demo` with a group of 2 seats."""
    rt = build_runtime(Settings(database_url=database_url, clock="database", secret_key="test-secret-key"))
    files = [(f.name, f.read_bytes()) for d in (PROJECT_ROOT / "processes", PROJECT_ROOT / "forms")
             for f in sorted(d.iterdir()) if f.is_file() and kind_of(f.name)]
    with transaction(rt.session_factory) as session:
        rt.clock.set(session, NOW)
        session.add(Gemeente(code="demo", naam="Gemeente Voorbeeldstad",
                             settings={"brugklas": {"capaciteit": 2, "locatie": "Wijkcentrum De Linde"}}))
        session.flush()
        for username, name, roles, groups in (("anna", "Anna de Vries", ["consulent"], ["consulent"]),
                                              ("tess", "Tess Bakker", ["teamleider"], ["consulent"]),
                                              ("bea", "Bea Smit", ["beheerder"], [])):
            accounts.create_user(session=session, username=username, password=PASSWORD, display_name=name,
                                 gemeente="demo", roles=roles, groups=groups)
        rt.engine.deploy(session=session, files=files, actor="test")
    yield rt
    rt.db.dispose()


def start_brugklas(rt, naam: str):
    """Start the brugklas process for one inburgeraar; returns the case (placed by the `brugklas` step)."""
    with transaction(rt.session_factory) as session:
        case = rt.engine.start_case(session=session, process_id="brugklas", gemeente="demo",
                                    data={**PERSON, "naam": naam}, actor="anna")
        return case.id
