"""The evaluation budget: an analyst's expression may take so many steps and so much time, then
it is refused with a clear error instead of running for seconds (`for i in 1..100000000`, nested
loops over long lists, deep recursion through function definitions).

Loops, list filters, ranges and function calls tick the budget of the evaluation in progress.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from .errors import EvaluationError

MAX_STEPS = 100_000
"""Loop iterations, filtered items, range elements and function calls per evaluation."""
MAX_SECONDS = 1.0
"""Wall time per evaluation (checked every 1024 steps)."""


class BudgetExceeded(EvaluationError):
    """The expression used up its step or time budget."""


class _Budget:
    __slots__ = ("steps", "deadline")

    def __init__(self) -> None:
        self.steps = 0
        self.deadline = time.monotonic() + MAX_SECONDS


_current: ContextVar[_Budget | None] = ContextVar("regie_expression_budget", default=None)


@contextmanager
def budgeted() -> Iterator[None]:
    """Give the evaluation inside a fresh budget (nested evaluations share the outer one)."""
    if _current.get() is not None:
        yield
        return
    token = _current.set(_Budget())
    try:
        yield
    finally:
        _current.reset(token)


def tick(steps: int = 1) -> None:
    """Spend `steps` of the current budget; BudgetExceeded when it is used up."""
    budget = _current.get()
    if budget is None:
        return
    before = budget.steps
    budget.steps += steps
    if budget.steps > MAX_STEPS:
        raise BudgetExceeded(f"the expression takes more than {MAX_STEPS} steps; simplify it or use a DMN table")
    if (before >> 10) != (budget.steps >> 10) and time.monotonic() > budget.deadline:
        raise BudgetExceeded(f"the expression takes longer than {MAX_SECONDS:g} s; simplify it")
