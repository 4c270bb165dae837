"""JUEL (Camunda 7's Unified Expression Language) subset: parser and tree evaluator.

The grammar below is parsed with lark; the tree is turned into nested Python closures once,
so evaluating a compiled condition never re-parses and never calls Python eval. Supported:
literals, variables, ``a.b``, ``a['b']``, ``a[0]``, ``== != < <= > >=`` (and ``eq ne lt gt le
ge``), ``&& || !`` (and ``and or not``), ``empty``, ``+ - * / div % mod``, unary minus,
``?:``, parentheses and the date functions in :mod:`juel_functions`. Method calls
(``execution.getVariable('x')``) are refused at compile time.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any

from lark import Lark, v_args

from .errors import EvaluationError, ExpressionError
from .juel_functions import JUEL_FUNCTIONS
from .juel_values import (
    ORDER,
    arith_operand,
    as_bool,
    comparable,
    el_equal,
    is_empty,
    member,
    split_escapes,
)
from .scope import Scope
from .syntax import LiteralRules, parse_and_transform
from .temporal import type_name

GRAMMAR = r"""
?start: expr
?expr: or_expr "?" expr ":" expr         -> ternary
     | or_expr
?or_expr: or_expr ("||" | "or") and_expr   -> or_op
        | and_expr
?and_expr: and_expr ("&&" | "and") eq_expr -> and_op
         | eq_expr
?eq_expr: eq_expr ("==" | "eq") rel_expr   -> eq
        | eq_expr ("!=" | "ne") rel_expr   -> ne
        | rel_expr
?rel_expr: rel_expr ("<" | "lt") add_expr  -> lt
         | rel_expr ("<=" | "le") add_expr -> le
         | rel_expr (">" | "gt") add_expr  -> gt
         | rel_expr (">=" | "ge") add_expr -> ge
         | add_expr
?add_expr: add_expr "+" mul_expr           -> add
         | add_expr "-" mul_expr           -> sub
         | mul_expr
?mul_expr: mul_expr "*" unary              -> mul
         | mul_expr ("/" | "div") unary    -> div
         | mul_expr ("%" | "mod") unary    -> mod
         | unary
?unary: "-" unary                          -> neg
      | ("!" | "not") unary                -> not_op
      | "empty" unary                      -> empty_op
      | value
?value: atom
      | value "." NAME                     -> attr
      | value "[" expr "]"                 -> index
      | value "." NAME "(" [args] ")"      -> method_call
?atom: INT                                 -> integer
     | DECIMAL                             -> decimal
     | STRING                              -> string
     | "true"                              -> true
     | "false"                             -> false
     | "null"                              -> null
     | NAME                                -> var
     | NAME "(" [args] ")"                 -> call
     | "(" expr ")"
args: expr ("," expr)*

NAME: /[A-Za-z_$\u00C0-\uFFFF][A-Za-z0-9_$\u00C0-\uFFFF]*/
INT: /\d+/
DECIMAL: /\d+\.\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|\d+[eE][+-]?\d+/
STRING: /'(\\.|[^'\\])*'|"(\\.|[^"\\])*"/
%ignore /\s+/
"""

_PARSER = Lark(GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=True)

Node = Callable[["Scope"], Any]


@v_args(meta=True)
class _Compiler(LiteralRules):
    """Turn the lark tree into closures; keep source positions for error messages."""

    def __init__(self, text: str, offset: int) -> None:
        super().__init__()
        self.text = text
        self.offset = offset
        self.variables: set[str] = set()

    def _failer(self, meta: Any) -> Callable[[str], None]:
        position = self.offset + meta.start_pos if not meta.empty else None
        text = self.text

        def fail(message: str) -> None:
            raise EvaluationError(message, text, position)

        return fail

    # literals
    def integer(self, meta, children):
        value = int(children[0])
        return lambda scope: value

    def decimal(self, meta, children):
        value = Decimal(str(children[0]))
        return lambda scope: value

    def string(self, meta, children):
        raw = str(children[0])[1:-1]
        value = "".join(part[1:] if part.startswith("\\") else part for part in split_escapes(raw))
        return lambda scope: value

    def var(self, meta, children):
        name = str(children[0])
        self.variables.add(name)
        fail = self._failer(meta)

        def lookup(scope: Scope) -> Any:
            try:
                return scope.variables[name]
            except KeyError:
                fail(f"Unknown property used in expression: variable '{name}' is not set")

        return lookup

    def call(self, meta, children):
        name, args = str(children[0]), children[1] or []
        if name not in JUEL_FUNCTIONS:
            raise ExpressionError(
                f"unknown function '{name}' (known: {', '.join(sorted(JUEL_FUNCTIONS))})",
                self.text,
                self.offset + meta.start_pos,
            )
        arity, function = JUEL_FUNCTIONS[name]
        if len(args) != arity:
            raise ExpressionError(
                f"function '{name}' takes {arity} argument(s), got {len(args)}",
                self.text,
                self.offset + meta.start_pos,
            )
        fail = self._failer(meta)

        def invoke(scope: Scope) -> Any:
            values = [arg(scope) for arg in args]
            try:
                return function(scope.now, *values)
            except (TypeError, ValueError, OverflowError) as exc:
                fail(f"{name}(): {exc}")

        return invoke

    def args(self, meta, children):
        return list(children)

    def method_call(self, meta, children):
        raise ExpressionError(
            f"method calls such as '.{children[1]}(...)' are not supported; use a variable or a function",
            self.text,
            self.offset + meta.start_pos,
        )

    def attr(self, meta, children):
        target, key = children[0], str(children[1])
        fail = self._failer(meta)

        def get(scope: Scope) -> Any:
            return member(target(scope), key, fail)

        return get

    def index(self, meta, children):
        target, key = children
        fail = self._failer(meta)

        def get(scope: Scope) -> Any:
            return member(target(scope), key(scope), fail)

        return get

    # operators
    def ternary(self, meta, children):
        test, then, otherwise = children
        fail = self._failer(meta)
        return lambda scope: then(scope) if as_bool(test(scope), fail) else otherwise(scope)

    def or_op(self, meta, children):
        left, right = children
        fail = self._failer(meta)
        return lambda scope: as_bool(left(scope), fail) or as_bool(right(scope), fail)

    def and_op(self, meta, children):
        left, right = children
        fail = self._failer(meta)
        return lambda scope: as_bool(left(scope), fail) and as_bool(right(scope), fail)

    def not_op(self, meta, children):
        (operand,) = children
        fail = self._failer(meta)
        return lambda scope: not as_bool(operand(scope), fail)

    def empty_op(self, meta, children):
        (operand,) = children
        return lambda scope: is_empty(operand(scope))

    def eq(self, meta, children):
        left, right = children
        fail = self._failer(meta)
        return lambda scope: el_equal(left(scope), right(scope), fail)

    def ne(self, meta, children):
        left, right = children
        fail = self._failer(meta)
        return lambda scope: not el_equal(left(scope), right(scope), fail)

    def _order(self, meta, children, op: str):
        left, right = children
        fail = self._failer(meta)
        compare = ORDER[op]

        def evaluate(scope: Scope) -> bool:
            a, b = left(scope), right(scope)
            if a is None or b is None:
                return False
            x, y = comparable(a, b, fail)
            try:
                return compare(x, y)
            except TypeError:
                fail(f"cannot order {type_name(a)} and {type_name(b)}")

        return evaluate

    def lt(self, meta, children):
        return self._order(meta, children, "lt")

    def le(self, meta, children):
        return self._order(meta, children, "le")

    def gt(self, meta, children):
        return self._order(meta, children, "gt")

    def ge(self, meta, children):
        return self._order(meta, children, "ge")

    def _arith(self, meta, children, op: str):
        left, right = children
        fail = self._failer(meta)

        def evaluate(scope: Scope) -> Any:
            a, b = left(scope), right(scope)
            if a is None and b is None:
                return 0
            x = 0 if a is None else arith_operand(a, op, fail)
            y = 0 if b is None else arith_operand(b, op, fail)
            try:
                if op == "+":
                    return x + y
                if op == "-":
                    return x - y
                if op == "*":
                    return x * y
                if op == "/":
                    if y == 0:
                        fail("division by zero")
                    result = Decimal(x) / Decimal(y)
                    return result
                if y == 0:
                    fail("modulo by zero")
                if isinstance(x, int) and isinstance(y, int):
                    return x - y * int(x / y)
                return Decimal(x) % Decimal(y)
            except (InvalidOperation, DivisionByZero):
                fail("invalid arithmetic")

        return evaluate

    def add(self, meta, children):
        return self._arith(meta, children, "+")

    def sub(self, meta, children):
        return self._arith(meta, children, "-")

    def mul(self, meta, children):
        return self._arith(meta, children, "*")

    def div(self, meta, children):
        return self._arith(meta, children, "/")

    def mod(self, meta, children):
        return self._arith(meta, children, "%")

    def neg(self, meta, children):
        (operand,) = children
        fail = self._failer(meta)

        def evaluate(scope: Scope) -> Any:
            value = operand(scope)
            return 0 if value is None else -arith_operand(value, "-", fail)

        return evaluate


def compile_juel(text: str, inner: str, offset: int) -> tuple[Node, frozenset[str]]:
    """Compile the body of one ${...}; positions are reported relative to text."""
    compiler = _Compiler(text, offset)
    node = parse_and_transform(_PARSER, compiler, inner, text, offset)
    return node, frozenset(compiler.variables)

