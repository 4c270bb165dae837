"""Turn a FEEL parse tree into closures (one per node), evaluated without Python eval."""

from __future__ import annotations

import re
from collections import ChainMap
from decimal import Decimal
from typing import Any, Callable

from lark import Token, v_args

from .budget import tick
from .errors import EvaluationError, ExpressionError
from .feel_access import instance_of, membership, property_of
from .feel_builtins import BUILTINS, ArityError
from .feel_text import parse_temporal_literal
from .feel_textual import TextualRules
from .feel_values import (
    FeelFunction,
    Range,
    add,
    compare,
    divide,
    equal,
    multiply,
    negate,
    power,
    subtract,
    to_feel,
    truth,
)
from .scope import Scope
from .temporal import municipal_today

Node = Callable[[Scope], Any]
_ESCAPES = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{6}|.)")
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "'": "'"}
_ORDERS = {"<": lambda o: o < 0, "<=": lambda o: o <= 0, ">": lambda o: o > 0, ">=": lambda o: o >= 0}
def _constant(value: Any) -> Node:
    """Return a closure for a literal, marked so that ranges of literals are built once."""

    def node(scope: Scope) -> Any:
        return value

    node.constant = value  # type: ignore[attr-defined]
    return node


def _unescape(raw: str) -> str:
    def replace(match: re.Match) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES.get(code, "\\" + code)

    return _ESCAPES.sub(replace, raw)


@v_args(meta=True)
class FeelCompiler(TextualRules):
    """Build closures from the lark tree, remembering positions for error messages."""

    def __init__(self, text: str, offset: int) -> None:
        super().__init__()
        self.text = text
        self.offset = offset
        self.names: set[str] = set()
        self.bound: set[str] = set()
        self.input_positions: list[int] = []
        self.name_positions: list[int] = []

    def _position(self, meta: Any) -> int | None:
        return None if meta.empty else self.offset + meta.start_pos

    def _failer(self, meta: Any) -> Callable[[str], None]:
        text, position = self.text, self._position(meta)

        def fail(message: str) -> None:
            raise EvaluationError(message, text, position)

        return fail

    # names and literals
    def name(self, meta, children):
        return " ".join(" ".join(str(token).split()) for token in children)

    def number(self, meta, children):
        return _constant(Decimal(str(children[0])))

    def neg_number(self, meta, children):
        return _constant(-Decimal(str(children[0])))

    def string(self, meta, children):
        return _constant(_unescape(str(children[0])[1:-1]))

    def temporal(self, meta, children):
        value = parse_temporal_literal(_unescape(str(children[0])[1:-1]))
        if value is None:
            raise ExpressionError("not a date, time or duration literal", self.text, self._position(meta))
        return lambda scope: value

    def input_value(self, meta, children):
        self.input_positions.append(meta.start_pos)
        fail = self._failer(meta)

        def lookup(scope: Scope) -> Any:
            try:
                return to_feel(scope.variables["?"])
            except KeyError:
                fail("'?' (the input value) is only known inside a decision table input entry")

        return lookup

    def var(self, meta, children):
        name = children[0]
        self.names.add(name)
        self.name_positions.append(meta.start_pos)
        if name == "cellInput":
            self.input_positions.append(meta.start_pos)
        fail = self._failer(meta)
        builtin = BUILTINS.get(name)

        def lookup(scope: Scope) -> Any:
            try:
                return to_feel(scope.variables[name])
            except KeyError:
                if builtin is not None:
                    return builtin
                if name in ("now", "today"):
                    return FeelFunction(name, (), lambda: scope.now if name == "now" else municipal_today(scope.now))
                fail(f"unknown variable '{name}'")

        lookup.feel_name = name  # type: ignore[attr-defined]
        return lookup

    def list(self, meta, children):
        items = [child for child in children if child is not None]
        return lambda scope: [item(scope) for item in items]

    def entry(self, meta, children):
        key = children[0]
        if isinstance(key, Token):
            key = _unescape(str(key)[1:-1])
        return (key, children[1])

    def context(self, meta, children):
        entries = [child for child in children if child is not None]
        keys = [key for key, _ in entries]
        if len(set(keys)) != len(keys):
            raise ExpressionError("a context has the same key twice", self.text, self._position(meta))

        def build(scope: Scope) -> dict:
            result: dict[str, Any] = {}
            inner = Scope(ChainMap(result, scope.variables), scope.now)
            for key, node in entries:
                result[key] = node(inner)
            return result

        return build

    def range(self, meta, children):
        opening, start, _, end, closing = children
        start_included, end_included = str(opening) == "[", str(closing) == "]"
        if hasattr(start, "constant") and hasattr(end, "constant"):
            return _constant(Range(start.constant, end.constant, start_included, end_included))
        return lambda scope: Range(start(scope), end(scope), start_included, end_included)

    # postfix
    def path(self, meta, children):
        target, key = children

        def get(scope: Scope) -> Any:
            value = target(scope)
            if isinstance(value, list):
                return [property_of(item, key) for item in value]
            return property_of(value, key)

        return get

    def filter(self, meta, children):
        target, condition = children

        def select(scope: Scope) -> Any:
            value = target(scope)
            if value is None:
                return None
            items = value if isinstance(value, list) else [value]
            chosen = []
            for number, item in enumerate(items):
                tick()
                local = {"item": item, **(item if isinstance(item, dict) else {})}
                result = condition(Scope(ChainMap(local, scope.variables), scope.now))
                if number == 0 and isinstance(result, Decimal):
                    index = int(result)
                    position = index - 1 if index > 0 else len(items) + index
                    return items[position] if 0 <= position < len(items) and index else None
                if result is True:
                    chosen.append(item)
            return chosen

        return select

    def positional(self, meta, children):
        return ("positional", list(children))

    def named(self, meta, children):
        return (children[0], children[1])

    def named_args(self, meta, children):
        return ("named", list(children))

    def invoke(self, meta, children):
        callee, arguments = children
        kind, args = arguments if arguments is not None else ("positional", [])
        label = getattr(callee, "feel_name", "function")
        fail = self._failer(meta)

        def call(scope: Scope) -> Any:
            function = callee(scope)
            if not isinstance(function, FeelFunction):
                fail(f"'{label}' is not a function")
            try:
                if kind == "positional":
                    return function.body(*[arg(scope) for arg in args])
                return function.body(**{name: arg(scope) for name, arg in args})
            except ArityError as exc:
                fail(f"{exc.name}({', '.join(exc.parameters)}) cannot take these arguments")

        return call

    def endpoint_call(self, meta, children):
        name, arguments = children
        return self.invoke(meta, [self.var(meta, [name]), arguments])

    # operators
    def or_op(self, meta, children):
        left, right = children

        def evaluate(scope: Scope) -> bool | None:
            a = truth(left(scope))
            if a is True:
                return True
            b = truth(right(scope))
            return True if b is True else (False if a is False and b is False else None)

        return evaluate

    def and_op(self, meta, children):
        left, right = children

        def evaluate(scope: Scope) -> bool | None:
            a = truth(left(scope))
            if a is False:
                return False
            b = truth(right(scope))
            return False if b is False else (True if a is True and b is True else None)

        return evaluate

    def cmp_op(self, meta, children):
        return str(children[0])

    ut_op = cmp_op

    def compare(self, meta, children):
        left, op, right = children
        if op in ("=", "!="):
            negate_result = op == "!="

            def evaluate(scope: Scope) -> bool | None:
                result = equal(left(scope), right(scope))
                return result if result is None or not negate_result else not result

            return evaluate
        check = _ORDERS[op]

        def order(scope: Scope) -> bool | None:
            result = compare(left(scope), right(scope))
            return None if result is None else check(result)

        return order

    def between(self, meta, children):
        value, low, high = children

        def evaluate(scope: Scope) -> bool | None:
            x = value(scope)
            lower, upper = compare(x, low(scope)), compare(x, high(scope))
            if lower is None or upper is None:
                return None
            return lower >= 0 and upper <= 0

        return evaluate

    def in_op(self, meta, children):
        value, test = children
        return lambda scope: test(scope, value(scope))

    def in_compare(self, meta, children):
        op, operand = children
        check = _ORDERS[op]

        def test(scope: Scope, x: Any) -> bool | None:
            result = compare(x, operand(scope))
            return None if result is None else check(result)

        return test

    def in_value(self, meta, children):
        (operand,) = children
        return lambda scope, x: membership(x, operand(scope))

    def in_list(self, meta, children):
        tests = children

        def test(scope: Scope, x: Any) -> bool | None:
            local = Scope(ChainMap({"?": x}, scope.variables), scope.now)
            results = [t(local) for t in tests]
            return True if True in results else (None if None in results else False)

        return test

    def ut_compare(self, meta, children):
        op, operand = children
        check = _ORDERS[op]

        def test(scope: Scope) -> bool | None:
            result = compare(to_feel(scope.variables["?"]), operand(scope))
            return None if result is None else check(result)

        return test

    def ut_expr(self, meta, children):
        (node,) = children
        start, end = meta.start_pos, meta.end_pos
        uses_input = any(start <= pos < end for pos in self.input_positions)
        uses_names = any(start <= pos < end for pos in self.name_positions)

        def test(scope: Scope) -> bool | None:
            value = node(scope)
            if uses_input:
                return value if isinstance(value, bool) else None
            given = to_feel(scope.variables["?"])
            if uses_names and isinstance(value, bool) and given is not None and not isinstance(given, bool):
                return value  # a boolean test over a named input variable (camunda:inputVariable)
            return membership(given, value)

        return test

    def unary_tests(self, meta, children):
        tests = children

        def evaluate(scope: Scope) -> bool:
            return any(test(scope) is True for test in tests)

        return evaluate

    def instance_of(self, meta, children):
        value, _, type_name = children
        return lambda scope: instance_of(value(scope), type_name)

    def type(self, meta, children):
        return str(children[0])

    def _arith(self, children, operation):
        left, right = children
        return lambda scope: operation(left(scope), right(scope))

    def add(self, meta, children):
        return self._arith(children, add)

    def sub(self, meta, children):
        return self._arith(children, subtract)

    def mul(self, meta, children):
        return self._arith(children, multiply)

    def div(self, meta, children):
        return self._arith(children, divide)

    def pow(self, meta, children):
        return self._arith(children, power)

    def neg(self, meta, children):
        (operand,) = children
        return lambda scope: negate(operand(scope))
