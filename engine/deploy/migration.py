"""`regie migrate CASE`: move a running case to the latest version of its process.

Safe only when SpiffWorkflow's diff shows that no task the case has already
done or is doing was removed or changed; otherwise refused with the reason.
Ready and waiting tasks are re-predicted on the new version.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from engine import audit
from engine.bpmn.serialization import full_serializer, restore_spec
from engine.db.models import ProcessDefinition
from engine.deploy.deployment import latest_definition
from engine.errors import Conflict
from engine.running.runner import CaseStepper

DONE = TaskState.COMPLETED | TaskState.STARTED | TaskState.ERROR


class MigrationRefused(Conflict):
    """Moving this case is unsafe; `reasons` says why, one line per step."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("Overzetten geweigerd: " + "; ".join(reasons))
        self.reasons = reasons


@dataclass
class MigrationResult:
    """What a migration did."""

    case_id: str
    from_definition: str
    to_definition: str
    migrated: bool
    reasons: list[str] = field(default_factory=list)


def _unsafe(diff) -> list[str]:
    reasons = []
    for task in diff.removed:
        if task.has_state(DONE):
            reasons.append(f"stap {task.task_spec.bpmn_id or task.task_spec.name} is al gedaan en bestaat niet meer")
    for task in diff.changed:
        if task.has_state(DONE):
            reasons.append(f"stap {task.task_spec.bpmn_id or task.task_spec.name} is al gedaan en is veranderd")
    return reasons


def migrate_case(engine: "CaseStepper", *, session: Session, case_id: str, actor: str) -> MigrationResult:
    """Migrate one case (see module docstring); raise Conflict when unsafe."""
    case = engine.lock_case(session, case_id)
    current = session.get(ProcessDefinition, case.definition_id)
    target = latest_definition(session, current.process_id, case.gemeente)
    if target is None or target.id == current.id:
        return MigrationResult(case.id, current.id, current.id, False, ["de zaak staat al op de nieuwste versie"])
    workflow = engine.load(session, case)
    spec, subs = restore_spec(target.spec)
    registry = full_serializer().registry
    top_diff, sp_diffs = diff_workflow(registry, workflow, spec, subs)
    reasons = _unsafe(top_diff)
    for sp_id, sp_diff in sp_diffs.items():
        sub = workflow.subprocesses[sp_id]
        if sp_diff is None:
            if any(t.has_state(DONE) for t in sub.get_tasks()):
                reasons.append(f"aangeroepen proces {sub.spec.name} is weggehaald terwijl de zaak erin zit")
        else:
            reasons.extend(_unsafe(sp_diff))
    if reasons:
        audit.record(session=session, actor=actor, action="migrate_refused", at=engine.now(session), case=case,
                     detail={"to": target.id, "reasons": reasons})
        session.flush()
        raise MigrationRefused(reasons)
    migrate_workflow(top_diff, workflow, spec)
    for sp_id, sp_diff in sp_diffs.items():
        sub = workflow.subprocesses[sp_id]
        migrate_workflow(sp_diff, sub, subs[sub.spec.name])
    workflow.subprocess_specs = subs
    now = engine.now(session)
    case.definition_id = target.id
    audit.record(session=session, actor=actor, action="migrate", at=now, case=case,
                 detail={"from": current.id, "to": target.id})
    engine.finish(engine.open_runner(session, case, workflow, actor, now, full_sync=True))
    return MigrationResult(case.id, current.id, target.id, True)
