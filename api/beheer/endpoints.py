"""The beheer JSON API: retry incidents with their true outcome, bulk migration, case search by POST."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.beheer import services
from api.beheer.access import BeheerApiUser
from api.deps import Now, Runtime, SessionDep
from engine.beheer.incidents import parse_filter

router = APIRouter(prefix="/beheer", tags=["beheer"])


class IncidentOut(BaseModel):
    """An open incident and its case."""

    id: int
    case_id: str
    case_number: str
    process_id: str
    element_id: str | None
    message: str
    created_at: str


class RetryIn(BaseModel):
    """Which incidents to retry."""

    incident_ids: list[int] = Field(min_length=1, max_length=200)


class RetryOut(BaseModel):
    """What the retry of one incident really did (`gelukt`, `opnieuw_mislukt` or `geweigerd`)."""

    incident_id: int
    case_id: str | None
    status: str
    message: str
    new_incident_id: int | None


class MigrationIn(BaseModel):
    """Which version's running cases to move to the newest version; `dry_run` changes nothing."""

    definition_id: str
    dry_run: bool = True


class MigrationCaseOut(BaseModel):
    """One case of a bulk migration."""

    case_id: str
    case_number: str
    safe: bool
    migrated: bool
    reasons: list[str]


class MigrationOut(BaseModel):
    """The result of a bulk migration or its dry run."""

    from_definition: str
    to_definition: str
    dry_run: bool
    cases: list[MigrationCaseOut]


class SearchIn(BaseModel):
    """A case search; the BSN travels in this body only, never in a URL."""

    text: str = ""
    bsn: str = ""
    status: str = ""


class CaseHitOut(BaseModel):
    """A case found by the search (the BSN is not echoed)."""

    id: str
    case_number: str
    naam: str | None
    status: str
    process_id: str
    version: int
    open_incidents: int


@router.get("/incidents", response_model=list[IncidentOut])
def incidents(session: SessionDep, user: BeheerApiUser, now: Now, process: str = "", element: str = "",
              text: str = "", min_age_days: str = "") -> list[IncidentOut]:
    """List the open incidents of the gemeente, filtered by process, step, error text and age."""
    where = parse_filter(process=process, element=element, text=text, min_age_days=min_age_days)
    return [IncidentOut(id=r.incident.id, case_id=r.case_id, case_number=r.case_number, process_id=r.process_id,
                        element_id=r.incident.element_id, message=r.incident.message,
                        created_at=r.incident.created_at.isoformat())
            for r in services.incident_list(session=session, user=user, where=where, now=now)]


@router.post("/incidents/retry", response_model=list[RetryOut])
def retry(body: RetryIn, session: SessionDep, runtime: Runtime, user: BeheerApiUser) -> list[RetryOut]:
    """Retry incidents; each result says whether the step got through or failed again."""
    return [RetryOut(incident_id=o.incident_id, case_id=o.case_id, status=o.status, message=o.message,
                     new_incident_id=o.new_incident_id)
            for o in services.retry(session=session, runtime=runtime, user=user, incident_ids=body.incident_ids)]


@router.post("/migrations", response_model=MigrationOut)
def migrate(body: MigrationIn, session: SessionDep, runtime: Runtime, user: BeheerApiUser) -> MigrationOut:
    """Move a version's running cases to the newest version (or only check, with dry_run)."""
    result = services.migrate(session=session, runtime=runtime, user=user, definition_id=body.definition_id,
                              dry_run=body.dry_run)
    return MigrationOut(from_definition=result.from_definition, to_definition=result.to_definition,
                        dry_run=result.dry_run,
                        cases=[MigrationCaseOut(case_id=c.case_id, case_number=c.case_number, safe=c.safe,
                                                migrated=c.migrated, reasons=list(c.reasons)) for c in result.cases])


@router.post("/cases/search", response_model=list[CaseHitOut])
def search(body: SearchIn, session: SessionDep, user: BeheerApiUser, now: Now) -> list[CaseHitOut]:
    """Find cases by case number, name or BSN (in the body), with a status filter."""
    hits = services.find_cases(session=session, user=user, text=body.text, bsn=body.bsn, status=body.status, now=now)
    return [CaseHitOut(id=h.case.id, case_number=h.case.case_number, naam=h.case.naam, status=h.case.status,
                       process_id=h.process_id, version=h.version, open_incidents=h.open_incidents) for h in hits]
