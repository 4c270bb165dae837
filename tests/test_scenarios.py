"""Every scenario in tests/scenarios/ runs against the deployed processes/ and forms/."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.tools.scenario import run_scenario

SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path: Path) -> None:
    result = run_scenario(path)
    assert result.passed, f"{path.name}: {result.scenario.name}\n" + "\n".join(result.failures)
