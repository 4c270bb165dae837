"""Every diagram in processes/ passes bpmnlint (the rules in .bpmnlintrc)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIAGRAMS = sorted((ROOT / "processes").glob("*.bpmn"))


def _bpmnlint() -> Path:
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    binary = ROOT / "node_modules" / ".bin" / "bpmnlint"
    if not binary.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True, capture_output=True)
    return binary


def test_there_are_diagrams() -> None:
    assert DIAGRAMS, "processes/ holds no .bpmn file"


@pytest.mark.parametrize("diagram", DIAGRAMS, ids=[d.name for d in DIAGRAMS])
def test_diagram_passes_bpmnlint(diagram: Path) -> None:
    result = subprocess.run(
        [str(_bpmnlint()), str(diagram.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"bpmnlint found problems in {diagram.name}:\n{result.stdout}{result.stderr}"
