"""Load a case, run it forward, save it: the one path every command takes.

`CaseRunner` owns what happens between "a case changed in memory" and "the
case is saved": engine steps, service tasks (one savepoint each; a failure is an
incident and leaves the case exactly as before the handler ran), the queryable
rows for open user tasks and pending timers, and the case summary columns.
"""

from __future__ import annotations

import re
import time as _time
from datetime import datetime
from typing import Any, Mapping, Protocol

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (
    SignalEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.bpmn.scripting import RegieScriptEngine
from engine.bpmn.serialization import STATE_FORMAT, dump_state
from engine.bpmn.specs import ExternalServiceTask
from engine.clock import use_clock
from engine.db.models import Case, Incident, Job, UserTask
from engine.monitoring.facts import record_step
from engine.running.case_rows import (
    DELETE_TASKS,
    DELETE_TIMERS,
    INSERT_CANDIDATE,
    INSERT_TASK,
    INSERT_TIMER,
    SUMMARY_FIELDS,
    split_names,
    to_datetime,
    write_case,
)
from engine.running.handlers import HandlerRegistry, ServiceCall, Wait

REARMED_EVENTS = (MessageEventDefinition, SignalEventDefinition)
from engine.bpmn.tasktree import (
    OPEN,
    all_tasks,
    current_variables,
    in_multi_instance,
    is_user_task,
    timer_due,
)

_BSN_LIKE = re.compile(r"\b\d{8,9}\b")
MAX_SERVICE_ROUNDS = 200


def mask_bsn(text: str) -> str:
    """Mask anything that looks like a BSN in a message shown to people or stored in logs."""
    return _BSN_LIKE.sub("*********", text)


class CaseRunner:
    """Runs one loaded case forward and writes it back (inside the caller's transaction)."""

    def __init__(self, *, session: Session, case: Case, workflow: BpmnWorkflow, handlers: HandlerRegistry,
                 actor: str, now: datetime, full_sync: bool = False) -> None:
        self.session = session
        self.case = case
        self.workflow = workflow
        self.handlers = handlers
        self.actor = actor
        self.now = now
        # The rows of a saved case mirror its ready user tasks and waiting timers, so
        # what exists now is known without a query; `full_sync` re-reads the rows.
        self.full_sync = full_sync
        tasks = all_tasks(workflow)
        open_tasks = [t for t in tasks if t.state & OPEN]
        self.ready_before = set(self._ready_user_tasks(open_tasks))
        self.timers_before = self._waiting_timers(open_tasks)
        self.variables_before = current_variables(workflow, open_tasks)
        self.started_at = _time.time()
        self.data_before = {t.id: dict(t.data) for t in open_tasks}

    def _ready_user_tasks(self, tasks=None) -> dict[str, Any]:
        tasks = tasks if tasks is not None else all_tasks(self.workflow)
        return {str(t.id): t for t in tasks if t.state == TaskState.READY and is_user_task(t)}

    def _waiting_timers(self, tasks=None) -> dict[str, tuple]:
        timers = {}
        tasks = tasks if tasks is not None else all_tasks(self.workflow)
        for task in tasks:
            if task.state != TaskState.WAITING:
                continue
            due = timer_due(task)
            if due is not None:
                timers[str(task.id)] = (task.task_spec.bpmn_id, task.task_spec.bpmn_name, due)
        return timers

    @property
    def script_engine(self) -> RegieScriptEngine:
        """Return the workflow's script engine."""
        return self.workflow.script_engine

    def run(self) -> None:
        """Do engine steps and service tasks until the case waits for people, time or messages."""
        with use_clock(self.now):
            self._steps()
            blocked: set[str] | None = None
            for _ in range(MAX_SERVICE_ROUNDS):
                started = [t for t in all_tasks(self.workflow)
                           if t.state == TaskState.STARTED and isinstance(t.task_spec, ExternalServiceTask)]
                if started and blocked is None:
                    blocked = self._blocked_service_tasks()
                pending = [t for t in started if str(t.id) not in (blocked or set())]
                if not pending:
                    break
                for task in pending:
                    if not self._run_service_task(task):
                        blocked = (blocked or set()) | {str(task.id)}
                self._steps()
            self._rearm_boundary_events()
            self._apply_input_mappings()
            self.share_variables()

    def _rearm_boundary_events(self) -> None:
        """Let a non-interrupting message or signal boundary event catch again while its activity runs.

        BPMN (and Camunda 7) keep such an event listening until the activity ends, so a
        second exam result or a second PIP amendment is caught too; SpiffWorkflow 3.2
        arms it once. After it fired in this command, a fresh waiting copy is added next
        to the activity (the boundary join cancels it when the activity finishes).
        """
        for task in all_tasks(self.workflow):
            spec = task.task_spec
            if (task.state != TaskState.COMPLETED or task.last_state_change < self.started_at
                    or not isinstance(spec, BoundaryEvent) or spec.cancel_activity
                    or not isinstance(spec.event_definition, REARMED_EVENTS)):
                continue
            split = task.parent
            main = next((c for c in split.children if not isinstance(c.task_spec, BoundaryEvent)), None)
            if main is None or main.has_state(TaskState.FINISHED_MASK):
                continue
            if any(c.task_spec is spec and c.state == TaskState.WAITING for c in split.children):
                continue
            spec._update(split._add_child(spec, TaskState.MAYBE))  # predicted: its path is laid out too

    def _apply_input_mappings(self) -> None:
        """Evaluate camunda:inputOutput inputs of user tasks that became ready in this command."""
        from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

        for tid, task in self._ready_user_tasks().items():
            inputs = (task.task_spec.extensions or {}).get("inputOutput", {}).get("inputs", [])
            if tid in self.ready_before or not inputs:
                continue
            try:
                task.data.update(self.evaluate_parameters(task, inputs))
            except WorkflowTaskException as exc:
                self._incident(task, "expression", mask_bsn(str(exc)))

    def share_variables(self) -> None:
        """Give every open branch the variables any branch changed (Camunda's process scope).

        SpiffWorkflow copies task data per parallel branch and, at the join, lets the
        last branch's copy win, so a value set in one branch could be silently reset by
        a stale copy in another. Camunda 7 keeps one set of process variables. Variables
        change when a task completes (a form, a service result, a message, a decision,
        an output mapping), so the changes carried by the tasks that completed in this
        command are merged, newest last, and given to every open task, and to the
        parents that waiting events copy their data from again.
        """
        tasks = all_tasks(self.workflow)
        active = [t for t in tasks if t.state & OPEN and not in_multi_instance(t)]
        if len(active) < 2:
            return
        completed = [t for t in tasks if t.state == TaskState.COMPLETED
                     and t.last_state_change >= self.started_at and not in_multi_instance(t)]
        merged: dict[str, Any] = {}
        for task in sorted(completed, key=lambda t: t.last_state_change):
            before = self.data_before.get(task.id, self.variables_before)
            merged.update({k: v for k, v in task.data.items() if k not in before or before[k] != v})
        if not merged:
            return
        for task in active:
            task.data.update(merged)
            if task.has_state(TaskState.WAITING) and task.parent is not None:
                task.parent.data.update(merged)

    def _steps(self) -> None:
        from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

        try:
            self.workflow.do_engine_steps()
        except WorkflowTaskException as exc:
            self._incident(exc.task, "expression", mask_bsn(str(exc)))

    def _blocked_service_tasks(self) -> set[str]:
        open_incidents = self.session.execute(
            select(Incident.task_id).where(Incident.case_id == self.case.id, Incident.resolved_at.is_(None))
        ).scalars()
        waiting = self.session.execute(
            select(Job.task_id).where(Job.case_id == self.case.id, Job.status == "waiting")
        ).scalars()
        return {t for t in open_incidents if t} | set(waiting)

    def _incident(self, task, kind: str, message: str) -> Incident:
        incident = Incident(
            case_id=self.case.id, gemeente=self.case.gemeente, task_id=str(task.id) if task else None,
            element_id=task.task_spec.bpmn_id if task else None, kind=kind, message=message, created_at=self.now,
        )
        self.session.add(incident)
        audit.record(session=self.session, actor=self.actor, action="incident", at=self.now, case=self.case,
                     element_id=incident.element_id, detail={"kind": kind, "message": message})
        return incident

    def evaluate_parameters(self, task, params: list[dict]) -> dict[str, Any]:
        """Evaluate camunda:inputOutput parameters over the task's data."""
        return {param["name"]: self.script_engine._parameter(task, param) for param in params}

    def _run_service_task(self, task) -> bool:
        """Run one service task's handler; return False when the case must wait or has an incident."""
        from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

        spec = task.task_spec
        ext = spec.extensions
        topic = spec.topic or ""
        handler = self.handlers.get(topic)
        if handler is None:
            self._incident(task, "handler", f"No handler for topic {topic!r}")
            return False
        try:
            inputs = self.evaluate_parameters(task, ext.get("inputOutput", {}).get("inputs", []))
        except WorkflowTaskException as exc:
            self._incident(task, "expression", mask_bsn(str(exc)))
            return False
        call = ServiceCall(
            session=self.session, case_id=self.case.id, case_number=self.case.case_number,
            gemeente=self.case.gemeente, process_id=task.workflow.spec.name, element_id=spec.bpmn_id,
            task_id=str(task.id), topic=topic, properties=dict(ext.get("properties", {})), inputs=inputs,
            data=dict(task.data), now=self.now, actor=self.actor,
        )
        savepoint = self.session.begin_nested()
        try:
            result = handler(call)
            self.session.flush()
            savepoint.commit()
        except Exception as exc:  # any handler failure becomes an incident, never a crash
            savepoint.rollback()
            self._incident(task, "handler", mask_bsn(f"{topic}: {exc}"))
            return False
        self.session.info.setdefault("after_commit", []).extend(call.after_commit)
        if isinstance(result, Wait):
            self.session.add(Job(case_id=self.case.id, task_id=str(task.id), element_id=spec.bpmn_id, topic=topic,
                                 status="waiting", wait_reason=result.reason, created_at=self.now))
            audit.record(session=self.session, actor=self.actor, action="wait", at=self.now, case=self.case,
                         element_id=spec.bpmn_id, detail={"topic": topic, "reason": result.reason})
            return False
        self.finish_service_task(task, dict(result or {}))
        return True

    def finish_service_task(self, task, data: Mapping[str, Any]) -> None:
        """Merge a service task's result into the case and complete it."""
        task.data.update(data)
        outputs = task.task_spec.extensions.get("inputOutput", {}).get("outputs", [])
        task.data.update(self.evaluate_parameters(task, outputs))
        task.complete()
        audit.record(session=self.session, actor=self.actor, action="service", at=self.now, case=self.case,
                     element_id=task.task_spec.bpmn_id,
                     detail={"topic": task.task_spec.topic, "result": audit.redact(data)})

    def save(self) -> None:
        """Write state, open-task rows, timer rows and summary columns of the case."""
        tasks = all_tasks(self.workflow)
        self._sync_user_tasks(tasks)
        self._sync_timers(tasks)
        variables = current_variables(self.workflow, tasks)
        values: dict[str, Any] = {name: str(variables[name])[:200] for name in SUMMARY_FIELDS
                                  if variables.get(name) is not None}
        if self.workflow.completed and self.case.status == "active":
            values["status"] = "completed"
        values.update(state=dump_state(self.workflow), state_format=STATE_FORMAT, updated_at=self.now)
        write_case(self.session, self.case, values)
        record_step(session=self.session, case=self.case, tasks=tasks, started_at=self.started_at,
                    before=self.variables_before, after=variables, actor=self.actor, now=self.now,
                    completed=self.case.status == "completed")

    def variables(self) -> dict[str, Any]:
        """Return the case's current variables (data of the newest open or last task)."""
        return current_variables(self.workflow)

    def _sync_user_tasks(self, tasks: list) -> None:
        ready = self._ready_user_tasks(tasks)
        if self.full_sync:
            rows = set(self.session.execute(select(UserTask.id).where(UserTask.case_id == self.case.id)).scalars())
        else:
            rows = self.ready_before
        gone = [rid for rid in rows if rid not in ready]
        # Plain Core statements on the session's connection: these rows are never
        # held as ORM objects in a command, so the unit of work has nothing to sync.
        conn = self.session.connection()
        if gone:  # task_candidates rows go with them (ON DELETE CASCADE)
            conn.execute(DELETE_TASKS, {"ids": gone})
        new_rows = [self._user_task_row(task) for tid, task in ready.items() if tid not in rows]
        if not new_rows:
            return
        conn.execute(INSERT_TASK, new_rows)
        candidates = [
            {"task_id": row["id"], "kind": kind, "name": name, "gemeente": row["gemeente"], "due_at": row["due_at"],
             "assigned": row["assignee"] is not None}
            for row in new_rows
            for kind, names in (("group", row["candidate_groups"]), ("user", row["candidate_users"]))
            for name in dict.fromkeys(names)
        ]
        if candidates:
            conn.execute(INSERT_CANDIDATE, candidates)

    def _user_task_row(self, task) -> dict[str, Any]:
        """Build a task's inbox row; an expression that fails is an incident, the row still appears."""
        from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

        try:
            return self._new_user_task(task)
        except WorkflowTaskException as exc:
            self._incident(task, "expression", mask_bsn(str(exc)))
            return self._new_user_task(task, evaluate=False)

    def _new_user_task(self, task, *, evaluate: bool = True) -> dict[str, Any]:
        ext = task.task_spec.extensions or {}
        cam = ext.get("camunda", {})

        def value(attr: str, kind: str = "expression") -> Any:
            text = cam.get(attr)
            if not text:
                return None
            if not evaluate:
                return None if ("${" in text or "#{" in text or text.startswith("=")) else text
            if kind == "text" and "${" not in text and "#{" not in text and not text.startswith("="):
                return text
            return self.script_engine.evaluate_value(task, text, kind=kind)

        props = dict(ext.get("properties", {}))
        legal_var = props.get("legalDeadline")
        return dict(
            id=str(task.id), case_id=self.case.id, gemeente=self.case.gemeente, element_id=task.task_spec.bpmn_id,
            name=task.task_spec.bpmn_name or task.task_spec.bpmn_id, process_id=task.workflow.spec.name,
            lane=task.task_spec.lane, assignee=(split_names(value("assignee", "text")) or [None])[0],
            candidate_groups=split_names(value("candidateGroups", "text")),
            candidate_users=split_names(value("candidateUsers", "text")),
            due_at=to_datetime(value("dueDate"), end_of_day=True, created=self.now),
            follow_up_at=to_datetime(value("followUpDate"), end_of_day=False, created=self.now),
            legal_deadline=to_datetime(task.data.get(legal_var), end_of_day=True) if legal_var else None,
            priority=int(value("priority") or 50), form_ref=value("formRef", "text"),
            form_key=cam.get("formKey"), properties=props, created_at=self.now,
        )

    def _sync_timers(self, tasks: list) -> None:
        timers = self._waiting_timers(tasks)
        if timers == self.timers_before and not self.full_sync:
            return
        conn = self.session.connection()
        if self.timers_before or self.full_sync:
            conn.execute(DELETE_TIMERS, {"case": self.case.id})
        if timers:
            conn.execute(INSERT_TIMER, [
                {"case_id": self.case.id, "task_id": task_id, "element_id": element_id, "name": name, "due_at": due}
                for task_id, (element_id, name, due) in timers.items()])




class CaseStepper(Protocol):
    """What messages, timers and migration need from the engine to take one step on a case.

    `RegieEngine` implements it; the modules that take steps depend on this protocol, not on
    the engine module, so the engine can import them without an import cycle.
    """

    handlers: HandlerRegistry

    def now(self, session: Session) -> datetime: ...

    def load(self, session: Session, case: Case) -> BpmnWorkflow: ...

    def lock_case(self, session: Session, case_id: str, *, gemeente: str | None = None) -> Case: ...

    def open_runner(self, session: Session, case: Case, workflow: BpmnWorkflow, actor: str, now: datetime,
                    *, full_sync: bool = False) -> CaseRunner: ...

    def finish(self, runner: CaseRunner) -> Case: ...

    def get_case(self, *, session: Session, case_id: str, gemeente: str | None = None) -> Case: ...

    def case_variables(self, *, session: Session, case: Case) -> dict[str, Any]: ...
