"""The benchmark runs and reports the figures `make bench` prints (no timing is asserted)."""

from engine.expressions.bench import run_benchmark


def test_benchmark_reports_its_figures():
    figures = run_benchmark(seconds=0.01)
    assert {"gateway_condition_evals_per_s", "dmn_20_rules_evals_per_s"} <= set(figures)
    assert all(isinstance(value, float) and value > 0 for value in figures.values())
