"""FEEL textual expressions: if, for, some/every and function definitions."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Callable

from lark import v_args

from .budget import tick
from .feel_builtins import ArityError
from .feel_values import FeelFunction
from .scope import Scope
from .syntax import LiteralRules

Iteration = tuple[str, Callable[[Scope], list]]


def _bindings(iterations: list[Iteration], scope: Scope, bound: dict | None = None) -> Iterator[dict]:
    """Yield every combination of iteration values (for i in a, j in b: the cartesian product)."""
    bound = bound or {}
    if len(bound) == len(iterations):
        yield bound
        return
    name, values = iterations[len(bound)]
    for value in values(Scope(ChainMap(bound, scope.variables), scope.now)):
        tick()
        yield from _bindings(iterations, scope, {**bound, name: value})


@v_args(meta=True)
class TextualRules(LiteralRules):
    """Lark callbacks for FEEL's textual expressions (mixed into the FEEL compiler)."""

    bound: set[str]
    _failer: Callable[[Any], Callable[[str], None]]

    def if_expr(self, meta, children):
        test, then, otherwise = children
        return lambda scope: then(scope) if test(scope) is True else otherwise(scope)

    def iteration(self, meta, children):
        name, start, end = children
        self.bound.add(name)
        fail = self._failer(meta)

        def values(scope: Scope) -> list:
            first = start(scope)
            if end is None:
                return first if isinstance(first, list) else [first]
            last = end(scope)
            if not isinstance(first, Decimal) or not isinstance(last, Decimal):
                fail("a 'for ... in a..b' range needs whole numbers")
            step = 1 if last >= first else -1
            tick(abs(int(last) - int(first)) + 1)
            return [Decimal(i) for i in range(int(first), int(last) + step, step)]

        return (name, values)

    def for_expr(self, meta, children):
        *iterations, body = children

        def evaluate(scope: Scope) -> list:
            results: list = []
            partial = {"partial": results}
            for bound in list(_bindings(iterations, scope)):
                results.append(body(Scope(ChainMap(bound, partial, scope.variables), scope.now)))
            return results

        return evaluate

    def quantified(self, meta, children):
        quantifier, *iterations, body = children
        every = str(quantifier) == "every"

        def evaluate(scope: Scope) -> bool:
            outcomes = (body(Scope(ChainMap(bound, scope.variables), scope.now)) for bound in _bindings(iterations, scope))
            if every:
                return all(outcome is True for outcome in outcomes)
            return any(outcome is True for outcome in outcomes)

        return evaluate

    def param(self, meta, children):
        self.bound.add(children[0])
        return children[0]

    def params(self, meta, children):
        return list(children)

    def func_def(self, meta, children):
        parameters, body = children
        names = tuple(parameters or [])

        def define(scope: Scope) -> FeelFunction:
            def invoke(*args: Any, **kwargs: Any) -> Any:
                tick()
                if len(args) > len(names) or any(key not in names for key in kwargs):
                    raise ArityError("function", names)
                bound = dict(zip(names, args))
                bound.update(kwargs)
                local = {name: bound.get(name) for name in names}
                return body(Scope(ChainMap(local, scope.variables), scope.now))

            return FeelFunction("function", names, invoke)

        return define
