"""Questions about a SpiffWorkflow task tree that the engine asks often, answered in one pass."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

OPEN = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def is_user_task(task) -> bool:
    """Tell whether a READY task waits for a person (user or manual task)."""
    return getattr(task.task_spec, "manual", False)


def timer_due(task) -> datetime | None:
    """Return when a WAITING timer task fires, from Spiff's stored event value."""
    definition = getattr(task.task_spec, "event_definition", None)
    if not isinstance(definition, TimerEventDefinition):
        return None
    value = task.internal_data.get("event_value")
    if isinstance(value, dict):
        value = value.get("next")
    if not value:
        return None
    due = datetime.fromisoformat(value)
    return due if due.tzinfo else due.replace(tzinfo=timezone.utc)


def in_multi_instance(task) -> bool:
    """Tell whether a task is one instance of a multi-instance activity (it keeps local data)."""
    from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask

    parent = task.parent
    return parent is not None and isinstance(parent.task_spec, MultiInstanceTask)



def all_tasks(workflow: BpmnWorkflow) -> list:
    """Return every task of the workflow and its subprocesses (one pass, no tree walk)."""
    tasks = list(workflow.tasks.values())
    for sub in workflow.subprocesses.values():
        tasks.extend(sub.tasks.values())
    return tasks


def current_variables(workflow: BpmnWorkflow, tasks: list | None = None) -> dict[str, Any]:
    """Return the variables a person would call 'the case data' right now."""
    if workflow.completed:
        return dict(workflow.data)
    tasks = tasks if tasks is not None else all_tasks(workflow)
    candidates = [t for t in tasks if t.state & (OPEN | TaskState.ERROR)]
    if candidates:
        newest = max(candidates, key=lambda t: t.last_state_change)
        merged: dict[str, Any] = {}
        for task in sorted(candidates, key=lambda t: t.last_state_change):
            merged.update(task.data)
        merged.update(newest.data)
        return merged
    last = workflow.last_task
    return dict(last.data) if last is not None else dict(workflow.data)


def task_by_id(workflow: BpmnWorkflow, task_id: str):
    """Return the task with `task_id` or None (also inside subprocesses)."""
    try:
        return workflow.get_task_from_id(UUID(task_id))
    except Exception:
        return None


def add_duration(start: datetime, iso: str) -> datetime:
    """Add an ISO 8601 duration to `start` the way SpiffWorkflow's timers do."""
    parsed = TimerEventDefinition.parse_iso_duration(iso)
    return start + TimerEventDefinition.get_timedelta_from_start(parsed, start)


def parse_until(text: str, now: datetime) -> datetime:
    """Turn 'P6M', 'P10W' or a date/datetime into the moment to advance the clock to."""
    text = text.strip()
    if text.upper().startswith("P"):
        return add_duration(now, text.upper())
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
