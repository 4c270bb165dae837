"""Evaluate DMN decisions: required decisions first, every hit policy, Camunda result mapping."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from engine.expressions import Compiled, ExpressionError
from engine.expressions.feel_text import (
    parse_feel_date,
    parse_feel_datetime,
    parse_feel_time,
)
from engine.expressions.feel_values import (
    FEEL_DECIMAL,
    FeelFunction,
    compare,
    equal,
    to_feel,
)

from .model import (
    Decision,
    DecisionTable,
    DmnError,
    KnowledgeModel,
    LiteralExpression,
    Logic,
)

SINGLE_HIT = ("UNIQUE", "FIRST", "PRIORITY", "ANY")


@dataclass
class DecisionResult:
    """The outcome of one decision: matched rows in hit-policy order and the decision value."""

    decision_id: str
    name: str
    rows: list[dict[str, Any]]
    value: Any
    matched_rules: list[str] = field(default_factory=list)


class Evaluation:
    """One evaluation of a decision graph: caches required decisions, holds the clock."""

    def __init__(self, model: Any, inputs: Mapping[str, Any], now: datetime | None, file: str) -> None:
        self.model = model
        self.now = now or datetime.now(timezone.utc)
        self.file = file
        self.results: dict[str, DecisionResult] = {}
        self.active: set[str] = set()
        base: dict[str, Any] = {data.name: None for data in model.inputs.values()}
        base.update({str(key): to_feel(value) for key, value in inputs.items()})
        self.base = base
        for data in model.inputs.values():
            value = base[data.name] = as_typed(base.get(data.name), data.type_ref)
            if data.allowed is not None and value is not None and not self._test(data.allowed, value, {}, data.id):
                raise DmnError(f"input '{data.name}' has a value outside its allowed values", element_id=data.id, file=file)

    def fail(self, message: str, element_id: str | None, compiled: Compiled | None = None, exc: ExpressionError | None = None) -> DmnError:
        """Return a DmnError for element_id, naming the expression and position when known."""
        return DmnError(
            message,
            element_id=element_id,
            file=self.file,
            expression=compiled.text if compiled is not None else None,
            position=exc.position if exc is not None else None,
        )

    def _evaluate(self, compiled: Compiled, context: Mapping[str, Any], element_id: str) -> Any:
        try:
            return to_feel(compiled.evaluate(context, now=self.now))
        except ExpressionError as exc:
            raise self.fail(exc.message, element_id, compiled, exc) from None

    def _test(self, compiled: Compiled, value: Any, context: Mapping[str, Any], element_id: str) -> bool:
        try:
            return compiled.test(value, context, now=self.now)
        except ExpressionError as exc:
            raise self.fail(exc.message, element_id, compiled, exc) from None

    def _matches(self, compiled: Compiled, scope: Mapping[str, Any], element_id: str) -> bool:
        try:
            return compiled.matches(scope, now=self.now)
        except ExpressionError as exc:
            raise self.fail(exc.message, element_id, compiled, exc) from None

    def decide(self, decision: Decision) -> DecisionResult:
        """Evaluate decision after the decisions it requires (each once per evaluation)."""
        if decision.id in self.results:
            return self.results[decision.id]
        if decision.id in self.active:
            raise self.fail("the decisions require each other in a circle", decision.id)
        self.active.add(decision.id)
        context: dict[str, Any] = dict(self.base)
        for required_id in decision.required_decisions:
            required = self.model.decisions.get(required_id)
            if required is None:
                raise self.fail(f"required decision '{required_id}' is not in this file", decision.id)
            outcome = self.decide(required)
            context[required.variable] = outcome.value
            self._bind_outputs(context, required, outcome)
        self._add_knowledge(context, decision.required_knowledge, decision.id)
        rows, value, matched = self.run(decision.logic, context, decision.variable, decision.id)
        self.active.discard(decision.id)
        result = DecisionResult(decision.id, decision.name, rows, value, matched)
        self.results[decision.id] = result
        return result

    @staticmethod
    def _bind_outputs(context: dict[str, Any], required: Decision, outcome: DecisionResult) -> None:
        """Also expose a required table's outputs by output name, as Camunda 7 does."""
        if not isinstance(required.logic, DecisionTable):
            return
        single = required.logic.hit_policy in SINGLE_HIT or required.logic.aggregation is not None
        names = {name for row in outcome.rows for name in row}
        for name in names - set(context):
            values = [row.get(name) for row in outcome.rows]
            context[name] = (values[0] if values else None) if single else values

    def _add_knowledge(self, context: dict[str, Any], knowledge_ids: list[str], owner: str) -> None:
        for knowledge_id in knowledge_ids:
            knowledge = self.model.knowledge.get(knowledge_id)
            if knowledge is None:
                raise self.fail(f"required knowledge '{knowledge_id}' is not in this file", owner)
            context[knowledge.name] = self._function(knowledge)

    def _function(self, knowledge: KnowledgeModel) -> FeelFunction:
        def invoke(*args: Any, **kwargs: Any) -> Any:
            bound = dict(zip(knowledge.parameters, args))
            bound.update(kwargs)
            context: dict[str, Any] = {name: bound.get(name) for name in knowledge.parameters}
            self._add_knowledge(context, knowledge.required_knowledge, knowledge.id)
            return self.run(knowledge.logic, context, knowledge.name, knowledge.id)[1]

        return FeelFunction(knowledge.name, tuple(knowledge.parameters), invoke)

    def run(self, logic: Logic, context: dict[str, Any], variable: str, owner: str) -> tuple[list[dict], Any, list[str]]:
        """Return (rows, value, matched rule ids) of a literal expression or decision table."""
        if isinstance(logic, LiteralExpression):
            value = self._evaluate(logic.expression, context, logic.id or owner)
            return [{variable: value}], value, []
        return self.table(logic, context, variable, owner)

    def table(self, table: DecisionTable, context: dict[str, Any], variable: str, owner: str) -> tuple[list[dict], Any, list[str]]:
        """Evaluate a decision table under its hit policy."""
        columns = []
        for clause in table.inputs:
            value = as_typed(self._evaluate(clause.expression, context, clause.id), clause.type_ref)
            if clause.allowed is not None and value is not None and not self._test(clause.allowed, value, context, clause.id):
                raise self.fail(f"input '{clause.label}' of decision '{owner}' has a value outside its input values", clause.id)
            columns.append(ChainMap({"?": value, "cellInput": value, clause.input_variable: value}, context))
        matched = [rule for rule in table.rules if all(self._matches(entry, scope, rule.id) for entry, scope in zip(rule.inputs, columns))]
        names = [out.name or (variable if len(table.outputs) == 1 else out.id) for out in table.outputs]
        rows = [self._row(table, rule.outputs, names, context, rule.id) for rule in matched]
        ids = [rule.id for rule in matched]
        if not rows and any(out.default is not None for out in table.outputs):
            defaults = [out.default for out in table.outputs]
            rows = [self._row(table, defaults, names, context, table.id)]
        rows, value = self._apply_hit_policy(table, rows, ids, names, owner)
        return rows, value, ids

    def _row(self, table: DecisionTable, entries: list, names: list[str], context: Mapping[str, Any], element_id: str) -> dict:
        row: dict[str, Any] = {}
        for clause, entry, name in zip(table.outputs, entries, names):
            value = None if entry is None else self._evaluate(entry, context, element_id)
            if clause.allowed is not None and value is not None and not self._test(clause.allowed, value, {}, element_id):
                raise self.fail(f"output '{name}' of rule '{element_id}' is outside its output values", element_id)
            row[name] = value
        return row

    def _apply_hit_policy(self, table: DecisionTable, rows: list[dict], ids: list[str], names: list[str], owner: str) -> tuple[list[dict], Any]:
        policy = table.hit_policy
        single = len(names) == 1

        def shape(row: dict) -> Any:
            return row[names[0]] if single else row

        if policy == "UNIQUE" and len(rows) > 1:
            raise self.fail(f"hit policy UNIQUE: decision '{owner}' matched {len(rows)} rules: {', '.join(ids)}", owner)
        if policy == "ANY" and any(equal(shape(row), shape(rows[0])) is not True for row in rows[1:]):
            raise self.fail(f"hit policy ANY: the matching rules of decision '{owner}' give different outputs: {', '.join(ids)}", owner)
        if policy in ("PRIORITY", "OUTPUT ORDER"):
            rows = sorted(rows, key=lambda row: _priority(table, names, row))
        if policy in ("UNIQUE", "ANY", "FIRST", "PRIORITY"):
            rows = rows[:1]
            return rows, shape(rows[0]) if rows else None
        values = [shape(row) for row in rows]
        if policy != "COLLECT" or table.aggregation is None:
            return rows, values
        aggregated = _aggregate(table.aggregation, values)
        if aggregated is _MIXED:
            raise self.fail(f"aggregation {table.aggregation} of decision '{owner}' needs comparable values", owner)
        return [{names[0]: aggregated}], aggregated


_MIXED = object()
_TEMPORAL_TYPES = {"date": "date", "datetime": "date and time", "date and time": "date and time", "time": "time"}


def as_typed(value: Any, type_ref: str | None) -> Any:
    """Return an ISO text as a date, date and time or time when the typeRef asks for one."""
    kind = _TEMPORAL_TYPES.get((type_ref or "").strip().lower())
    if kind is None or not isinstance(value, str):
        return value
    parsed = {"date": parse_feel_date, "date and time": parse_feel_datetime, "time": parse_feel_time}[kind](value)
    return value if parsed is None else parsed


def _priority(table: DecisionTable, names: list[str], row: dict) -> tuple[int, ...]:
    keys = []
    for clause, name in zip(table.outputs, names):
        listed = clause.allowed_values
        position = next((i for i, item in enumerate(listed) if equal(item, row[name]) is True), len(listed))
        keys.append(position)
    return tuple(keys)


def _aggregate(aggregation: str, values: list[Any]) -> Any:
    present = [value for value in values if value is not None]
    if aggregation == "COUNT":
        return Decimal(len(present))
    if not present:
        return None
    if aggregation == "SUM":
        if not all(isinstance(value, Decimal) for value in present):
            return _MIXED
        total = Decimal(0)
        for value in present:
            total = FEEL_DECIMAL.add(total, value)
        return total
    best = present[0]
    for value in present[1:]:
        order = compare(value, best)
        if order is None:
            return _MIXED
        if (aggregation == "MIN" and order < 0) or (aggregation == "MAX" and order > 0):
            best = value
    return best


def map_decision_result(result: DecisionResult, mode: str) -> Any:
    """Map a result as Camunda 7's mapDecisionResult does (singleEntry ... resultList)."""
    rows = result.rows
    if mode == "resultList":
        return [dict(row) for row in rows]
    if mode == "collectEntries":
        if any(len(row) != 1 for row in rows):
            raise DmnError(f"collectEntries needs one output per rule; decision '{result.decision_id}' has more", element_id=result.decision_id)
        return [next(iter(row.values())) for row in rows]
    if mode in ("singleResult", "singleEntry"):
        if len(rows) > 1:
            raise DmnError(f"{mode} needs at most one matching rule; decision '{result.decision_id}' matched {len(rows)}", element_id=result.decision_id)
        if not rows:
            return None
        if mode == "singleResult":
            return dict(rows[0])
        if len(rows[0]) != 1:
            raise DmnError(f"singleEntry needs one output; decision '{result.decision_id}' has {len(rows[0])}", element_id=result.decision_id)
        return next(iter(rows[0].values()))
    raise DmnError(f"unknown mapDecisionResult {mode!r} (use singleEntry, singleResult, collectEntries or resultList)")
