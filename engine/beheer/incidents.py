"""Open incidents across all cases of a gemeente, and retrying them with the true outcome.

A retry resolves the incident and runs its step again. When the step fails again,
the runner makes a new incident in the same transaction; `retry_incidents` looks for
it, so the beheerder is told "mislukt opnieuw" instead of "gelukt".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit
from engine.db.models import Case, Incident, ProcessDefinition
from engine.errors import AppError, Invalid

PAGE_SIZE = 100
MAX_RETRY = 200


@dataclass(frozen=True)
class IncidentFilter:
    """What the incident list is narrowed to; empty fields do not filter."""

    process: str = ""
    element: str = ""
    text: str = ""
    min_age_days: int | None = None


@dataclass(frozen=True)
class IncidentRow:
    """One open incident with its case's number and name."""

    incident: Incident
    case_id: str
    case_number: str
    naam: str | None
    process_id: str


@dataclass(frozen=True)
class RetryOutcome:
    """What a retry of one incident really did."""

    incident_id: int
    case_id: str | None
    case_number: str | None
    status: str  # gelukt | opnieuw_mislukt | geweigerd
    message: str
    new_incident_id: int | None = None

    @property
    def succeeded(self) -> bool:
        """Tell whether the step got past its failure."""
        return self.status == "gelukt"


def parse_filter(*, process: str = "", element: str = "", text: str = "", min_age_days: str | int | None = "") -> IncidentFilter:
    """Build a filter from form or query values; Invalid names the field that is wrong."""
    age: int | None = None
    if min_age_days not in (None, ""):
        try:
            age = int(str(min_age_days).strip())
        except ValueError:
            age = -1
        if age < 0 or age > 3650:
            raise Invalid("Het filter klopt niet.", field_errors={"min_age_days": "Vul een aantal dagen in (0 of meer)."})
    return IncidentFilter(process=process.strip()[:100], element=element.strip()[:100], text=text.strip()[:200],
                          min_age_days=age)


def list_incidents(*, session: Session, gemeente: str, where: IncidentFilter, now: datetime,
                   limit: int = PAGE_SIZE) -> list[IncidentRow]:
    """Return the gemeente's open incidents matching the filter, oldest first."""
    stmt = (
        select(Incident, Case.case_number, Case.naam, ProcessDefinition.process_id)
        .join(Case, Case.id == Incident.case_id)
        .join(ProcessDefinition, ProcessDefinition.id == Case.definition_id)
        .where(Incident.gemeente == gemeente, Case.gemeente == gemeente, Incident.resolved_at.is_(None))
        .order_by(Incident.created_at, Incident.id)
        .limit(limit)
    )
    if where.process:
        stmt = stmt.where(ProcessDefinition.process_id == where.process)
    if where.element:
        stmt = stmt.where(Incident.element_id == where.element)
    if where.text:
        stmt = stmt.where(Incident.message.ilike(f"%{_escape_like(where.text)}%", escape="\\"))
    if where.min_age_days is not None:
        stmt = stmt.where(Incident.created_at <= now - timedelta(days=where.min_age_days))
    return [IncidentRow(incident=i, case_id=i.case_id, case_number=number, naam=naam, process_id=pid)
            for i, number, naam, pid in session.execute(stmt)]


def count_open(*, session: Session, gemeente: str) -> int:
    """Return how many incidents of the gemeente are open."""
    return session.execute(
        select(func.count()).select_from(Incident).where(Incident.gemeente == gemeente, Incident.resolved_at.is_(None))
    ).scalar_one()


def filter_choices(*, session: Session, gemeente: str) -> tuple[list[str], list[str]]:
    """Return the processes and element ids that have open incidents (for the filter's lists)."""
    rows = session.execute(
        select(ProcessDefinition.process_id, Incident.element_id)
        .join(Case, Case.id == Incident.case_id)
        .join(ProcessDefinition, ProcessDefinition.id == Case.definition_id)
        .where(Incident.gemeente == gemeente, Incident.resolved_at.is_(None))
        .distinct()
    ).all()
    return sorted({p for p, _ in rows}), sorted({e for _, e in rows if e})


def record_reads(*, session: Session, rows: list[IncidentRow], actor: str, gemeente: str, now: datetime,
                 what: str) -> None:
    """Audit one read per case shown to the beheerder (names are personal data)."""
    for case_id in dict.fromkeys(r.case_id for r in rows):
        audit.record(session=session, actor=actor, action="view", at=now, case_id=case_id, gemeente=gemeente,
                     detail={"what": what})


def retry_incidents(engine, *, session: Session, incident_ids: list[int], actor: str,
                    gemeente: str | None) -> list[RetryOutcome]:
    """Retry each incident in its own savepoint; report per incident whether the step now got through.

    `gemeente` None (the `regie` command of the installation's beheerder) retries any gemeente's incident.
    """
    ids = list(dict.fromkeys(incident_ids))
    if not ids:
        raise Invalid("Kies een of meer storingen.", field_errors={"incident_ids": "Kies een of meer storingen."})
    if len(ids) > MAX_RETRY:
        raise Invalid("Te veel storingen tegelijk.",
                      field_errors={"incident_ids": f"Kies hoogstens {MAX_RETRY} storingen tegelijk."})
    return [_retry_one(engine, session, incident_id, actor, gemeente) for incident_id in ids]


def _retry_one(engine, session: Session, incident_id: int, actor: str, gemeente: str | None) -> RetryOutcome:
    incident = session.get(Incident, incident_id)
    if incident is not None and gemeente is not None and incident.gemeente != gemeente:
        incident = None
    if incident is None:
        return RetryOutcome(incident_id, None, None, "geweigerd", "Deze storing bestaat niet.")
    case_id = incident.case_id
    case_number = session.execute(select(Case.case_number).where(Case.id == case_id)).scalar_one()
    before = _open_incident_ids(session, case_id)
    try:
        with session.begin_nested():
            engine.retry_incident(session=session, incident_id=incident.id, actor=actor, gemeente=gemeente)
    except AppError as exc:
        return RetryOutcome(incident_id, case_id, case_number, "geweigerd", exc.message)
    new = sorted(_open_incident_ids(session, case_id) - before)
    if new:
        message = session.get(Incident, new[0]).message
        return RetryOutcome(incident_id, case_id, case_number, "opnieuw_mislukt",
                            f"De stap is opnieuw mislukt: {message}", new_incident_id=new[0])
    return RetryOutcome(incident_id, case_id, case_number, "gelukt", "De stap is nu gelukt.")


def _open_incident_ids(session: Session, case_id: str) -> set[int]:
    return set(session.execute(
        select(Incident.id).where(Incident.case_id == case_id, Incident.resolved_at.is_(None))
    ).scalars())


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
