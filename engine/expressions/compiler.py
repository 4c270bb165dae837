"""compile_expression: pick the language, parse once (cached), evaluate many times."""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from .budget import BudgetExceeded, budgeted
from .errors import EvaluationError, ExpressionError, Problem
from .juel import compile_juel
from .scope import Scope
from .temporal import type_name

KINDS = ("condition", "expression", "timer", "text", "unary")
LANGUAGES = ("juel", "feel")

_ISO_TIMER = re.compile(
    r"^(R\d*/)?("
    r"-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
    r"|\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?"
    r")(/("
    r"P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
    r"|\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?"
    r"))?$"
)

Node = Callable[[Scope], Any]


class Compiled:
    """A parsed expression, ready to be evaluated against case data many times."""

    __slots__ = ("text", "language", "kind", "variables", "_node")

    def __init__(self, text: str, language: str, kind: str, variables: frozenset[str], node: Node) -> None:
        self.text = text
        self.language = language
        self.kind = kind
        self.variables = variables
        self._node = node

    def __repr__(self) -> str:
        return f"Compiled({self.text!r}, language={self.language!r}, kind={self.kind!r})"

    def evaluate(self, context: Mapping[str, Any], *, now: datetime) -> Any:
        """Evaluate against context (variable name -> value); raise EvaluationError on failure."""
        try:
            with budgeted():
                value = self._node(Scope(context, now))
        except BudgetExceeded as exc:
            raise EvaluationError(exc.message, self.text) from None
        except ExpressionError:
            raise
        except RecursionError:
            raise EvaluationError("the expression nests too deeply", self.text) from None
        except Exception as exc:  # a defect in an operator must still reach the analyst cleanly
            raise EvaluationError(f"cannot evaluate ({type(exc).__name__})", self.text) from None
        if self.kind == "condition" and not isinstance(value, bool):
            raise EvaluationError(
                f"a condition must give true or false, got {type_name(value)}", self.text, 0
            )
        return value

    def test(self, value: Any, context: Mapping[str, Any] | None = None, *, now: datetime) -> bool:
        """Return whether a DMN input value passes this unary test (kind 'unary' only)."""
        return self.matches(ChainMap({"?": value, "cellInput": value}, context or {}), now=now)

    def matches(self, variables: Mapping[str, Any], *, now: datetime) -> bool:
        """Return whether the input value bound as '?' in variables passes this unary test."""
        result = self.evaluate(variables, now=now)
        if not isinstance(result, bool):
            raise EvaluationError(f"an input entry must give true or false, got {type_name(result)}", self.text)
        return result


def compile_expression(text: str, *, kind: str = "expression", language: str | None = None) -> Compiled:
    """Compile analyst text (JUEL ${...}, FEEL =..., or a literal); raise ExpressionError."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if language is not None:
        language = _normalise_language(language)
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be text, got {type_name(text)}")
    return _compile_cached(text, kind, language)


def validate_expression(text: str, *, kind: str = "expression", language: str | None = None) -> list[Problem]:
    """Return the problems of an expression without evaluating it (empty when fine)."""
    try:
        compiled = compile_expression(text, kind=kind, language=language)
    except ExpressionError as exc:
        return [Problem("error", exc.message, text, exc.position)]
    problems: list[Problem] = []
    if kind == "condition" and compiled.language == "juel" and not compiled.variables:
        problems.append(Problem("warning", "this condition uses no variable, so it is always the same", text, 0))
    return problems


def _normalise_language(language: str) -> str:
    lowered = language.strip().lower()
    if lowered in LANGUAGES:
        return lowered
    if "feel" in lowered:
        return "feel"
    if "juel" in lowered or lowered in ("el", "javax.el"):
        return "juel"
    raise ExpressionError(f"unknown expression language {language!r} (use juel or feel)")


@lru_cache(maxsize=4096)
def _compile_cached(text: str, kind: str, language: str | None) -> Compiled:
    stripped = text.strip()
    juel_marked = stripped.startswith(("${", "#{"))
    if language == "feel" or (language is None and (stripped.startswith("=") or (kind == "unary" and not juel_marked))):
        return _compile_feel(text, kind)
    if kind == "timer" and language is None and "${" not in text and "#{" not in text:
        if not _ISO_TIMER.match(stripped):
            raise ExpressionError(
                "a timer needs an ISO 8601 date, duration or cycle (P10W, 2026-03-01T09:00:00Z, "
                "R3/PT10M), a ${...} expression or a =... FEEL expression",
                text,
                0,
            )
        return Compiled(text, "literal", kind, frozenset(), lambda scope: stripped)
    segments = _split_template(text)
    if not any(isinstance(s, tuple) for s in segments):
        if language == "juel":
            node, names = compile_juel(text, text, 0)
            return Compiled(text, "juel", kind, names, node)
        if kind == "condition":
            raise ExpressionError("a condition must be written as ${...} (JUEL) or =... (FEEL)", text, 0)
        return Compiled(text, "literal", kind, frozenset(), lambda scope: text)
    return _compile_template(text, kind, segments)


def _compile_feel(text: str, kind: str) -> Compiled:
    from .feel import compile_feel  # FEEL is the larger grammar: load it only when used

    stripped = text.lstrip()
    offset = len(text) - len(stripped)
    if stripped.startswith("=") and kind != "unary":
        stripped, offset = stripped[1:], offset + 1
    node, names = compile_feel(text, stripped, offset, unary=(kind == "unary"))
    return Compiled(text, "feel", kind, names, node)


def _compile_template(text: str, kind: str, segments: list) -> Compiled:
    parts: list[Node | str] = []
    names: set[str] = set()
    for segment in segments:
        if isinstance(segment, tuple):
            inner, offset = segment
            node, used = compile_juel(text, inner, offset)
            parts.append(node)
            names |= used
        elif segment:
            parts.append(segment)
    if len(parts) == 1 and not isinstance(parts[0], str):
        return Compiled(text, "juel", kind, frozenset(names), parts[0])
    if kind == "condition":
        raise ExpressionError("a condition must be one ${...} expression without text around it", text, 0)

    def render(scope: Scope) -> str:
        out = []
        for part in parts:
            if isinstance(part, str):
                out.append(part)
            else:
                value = part(scope)
                out.append("" if value is None else _text(value))
        return "".join(out)

    return Compiled(text, "juel", kind, frozenset(names), render)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _split_template(text: str) -> list:
    """Split 'a ${x} b' into ['a ', ('x', 4), ' b']; raise on an unclosed ${."""
    segments: list = []
    i, start = 0, 0
    while i < len(text):
        if text[i] in "$#" and text.startswith("{", i + 1):
            segments.append(text[start:i])
            j, quote = i + 2, None
            while j < len(text):
                char = text[j]
                if quote:
                    if char == "\\":
                        j += 1
                    elif char == quote:
                        quote = None
                elif char in "'\"":
                    quote = char
                elif char == "}":
                    break
                j += 1
            if j >= len(text):
                raise ExpressionError(f"'{text[i:i + 2]}' is not closed with '}}'", text, i)
            if not text[i + 2 : j].strip():
                raise ExpressionError("empty ${}", text, i)
            segments.append((text[i + 2 : j], i + 2))
            i = start = j + 1
            continue
        i += 1
    segments.append(text[start:])
    return segments
