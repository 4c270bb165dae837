"""RegieEngine: the intent verbs every interface (CLI, JSON API, web app, worker) calls.

Built once with everything passed in. Every method takes the SQLAlchemy session
explicitly, flushes, and never commits: the caller owns the transaction, so a
case's state, its task rows, timers, letters and audit rows change together.
One writer per case: the case row is locked (PostgreSQL) and carries a version
column (everywhere); a stale or concurrent write raises `Conflict`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine import audit
from engine.bpmn.scripting import DecisionRegistry, RegieScriptEngine
from engine.bpmn.serialization import load_state, restore_spec, spec_is_shareable
from engine.bpmn.tasktree import current_variables, is_user_task, task_by_id
from engine.bpmn.workflow_cache import WorkflowCache
from engine.access.teams import team_for_start
from engine.clock import Clock, install_spiff_clock, use_clock
from engine.db.models import (
    AuditEntry,
    Case,
    DecisionDefinition,
    Deployment,
    FormVersion,
    Gemeente,
    Incident,
    Job,
    ProcessDefinition,
    Resource,
    UserTask,
)
from engine.deploy.deployment import DeployResult, deploy, latest_definition, latest_row
from engine.deploy.migration import MigrationResult, migrate_case
from engine.errors import Conflict, Invalid, NotFound
from engine.legal.checks import task_refusals
from engine.running.handlers import HandlerRegistry
from engine.running.messages import MessageOutcome, send_message
from engine.running.policy import start_variables
from engine.running.numbering import next_case_number
from engine.running.runner import CaseRunner
from engine.running.timers import FiredTimer, fire_due_timers

# Built once (building and keying a statement costs more than running it on SQLite).
_LOCK_CASE = select(Case).where(Case.id == bindparam("id")).execution_options(populate_existing=True)
_LOCK_CASE_FOR_UPDATE = _LOCK_CASE.with_for_update()
_TASK_AND_CASE = (select(UserTask, Case).join(Case, Case.id == UserTask.case_id)
                  .where(UserTask.id == bindparam("id")).execution_options(populate_existing=True))
AS_READ = object()  # claim_task: expect the assignee this transaction read
_TASK_AND_CASE_FOR_UPDATE = _TASK_AND_CASE.with_for_update(of=Case)


@dataclass
class DiagramState:
    """What the case page draws: the BPMN of each process and where the case is."""

    diagrams: dict[str, str]
    active: list[str] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)
    incidents: list[str] = field(default_factory=list)


class _LatestDecisions(DecisionRegistry):
    """Resolve a decision id to the latest deployed DMN model (Camunda's default binding)."""

    def __init__(self, engine: "RegieEngine", session: Session, tenant: str | None = None) -> None:
        super().__init__()
        self._engine = engine
        self._session = session
        self._tenant = tenant

    def model_for(self, decision_id: str):  # noqa: D102 - see DecisionRegistry
        return self._engine.decision_model(self._session, decision_id, self._tenant)


class RegieEngine:
    """Runs cases: deploy, start, complete, claim, message, timers, incidents, migration."""

    def __init__(self, *, handlers: HandlerRegistry, clock: Clock) -> None:
        self.handlers = handlers
        self.clock = clock
        self._specs: dict[str, dict] = {}
        self._shared_specs: dict[str, tuple] = {}
        self._dmn_models: dict[int, Any] = {}
        self._forms: dict[int, Any] = {}
        self.workflows: WorkflowCache | None = None
        install_spiff_clock()

    # -- infrastructure -------------------------------------------------------------------
    def now(self, session: Session) -> datetime:
        """Return the engine's current time."""
        return self.clock.now(session)

    def decision_model(self, session: Session, decision_id: str, tenant: str | None = None):
        """Return the parsed DMN model holding the latest version of `decision_id` for the gemeente."""
        from engine.dmn import load_dmn

        return self._latest_parsed(session, DecisionDefinition, DecisionDefinition.decision_id, decision_id,
                                   self._dmn_models, lambda res: load_dmn(res.content, filename=res.name), tenant)

    def form_definition(self, session: Session, form_ref: str | None, tenant: str | None = None):
        """Return the parsed latest version of a Camunda Form for the gemeente, or None."""
        from engine.forms import parse_form

        if not form_ref:
            return None
        return self._latest_parsed(session, FormVersion, FormVersion.form_id, form_ref,
                                   self._forms, lambda res: parse_form(res.content, filename=res.name), tenant)

    def _latest_parsed(self, session: Session, model, key_column, key: str, cache: dict, parse,
                       tenant: str | None = None):
        """Return the parsed resource of the newest version of `key` for the tenant (parsed once per resource)."""
        row = latest_row(session, model, key_column, key, tenant)
        if row is None:
            return None
        parsed = cache.get(row.resource_id)
        if parsed is None:
            parsed = parse(session.get(Resource, row.resource_id))
            cache[row.resource_id] = parsed
        return parsed

    def _spec_data(self, session: Session, definition_id: str) -> dict:
        data = self._specs.get(definition_id)
        if data is None:
            definition = session.get(ProcessDefinition, definition_id)
            if definition is None:
                raise NotFound(f"Process definition {definition_id} does not exist")
            data = definition.spec
            self._specs[definition_id] = data
        return data

    def _script_engine(self, session: Session, tenant: str | None = None) -> RegieScriptEngine:
        return RegieScriptEngine(_LatestDecisions(self, session, tenant))

    def _spec_objects(self, session: Session, definition_id: str):
        """Return (spec, subprocess specs) of a version; shared when no task mutates its spec."""
        cached = self._shared_specs.get(definition_id)
        if cached is not None:
            return cached
        spec, subs = restore_spec(self._spec_data(session, definition_id))
        if spec_is_shareable(spec, subs):
            self._shared_specs[definition_id] = (spec, subs)
        return spec, subs

    def warm_up(self, *, session: Session) -> None:
        """Parse the latest version of every process, decision and form now (at startup), not on first use.

        Per tenant: each gemeente's own newest versions and the shared base.
        """
        tenants = [None, *session.execute(select(Deployment.tenant).where(Deployment.tenant.is_not(None))
                                           .distinct()).scalars().all()]
        processes = session.execute(select(ProcessDefinition.process_id).distinct()).scalars().all()
        decisions = session.execute(select(DecisionDefinition.decision_id).distinct()).scalars().all()
        forms = session.execute(select(FormVersion.form_id).distinct()).scalars().all()
        for tenant in tenants:
            for process_id in processes:
                definition = latest_definition(session, process_id, tenant)
                if definition is not None:
                    self._spec_objects(session, definition.id)
            for decision_id in decisions:
                self.decision_model(session, decision_id, tenant)
            for form_id in forms:
                self.form_definition(session, form_id, tenant)

    def keep_workflows(self, size: int = 128) -> None:
        """Keep deserialized workflows between commands (long-running processes: web app, worker)."""
        self.workflows = WorkflowCache(size)

    def load(self, session: Session, case: Case, *, readonly: bool = False) -> BpmnWorkflow:
        """Rebuild the workflow of `case` from its stored state and its version's spec (or take it from the cache).

        `readonly`: the caller only reads it, so a cached workflow stays cached.
        """
        cache = self.workflows
        workflow = cache.get(case.id, case.version, take=not readonly) if cache is not None else None
        if workflow is None:
            spec, subs = self._spec_objects(session, case.definition_id)
            workflow = load_state(case.state, case.state_format, spec, subs)
            if readonly and cache is not None:
                cache.keep_after_commit(session, case.id, case.version, workflow)
        workflow.script_engine = self._script_engine(session, case.gemeente)
        return workflow

    def lock_case(self, session: Session, case_id: str, *, gemeente: str | None = None) -> Case:
        """Load a case for writing: row lock on PostgreSQL, version check everywhere."""
        postgres = session.get_bind().dialect.name == "postgresql"
        case = session.execute(_LOCK_CASE_FOR_UPDATE if postgres else _LOCK_CASE, {"id": case_id}).scalar_one_or_none()
        if case is None or (gemeente is not None and case.gemeente != gemeente):
            raise NotFound("Dit dossier bestaat niet")
        return case

    def open_runner(self, session: Session, case: Case, workflow: BpmnWorkflow, actor: str, now: datetime,
                *, full_sync: bool = False) -> CaseRunner:
        return CaseRunner(session=session, case=case, workflow=workflow, handlers=self.handlers, actor=actor, now=now,
                          full_sync=full_sync)

    def finish(self, runner: CaseRunner) -> Case:
        runner.run()
        try:
            runner.save()
            runner.session.flush()
        except (StaleDataError, IntegrityError) as exc:
            # Another writer saved this case first (version moved, or it already wrote the same task rows).
            raise Conflict("Iemand anders heeft dit dossier net gewijzigd. Laad de pagina opnieuw.") from exc
        if self.workflows is not None:
            self.workflows.keep_after_commit(runner.session, runner.case.id, runner.case.version, runner.workflow)
        return runner.case

    # -- deploy ---------------------------------------------------------------------------
    def deploy(self, *, session: Session, files, actor: str, source: str = "cli", name: str = "",
               tenant: str | None = None) -> DeployResult:
        """Validate and store BPMN/DMN/form files; refuses with DeployRefused."""
        return deploy(session=session, files=files, actor=actor, topics=self.handlers.topics(),
                      now=self.now(session), source=source, name=name, tenant=tenant)

    # -- cases ----------------------------------------------------------------------------
    def start_case(self, *, session: Session, process_id: str, gemeente: str, data: Mapping[str, Any],
                   actor: str, business_key: str | None = None, definition_id: str | None = None,
                   team_id: int | None = None) -> Case:
        """Start a new case of the latest version of `process_id` for `gemeente`, worked by team
        `team_id` (one that serves the gemeente) or the gemeente's default team."""
        tenant = session.get(Gemeente, gemeente)
        if tenant is None:
            raise Invalid("Onbekende gemeente", field_errors={"gemeente": "Deze gemeente bestaat niet"})
        # Local policy switches (brugklas, fines for statushouders, ...) start as case
        # variables from the gemeente's settings; start data may override them.
        data = start_variables(tenant.settings, data)
        definition = (session.get(ProcessDefinition, definition_id) if definition_id
                      else latest_definition(session, process_id, gemeente))
        if definition is None:
            raise NotFound(f"Process {process_id!r} is not deployed")
        _check_start_data(data)
        now = self.now(session)
        team = team_for_start(session, gemeente, team_id, now=now)
        spec, subs = self._spec_objects(session, definition.id)
        workflow = BpmnWorkflow(spec, subs, script_engine=self._script_engine(session, gemeente))
        workflow.data.update(data)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)
        case = Case(
            id=str(uuid.uuid4()), case_number=next_case_number(session, now.year), gemeente=gemeente,
            definition_id=definition.id, business_key=business_key, state={}, state_format=1,
            created_at=now, updated_at=now, status="active", team_id=team.id,
        )
        session.add(case)
        session.flush()
        audit.record(session=session, actor=actor, action="start", at=now, case=case,
                     detail={"definition": definition.id, "team": team.id, "data": audit.redact(data)})
        return self.finish(self.open_runner(session, case, workflow, actor, now))

    def get_case(self, *, session: Session, case_id: str, gemeente: str | None = None) -> Case:
        """Return a case (of `gemeente` when given) or raise NotFound."""
        case = session.get(Case, case_id)
        if case is None or (gemeente is not None and case.gemeente != gemeente):
            raise NotFound("Dit dossier bestaat niet")
        return case

    def case_variables(self, *, session: Session, case: Case) -> dict[str, Any]:
        """Return the current variables of a case."""
        return current_variables(self.load(session, case, readonly=True))

    # -- user tasks -----------------------------------------------------------------------
    def _open_task(self, session: Session, task_id: str, gemeente: str | None) -> UserTask:
        row = session.get(UserTask, task_id)
        if row is None or (gemeente is not None and row.gemeente != gemeente):
            self._task_gone(session, task_id, gemeente)
        return row

    def _task_and_locked_case(self, session: Session, task_id: str, gemeente: str | None) -> tuple[UserTask, Case]:
        """Read an open task and lock its case in one statement."""
        postgres = session.get_bind().dialect.name == "postgresql"
        found = session.execute(_TASK_AND_CASE_FOR_UPDATE if postgres else _TASK_AND_CASE, {"id": task_id}).first()
        if found is None or (gemeente is not None and found[0].gemeente != gemeente):
            self._task_gone(session, task_id, gemeente)
        return found[0], found[1]

    def _task_gone(self, session: Session, task_id: str, gemeente: str | None) -> None:
        """Raise Conflict when someone completed the task, else NotFound."""
        done = session.execute(
            select(AuditEntry).where(AuditEntry.action == "complete", AuditEntry.element_id.is_not(None))
            .where(AuditEntry.detail["task_id"].as_string() == task_id)
        ).scalars().first()
        if done is not None and (gemeente is None or done.gemeente == gemeente):
            raise Conflict(f"Deze taak is al afgerond door {done.actor}.")
        raise NotFound("Deze taak bestaat niet (meer)")

    def form_for_task(self, *, session: Session, task_id: str, gemeente: str | None = None):
        """Return the parsed form of an open task, or None when it has none."""
        row = self._open_task(session, task_id, gemeente)
        return self.form_definition(session, row.form_ref, row.gemeente)

    def complete_task(self, *, session: Session, task_id: str, data: Mapping[str, Any], actor: str,
                      expected_version: int | None = None, gemeente: str | None = None) -> Case:
        """Complete an open user task with `data` (validated against its form first)."""
        row, case = self._task_and_locked_case(session, task_id, gemeente)
        if expected_version is not None and case.version != expected_version:
            raise Conflict("Iemand anders heeft dit dossier net gewijzigd. Uw invoer is bewaard; kijk het opnieuw na.")
        now = self.now(session)
        workflow = self.load(session, case)
        task = task_by_id(workflow, task_id)
        if task is None or task.state != TaskState.READY or not is_user_task(task):
            raise Conflict("Deze taak is al afgerond.")
        clean = self._validated(session, row, task, data, now)
        runner = self.open_runner(session, case, workflow, actor, now)  # before the change: it diffs against now
        task.data.update(clean)
        outputs = task.task_spec.extensions.get("inputOutput", {}).get("outputs", [])
        with use_clock(now):
            task.data.update(runner.evaluate_parameters(task, outputs))
            task.run()
        audit.record(session=session, actor=actor, action="complete", at=now, case=case, element_id=row.element_id,
                     detail={"task_id": task_id, "task": row.name, "data": audit.redact(clean)})
        return self.finish(runner)

    def _validated(self, session: Session, row: UserTask, task, data: Mapping[str, Any], now: datetime) -> dict:
        from engine.forms import as_case_data, validate_submission

        form = self.form_definition(session, row.form_ref, row.gemeente)
        if form is None:
            if row.form_ref:
                raise Invalid(f"Formulier {row.form_ref!r} is niet gedeployed")
            _check_start_data(data)
            return dict(data)
        clean, errors = validate_submission(form, data, context=dict(task.data), now=now)
        if not errors:
            errors = task_refusals(row.properties or {}, {**task.data, **as_case_data(clean)}, now)
        if errors:
            raise Invalid("Niet alle velden zijn goed ingevuld", field_errors=errors)
        return as_case_data(clean)

    def claim_task(self, *, session: Session, task_id: str, user: str | None, actor: str,
                   reason: str | None = None, gemeente: str | None = None,
                   expected_assignee: str | None | object = AS_READ) -> UserTask:
        """Assign an open task to `user` (None: give it back to the group), as a compare-and-set.

        The task changes only if its assignee is still `expected_assignee` (default: what
        this transaction read of the task; when taking a task for oneself: nobody); otherwise
        someone else claimed, gave back or completed it first and this is a `Conflict`. The
        case row is locked first (the one lock order), so a claim never waits on a completion
        that waits on it.
        """
        from engine.db.models import TaskCandidate

        row = self._open_task(session, task_id, gemeente)
        expected = row.assignee if expected_assignee is AS_READ else expected_assignee
        if expected_assignee is AS_READ and user is not None and user == actor and expected != user:
            expected = None  # taking a task for oneself: only a free one
        self.lock_case(session, row.case_id)
        changed = session.execute(
            update(UserTask).where(UserTask.id == task_id, UserTask.assignee.is_not_distinct_from(expected))
            .values(assignee=user).execution_options(synchronize_session=False)
        ).rowcount
        if changed != 1:
            self._claim_lost(session, task_id, gemeente, user)
            session.refresh(row)
            return row  # it already is `user`'s: claiming twice is no change
        session.execute(update(TaskCandidate).where(TaskCandidate.task_id == task_id)
                        .values(assigned=user is not None).execution_options(synchronize_session=False))
        session.refresh(row)
        action = "unclaim" if user is None else ("claim" if user == actor else "assign")
        audit.record(session=session, actor=actor, action=action, at=self.now(session), case_id=row.case_id,
                     gemeente=row.gemeente, element_id=row.element_id,
                     detail={"task_id": task_id, "from": expected, "to": user, "reason": reason})
        session.flush()
        return row

    def _claim_lost(self, session: Session, task_id: str, gemeente: str | None, user: str | None) -> None:
        """Raise the Conflict of a claim that lost: the task is gone, or someone else has it now."""
        current = session.execute(select(UserTask.assignee).where(UserTask.id == task_id)).first()
        if current is None:
            self._task_gone(session, task_id, gemeente)
        if current.assignee == user:
            return
        if current.assignee is None:
            raise Conflict("Deze taak is net door een collega vrijgegeven. Laad de pagina opnieuw.")
        raise Conflict(f"Deze taak is net opgepakt door {current.assignee}.")

    # -- service tasks and incidents -------------------------------------------------------
    def complete_service_task(self, *, session: Session, case_id: str, task_id: str, data: Mapping[str, Any],
                              actor: str) -> Case:
        """Finish a service task that waited for an external completion (e.g. an approved letter)."""
        case = self.lock_case(session, case_id)
        job = session.execute(select(Job).where(Job.case_id == case_id, Job.task_id == task_id,
                                                Job.status == "waiting")).scalar_one_or_none()
        if job is None:
            raise Conflict("Deze stap wacht niet (meer) op afronding")
        now = self.now(session)
        workflow = self.load(session, case)
        task = task_by_id(workflow, task_id)
        if task is None or task.state != TaskState.STARTED:
            raise Conflict("Deze stap wacht niet (meer) op afronding")
        session.delete(job)
        runner = self.open_runner(session, case, workflow, actor, now)
        with use_clock(now):
            runner.finish_service_task(task, dict(data))
        return self.finish(runner)

    def retry_incident(self, *, session: Session, incident_id: int, actor: str, gemeente: str | None = None) -> Case:
        """Resolve an incident and run its step again; a new failure makes a new incident."""
        incident = session.get(Incident, incident_id)
        if incident is None or (gemeente is not None and incident.gemeente != gemeente):
            raise NotFound("Dit incident bestaat niet")
        case = self.lock_case(session, incident.case_id)
        session.refresh(incident)  # as it is now that the case is ours: a concurrent retry may have resolved it
        if incident.resolved_at is not None:
            raise Conflict("Dit incident is al opgelost")
        now = self.now(session)
        incident.resolved_at = now
        incident.resolved_by = actor
        audit.record(session=session, actor=actor, action="retry", at=now, case=case, element_id=incident.element_id,
                     detail={"incident": incident.id})
        session.flush()
        workflow = self.load(session, case)
        task = task_by_id(workflow, incident.task_id) if incident.task_id else None
        if task is not None and task.state == TaskState.ERROR:
            task._set_state(TaskState.READY)
        return self.finish(self.open_runner(session, case, workflow, actor, now))

    # -- messages, timers, migration -------------------------------------------------------
    def send_message(self, *, session: Session, name: str, message_id: str, actor: str, case_id: str | None = None,
                     bsn: str | None = None, gemeente: str | None = None,
                     payload: Mapping[str, Any] | None = None) -> MessageOutcome:
        """Deliver a message by case id or BSN; idempotent per message id; always stored."""
        return send_message(self, session=session, name=name, message_id=message_id, actor=actor,
                            case_id=case_id, bsn=bsn, gemeente=gemeente, payload=payload)

    def fire_due_timers(self, *, session_factory, until: datetime | None = None, on_fired=None,
                        limit: int | None = None, on_failed=None) -> list[FiredTimer]:
        """Fire due timers in due-time order, each case in its own transaction; a failure is an incident."""
        return fire_due_timers(self, session_factory=session_factory, until=until, on_fired=on_fired, limit=limit,
                               on_failed=on_failed)

    def migrate_case(self, *, session: Session, case_id: str, actor: str) -> MigrationResult:
        """Move a case to its process's latest version, or refuse with the reason."""
        return migrate_case(self, session=session, case_id=case_id, actor=actor)

    # -- the case page --------------------------------------------------------------------
    def diagram_state(self, *, session: Session, case: Case) -> DiagramState:
        """Return the diagrams of a case and which elements are active, done or failing."""
        definition = session.get(ProcessDefinition, case.definition_id)
        diagrams = {}
        for pid, rid in definition.extras.get("diagrams", {}).items():
            resource = session.get(Resource, rid)
            if resource is not None:
                diagrams[pid] = resource.content.decode("utf-8")
        workflow = self.load(session, case, readonly=True)
        state = DiagramState(diagrams=diagrams)
        for task in workflow.get_tasks():
            bpmn_id = getattr(task.task_spec, "bpmn_id", None)
            if not bpmn_id:
                continue
            if task.has_state(TaskState.READY | TaskState.STARTED | TaskState.WAITING):
                state.active.append(bpmn_id)
            elif task.has_state(TaskState.COMPLETED):
                state.completed.append(bpmn_id)
            elif task.has_state(TaskState.ERROR):
                state.incidents.append(bpmn_id)
        open_incidents = session.execute(
            select(Incident.element_id).where(Incident.case_id == case.id, Incident.resolved_at.is_(None))
        ).scalars()
        state.incidents.extend(e for e in open_incidents if e and e not in state.incidents)
        state.active = sorted(set(state.active))
        state.completed = sorted(set(state.completed) - set(state.active))
        return state


def _check_start_data(data: Mapping[str, Any]) -> None:
    """Refuse variable names that are not plain identifiers (they cannot be used in expressions)."""
    bad = [k for k in data if not isinstance(k, str) or not k.isidentifier()]
    if bad:
        raise Invalid("Ongeldige veldnaam", field_errors={str(k): "Gebruik letters, cijfers en _" for k in bad})
