"""Brugklas cohorts: fixed start moments, the next cohort with room, the diagram's dates, attendance."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select

from engine.cohorts import service as cohorts
from engine.cohorts.models import BrugklasCohort, CohortPlaatsing
from engine.db.models import Case, Incident, UserTask
from engine.db.session import transaction
from engine.errors import Invalid

from .conftest import NOW, start_brugklas


def _variables(rt, case_id):
    with rt.session_factory() as session:
        case = session.get(Case, case_id)
        return rt.engine.case_variables(session=session, case=case)


def test_start_moments_fall_on_weekdays_and_the_group_ends_on_a_weekday():
    settings = {**cohorts.BRUGKLAS_DEFAULTS}
    # 1 Feb 2026 is a Sunday, 15 Nov 2026 a Sunday: the groups start on the Monday after.
    assert cohorts.start_moments(settings, date(2026, 1, 1), date(2026, 12, 31)) == [
        date(2026, 2, 2), date(2026, 4, 15), date(2026, 9, 1), date(2026, 11, 16)]
    # the day itself counts (on or after), the day after does not
    assert cohorts.start_moments(settings, date(2026, 4, 15), date(2026, 4, 15)) == [date(2026, 4, 15)]
    assert cohorts.start_moments(settings, date(2026, 4, 16), date(2026, 8, 31)) == []
    assert cohorts._end(date(2026, 2, 2), "P3M") == date(2026, 5, 1)      # 2 May is a Saturday
    assert cohorts._end(date(2026, 4, 15), "P3M") == date(2026, 7, 15)    # a Wednesday stays
    with pytest.raises(Invalid, match="MM-DD"):
        cohorts.start_moments({**settings, "startmomenten": ["februari"]}, date(2026, 1, 1), date(2026, 12, 31))


def test_a_full_cohort_sends_the_next_person_to_the_following_cohort(klantreis):
    first, second, third = (start_brugklas(klantreis, naam) for naam in ("Amina Yusuf", "Dawit Tesfay", "Hamid Rahimi"))

    placed = [_variables(klantreis, case_id) for case_id in (first, second, third)]
    assert [v["brugklas_start"] for v in placed] == ["2026-02-02", "2026-02-02", "2026-04-15"]
    assert [v["brugklas_eind"] for v in placed] == ["2026-05-01", "2026-05-01", "2026-07-15"]
    assert placed[2]["brugklas_groep"] == "Brugklas 15 april 2026"
    assert placed[2]["brugklas_plaatsing_toelichting"] == "Brugklas 2 februari 2026 was vol."
    assert placed[0]["brugklas_locatie"] == "Wijkcentrum De Linde"
    # the PIP is written in the last weeks of the group, at least 4 weeks before its legal deadline
    assert placed[0]["pip_opstellen_vanaf"] == "2026-03-02"

    with klantreis.session_factory() as session:
        rows = cohorts.list_cohorts(session, gemeente="demo", since=NOW.date())
        assert [(r.cohort.start, r.bezet, r.vrij) for r in rows][:2] == [(date(2026, 2, 2), 2, 0), (date(2026, 4, 15), 1, 1)]
        # the consulent's task is due when the group starts; the timers follow the cohort
        task = session.scalar(select(UserTask).where(UserTask.case_id == third))
        assert task.element_id == "Task_BrugklasPlannen" and task.due_at.date() == date(2026, 4, 15)
        assert session.scalar(select(Incident).where(Incident.case_id.in_([first, second, third]))) is None


def test_two_placements_at_once_never_share_the_last_seat(klantreis):
    start_brugklas(klantreis, "Amina Yusuf")          # one seat of two left in February
    barrier = threading.Barrier(2)
    started: list[str] = []
    errors: list[Exception] = []

    def place(naam: str) -> None:
        barrier.wait()
        for _ in range(5):   # SQLite answers "database is locked" to the slower writer: it tries again
            try:
                started.append(start_brugklas(klantreis, naam))
                return
            except Exception as exc:  # noqa: BLE001 - collected and checked below
                if "locked" not in str(exc):
                    errors.append(exc)
                    return
        errors.append(RuntimeError("gave up"))

    threads = [threading.Thread(target=place, args=(naam,)) for naam in ("Dawit Tesfay", "Hamid Rahimi")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors and len(started) == 2
    starts = sorted(_variables(klantreis, case_id)["brugklas_start"] for case_id in started)
    assert starts == ["2026-02-02", "2026-04-15"]
    with klantreis.session_factory() as session:
        february = session.scalar(select(BrugklasCohort).where(BrugklasCohort.start == date(2026, 2, 2)))
        placed = session.scalars(select(CohortPlaatsing).where(CohortPlaatsing.cohort_id == february.id)).all()
        assert len(placed) == february.capaciteit == 2


def test_attendance_is_recorded_for_everyone_on_the_roster_and_audited(klantreis):
    first, second = start_brugklas(klantreis, "Amina Yusuf"), start_brugklas(klantreis, "Dawit Tesfay")
    with transaction(klantreis.session_factory) as session:
        cohort = session.scalar(select(BrugklasCohort).where(BrugklasCohort.start == date(2026, 2, 2)))
        sessie = cohorts.add_session(session, cohort=cohort, datum=date(2026, 2, 9), tijd="10:00",
                                     onderwerp="Kennismaking en PVT")
        with pytest.raises(Invalid) as refused:
            cohorts.add_session(session, cohort=cohort, datum=date(2026, 5, 4), tijd="25 uur", onderwerp="")
        assert set(refused.value.field_errors) == {"datum", "tijd", "onderwerp"}
        assert cohorts.register_attendance(session, cohort=cohort, sessie_id=sessie.id, present={first},
                                           actor="anna", now=NOW) == 2
        assert cohorts.attendance(session, cohort=cohort) == {(sessie.id, first): True, (sessie.id, second): False}
        with pytest.raises(Invalid):
            cohorts.register_attendance(session, cohort=cohort, sessie_id=sessie.id, present={"someone-else"},
                                        actor="anna", now=NOW)


def test_no_cohort_with_room_is_an_incident_that_a_new_cohort_and_a_retry_clear(klantreis):
    with transaction(klantreis.session_factory) as session:
        from engine.db.models import Gemeente
        gemeente = session.get(Gemeente, "demo")
        gemeente.settings = {"brugklas": {"capaciteit": 1, "vooruit_plannen_maanden": 1}}   # only February ahead
    start_brugklas(klantreis, "Amina Yusuf")
    waiting = start_brugklas(klantreis, "Dawit Tesfay")
    with klantreis.session_factory() as session:
        incident = session.scalar(select(Incident).where(Incident.case_id == waiting, Incident.resolved_at.is_(None)))
        assert incident.element_id == "Service_BrugklasPlaatsen" and "geen brugklasgroep met een vrije plek" in incident.message

    with transaction(klantreis.session_factory) as session:
        cohorts.create_cohort(session, gemeente="demo", naam="Extra groep maart", start=date(2026, 3, 2),
                              eind=date(2026, 5, 29), capaciteit=8, locatie="Stadhuis", actor="tess", now=NOW)
    with transaction(klantreis.session_factory) as session:
        klantreis.engine.retry_incident(session=session, incident_id=incident.id, actor="bea")
    assert _variables(klantreis, waiting)["brugklas_groep"] == "Extra groep maart"
