"""No analyst text may reach Python's eval/exec: grep the expression and DMN packages."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "engine"
FORBIDDEN = re.compile(r"(?<![\w.])(eval|exec|compile)\s*\(|literal_eval|__import__|importlib")


def test_expression_packages_never_call_eval_or_exec():
    files = sorted((ROOT / "expressions").rglob("*.py")) + sorted((ROOT / "dmn").rglob("*.py"))
    assert files, "expected the expression and DMN packages"
    offenders = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if FORBIDDEN.search(code):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_check_catches_an_eval_call():
    assert FORBIDDEN.search("value = eval(text, {})")
    assert FORBIDDEN.search("exec(code)")
    assert FORBIDDEN.search("ast.literal_eval(x)")
    assert not FORBIDDEN.search("compiled.evaluate(context)")
