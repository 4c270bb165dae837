"""The one script engine SpiffWorkflow uses for every expression in a diagram.

SpiffWorkflow hands gateway conditions, timer values, multi-instance expressions
and message payloads to `script_engine.evaluate`. Regie parses them with
engine.expressions (JUEL in `${…}`, FEEL after `=`, bare ISO 8601 in timers) and
evaluates the tree over the task's data: analyst text never runs as Python.
Inline scripts are refused at deploy; `execute` refuses them again at run time.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from engine.clock import current_now
from engine.expressions import ExpressionError, compile_expression

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")
_ISO_TIMER = re.compile(r"^\s*(R\d*/)?(P[0-9YMWDTHS.,]+|\d{4}-\d{2}-\d{2}(T[^\s]*)?)(/P[0-9YMWDTHS.,]+)?\s*$")


def looks_like_iso_timer(text: str) -> bool:
    """Tell whether `text` is a bare ISO 8601 date, duration or repeating interval."""
    return bool(_ISO_TIMER.match(text or ""))


def to_spiff_value(value: Any) -> Any:
    """Convert evaluator results to what SpiffWorkflow's timers expect (ISO strings)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=LOCAL_TZ)
        return value.isoformat()
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), LOCAL_TZ).isoformat()
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        return f"PT{seconds}S"
    return value


class DecisionRegistry:
    """The DMN decisions deployed with one process definition version."""

    def __init__(self, models: Mapping[str, Any] | None = None) -> None:
        self._models = dict(models or {})

    def model_for(self, decision_id: str):
        """Return the DMN model that defines `decision_id`, or None."""
        return self._models.get(decision_id)

    def decision_ids(self) -> set[str]:
        """Return every decision id this registry can evaluate."""
        return set(self._models)


class RegieScriptEngine(PythonScriptEngine):
    """Evaluate diagram expressions with engine.expressions; never eval/exec."""

    def __init__(self, decisions: DecisionRegistry | None = None) -> None:
        super().__init__()
        self.decisions = decisions or DecisionRegistry()

    @staticmethod
    def context_for(task, external_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Return the variables an expression of `task` sees."""
        context = dict(external_context or {})
        context.update(task.data)
        return context

    def evaluate(self, task, expression, external_context=None):  # noqa: D102 - Spiff hook
        kind = "timer" if looks_like_iso_timer(expression) else "expression"
        try:
            compiled = compile_expression(expression, kind=kind)
            value = compiled.evaluate(self.context_for(task, external_context), now=current_now())
        except ExpressionError as exc:
            raise WorkflowTaskException(
                f"Expression {expression!r} failed: {exc}", task=task, exception=exc
            ) from exc
        return to_spiff_value(value)

    def evaluate_value(self, task, expression: str, *, kind: str = "expression") -> Any:
        """Evaluate `expression` for `task` and return the native value (dates stay dates)."""
        try:
            compiled = compile_expression(expression, kind=kind)
            return compiled.evaluate(self.context_for(task), now=current_now())
        except ExpressionError as exc:
            raise WorkflowTaskException(
                f"Expression {expression!r} failed: {exc}", task=task, exception=exc
            ) from exc

    def execute(self, task, script, external_context=None):  # noqa: D102 - Spiff hook
        raise WorkflowTaskException(
            "Inline scripts are not run by Regie (use an expression or a DMN table)", task=task
        )

    def validate(self, expression):  # noqa: D102 - Spiff hook
        compile_expression(expression)

    def run_decision(self, task, *, decision_ref, result_variable, map_mode, outputs) -> None:
        """Evaluate a business rule task's decision and store the mapped result."""
        from engine.dmn import DmnError, map_decision_result

        model = self.decisions.model_for(decision_ref)
        if model is None:
            raise WorkflowTaskException(f"Decision {decision_ref!r} is not deployed", task=task)
        try:
            result = model.evaluate(decision_ref, self.context_for(task), now=current_now())
            mapped = map_decision_result(result, map_mode or "resultList")
        except (DmnError, ExpressionError) as exc:
            raise WorkflowTaskException(
                f"Decision {decision_ref!r} failed: {exc}", task=task, exception=exc
            ) from exc
        if result_variable:
            task.data[result_variable] = mapped
        if outputs:
            # Camunda 7 offers the raw result to output mappings as `decisionResult`.
            task.data["decisionResult"] = result.rows
            try:
                values = {p["name"]: self._parameter(task, p) for p in outputs}
            finally:
                task.data.pop("decisionResult", None)
            task.data.update(values)

    def _parameter(self, task, param) -> Any:
        """Evaluate one camunda:inputOutput parameter (text, expression, list or map)."""
        kind = param.get("kind")
        if kind == "list":
            return [self._parameter(task, item) for item in param.get("items", [])]
        if kind == "map":
            return {e["key"]: self._parameter(task, e) for e in param.get("entries", [])}
        text = (param.get("value") or "").strip()
        if text.startswith(("${", "#{", "=")):
            return self.evaluate_value(task, text)
        return param.get("value") or ""
