"""Measure expression and DMN speed (run by `make bench`; never asserted in tests)."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Callable

from .compiler import compile_expression

_NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)


def _rate(work: Callable[[], Any], seconds: float) -> float:
    count, start = 0, time.perf_counter()
    while True:
        for _ in range(200):
            work()
        count += 200
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return count / elapsed


def twenty_rule_table() -> str:
    """Return a DMN 1.3 decision table with 20 UNIQUE rules over age and score."""
    rules = []
    for index in range(20):
        low, high = 18 + index * 3, 21 + index * 3
        rules.append(
            f'<rule id="r{index}"><inputEntry id="r{index}a"><text>[{low}..{high})</text></inputEntry>'
            f'<inputEntry id="r{index}b"><text>"B1","onderwijs","Z"</text></inputEntry>'
            f'<inputEntry id="r{index}c"><text>&lt; 600</text></inputEntry>'
            f'<outputEntry id="r{index}o"><text>{index * 12.5}</text></outputEntry></rule>'
        )
    return (
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="bench" name="bench" '
        'namespace="http://regie">'
        '<decision id="bedrag" name="bedrag"><decisionTable id="t" hitPolicy="UNIQUE">'
        '<input id="i1"><inputExpression id="e1" typeRef="number"><text>leeftijd</text></inputExpression></input>'
        '<input id="i2"><inputExpression id="e2" typeRef="string"><text>leerroute</text></inputExpression></input>'
        '<input id="i3"><inputExpression id="e3" typeRef="number"><text>score</text></inputExpression></input>'
        '<output id="o1" name="bedrag" typeRef="number"/>' + "".join(rules) + "</decisionTable></decision></definitions>"
    )


def run_benchmark(seconds: float = 1.0) -> dict[str, float]:
    """Measure evaluations per second of a gateway condition and of a 20-rule DMN table."""
    from engine.dmn import load_dmn

    data = {"leeftijd": 30, "leerroute": "B1", "vrijgesteld": False, "score": Decimal("450")}
    condition = compile_expression("${leeftijd >= 18 && leerroute == 'B1' && !vrijgesteld}", kind="condition")
    feel_condition = compile_expression('=leeftijd >= 18 and leerroute = "B1" and not(vrijgesteld)', kind="condition")
    model = load_dmn(twenty_rule_table().encode())
    results = {
        "gateway_condition_evals_per_s": _rate(lambda: condition.evaluate(data, now=_NOW), seconds),
        "feel_condition_evals_per_s": _rate(lambda: feel_condition.evaluate(data, now=_NOW), seconds),
        "dmn_20_rules_evals_per_s": _rate(lambda: model.evaluate("bedrag", data, now=_NOW), seconds),
        "compile_cached_per_s": _rate(lambda: compile_expression("${leeftijd > 18}", kind="condition"), seconds),
    }
    return results


if __name__ == "__main__":
    for name, value in run_benchmark().items():
        print(f"{name}: {value:,.0f}")
