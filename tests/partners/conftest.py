"""The real klantreis deployed, a klantmanager, a teamleider, beleid, and two partner organisations."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from engine.access import accounts, tenancy
from engine.access.need_to_know import link_partner
from engine.config import PROJECT_ROOT, Settings
from engine.db.models import Case, Gemeente, User, UserTask
from engine.db.session import transaction
from engine.deploy.deployment import kind_of
from engine.running.runtime import build_runtime

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)   # a Monday: week 10 of 2026
PASSWORD = "geheim-wachtwoord-1"
NOORD, ZUID = "Taalschool Noord", "Taalhuis Zuid"
LEERROUTE = {"bsn": "123456782", "naam": "Amina Yusuf", "straat": "Kerkstraat", "huisnummer": "12a",
             "postcode": "2261 AB", "woonplaats": "Leidschendam", "taal": "ar", "tolk_nodig": False,
             "doelgroep": "asielstatushouder", "leerroute": "B1", "pip_dagtekening": "2025-12-01",
             "termijn_start": "2025-12-02", "termijn_eind": "2028-12-01", "boetes": [], "bijstand": False}


@pytest.fixture
def klantreis(database_url):
    """Processes and forms of the repository; anna (klantmanager), tess (teamleider), bo (beleid),
    pia of Taalschool Noord and yara of Taalhuis Zuid (partners)."""
    rt = build_runtime(Settings(database_url=database_url, clock="database", secret_key="test-secret-key"))
    files = [(f.name, f.read_bytes()) for d in (PROJECT_ROOT / "processes", PROJECT_ROOT / "forms")
             for f in sorted(d.iterdir()) if f.is_file() and kind_of(f.name)]
    with transaction(rt.session_factory) as session:
        rt.clock.set(session, NOW)
        session.add(Gemeente(code="demo", naam="Gemeente Voorbeeldstad", settings={}))
        session.flush()
        for username, name, roles, groups, organisation in (
                ("anna", "Anna de Vries", ["consulent"], ["consulent"], None),
                ("bert", "Bert Jansen", ["consulent"], ["consulent"], None),
                ("tess", "Tess Bakker", ["teamleider"], ["consulent"], None),
                ("bo", "Bo Beleid", ["beleid"], [], None),
                ("pia", "Pia (Taalschool Noord)", ["partner"], ["partner_mb"], NOORD),
                ("yara", "Yara (Taalhuis Zuid)", ["partner"], ["partner_mb"], ZUID)):
            user = accounts.create_user(session=session, username=username, password=PASSWORD, display_name=name,
                                        gemeente="demo", roles=roles, groups=groups)
            if organisation:
                tenancy.add_membership(session, user=user, gemeente="demo", organisation=organisation)
        rt.engine.deploy(session=session, files=files, actor="test")
    yield rt
    rt.db.dispose()


def start_leerroute(rt, *, naam: str = "Amina Yusuf", klantmanager: str | None = "anna", uren_cursus: int = 0,
                    **extra) -> str:
    """Start the leerroute (as inburgering calls it) at Task_Uren, with hours the klantmanager typed."""
    with transaction(rt.session_factory) as session:
        case = rt.engine.start_case(session=session, process_id="leerroute", gemeente="demo",
                                    data={**LEERROUTE, "naam": naam, **extra}, actor="anna")
        case.klantmanager = klantmanager
        task = session.query(UserTask).filter_by(case_id=case.id, element_id="Task_StartLeerroute").one()
        rt.engine.complete_task(session=session, task_id=task.id, actor="anna", data={
            "taalaanbieder": NOORD, "startdatum_leerroute": "2026-01-12", "uren_per_week": 12})
        if uren_cursus:
            task = session.query(UserTask).filter_by(case_id=case.id, element_id="Task_Uren").one()
            rt.engine.complete_task(session=session, task_id=task.id, actor="anna", data={
                "uren_cursus": uren_cursus, "uren_participatie": 0, "cursus_afgerond": False})
        return case.id


def link(rt, case_id: str, organisation: str = NOORD, *, purpose: str = "taalaanbieder",
         valid_from: date = date(2026, 1, 5), valid_until: date | None = None, share_letters: bool = False) -> int:
    """Link a case to a partner organisation (as a teamleider does on the case)."""
    with transaction(rt.session_factory) as session:
        tess = session.query(User).filter_by(username="tess").one()
        case = session.get(Case, case_id)
        return link_partner(session=session, user=tess, case=case, organisation=organisation, purpose=purpose,
                            valid_from=valid_from, valid_until=valid_until, share_letters=share_letters, now=NOW).id


def open_tasks(rt, case_id: str) -> list[str]:
    with rt.session_factory() as session:
        return sorted(t.element_id for t in session.query(UserTask).filter_by(case_id=case_id))
