"""`regie dmn eval FILE.dmn --decision ID`: evaluate a decision for JSON lines on stdin."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer

from engine.expressions import ExpressionError
from engine.expressions.feel_text import feel_string
from engine.expressions.temporal import YearsMonths

from . import DmnError, load_dmn

dmn_app = typer.Typer(help="Evaluate DMN decisions.", no_args_is_help=True, add_completion=False)


@dmn_app.callback()
def dmn_group() -> None:
    """Evaluate DMN decisions (keeps `eval` a subcommand when run on its own)."""


def to_json(value: Any) -> Any:
    """Return value with Decimals, dates and durations made JSON-friendly."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (datetime, date, time, timedelta, YearsMonths)):
        return feel_string(value)
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    return feel_string(value)


@dmn_app.command("eval")
def eval_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="The .dmn file."),
    decision: str = typer.Option(..., "--decision", "-d", help="The decision id (or name)."),
) -> None:
    """Evaluate DECISION once per JSON object read from stdin; print one JSON line each."""
    try:
        model = load_dmn(file)
        model.find(decision)
    except DmnError as exc:
        typer.echo(f"cannot load {file.name}: {exc}", err=True)
        raise typer.Exit(code=1) from None
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        typer.echo(json.dumps(_evaluate_line(model, decision, line, number), ensure_ascii=False))


def _evaluate_line(model: Any, decision: str, line: str, number: int) -> dict[str, Any]:
    try:
        inputs = json.loads(line, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        return {"error": f"line {number} is not valid JSON: {exc.msg}"}
    if not isinstance(inputs, dict):
        return {"error": f"line {number} is not a JSON object"}
    try:
        result = model.evaluate(decision, inputs)
    except (DmnError, ExpressionError) as exc:
        return {"error": str(exc)}
    return {"result": to_json(result.value), "matched_rules": result.matched_rules}
