"""Case state on disk: SpiffWorkflow's serialization without the embedded spec.

SpiffWorkflow embeds the full process spec in every serialized instance. Regie
stores the spec once per process-definition version (`process_definitions.spec`)
and the instance state without it (`cases.state`), tagged with
`STATE_FORMAT`. Loading puts the version's spec back.

Format history (each change adds an upgrade function to `UPGRADES`):
- 1: SpiffWorkflow 3.2 serialization format "1.5" minus `spec`/`subprocess_specs`;
  Decimal stored as {"typename": "Decimal", "value": "…"}, date as {"typename": "date", …}.
"""

from __future__ import annotations

from copy import deepcopy
from datetime import date, time
from decimal import Decimal
from typing import Any, Callable

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG as CAMUNDA_CONFIG
from SpiffWorkflow.camunda.serializer.event_definition import (
    MessageEventDefinitionConverter,
)

from engine.bpmn.specs import (
    DecisionTask,
    DecisionTaskConverter,
    ExternalServiceTask,
    ExternalServiceTaskConverter,
    RegieMessageEventDefinition,
)

STATE_FORMAT = 1
SPIFF_FORMAT = "1.5"


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Serialize a workflow without its specs; restore it with specs passed in."""

    def to_dict(self, workflow):  # noqa: D102 - converter hook
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):  # noqa: D102 - converter hook
        from uuid import UUID

        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _build_serializer(workflow_converter) -> BpmnWorkflowSerializer:
    config = dict(CAMUNDA_CONFIG)
    config[ExternalServiceTask] = ExternalServiceTaskConverter
    config[DecisionTask] = DecisionTaskConverter
    config[RegieMessageEventDefinition] = MessageEventDefinitionConverter
    config[BpmnWorkflow] = workflow_converter
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda v: Decimal(v["value"]))
    registry.register(date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"]))
    registry.register(time, lambda v: {"value": v.isoformat()}, lambda v: time.fromisoformat(v["value"]))
    return BpmnWorkflowSerializer(registry, version=SPIFF_FORMAT)


_FULL = _build_serializer(BpmnWorkflowConverter)
_STATE = _build_serializer(SpeclessWorkflowConverter)

UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def serialize_spec(spec, subprocess_specs: dict) -> dict[str, Any]:
    """Return the JSON-able form of a process spec and the specs it calls."""
    registry = _FULL.registry
    return {
        "spec": registry.convert(spec),
        "subprocess_specs": {k: registry.convert(v) for k, v in subprocess_specs.items()},
    }


def restore_spec(data: dict[str, Any]):
    """Rebuild (spec, subprocess_specs) objects from `serialize_spec` output."""
    registry = _FULL.registry
    spec = registry.restore(deepcopy(data["spec"]))
    subs = {k: registry.restore(deepcopy(v)) for k, v in data["subprocess_specs"].items()}
    return spec, subs


def spec_is_shareable(spec, subprocess_specs: dict) -> bool:
    """Tell whether running instances may share these spec objects.

    SpiffWorkflow's multi-instance tasks write into their spec when they start
    (ENGINE-NOTES.md); such specs are rebuilt per load instead of shared.
    """
    from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask

    for process in (spec, *subprocess_specs.values()):
        if any(isinstance(t, MultiInstanceTask) for t in process.task_specs.values()):
            return False
    return True


def dump_state(workflow: BpmnWorkflow) -> dict[str, Any]:
    """Return the case state of `workflow` (no spec), ready for a JSON column."""
    state = _STATE.registry.convert(workflow)
    _typed_task_data(state)
    for sub in state.get("subprocesses", {}).values():
        _typed_task_data(sub)
    return state


def _typed_task_data(workflow_dict: dict[str, Any]) -> None:
    """Apply the registry's type converters to task data.

    SpiffWorkflow 3.2's TaskConverter stores each task's data (or its delta against
    the parent) without passing it through the registry, so a Decimal or a date in
    case data would come back as a string. Restoring already runs the registry.
    """
    convert = _STATE.registry.convert
    for task in workflow_dict.get("tasks", {}).values():
        if task.get("data"):
            task["data"] = convert(task["data"])
        delta = task.get("delta") or {}
        if delta.get("updates"):
            delta["updates"] = convert(delta["updates"])
        if delta.get("deletions"):
            delta["deletions"] = sorted(delta["deletions"])  # a set in Spiff: keep the state stable


def load_state(state: dict[str, Any], fmt: int, spec, subprocess_specs) -> BpmnWorkflow:
    """Rebuild a workflow from stored state, upgrading older formats first."""
    while fmt < STATE_FORMAT:
        state = UPGRADES[fmt](state)
        fmt += 1
    if fmt != STATE_FORMAT:
        raise ValueError(f"case state format {fmt} is newer than this Regie ({STATE_FORMAT})")
    # Restoring pops keys from the workflow and subprocess dicts (not from task dicts):
    # copy just those levels so the stored state stays intact for a second load.
    state = dict(state)
    state["subprocesses"] = {k: dict(v) for k, v in state.get("subprocesses", {}).items()}
    return _STATE.registry.restore(state, spec=spec, subprocess_specs=subprocess_specs)


def full_serializer() -> BpmnWorkflowSerializer:
    """Return the serializer that embeds the spec (baseline benchmark, exports)."""
    return _FULL
