"""Planning the brugklas: cohorts from the gemeente's fixed start moments, placement, sessions, attendance.

The brugklas is local policy (beleidsplan, chapter 3: "een aantal vaste startmomenten in het
jaar ... een kortdurend programma van circa 3 maanden"), not law: its start moments, length
and group size are gemeente settings (`gemeenten.settings["brugklas"]`) with the defaults
below. Placement puts a case in the earliest cohort that starts on or after the day and has
a free seat; the cohort row is locked first, so two placements never take the same last seat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit
from engine.bpmn.tasktree import add_duration
from engine.cohorts.models import BrugklasCohort, CohortAanwezigheid, CohortPlaatsing, CohortSessie
from engine.db.models import Case, Gemeente
from engine.letters.formatting import datum
from engine.errors import Conflict, Invalid, NotFound

# Policy defaults (beleidsplan ch. 3); a gemeente overrides them in settings["brugklas"].
BRUGKLAS_DEFAULTS: dict[str, Any] = {
    "startmomenten": ["02-01", "04-15", "09-01", "11-15"],   # MM-DD; a weekend day moves to Monday
    "duur": "P3M",                                           # "circa 3 maanden"
    "capaciteit": 15,
    "locatie": "",
    "vooruit_plannen_maanden": 12,                           # cohorts made ahead from the start moments
}


@dataclass(frozen=True)
class CohortRow:
    """A cohort with how many seats are taken, for lists and choices."""

    cohort: BrugklasCohort
    bezet: int

    @property
    def vrij(self) -> int:
        return max(self.cohort.capaciteit - self.bezet, 0)


@dataclass(frozen=True)
class Placement:
    """Where a case was placed, and why not in an earlier cohort."""

    cohort: BrugklasCohort
    toelichting: str


def brugklas_settings(session: Session, gemeente: str) -> dict[str, Any]:
    """The gemeente's brugklas settings over the policy defaults."""
    row = session.get(Gemeente, gemeente)
    own = ((row.settings or {}).get("brugklas") or {}) if row else {}
    return {**BRUGKLAS_DEFAULTS, **own}


def _weekday(day: date) -> date:
    """The day itself, or the Monday after when it falls in a weekend (a group starts on a weekday)."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _end(start: date, duur: str) -> date:
    """The last weekday on or before start + duur (a group ends on a weekday)."""
    end = add_duration(datetime.combine(start, datetime.min.time()), duur).date()
    return end - timedelta(days=end.weekday() - 4) if end.weekday() >= 5 else end


def start_moments(settings: dict[str, Any], since: date, until: date) -> list[date]:
    """The fixed start moments between `since` and `until` (inclusive), each on a weekday."""
    found = []
    for year in range(since.year, until.year + 1):
        for moment in settings["startmomenten"]:
            try:
                month, day = (int(part) for part in str(moment).split("-"))
                start = _weekday(date(year, month, day))
            except ValueError as exc:
                raise Invalid(f"Brugklas-startmoment {moment!r} is geen MM-DD", field_errors={"startmomenten": str(exc)}) from None
            if since <= start <= until:
                found.append(start)
    return sorted(found)


def cohort_name(start: date) -> str:
    """Name a planned cohort by its start: Brugklas 2 februari 2026."""
    return f"Brugklas {datum(start)}"


def ensure_planned_cohorts(session: Session, *, gemeente: str, today: date, actor: str, now: datetime) -> int:
    """Make the cohorts of the fixed start moments for the months ahead that do not exist yet."""
    settings = brugklas_settings(session, gemeente)
    until = add_duration(datetime.combine(today, datetime.min.time()), f"P{int(settings['vooruit_plannen_maanden'])}M").date()
    existing = set(session.scalars(select(BrugklasCohort.start).where(BrugklasCohort.gemeente == gemeente,
                                                                       BrugklasCohort.start >= today)))
    made = 0
    for start in start_moments(settings, today, until):
        if start in existing:
            continue
        eind = _end(start, settings["duur"])
        session.add(BrugklasCohort(gemeente=gemeente, naam=cohort_name(start), start=start, eind=eind,
                                   capaciteit=int(settings["capaciteit"]), locatie=settings["locatie"],
                                   created_at=now, created_by=actor))
        made += 1
    session.flush()
    return made


def create_cohort(session: Session, *, gemeente: str, naam: str, start: date, eind: date, capaciteit: int,
                  locatie: str, actor: str, now: datetime) -> BrugklasCohort:
    """Add a cohort by hand (a coordinator's extra group)."""
    errors = {}
    if not naam.strip():
        errors["naam"] = "Geef de groep een naam."
    if eind <= start:
        errors["eind"] = "De einddatum ligt na de startdatum."
    if capaciteit < 1:
        errors["capaciteit"] = "Een groep heeft minstens 1 plek."
    if errors:
        raise Invalid("De groep is niet goed ingevuld", field_errors=errors)
    cohort = BrugklasCohort(gemeente=gemeente, naam=naam.strip(), start=start, eind=eind, capaciteit=capaciteit,
                            locatie=locatie.strip(), created_at=now, created_by=actor)
    session.add(cohort)
    session.flush()
    return cohort


def list_cohorts(session: Session, *, gemeente: str, since: date | None = None) -> list[CohortRow]:
    """Cohorts of a gemeente by start date, with the seats taken."""
    taken = (select(CohortPlaatsing.cohort_id, func.count().label("n")).group_by(CohortPlaatsing.cohort_id).subquery())
    query = (select(BrugklasCohort, func.coalesce(taken.c.n, 0))
             .outerjoin(taken, taken.c.cohort_id == BrugklasCohort.id)
             .where(BrugklasCohort.gemeente == gemeente).order_by(BrugklasCohort.start, BrugklasCohort.id))
    if since is not None:
        query = query.where(BrugklasCohort.eind >= since)
    return [CohortRow(cohort, int(n)) for cohort, n in session.execute(query)]


def get_cohort(session: Session, *, gemeente: str, cohort_id: int) -> BrugklasCohort:
    cohort = session.get(BrugklasCohort, cohort_id)
    if cohort is None or cohort.gemeente != gemeente:
        raise NotFound("Deze brugklasgroep bestaat niet")
    return cohort


def _lock(session: Session, cohort_id: int) -> BrugklasCohort:
    query = select(BrugklasCohort).where(BrugklasCohort.id == cohort_id).execution_options(populate_existing=True)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.execute(query).scalar_one()


def _taken(session: Session, cohort_id: int) -> int:
    return session.scalar(select(func.count()).select_from(CohortPlaatsing).where(CohortPlaatsing.cohort_id == cohort_id))


def place_case(session: Session, *, case: Case, today: date, actor: str, now: datetime) -> Placement:
    """Place `case` in the earliest cohort starting on or after `today` with a free seat.

    Called with the case row already locked (the engine's step); each candidate cohort row
    is locked before its seats are counted, so the lock order is case, then cohort.
    """
    current = session.scalar(select(CohortPlaatsing).join(BrugklasCohort)
                             .where(CohortPlaatsing.case_id == case.id, BrugklasCohort.eind >= today))
    if current is not None:
        cohort = session.get(BrugklasCohort, current.cohort_id)
        return Placement(cohort, current.toelichting)
    ensure_planned_cohorts(session, gemeente=case.gemeente, today=today, actor=actor, now=now)
    candidates = session.scalars(select(BrugklasCohort.id).where(BrugklasCohort.gemeente == case.gemeente,
                                                                 BrugklasCohort.start >= today)
                                 .order_by(BrugklasCohort.start, BrugklasCohort.id)).all()
    full: list[str] = []
    for cohort_id in candidates:
        cohort = _lock(session, cohort_id)
        if _taken(session, cohort_id) >= cohort.capaciteit:
            full.append(cohort.naam)
            continue
        toelichting = f"{', '.join(full)} {'was' if len(full) == 1 else 'waren'} vol." if full else ""
        session.add(CohortPlaatsing(cohort_id=cohort.id, case_id=case.id, geplaatst_op=now, geplaatst_door=actor,
                                    toelichting=toelichting))
        session.flush()
        audit.record(session=session, actor=actor, action="brugklas_plaatsing", at=now, case=case,
                     detail={"cohort": cohort.naam, "start": cohort.start.isoformat(), "toelichting": toelichting})
        return Placement(cohort, toelichting)
    raise Conflict("Er is geen brugklasgroep met een vrije plek. Maak een groep aan op de brugklaspagina "
                   "en probeer de stap opnieuw.")


def add_session(session: Session, *, cohort: BrugklasCohort, datum: date, tijd: str, onderwerp: str) -> CohortSessie:
    errors = {}
    if not (cohort.start <= datum <= cohort.eind):
        errors["datum"] = f"Kies een datum tussen {cohort.start:%d-%m-%Y} en {cohort.eind:%d-%m-%Y}."
    if not onderwerp.strip():
        errors["onderwerp"] = "Vul het onderwerp in."
    if tijd and not (len(tijd) == 5 and tijd[2] == ":" and tijd.replace(":", "").isdigit()):
        errors["tijd"] = "Schrijf de tijd als uu:mm."
    if errors:
        raise Invalid("De bijeenkomst is niet goed ingevuld", field_errors=errors)
    sessie = CohortSessie(cohort_id=cohort.id, datum=datum, tijd=tijd, onderwerp=onderwerp.strip()[:200])
    session.add(sessie)
    session.flush()
    return sessie


def roster(session: Session, *, cohort: BrugklasCohort) -> list[tuple[CohortPlaatsing, Case]]:
    """Who is placed in the cohort, in order of placement."""
    return list(session.execute(select(CohortPlaatsing, Case).join(Case, Case.id == CohortPlaatsing.case_id)
                                .where(CohortPlaatsing.cohort_id == cohort.id).order_by(CohortPlaatsing.id)).tuples())


def attendance(session: Session, *, cohort: BrugklasCohort) -> dict[tuple[int, str], bool]:
    """(session id, case id) -> attended, for every registration in the cohort."""
    rows = session.execute(select(CohortAanwezigheid.sessie_id, CohortAanwezigheid.case_id, CohortAanwezigheid.aanwezig)
                           .join(CohortSessie, CohortSessie.id == CohortAanwezigheid.sessie_id)
                           .where(CohortSessie.cohort_id == cohort.id))
    return {(sessie_id, case_id): aanwezig for sessie_id, case_id, aanwezig in rows}


def register_attendance(session: Session, *, cohort: BrugklasCohort, sessie_id: int, present: set[str],
                        actor: str, now: datetime) -> int:
    """Record who attended a session (everyone on the roster: present or absent); returns how many."""
    sessie = session.get(CohortSessie, sessie_id)
    if sessie is None or sessie.cohort_id != cohort.id:
        raise NotFound("Deze bijeenkomst bestaat niet")
    placed = {case.id: case for _, case in roster(session, cohort=cohort)}
    unknown = present - set(placed)
    if unknown:
        raise Invalid("Iemand die niet in de groep zit kan niet aanwezig zijn", field_errors={"aanwezig": "onbekende deelnemer"})
    existing = {row.case_id: row for row in session.scalars(select(CohortAanwezigheid).where(CohortAanwezigheid.sessie_id == sessie.id))}
    for case_id, case in placed.items():
        row = existing.get(case_id)
        attended = case_id in present
        if row is None:
            session.add(CohortAanwezigheid(sessie_id=sessie.id, case_id=case_id, aanwezig=attended,
                                           geregistreerd_op=now, geregistreerd_door=actor))
        elif row.aanwezig != attended:
            row.aanwezig, row.geregistreerd_op, row.geregistreerd_door = attended, now, actor
        audit.record(session=session, actor=actor, action="brugklas_aanwezigheid", at=now, case=case,
                     detail={"sessie": sessie.onderwerp, "datum": sessie.datum.isoformat(), "aanwezig": attended})
    session.flush()
    return len(placed)


def placement_of(session: Session, *, case_id: str) -> BrugklasCohort | None:
    """The cohort a case is placed in (the latest placement), or None."""
    return session.scalar(select(BrugklasCohort).join(CohortPlaatsing, CohortPlaatsing.cohort_id == BrugklasCohort.id)
                          .where(CohortPlaatsing.case_id == case_id).order_by(CohortPlaatsing.id.desc()).limit(1))
