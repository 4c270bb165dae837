"""DMN 1.1-1.5 decisions: load a file (every expression checked), evaluate with all hit policies.

Call :func:`load_dmn` once per file, then ``model.evaluate(decision_id, inputs)``; map the
result for a business rule task with :func:`map_decision_result`.
"""

from __future__ import annotations

import pathlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .evaluate import DecisionResult, Evaluation, map_decision_result
from .loader import parse_definitions, read_model
from .model import Decision, DmnError, InputData, KnowledgeModel


class DmnModel:
    """The decisions of one DMN file, ready to evaluate many times."""

    def __init__(self, decisions: dict[str, Decision], knowledge: dict[str, KnowledgeModel], inputs: dict[str, InputData], file: str) -> None:
        self.decisions = decisions
        self.knowledge = knowledge
        self.inputs = inputs
        self.file = file

    def find(self, decision_id: str) -> Decision:
        """Return the decision with this id (or, failing that, this name)."""
        decision = self.decisions.get(decision_id)
        if decision is None:
            decision = next((d for d in self.decisions.values() if d.name == decision_id), None)
        if decision is None:
            known = ", ".join(sorted(self.decisions)) or "none"
            raise DmnError(f"no decision '{decision_id}' (known: {known})", file=self.file)
        return decision

    def evaluate(self, decision_id: str, inputs: Mapping[str, Any], *, now: datetime | None = None) -> DecisionResult:
        """Evaluate a decision (and the decisions it requires) against inputs."""
        decision = self.find(decision_id)
        return Evaluation(self, inputs, now, self.file).decide(decision)


def load_dmn(source: bytes | str | pathlib.Path, *, filename: str = "") -> DmnModel:
    """Load a DMN file (bytes, XML text or a path); raise DmnError naming what is wrong."""
    root, name = parse_definitions(source, filename)
    decisions, knowledge, inputs = read_model(root, name)
    if not decisions:
        raise DmnError("the file has no decision", file=name)
    model = DmnModel(decisions, knowledge, inputs, name)
    for decision in decisions.values():
        for required in decision.required_decisions:
            if required not in decisions:
                raise DmnError(f"required decision '{required}' is not in this file", element_id=decision.id, file=name)
    return model


__all__ = ["DecisionResult", "DmnError", "DmnModel", "load_dmn", "map_decision_result"]
