"""`regie case`: everything about one case in one structure (state, tasks, timers, incidents, audit)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.db.models import AuditEntry, Incident, Job, Timer, UserTask
from engine.running.runner import CaseStepper


def case_overview(engine: "CaseStepper", *, session: Session, case_id: str, actor: str) -> dict[str, Any]:
    """Return a case's state, open tasks, timers, incidents and audit log; records the read."""
    case = engine.get_case(session=session, case_id=case_id)
    now = engine.now(session)
    audit.record(session=session, actor=actor, action="view", at=now, case=case, detail={"via": "cli"})
    tasks = session.execute(select(UserTask).where(UserTask.case_id == case.id)).scalars()
    timers = session.execute(select(Timer).where(Timer.case_id == case.id).order_by(Timer.due_at)).scalars()
    incidents = session.execute(select(Incident).where(Incident.case_id == case.id)).scalars()
    waiting = session.execute(select(Job).where(Job.case_id == case.id)).scalars()
    entries = session.execute(select(AuditEntry).where(AuditEntry.case_id == case.id).order_by(AuditEntry.id)).scalars()
    return {
        "case": {"id": case.id, "number": case.case_number, "gemeente": case.gemeente, "status": case.status,
                 "definition": case.definition_id, "version": case.version, "naam": case.naam,
                 "doelgroep": case.doelgroep, "leerroute": case.leerroute},
        "variables": audit.redact(engine.case_variables(session=session, case=case)),
        "open_tasks": [{"id": t.id, "element": t.element_id, "name": t.name, "groups": t.candidate_groups,
                        "assignee": t.assignee, "due": t.due_at, "legal_deadline": t.legal_deadline} for t in tasks],
        "timers": [{"element": t.element_id, "name": t.name, "due": t.due_at} for t in timers],
        "waiting": [{"element": j.element_id, "topic": j.topic, "reason": j.wait_reason} for j in waiting],
        "incidents": [{"id": i.id, "element": i.element_id, "kind": i.kind, "message": i.message,
                       "resolved_at": i.resolved_at} for i in incidents],
        "audit": [{"at": e.at, "actor": e.actor, "action": e.action, "element": e.element_id, "detail": e.detail}
                  for e in entries],
    }
