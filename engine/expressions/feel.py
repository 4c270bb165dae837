"""FEEL: compile expressions and unary tests (DMN input entries) into closures."""

from __future__ import annotations

from typing import Any, Callable

from .errors import ExpressionError
from .feel_compiler import FeelCompiler
from .feel_grammar import PARSER
from .scope import Scope
from .syntax import parse_and_transform

Node = Callable[[Scope], Any]


def compile_feel(text: str, inner: str, offset: int, *, unary: bool = False) -> tuple[Node, frozenset[str]]:
    """Compile FEEL (an expression, or unary tests when unary) found at text[offset:]."""
    if unary:
        return _compile_unary(text, inner, offset)
    if not inner.strip():
        raise ExpressionError("the FEEL expression is empty", text, offset)
    return _compile(text, inner, offset, "start")


def _compile(text: str, inner: str, offset: int, start: str) -> tuple[Node, frozenset[str]]:
    compiler = FeelCompiler(text, offset)
    node = parse_and_transform(PARSER, compiler, inner, text, offset, start=start)
    return node, frozenset(compiler.names - compiler.bound - {"item", "partial"})


def _compile_unary(text: str, inner: str, offset: int) -> tuple[Node, frozenset[str]]:
    stripped = inner.strip()
    if stripped in ("", "-"):
        return (lambda scope: True), frozenset()
    lead = len(inner) - len(inner.lstrip())
    body = _negated_body(stripped)
    if body is not None:
        start = offset + lead + stripped.index("(") + 1
        node, names = _compile(text, body, start, "unary_tests")
        return (lambda scope: not node(scope)), names
    return _compile(text, inner, offset, "unary_tests")


def _negated_body(stripped: str) -> str | None:
    """Return the inside of not(...) when the whole entry is one not(...)."""
    if not stripped.startswith("not"):
        return None
    rest = stripped[3:].lstrip()
    if not rest.startswith("("):
        return None
    depth, quote = 0, False
    for index, char in enumerate(rest):
        if quote:
            if char == "\\":
                continue
            if char == '"':
                quote = False
        elif char == '"':
            quote = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return rest[1:index] if index == len(rest) - 1 else None
    return None
