"""Turn lark's parse exceptions into ExpressionError with a position in the analyst's text."""

from __future__ import annotations

from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)

from .errors import ExpressionError


def syntax_error(exc: UnexpectedInput, inner: str, text: str, offset: int) -> ExpressionError:
    """Return an ExpressionError for a parse failure of inner, found at text[offset:]."""
    return ExpressionError(_syntax_message(exc, inner), text, offset + _pos(exc, inner))


def _pos(exc: UnexpectedInput, inner: str) -> int:
    if isinstance(exc, UnexpectedEOF) or getattr(exc, "pos_in_stream", None) is None:
        return len(inner)
    token = getattr(exc, "token", None)
    if isinstance(token, Token) and token.type == "$END":
        return len(inner)
    return exc.pos_in_stream


def _syntax_message(exc: UnexpectedInput, inner: str) -> str:
    if isinstance(exc, UnexpectedCharacters):
        return f"unexpected character {inner[exc.pos_in_stream]!r}"
    if isinstance(exc, UnexpectedToken):
        if exc.token.type == "$END":
            return "the expression ends too early"
        return f"unexpected {str(exc.token)!r}"
    return "the expression ends too early"


def parse_and_transform(parser: Lark, compiler: Transformer, inner: str, text: str, offset: int, **parse_args) -> Any:
    """Parse `inner` and turn the tree into evaluator closures; every failure is an ExpressionError."""
    try:
        tree = parser.parse(inner, **parse_args)
    except UnexpectedInput as exc:
        raise syntax_error(exc, inner, text, offset) from None
    try:
        return compiler.transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, ExpressionError):
            raise exc.orig_exc from None
        raise
    except RecursionError:
        raise ExpressionError("the expression nests too deeply", text, offset) from None


@v_args(meta=True)
class LiteralRules(Transformer):
    """The literals JUEL and FEEL share: true, false and null."""

    def true(self, meta, children):
        return lambda scope: True

    def false(self, meta, children):
        return lambda scope: False

    def null(self, meta, children):
        return lambda scope: None
