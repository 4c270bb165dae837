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
    if path.relative_to(REPO).as_posix() == "engine/tools/cli.py":
        # `regie duo-sim` starts the DUO/BRP simulator, a web app by nature (api/simulators), with a
        # lazy import inside that one command; nothing else in the engine may reach into api/.
        allowed |= {"api.simulators.cli"}
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


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _docstring_only(path: Path) -> bool:
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return all(isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) for node in body)


def _engine_import_graph() -> dict[str, set[str]]:
    """Every engine module and the engine modules it imports (top-level, lazy and TYPE_CHECKING alike)."""
    modules = {_module_name(p): p for p in _python_files("engine")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target.startswith("engine") and target != name and not _docstring_only(modules[target]):
                    edges.add(target)
        graph[name] = edges
    return graph


def test_no_import_cycle_between_engine_modules():
    graph = _engine_import_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert not cycles, f"import cycles between engine modules: {cycles}"


def test_engine_keeps_only_cross_cutting_basics_at_top_level():
    top = sorted(p.stem for p in (REPO / "engine").glob("*.py") if p.stem != "__init__")
    assert top == ["audit", "clock", "config", "errors"], f"group new engine modules by capability: {top}"
