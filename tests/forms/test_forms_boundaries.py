"""Form code never evaluates analyst text with Python, and the engine part stays web-free."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORM_CODE = sorted((ROOT / "engine" / "forms").glob("*.py")) + [ROOT / "api" / "tasks" / "forms_html.py"]
FORBIDDEN_CALL = re.compile(r"(?<![\w.])(eval|exec|compile)\s*\(|literal_eval|__import__|importlib")
WEB_PACKAGES = {"fastapi", "starlette", "jinja2", "markupsafe", "SpiffWorkflow"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_python_eval_of_form_text():
    offenders = [
        f"{path.name}:{number}"
        for path in FORM_CODE
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FORBIDDEN_CALL.search(line.split("#", 1)[0])
    ]
    assert offenders == []


def test_engine_forms_imports_no_web_or_workflow_package():
    for path in FORM_CODE[:-1]:
        assert imported_roots(path) & WEB_PACKAGES == set(), path.name


def test_the_checks_catch_offenders(tmp_path):
    assert FORBIDDEN_CALL.search("value = eval(text)")
    sample = tmp_path / "sample.py"
    sample.write_text("from starlette.requests import Request\nimport fastapi\n", encoding="utf-8")
    assert imported_roots(sample) == {"starlette", "fastapi"}
