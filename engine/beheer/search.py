"""Find cases of a gemeente by case number, name or exact BSN, narrowed by status.

The BSN comes in a POST body only (never a URL or a log line); each case found is
a read of personal data and is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine import audit
from engine.db.models import Case, Incident, ProcessDefinition
from engine.errors import Invalid

STATUSES = {"": "alle", "active": "loopt", "completed": "afgerond", "incident": "met storing"}
LIMIT = 50


@dataclass(frozen=True)
class CaseSearch:
    """What the beheerder searches for; at least one of text and bsn."""

    text: str = ""
    bsn: str = ""
    status: str = ""


@dataclass(frozen=True)
class CaseHit:
    """One case found, with what the result list shows."""

    case: Case
    process_id: str
    version: int
    open_incidents: int


def parse_search(*, text: str = "", bsn: str = "", status: str = "") -> CaseSearch:
    """Check the search form; Invalid names each field that is wrong."""
    text, bsn, status = text.strip()[:200], bsn.strip().replace(" ", ""), status.strip()
    problems: dict[str, str] = {}
    if bsn and not (bsn.isdigit() and len(bsn) == 9):
        problems["bsn"] = "Een BSN heeft 9 cijfers."
    if status not in STATUSES:
        problems["status"] = "Kies een status uit de lijst."
    if not text and not bsn and not status:
        problems["text"] = "Vul een zaaknummer, naam of BSN in, of kies een status."
    if problems:
        raise Invalid("Zoeken lukt niet.", field_errors=problems)
    return CaseSearch(text=text, bsn=bsn, status=status)


def search_cases(*, session: Session, gemeente: str, search: CaseSearch, actor: str, now: datetime,
                 limit: int = LIMIT) -> list[CaseHit]:
    """Return the gemeente's cases matching the search and audit each one shown."""
    open_incidents = (
        select(Incident.case_id, Incident.id).where(Incident.resolved_at.is_(None), Incident.gemeente == gemeente)
        .subquery()
    )
    stmt = (
        select(Case, ProcessDefinition.process_id, ProcessDefinition.version)
        .join(ProcessDefinition, ProcessDefinition.id == Case.definition_id)
        .where(Case.gemeente == gemeente)
        .order_by(Case.case_number.desc())
        .limit(limit)
    )
    if search.bsn:
        stmt = stmt.where(Case.bsn == search.bsn)
    if search.text:
        escaped = search.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(or_(Case.case_number == search.text.upper(),
                              Case.naam.ilike(f"%{escaped}%", escape="\\")))
    if search.status == "incident":
        stmt = stmt.where(Case.id.in_(select(open_incidents.c.case_id)))
    elif search.status:
        stmt = stmt.where(Case.status == search.status)
    rows = session.execute(stmt).all()
    counts: dict[str, int] = {}
    if rows:
        for case_id in session.execute(
            select(open_incidents.c.case_id).where(open_incidents.c.case_id.in_([c.id for c, _, _ in rows]))
        ).scalars():
            counts[case_id] = counts.get(case_id, 0) + 1
    hits = [CaseHit(case=c, process_id=pid, version=v, open_incidents=counts.get(c.id, 0)) for c, pid, v in rows]
    for hit in hits:
        audit.record(session=session, actor=actor, action="view", at=now, case=hit.case,
                     detail={"what": "beheer:zoeken"})
    return hits
