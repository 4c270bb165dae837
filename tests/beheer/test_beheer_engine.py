"""The beheer queries on SQLite and PostgreSQL: savepoints per retry and per dry-run migration."""

from __future__ import annotations

from engine.beheer.incidents import IncidentFilter, list_incidents, retry_incidents
from engine.beheer.migrations import migrate_version
from engine.db.models import Case, Incident
from tests.engine.conftest import FIXTURES, T0, fixture_files  # noqa: F401
from tests.engine.conftest import letters, runtime  # noqa: F401 - shared fixtures
from tests.engine.helpers import complete, open_tasks, start

DATA = {"datum_plicht": "2026-01-05", "consulent": "anna"}


def _deploy(rt, bpmn: bytes | None = None) -> list[str]:
    files = [("basic.bpmn", bpmn or (FIXTURES / "basic.bpmn").read_bytes()), *fixture_files("intake.form")]
    with rt.session_factory.begin() as session:
        return [d.id for d in rt.engine.deploy(session=session, files=files, actor="analist").definitions]


def _case_at_letter(rt) -> str:
    case_id = start(rt, data=DATA)
    complete(rt, open_tasks(rt, case_id)[0].id, {"leerroute": "Z"})
    return case_id


def test_retry_many_tells_which_step_got_through(runtime, letters):
    _deploy(runtime)
    letters.fail_with = "printer kapot"
    first, second = _case_at_letter(runtime), _case_at_letter(runtime)
    with runtime.session_factory.begin() as session:
        rows = list_incidents(session=session, gemeente="demo", where=IncidentFilter(text="KAPOT"), now=T0)
        assert {r.case_id for r in rows} == {first, second}, "error text matches case-insensitively"
        assert list_incidents(session=session, gemeente="andere", where=IncidentFilter(), now=T0) == []
        ids = {r.case_id: r.incident.id for r in rows}
    letters.fail_with = None
    with runtime.session_factory.begin() as session:
        [fixed] = retry_incidents(runtime.engine, session=session, incident_ids=[ids[first]], actor="bea",
                                  gemeente="demo")
    letters.fail_with = "printer nog steeds kapot"
    with runtime.session_factory.begin() as session:
        [failed, foreign] = retry_incidents(runtime.engine, session=session, incident_ids=[ids[second], ids[first]],
                                            actor="bea", gemeente="andere")
    assert fixed.status == "gelukt"
    assert failed.status == "geweigerd" and foreign.status == "geweigerd", "another gemeente's incidents"
    with runtime.session_factory.begin() as session:
        [failed] = retry_incidents(runtime.engine, session=session, incident_ids=[ids[second]], actor="bea",
                                   gemeente="demo")
        assert failed.status == "opnieuw_mislukt" and "printer nog steeds kapot" in failed.message
        assert session.get(Incident, failed.new_incident_id).resolved_at is None


def test_dry_run_rolls_back_and_the_real_run_moves_the_safe_cases(runtime):
    [v1] = _deploy(runtime)
    waiting = start(runtime, data=DATA)
    done = _case_at_letter(runtime)
    changed = (FIXTURES / "basic.bpmn").read_text().replace('name="Intake voeren"', 'name="Intake houden"')
    [v2] = _deploy(runtime, changed.encode())
    with runtime.session_factory.begin() as session:
        dry = migrate_version(runtime.engine, session=session, gemeente="demo", definition_id=v1, actor="bea",
                              dry_run=True)
    assert dry.to_definition == v2 and (dry.safe_count, dry.unsafe_count) == (1, 1)
    with runtime.session_factory.begin() as session:
        assert {session.get(Case, c).definition_id for c in (waiting, done)} == {v1}
    with runtime.session_factory.begin() as session:
        real = migrate_version(runtime.engine, session=session, gemeente="demo", definition_id=v1, actor="bea",
                               dry_run=False)
    assert {c.case_id for c in real.cases if c.migrated} == {waiting}
    with runtime.session_factory.begin() as session:
        assert session.get(Case, waiting).definition_id == v2 and session.get(Case, done).definition_id == v1
