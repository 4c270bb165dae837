"""The DMN model as loaded from a file: decisions, tables, literal expressions, BKMs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.expressions import Compiled


class DmnError(Exception):
    """A DMN file that cannot be loaded, or a decision that cannot be evaluated."""

    def __init__(
        self,
        message: str,
        *,
        element_id: str | None = None,
        file: str = "",
        expression: str | None = None,
        position: int | None = None,
    ) -> None:
        self.message = message
        self.element_id = element_id
        self.file = file
        self.expression = expression
        self.position = position
        super().__init__(self._render())

    def _render(self) -> str:
        where = ", ".join(
            part
            for part in (
                self.file and f"file {self.file}",
                self.element_id and f"element {self.element_id}",
                self.expression is not None and f"expression {self.expression!r}",
                self.position is not None and f"at position {self.position}",
            )
            if part
        )
        return f"{self.message} ({where})" if where else self.message


@dataclass
class InputClause:
    """One input column: its expression, optional allowed values and entry variable."""

    id: str
    label: str
    expression: Compiled
    allowed: Compiled | None = None
    input_variable: str = "cellInput"
    type_ref: str | None = None


@dataclass
class OutputClause:
    """One output column: its name, allowed values (priority order) and default."""

    id: str
    name: str
    allowed: Compiled | None = None
    allowed_values: list[Any] = field(default_factory=list)
    default: Compiled | None = None


@dataclass
class Rule:
    """One row: an entry per input column and per output column."""

    id: str
    inputs: list[Compiled]
    outputs: list[Compiled | None]


@dataclass
class DecisionTable:
    """A decision table with its hit policy and optional COLLECT aggregation."""

    id: str
    hit_policy: str
    aggregation: str | None
    inputs: list[InputClause]
    outputs: list[OutputClause]
    rules: list[Rule]


@dataclass
class LiteralExpression:
    """A decision or BKM whose logic is one expression."""

    id: str
    expression: Compiled


Logic = DecisionTable | LiteralExpression


@dataclass
class Decision:
    """A decision: its logic, the decisions and BKMs it requires, and its variable name."""

    id: str
    name: str
    variable: str
    logic: Logic
    required_decisions: list[str] = field(default_factory=list)
    required_knowledge: list[str] = field(default_factory=list)
    required_inputs: list[str] = field(default_factory=list)


@dataclass
class KnowledgeModel:
    """A business knowledge model: a function with parameters over its logic."""

    id: str
    name: str
    parameters: list[str]
    logic: Logic
    required_knowledge: list[str] = field(default_factory=list)


@dataclass
class InputData:
    """An input of the decision model, with optional allowed values from its type."""

    id: str
    name: str
    allowed: Compiled | None = None
    type_ref: str | None = None
