"""`python -m engine.mutation.cosmic`: cosmic-ray on the letter rule modules, in a scratch copy.

cosmic-ray (a dev dependency) changes numbers and boundary operators in the Python rule
modules with its own operators and runs the letter tests and the scenarios that produce
letters against each mutant. It complements `python -m engine.mutation`, which also
mutates the diagrams, tables and forms and names the scenario that killed each mutant.
It works on a copy of the repository, so the working tree is never changed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from engine.config import PROJECT_ROOT
from engine.mutation.scope import RULE_MODULES, SKIP_FUNCTIONS

# One-step changes only, as in the own run: numbers, boundary comparisons, + and -.
KEPT_OPERATORS = (
    "core/NumberReplacer",
    "core/ReplaceComparisonOperator_(Lt_LtE|LtE_Lt|Gt_GtE|GtE_Gt|Eq_NotEq|NotEq_Eq)",
    "core/ReplaceBinaryOperator_(Add_Sub|Sub_Add)",
)
TESTS = ("tests/letters/test_letter_validation.py", "tests/test_scenarios.py")
SCENARIOS_WITH_LETTERS = "not test_scenario or grens or handhaving or ontzorgen or schakelen or pip"
COPIED = ("engine", "api", "letters", "processes", "forms", "tests", "pyproject.toml")


def config_text(python: str, modules: tuple[str, ...], timeout: float) -> str:
    """Return the cosmic-ray configuration (TOML) for a run in the scratch copy."""
    kept = "|".join(f"(?:{k})" for k in KEPT_OPERATORS)
    test_command = (f"{python} -m pytest -x -q -p no:cacheprovider -o addopts= {' '.join(TESTS)} "
                    f"-k '{SCENARIOS_WITH_LETTERS}'")
    module_list = ", ".join(f'"{m}"' for m in modules)
    return f"""[cosmic-ray]
module-path = [{module_list}]
timeout = {timeout}
excluded-modules = []
test-command = "{test_command}"

[cosmic-ray.distributor]
name = "local"

[cosmic-ray.filters.operators-filter]
exclude-operators = ["^(?!(?:{kept})$)"]
"""


def main(argv: list[str] | None = None) -> int:
    """Run cosmic-ray on the rule modules and print its report."""
    parser = argparse.ArgumentParser(prog="python -m engine.mutation.cosmic", description=__doc__.splitlines()[0])
    parser.add_argument("--module", action="append", help="rule module to mutate (default: the letter rules)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per test run")
    args = parser.parse_args(argv)
    tools = Path(sys.executable).parent
    if not (tools / "cosmic-ray").exists():
        print("cosmic-ray is not installed: pip install -e '.[dev]'", file=sys.stderr)
        return 2
    modules = tuple(args.module or RULE_MODULES)
    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="regie-cosmic-ray-"))
    try:
        for name in COPIED:
            source = PROJECT_ROOT / name
            if source.is_dir():
                shutil.copytree(source, scratch / name, ignore=shutil.ignore_patterns("__pycache__"))
            elif source.exists():
                shutil.copy2(source, scratch / name)
        (scratch / "cosmic-ray.toml").write_text(config_text(sys.executable, modules, args.timeout), encoding="utf-8")
        env_run = _runner(scratch)
        env_run([str(tools / "cosmic-ray"), "init", "cosmic-ray.toml", "session.sqlite"])
        env_run([str(tools / "cr-filter-operators"), "session.sqlite", "cosmic-ray.toml"])
        skipped = skip_functions(scratch, scratch / "session.sqlite", SKIP_FUNCTIONS)
        print(f"cosmic-ray: {pending(scratch / 'session.sqlite')} mutanten te testen "
              f"({skipped} in {', '.join(sorted(SKIP_FUNCTIONS))} overgeslagen)", flush=True)
        env_run([str(tools / "cosmic-ray"), "exec", "cosmic-ray.toml", "session.sqlite"])
        report = env_run([str(tools / "cr-report"), "session.sqlite"], capture=True)
        survivors, totals = summary(report)
        for line in survivors:
            print(f"OVERLEEFD  {line}")
        print("\n".join(totals))
        print(f"cosmic-ray op {', '.join(modules)}: {time.perf_counter() - started:.0f} s")
        return 0 if not survivors else 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def summary(report: str) -> tuple[list[str], list[str]]:
    """Return the surviving mutants (module, operator, occurrence) and the totals of a cr-report."""
    lines = report.splitlines()
    survivors = [lines[i - 1].strip() for i, line in enumerate(lines)
                 if i and "test outcome: TestOutcome.SURVIVED" in line]
    totals = [line for line in lines if line.startswith(("total jobs", "complete", "surviving mutants"))]
    return survivors, totals


def skip_functions(root: Path, session: Path, functions: frozenset[str]) -> int:
    """Mark the mutants inside `functions` as skipped (cosmic-ray's filters work by line or pragma only)."""
    import ast

    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    spans: dict[str, list[tuple[int, int]]] = {}
    skipped = 0
    with use_db(str(session), WorkDB.Mode.open) as db:
        done = {job_id for job_id, _ in db.results}
        for item in db.work_items:
            mutation = item.mutations[0]
            path = str(mutation.module_path)
            if path not in spans:
                tree = ast.parse((root / path).read_text(encoding="utf-8"))
                spans[path] = [(n.lineno, n.end_lineno) for n in ast.walk(tree)
                               if isinstance(n, ast.FunctionDef) and n.name in functions]
            line = mutation.start_pos[0]
            if item.job_id not in done and any(a <= line <= b for a, b in spans[path]):
                db.set_result(item.job_id, WorkResult(output="outside the legal rules",
                                                      worker_outcome=WorkerOutcome.SKIPPED))
                skipped += 1
    return skipped


def pending(session: Path) -> int:
    """Return the number of mutants cosmic-ray still has to test."""
    from cosmic_ray.work_db import WorkDB, use_db

    with use_db(str(session), WorkDB.Mode.open) as db:
        return sum(1 for _ in db.pending_work_items)


def _runner(cwd: Path):
    def run(command: list[str], capture: bool = False) -> str:
        done = subprocess.run(command, cwd=cwd, text=True, capture_output=True,
                              env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin",
                                   "REGIE_TEST_POSTGRES_URL": "", "HOME": str(cwd)})
        if done.returncode != 0 and not capture:
            raise SystemExit(f"{' '.join(command[:2])} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        return done.stdout
    return run


if __name__ == "__main__":
    sys.exit(main())
