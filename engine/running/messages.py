"""Messages to a case: by case id or by correlation key (BSN), idempotent per message id.

Every message is stored, whatever happens to it: processed, a duplicate, or
refused (unknown correlation, or the case is not waiting for it). A refused
message is kept for inspection with the reason, and the caller is told why.

A *data message* (registered with `HandlerRegistry.register_data_message`, e.g. `pw_maatregel`)
is not an event the diagram waits for: it changes case variables on any running case, in every
open branch and subprocess, in the same transaction as the case state. Bad data in it raises
`Invalid` (the whole command is refused, nothing is stored).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import audit
from engine.bpmn.specs import RegieMessageEventDefinition
from engine.bpmn.tasktree import OPEN, all_tasks, current_variables
from engine.clock import use_clock
from engine.db.models import Case, Message
from engine.running.runner import CaseStepper


@dataclass(frozen=True)
class MessageOutcome:
    """What happened to a message: processed, duplicate or refused (with the reason)."""

    status: str
    message_id: str
    case_id: str | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        """Tell whether the message reached (or had already reached) its case."""
        return self.status in ("processed", "duplicate")


def waiting_message_names(workflow) -> set[str]:
    """Return the names of the messages a workflow can receive now."""
    names: set[str] = set()
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        for d in getattr(definition, "event_definitions", None) or [definition]:
            if isinstance(d, MessageEventDefinition):
                names.add(d.name)
    return names


def send_message(
    engine: "CaseStepper",
    *,
    session: Session,
    name: str,
    message_id: str,
    actor: str,
    case_id: str | None = None,
    bsn: str | None = None,
    gemeente: str | None = None,
    payload: Mapping[str, Any] | None = None,
) -> MessageOutcome:
    """Deliver a message to a case; store it in every outcome (see module docstring)."""
    payload = dict(payload or {})
    now = engine.now(session)
    previous = session.execute(select(Message).where(Message.message_id == message_id)).scalar_one_or_none()
    if previous is not None:
        return MessageOutcome("duplicate", message_id, previous.case_id,
                              f"Bericht {message_id} is al ontvangen op {previous.received_at:%Y-%m-%d %H:%M}")
    record = Message(message_id=message_id, name=name, gemeente=gemeente, case_id=None, payload=audit.redact(payload),
                     status="refused", received_at=now, received_by=actor)
    savepoint = session.begin_nested()
    try:
        session.add(record)
        session.flush()
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        return MessageOutcome("duplicate", message_id, None, f"Bericht {message_id} is al ontvangen")

    case = _find_case(session, case_id=case_id, bsn=bsn, gemeente=gemeente)
    if case is None:
        return _refuse(session, record, "Geen lopend dossier gevonden voor dit bericht")
    record.case_id = case.id
    record.gemeente = case.gemeente
    case = engine.lock_case(session, case.id)
    workflow = engine.load(session, case)
    apply = engine.handlers.data_message(name)
    if apply is not None:
        runner = engine.open_runner(session, case, workflow, actor, now)
        changes = dict(apply(current_variables(workflow), payload, now))
        set_variables(workflow, changes)
        record.status = "processed"
        audit.record(session=session, actor=actor, action="message", at=now, case=case,
                     detail={"name": name, "message_id": message_id, "data": audit.redact(payload)})
        engine.finish(runner)
        return MessageOutcome("processed", message_id, case.id)
    if name not in waiting_message_names(workflow):
        return _refuse(session, record, f"Het dossier wacht niet op bericht {name!r}")
    runner = engine.open_runner(session, case, workflow, actor, now)
    with use_clock(now):
        workflow.send_event(BpmnEvent(RegieMessageEventDefinition(name), {"payload": payload, "result_var": None}))
    record.status = "processed"
    audit.record(session=session, actor=actor, action="message", at=now, case=case,
                 detail={"name": name, "message_id": message_id, "data": audit.redact(payload)})
    engine.finish(runner)
    return MessageOutcome("processed", message_id, case.id)


def set_variables(workflow, changes: Mapping[str, Any]) -> None:
    """Give every open task (and the parent a waiting event copies its data from) these variables.

    Camunda 7's process variables: a value set from outside reaches every open branch and
    every running subprocess; tasks not yet reached take it from their parents.
    """
    if not changes:
        return
    for task in all_tasks(workflow):
        if task.state & OPEN:
            task.data.update(changes)
            if task.has_state(TaskState.WAITING) and task.parent is not None:
                task.parent.data.update(changes)
    workflow.data.update(changes)


def _find_case(session: Session, *, case_id, bsn, gemeente) -> Case | None:
    if case_id:
        case = session.get(Case, case_id)
        if case is None or (gemeente is not None and case.gemeente != gemeente):
            return None
        return case if case.status == "active" else None
    if bsn:
        query = select(Case).where(Case.bsn == bsn, Case.status == "active")
        if gemeente is not None:
            query = query.where(Case.gemeente == gemeente)
        return session.execute(query.order_by(Case.created_at.desc())).scalars().first()
    return None


def _refuse(session: Session, record: Message, reason: str) -> MessageOutcome:
    record.status = "refused"
    record.error = reason
    audit.record(session=session, actor=record.received_by, action="message_refused", at=record.received_at,
                 case_id=record.case_id, gemeente=record.gemeente,
                 detail={"name": record.name, "message_id": record.message_id, "reason": reason})
    session.flush()
    return MessageOutcome("refused", record.message_id, record.case_id, reason)
