"""Imports go one way: api -> engine -> SpiffWorkflow/SQLAlchemy; artifact folders hold no code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _python_files(folder: str) -> list[Path]:
    return sorted((REPO / folder).rglob("*.py"))


@pytest.mark.parametrize("path", _python_files("engine"), ids=lambda p: str(p.relative_to(REPO)))
def test_engine_never_imports_web_code(path: Path):
    bad = {n for n in _imports(path) if n.split(".")[0] in {"fastapi", "starlette", "api", "uvicorn"}}
    allowed = {"uvicorn"} if path.name == "cli.py" else set()
    assert not (bad - allowed), f"{path.relative_to(REPO)} imports {sorted(bad - allowed)}"


@pytest.mark.parametrize("path", _python_files("api"), ids=lambda p: str(p.relative_to(REPO)))
def test_api_never_imports_spiffworkflow(path: Path):
    bad = {n for n in _imports(path) if n.split(".")[0] == "SpiffWorkflow"}
    assert not bad, f"{path.relative_to(REPO)} imports {sorted(bad)}"


@pytest.mark.parametrize("folder", ["processes", "forms", "letters"])
def test_artifact_folders_hold_no_python(folder: str):
    assert not list((REPO / folder).rglob("*.py")), f"{folder}/ must hold only what analysts and jurists edit"


def test_no_python_eval_of_analyst_text():
    offenders = []
    for path in _python_files("engine") + _python_files("api"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"eval", "exec"}:
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not offenders, f"eval/exec calls: {offenders}"
