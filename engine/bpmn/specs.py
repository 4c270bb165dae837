"""Task specs Regie adds to SpiffWorkflow, with their serializer converters.

`ExternalServiceTask`: a service task drawn as an external task; SpiffWorkflow
leaves it STARTED and the engine runs the handler registered for its topic.

`DecisionTask`: a business rule task evaluated by engine.dmn (DRDs, every hit
policy, FEEL) instead of SpiffWorkflow's DMN engine, with Camunda 7's
`resultVariable` / `mapDecisionResult` semantics. The decision models come from
the script engine of the workflow (one per process definition version).
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.bpmn.specs.mixins.bpmn_spec_mixin import BpmnSpecMixin
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptEngineTask
from SpiffWorkflow.camunda.specs.event_definitions import (
    MessageEventDefinition as CamundaMessageEventDefinition,
)


class ExternalServiceTask(ServiceTask):
    """A service task that waits in STARTED until the engine's handler completes it."""

    def _run_hook(self, task):
        return None

    @property
    def topic(self) -> str | None:
        """Return the camunda:topic of this task."""
        return (getattr(self, "extensions", None) or {}).get("camunda", {}).get("topic")


class DecisionTask(ScriptEngineTask, BpmnSpecMixin):
    """A business rule task whose decision is evaluated by engine.dmn."""

    def _run_hook(self, task):
        ext = self.extensions.get("camunda", {})
        task.workflow.script_engine.run_decision(
            task,
            decision_ref=ext["decisionRef"],
            result_variable=ext.get("resultVariable"),
            map_mode=ext.get("mapDecisionResult", "resultList"),
            outputs=self.extensions.get("inputOutput", {}).get("outputs", []),
        )
        return True


class ExternalServiceTaskConverter(BpmnTaskSpecConverter):
    """Serialize ExternalServiceTask (everything lives in `extensions`)."""


class DecisionTaskConverter(BpmnTaskSpecConverter):
    """Serialize DecisionTask (everything lives in `extensions`)."""


class RegieMessageEventDefinition(CamundaMessageEventDefinition):
    """A Camunda message whose payload variables land in the case, as in Camunda 7.

    Camunda 7 correlates a message with `processVariables`: each becomes a process
    variable. A message sent to a case carries a dict; its keys are merged into
    the catching task's data (and stored under `camunda:resultVariable` when set).
    """

    def update_task_data(self, my_task):  # noqa: D102 - Spiff hook
        event_data = my_task.internal_data.get(self.name) or {}
        payload = event_data.get("payload")
        if isinstance(payload, dict):
            my_task.data.update(payload)
        if self.result_var:
            my_task.data[self.result_var] = payload
