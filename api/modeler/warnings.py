"""Deploy warnings for Camunda Modeler, which shows a server's words only when a deploy fails.

Camunda Modeler (Camunda 7 deployment tool, `CamundaAPI.deployDiagram`) reads only `id`
and `deployedProcessDefinitions` from a successful deploy; on a failed one it writes the
response's `message` to its log panel. Its Problems panel is filled by its own linter, never
by the server. So a deploy from Modeler whose only problems are warnings is held back once:
the answer is 400 with the warnings, in Dutch, and the same files deployed again by the same
person within `CONFIRM_WINDOW` go through. Other clients (CLI, JSON) get the warnings with
their successful deploy, as before.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.db.models import AuditEntry
from engine.errors import Problem

MODELER_SOURCE = "Camunda Modeler"
CONFIRM_WINDOW = timedelta(hours=1)


class WarningsFirst(Exception):
    """Raised inside the deploy's transaction to undo it and show the warnings first."""

    def __init__(self, warnings: list[Problem], content_hash: str) -> None:
        super().__init__(f"{len(warnings)} deploy warnings")
        self.warnings = warnings
        self.content_hash = content_hash


def problem_lines(problems: list[Problem]) -> str:
    """Return one line per problem as Modeler's log shows them: message, file, element."""
    return "\n".join(f"* {p.message} | bestand {p.file}" + (f" | element {p.element_id}" if p.element_id else "")
                     for p in problems)


def held_back(*, session: Session, source: str, actor: str, warnings: list[Problem], duplicate: bool,
              content_hash: str, now: datetime) -> bool:
    """Tell whether this deploy must first show its warnings (from Modeler, not confirmed yet)."""
    if source != MODELER_SOURCE or not warnings or duplicate:
        return False
    confirmed = session.execute(
        select(AuditEntry.id).where(
            AuditEntry.action == "deploy_warned", AuditEntry.actor == actor, AuditEntry.at >= now - CONFIRM_WINDOW,
            AuditEntry.detail["content_hash"].as_string() == content_hash,
        ).limit(1)
    ).first()
    return confirmed is None


def remember_warned(*, session: Session, actor: str, held: WarningsFirst, now: datetime) -> None:
    """Note that `actor` saw these warnings, so the next identical deploy goes through."""
    audit.record(session=session, actor=actor, action="deploy_warned", at=now,
                 detail={"content_hash": held.content_hash, "warnings": [str(w) for w in held.warnings]})


def warnings_message(held: WarningsFirst) -> str:
    """Return the Dutch text Modeler puts in its log for a deploy held back by warnings."""
    count = len(held.warnings)
    noun = "waarschuwing" if count == 1 else "waarschuwingen"
    return (f"Nog niet gedeployed: {count} {noun}. Kijk ze na; klik binnen een uur nog een keer op Deploy "
            f"om toch te deployen.\n{problem_lines(held.warnings)}")
