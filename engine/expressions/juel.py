"""JUEL (Camunda 7's Unified Expression Language) subset: parser and tree evaluator.

The grammar below is parsed with lark; the tree is turned into nested Python closures once,
so evaluating a compiled condition never re-parses and never calls Python eval. Supported:
literals, variables, ``a.b``, ``a['b']``, ``a[0]``, ``== != < <= > >=`` (and ``eq ne lt gt le
ge``), ``&& || !`` (and ``and or not``), ``empty``, ``+ - * / div % mod``, unary minus,
``?:``, parentheses and the date functions in :mod:`juel_functions`. Method calls
(``execution.getVariable('x')``) are refused at compile time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from .errors import EvaluationError, ExpressionError
from .juel_functions import JUEL_FUNCTIONS
from .temporal import align, to_temporal, type_name

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


class Scope:
    """What a compiled expression sees while evaluating: variables and the clock."""

    __slots__ = ("variables", "now")

    def __init__(self, variables: Mapping[str, Any], now: datetime) -> None:
        self.variables = variables
        self.now = now


def _number(value: Any) -> int | Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return None


def _as_bool(value: Any, fail: Callable[[str], None]) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    fail(f"expected a boolean, got {type_name(value)}")
    return False


def _comparable(a: Any, b: Any, fail: Callable[[str], None]) -> tuple[Any, Any]:
    """Coerce a pair per EL rules (numbers, strings, dates); fail on a mismatch."""
    na, nb = _number(a), _number(b)
    if na is not None and nb is not None:
        return na, nb
    if na is not None and isinstance(b, str) or nb is not None and isinstance(a, str):
        try:
            return (na if na is not None else Decimal(a.strip())), (nb if nb is not None else Decimal(b.strip()))
        except InvalidOperation:
            fail("cannot compare a number with a text that is not a number")
    temporal_a = isinstance(a, date)
    temporal_b = isinstance(b, date)
    if temporal_a or temporal_b:
        try:
            return align(to_temporal(a), to_temporal(b))
        except (TypeError, ValueError):
            fail(f"cannot compare {type_name(a)} with {type_name(b)}")
    if type(a) is type(b) or (isinstance(a, str) and isinstance(b, str)):
        return a, b
    fail(f"cannot compare {type_name(a)} with {type_name(b)}")
    return a, b


def _equal(a: Any, b: Any, fail: Callable[[str], None]) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, bool) or isinstance(b, bool):
        return _as_bool(a, fail) == _as_bool(b, fail)
    x, y = _comparable(a, b, fail)
    try:
        return x == y
    except TypeError:
        fail(f"cannot compare {type_name(a)} with {type_name(b)}")
        return False


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, (str, list, tuple, dict, set)):
        return len(value) == 0
    return False


_ORDER = {
    "lt": lambda x, y: x < y,
    "le": lambda x, y: x <= y,
    "gt": lambda x, y: x > y,
    "ge": lambda x, y: x >= y,
}


@v_args(meta=True)
class _Compiler(Transformer):
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
        value = "".join(part[1:] if part.startswith("\\") else part for part in _split_escapes(raw))
        return lambda scope: value

    def true(self, meta, children):
        return lambda scope: True

    def false(self, meta, children):
        return lambda scope: False

    def null(self, meta, children):
        return lambda scope: None

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
            return _member(target(scope), key, fail)

        return get

    def index(self, meta, children):
        target, key = children
        fail = self._failer(meta)

        def get(scope: Scope) -> Any:
            return _member(target(scope), key(scope), fail)

        return get

    # operators
    def ternary(self, meta, children):
        test, then, otherwise = children
        fail = self._failer(meta)
        return lambda scope: then(scope) if _as_bool(test(scope), fail) else otherwise(scope)

    def or_op(self, meta, children):
        left, right = children
        fail = self._failer(meta)
        return lambda scope: _as_bool(left(scope), fail) or _as_bool(right(scope), fail)

    def and_op(self, meta, children):
        left, right = children
        fail = self._failer(meta)
        return lambda scope: _as_bool(left(scope), fail) and _as_bool(right(scope), fail)

    def not_op(self, meta, children):
        (operand,) = children
        fail = self._failer(meta)
        return lambda scope: not _as_bool(operand(scope), fail)

    def empty_op(self, meta, children):
        (operand,) = children
        return lambda scope: _is_empty(operand(scope))

    def eq(self, meta, children):
        left, right = children
        fail = self._failer(meta)
        return lambda scope: _equal(left(scope), right(scope), fail)

    def ne(self, meta, children):
        left, right = children
        fail = self._failer(meta)
        return lambda scope: not _equal(left(scope), right(scope), fail)

    def _order(self, meta, children, op: str):
        left, right = children
        fail = self._failer(meta)
        compare = _ORDER[op]

        def evaluate(scope: Scope) -> bool:
            a, b = left(scope), right(scope)
            if a is None or b is None:
                return False
            x, y = _comparable(a, b, fail)
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
            x = 0 if a is None else _arith_operand(a, op, fail)
            y = 0 if b is None else _arith_operand(b, op, fail)
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
            return 0 if value is None else -_arith_operand(value, "-", fail)

        return evaluate


def _arith_operand(value: Any, op: str, fail: Callable[[str], None]) -> int | Decimal:
    number = _number(value)
    if number is not None:
        return number
    if isinstance(value, str):
        try:
            text = value.strip()
            return int(text) if text.lstrip("-").isdigit() else Decimal(text)
        except InvalidOperation:
            pass
    hint = " (JUEL '+' adds numbers only)" if op == "+" and isinstance(value, str) else ""
    fail(f"'{op}' needs numbers, got {type_name(value)}{hint}")
    return 0


def _member(target: Any, key: Any, fail: Callable[[str], None]) -> Any:
    """Read key from a map or index from a list; missing map keys and list indexes give null."""
    if target is None:
        fail(f"cannot read property '{key}' of null")
    if isinstance(target, Mapping):
        return target.get(key)
    if isinstance(target, (list, tuple)):
        number = _number(key)
        if number is None and isinstance(key, str) and key.strip().lstrip("-").isdigit():
            number = int(key)
        if number is None or int(number) != number:
            fail(f"a list index must be a whole number, got {type_name(key)}")
        position = int(number)
        return target[position] if 0 <= position < len(target) else None
    fail(f"cannot read property '{key}' of a {type_name(target)}")
    return None


def _split_escapes(raw: str) -> list[str]:
    parts, i = [], 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw):
            parts.append(raw[i : i + 2])
            i += 2
        else:
            parts.append(raw[i])
            i += 1
    return parts


def compile_juel(text: str, inner: str, offset: int) -> tuple[Node, frozenset[str]]:
    """Compile the body of one ${...}; positions are reported relative to text."""
    try:
        tree = _PARSER.parse(inner)
    except UnexpectedInput as exc:
        raise ExpressionError(_syntax_message(exc, inner), text, offset + _pos(exc, inner)) from None
    compiler = _Compiler(text, offset)
    try:
        node = compiler.transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, ExpressionError):
            raise exc.orig_exc from None
        raise
    return node, frozenset(compiler.variables)


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
