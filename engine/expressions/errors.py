"""Errors and problems reported for analyst-written expressions."""

from __future__ import annotations

from dataclasses import dataclass


class ExpressionError(Exception):
    """An expression that cannot be parsed, or is not supported."""

    def __init__(self, message: str, expression: str = "", position: int | None = None) -> None:
        self.message = message
        self.expression = expression
        self.position = position
        super().__init__(self._render())

    def _render(self) -> str:
        where = f" at position {self.position}" if self.position is not None else ""
        text = f" in {self.expression!r}" if self.expression else ""
        return f"{self.message}{where}{text}"

    def __str__(self) -> str:
        return self._render()


class EvaluationError(ExpressionError):
    """An expression that parsed but failed while being evaluated."""


@dataclass(frozen=True)
class Problem:
    """One finding of validate_expression: an error or a warning, with its position."""

    severity: str
    message: str
    expression: str
    position: int | None = None
