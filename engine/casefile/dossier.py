"""The case dossier read model: everything a consultant needs beside a task, in one object.

It reads case rows, the case variables (handed in by the caller, who got them from the
engine), open tasks, incidents, notes, letters and the audit timeline, always filtered
by the reader's gemeente: another gemeente's case does not exist for the reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.teams import team_name
from engine import audit
from engine.casefile.notes import CaseNote, list_notes
from engine.db.models import AuditEntry, Case, Incident, User, UserTask
from engine.errors import Conflict, NotFound
from engine.letters.languages import language_name

Z_ROUTE_HOURS = 800
"""Course hours and participation hours of the Z-route (Besluit inburgering 2021, 3.14)."""

TIMELINE_LIMIT = 200
CLOSED_VIOLATION_STATES = frozenset({"afgehandeld", "vervallen", "ingetrokken", "geen_boete"})


@dataclass(frozen=True)
class Fact:
    """One labelled value of the dossier (value None means unknown)."""

    label: str
    value: Any
    kind: str = "text"  # text | date | hours


@dataclass
class Dossier:
    """The case as the task page and the case page show it."""

    case: Case
    person: list[Fact]
    traject: list[Fact]
    violations: list[dict[str, Any]]
    open_tasks: list[UserTask]
    incidents: list[Incident]
    notes: list[CaseNote]
    timeline: list[AuditEntry]
    letters: Sequence[Any] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    team: str | None = None  # the team that works the case (engine/access/teams.py)


def get_case(*, session: Session, case_id: str, gemeente: str) -> Case:
    """Return the case of this gemeente, or raise NotFound (also for another gemeente's case)."""
    case = session.execute(
        select(Case).where(Case.id == case_id, Case.gemeente == gemeente)
    ).scalar_one_or_none()
    if case is None:
        raise NotFound("Deze zaak bestaat niet.")
    return case


def get_task(*, session: Session, task_id: str, gemeente: str) -> UserTask:
    """Return the open task of this gemeente; Conflict when it was completed, else NotFound."""
    task = session.execute(
        select(UserTask).where(UserTask.id == task_id, UserTask.gemeente == gemeente)
    ).scalar_one_or_none()
    if task is None:
        done = session.execute(
            select(AuditEntry.actor)
            .where(AuditEntry.gemeente == gemeente, AuditEntry.action == "complete")
            .where(AuditEntry.detail["task_id"].as_string() == task_id)
            .limit(1)
        ).scalar_one_or_none()
        if done is not None:
            raise Conflict("Deze taak is al afgerond door een collega.")
        raise NotFound("Deze taak bestaat niet.")
    return task


def get_incident(*, session: Session, incident_id: int, gemeente: str) -> Incident:
    """Return the incident of this gemeente, or raise NotFound."""
    incident = session.execute(
        select(Incident).where(Incident.id == incident_id, Incident.gemeente == gemeente)
    ).scalar_one_or_none()
    if incident is None:
        raise NotFound("Deze storing bestaat niet.")
    return incident


def record_view(*, session: Session, case: Case, actor: str, now: datetime, what: str = "case") -> None:
    """Audit that `actor` read the case (who, when, which page or API)."""
    audit.record(session=session, actor=actor, action="view", at=now, case=case, detail={"what": what})


def _display_name(session: Session, username: str | None) -> str | None:
    if not username:
        return None
    user = session.scalar(select(User).where(User.username == username))
    return user.display_name if user else username


def _cohort(v: dict[str, Any]) -> str | None:
    """The brugklas group with its dates and place, as one line."""
    if not v.get("brugklas_groep"):
        return None
    start, eind = case_date(v.get("brugklas_start")), case_date(v.get("brugklas_eind"))
    when = f" van {start:%d-%m-%Y} tot {eind:%d-%m-%Y}" if start and eind else ""
    where = f", {v['brugklas_locatie']}" if v.get("brugklas_locatie") else ""
    return f"{v['brugklas_groep']}{when}{where}"


def build_dossier(
    *, session: Session, case: Case, variables: dict[str, Any], letters: Sequence[Any] = ()
) -> Dossier:
    """Collect the dossier of `case` from its variables, rows, notes and audit log."""
    v = variables
    address = " ".join(str(p) for p in (v.get("straat"), v.get("huisnummer")) if p)
    place = " ".join(str(p) for p in (v.get("postcode"), v.get("woonplaats")) if p)
    person = [
        Fact("Naam", case.naam or v.get("naam")),
        Fact("BSN", mask_bsn(case.bsn or v.get("bsn"))),
        Fact("Geboortedatum", case_date(v.get("geboortedatum")), "date"),
        Fact("Adres", ", ".join(p for p in (address, place) if p) or None),
        Fact("Taal", language_name(v.get("taal"))),
        Fact("Tolk nodig", _yes_no(v.get("tolk_nodig"))),
    ]
    route = case.leerroute or v.get("leerroute")
    traject = [
        Fact("Doelgroep", case.doelgroep or v.get("doelgroep")),
        Fact("Leerroute", route),
        Fact("Brugklasgroep", _cohort(v)),
        Fact("Uitslag leerbaarheidstoets", v.get("lbt_uitslag")),
        Fact("PIP uiterlijk (wettelijk)", case_date(v.get("pip_deadline")), "date"),
        Fact("Datum PIP-beschikking", case_date(v.get("pip_dagtekening")), "date"),
        Fact("PIP bij DUO", v.get("duo_pip_status")),  # "ontvangen door DUO" (engine/duo/sender.py)
        Fact("Einde inburgeringstermijn", case_date(v.get("termijn_eind")), "date"),
        Fact("Uren cursus", _hours(v.get("uren_cursus"), route), "hours"),
        Fact("Uren participatie", _hours(v.get("uren_participatie"), route), "hours"),
        Fact("Klantmanager", _display_name(session, case.klantmanager)),
    ]
    return Dossier(
        case=case,
        person=person,
        traject=traject,
        violations=open_violations(v),
        open_tasks=_open_tasks(session, case),
        incidents=_open_incidents(session, case),
        notes=list_notes(session=session, case=case),
        timeline=timeline(session=session, case=case),
        letters=list(letters),
        variables=dict(variables),
        team=team_name(session, case.team_id),
    )


def timeline(*, session: Session, case: Case, limit: int = TIMELINE_LIMIT) -> list[AuditEntry]:
    """Return what happened to the case (reads left out), newest first."""
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.case_id == case.id, AuditEntry.gemeente == case.gemeente, AuditEntry.action != "view")
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return list(session.execute(stmt).scalars())


def audit_log(*, session: Session, case: Case, limit: int = 500) -> list[AuditEntry]:
    """Return every audit row of the case, reads included, newest first."""
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.case_id == case.id, AuditEntry.gemeente == case.gemeente)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return list(session.execute(stmt).scalars())


def open_violations(variables: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the case's recorded violations (`overtredingen`) that are not closed."""
    found = variables.get("overtredingen") or []
    if not isinstance(found, list):
        return []
    return [
        item
        for item in found
        if isinstance(item, dict) and str(item.get("status", "open")).lower() not in CLOSED_VIOLATION_STATES
    ]


def mask_bsn(bsn: Any) -> str | None:
    """Show only the last three digits of a BSN."""
    if not bsn:
        return None
    text = str(bsn)
    return "•" * (len(text) - 3) + text[-3:]


def _open_tasks(session: Session, case: Case) -> list[UserTask]:
    stmt = (
        select(UserTask)
        .where(UserTask.case_id == case.id, UserTask.gemeente == case.gemeente)
        .order_by(UserTask.created_at)
    )
    return list(session.execute(stmt).scalars())


def _open_incidents(session: Session, case: Case) -> list[Incident]:
    stmt = (
        select(Incident)
        .where(Incident.case_id == case.id, Incident.gemeente == case.gemeente, Incident.resolved_at.is_(None))
        .order_by(Incident.created_at)
    )
    return list(session.execute(stmt).scalars())


def case_date(value: Any) -> date | None:
    """A date from case data (date, datetime or ISO text), or None when it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _yes_no(value: Any) -> str | None:
    if value is None:
        return None
    return "ja" if value in (True, "true", "ja", 1) else "nee"


def _hours(value: Any, route: str | None) -> str | None:
    if value is None:
        return None
    if route == "Z":
        return f"{value} van {Z_ROUTE_HOURS}"
    return str(value)
