"""FEEL in forms: conditional hiding and computed values, through engine.expressions only."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engine.expressions import ExpressionError, compile_expression, validate_expression

from .model import Component, FormDefinition


def is_feel(value: Any) -> bool:
    """Return whether a property value is a FEEL expression (text starting with '=')."""
    return isinstance(value, str) and value.lstrip().startswith("=")


def feel_problems(text: str) -> list[str]:
    """Return why a FEEL expression cannot be used (empty when it parses)."""
    try:
        problems = validate_expression(text, kind="expression", language="feel")
    except ExpressionError as exc:
        return [exc.message]
    return [p.message for p in problems if p.severity == "error"]


def evaluate_feel(text: str, data: Mapping[str, Any], *, now: datetime) -> Any:
    """Evaluate a FEEL expression against form data; raise ExpressionError on failure."""
    return compile_expression(text, kind="expression", language="feel").evaluate(data, now=now)


def resolve(value: Any, data: Mapping[str, Any], *, now: datetime, fallback: Any = None) -> Any:
    """Return a property's value: FEEL is evaluated, anything else is returned as written."""
    if not is_feel(value):
        return value
    try:
        return evaluate_feel(value, data, now=now)
    except ExpressionError:
        return fallback


def condition_hides(component: Component, data: Mapping[str, Any], *, now: datetime) -> bool:
    """Return whether the component's own hide condition is true for this data.

    Like form-js, only a true result hides: a condition that fails or gives null shows the
    component, so a consultant is never kept from a field by a broken condition.
    """
    text = component.hide
    if text is None:
        return False
    try:
        return evaluate_feel(text, data, now=now) is True
    except ExpressionError:
        return False


def hidden_ids(form: FormDefinition, data: Mapping[str, Any], *, now: datetime) -> set[int]:
    """Return the identities (id()) of components hidden by their own or a group's condition."""
    hidden: set[int] = set()
    # form-js data holds every field, empty ones as null: a condition on an unanswered
    # field must see null, not fail on an unknown variable
    data = {**{component.key: None for component in form.fields}, **data}

    def visit(component: Component, parent_hidden: bool) -> None:
        is_hidden = parent_hidden or condition_hides(component, data, now=now)
        if is_hidden:
            hidden.add(id(component))
        for child in component.children:
            visit(child, is_hidden)

    for top in form.components:
        visit(top, False)
    return hidden
