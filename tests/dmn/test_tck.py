"""DMN TCK compliance level 2: every test case in ../shared/dmn-tck, one pytest case each."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import pytest

from engine.dmn import DmnError, load_dmn

from .tck import discover, same

TCK_ROOT = Path(__file__).resolve().parents[3] / "shared" / "dmn-tck"
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)

# Cases that cannot pass, with the reason per case ("folder:case id" -> reason).
EXPECTED_FAILURES: dict[str, str] = {}

CASES = discover(TCK_ROOT) if TCK_ROOT.is_dir() else []


@lru_cache(maxsize=None)
def _model(path: Path):
    return load_dmn(path)


def _decision_id(model, name: str) -> str:
    return next(d.id for d in model.decisions.values() if d.name == name)


@pytest.mark.skipif(not TCK_ROOT.is_dir(), reason=f"the DMN TCK folder {TCK_ROOT} is absent")
@pytest.mark.parametrize("case", CASES or [None], ids=[c.key for c in CASES] or ["no-tck"])
def test_tck_case(case):
    if case.key in EXPECTED_FAILURES:
        pytest.xfail(EXPECTED_FAILURES[case.key])
    model = _model(case.model)
    for name, expected in case.expected.items():
        if name in case.errors:
            with pytest.raises(DmnError):
                model.evaluate(_decision_id(model, name), case.inputs, now=NOW)
            continue
        actual = model.evaluate(_decision_id(model, name), case.inputs, now=NOW).value
        assert same(actual, expected), f"{name}: got {actual!r}, expected {expected!r}"


@pytest.mark.skipif(not TCK_ROOT.is_dir(), reason=f"the DMN TCK folder {TCK_ROOT} is absent")
def test_tck_suite_is_complete():
    folders = {case.folder for case in CASES}
    assert len(folders) == len([p for p in TCK_ROOT.iterdir() if p.is_dir()])
    assert len(CASES) >= 100


def test_tck_comparison_rules():
    from decimal import Decimal

    assert same(Decimal("2.50"), Decimal("2.5"))
    assert same(Decimal("562.7073593732659271562143285576524"), Decimal("562.707359373292"))
    assert not same(Decimal("562.71"), Decimal("562.707359373292"))
    assert not same(Decimal("2.6"), Decimal("2.5"))
    assert not same(True, Decimal("1"))
    assert same(None, None) and not same(Decimal(0), None)
    assert same([{"a": "x"}], [{"a": "x"}]) and not same([{"a": "x"}], [{"b": "x"}])
    assert not same(["x"], ["x", "y"])
