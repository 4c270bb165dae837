"""Run the scenarios against each mutant and tell which mutants they kill.

A diagram, table or form mutant is deployed into its own scenario database (from a
scratch copy of `processes/` and `forms/`); a letter-rule mutant replaces the rule
module's code in the worker process and is restored afterwards. Only the scenarios that
can reach the changed file run, fastest first, and a mutant stops at the first scenario
that fails: that scenario killed it. A mutant no scenario kills is tried against the
relevant Python tests in a scratch copy of the repository, so the report can tell
"caught only by a Python test" from "not caught at all".
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from lxml import etree

from engine.mutation.sites import Mutant, mutated_text

SCENARIO_TIMEOUT_SECONDS = 60
PYTHON_TESTS = {
    "bpmn": ["tests/processes"],
    "dmn": ["tests/processes/test_part2_decisions.py", "tests/processes/test_part1_diagrams.py"],
    "form": ["tests/forms"],
    "python": ["tests/letters", "tests/legal"],
    "docx": ["tests/letters"],
}


@dataclass
class ScenarioInfo:
    """One scenario file as the planner sees it: what it reaches and how long it takes."""

    path: Path
    files: frozenset[str]
    seconds: float
    passed: bool
    failure: str = ""


@dataclass
class Outcome:
    """What happened to one mutant."""

    mutant: Mutant
    status: str                     # gedood | overleefd | alleen_pytest | geweigerd | overgeslagen
    killer: str = ""                # the scenario (or test run) that failed on the mutant
    detail: str = ""                # its first failure line
    tried: int = 0                  # scenarios run against it
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


class ScenarioTimeout(Exception):
    """A scenario ran longer than SCENARIO_TIMEOUT_SECONDS on a mutant (an endless loop)."""


# -- which scenarios can see which file ----------------------------------------------------------
def reachable_files(root: Path) -> dict[str, frozenset[str]]:
    """Return, per process id, the diagram, decision and form files a case of it can reach."""
    bpmn_ns = "http://www.omg.org/spec/BPMN/20100524/MODEL"
    camunda = "http://camunda.org/schema/1.0/bpmn"
    process_file: dict[str, str] = {}
    calls: dict[str, set[str]] = {}
    uses: dict[str, set[str]] = {}
    decision_file: dict[str, str] = {}
    for path in sorted(root.glob("processes/*.dmn")):
        for decision in etree.parse(str(path)).iter("{*}decision"):
            decision_file[decision.get("id")] = path.relative_to(root).as_posix()
    for path in sorted(root.glob("processes/*.bpmn")):
        relative = path.relative_to(root).as_posix()
        tree = etree.parse(str(path))
        for process in tree.iter(f"{{{bpmn_ns}}}process"):
            pid = process.get("id")
            process_file[pid] = relative
            calls[pid] = {e.get("calledElement") for e in process.iter(f"{{{bpmn_ns}}}callActivity")}
            files = {relative}
            for element in process.iter():
                if not isinstance(element.tag, str):
                    continue
                ref = element.get(f"{{{camunda}}}decisionRef")
                if ref in decision_file:
                    files.add(decision_file[ref])
                form = element.get(f"{{{camunda}}}formRef")
                if form and (root / "forms" / f"{form}.form").exists():
                    files.add(f"forms/{form}.form")
            uses[pid] = files
    reach: dict[str, frozenset[str]] = {}
    for pid in process_file:
        seen, todo, files = set(), [pid], set()
        while todo:
            current = todo.pop()
            if current in seen or current not in uses:
                continue
            seen.add(current)
            files |= uses[current]
            todo.extend(calls.get(current, ()))
        reach[pid] = frozenset(files)
    return reach


def scenario_files(scenario, reach: dict[str, frozenset[str]]) -> frozenset[str]:
    """Return the files a scenario can reach: its process's, and the bezwaar process's after a bezwaar step."""
    files = reach.get(scenario.process, frozenset())
    if any("bezwaar" in step for step in scenario.steps):
        files |= reach.get("bezwaar", frozenset())
    return files


def baseline(root: Path, scenario_dir: Path) -> list[ScenarioInfo]:
    """Run every scenario once on the unchanged repository: time, reach and whether it passes."""
    from engine.tools.scenario import load_scenario, run_scenario

    reach = reachable_files(root)
    infos = []
    for path in sorted(scenario_dir.glob("*.yaml")):
        scenario = load_scenario(path)
        started = time.perf_counter()
        result = run_scenario(path)
        seconds = time.perf_counter() - started
        infos.append(ScenarioInfo(path=path, files=scenario_files(scenario, reach), seconds=seconds,
                                  passed=result.passed,
                                  failure=(result.failures[0].splitlines()[0] if result.failures else "")))
    return infos


def candidates(mutant: Mutant, infos: Iterable[ScenarioInfo], first: str = "") -> list[ScenarioInfo]:
    """Return the scenarios that can notice `mutant`, fastest first (those named `first*` before the rest)."""
    if mutant.kind in ("python", "docx"):
        chosen = list(infos)  # letters are made (and their rules checked) in every process
    else:
        chosen = [i for i in infos if mutant.path in i.files]
    return sorted(chosen, key=lambda i: (not (first and i.path.name.startswith(first)), i.seconds))


# -- one mutant ------------------------------------------------------------------------------------
def evaluate(job: tuple[Mutant, list[Path], frozenset[str], str, str]) -> Outcome:
    """Run the candidate scenarios against one mutant (in a worker process)."""
    mutant, scenario_paths, files, root_text, template = job
    root = Path(root_text)
    started = time.perf_counter()
    outcome = Outcome(mutant=mutant, status="overleefd")
    try:
        if mutant.kind == "python":
            _evaluate_python(mutant, scenario_paths, root, Path(template), outcome)
        elif mutant.kind == "docx":
            _evaluate_letter_template(mutant, scenario_paths, root, Path(template), outcome)
        else:
            _evaluate_artifact(mutant, scenario_paths, files, root, outcome)
    finally:
        outcome.seconds = time.perf_counter() - started
    return outcome


def _evaluate_artifact(mutant: Mutant, scenario_paths: list[Path], files: frozenset[str], root: Path,
                       outcome: Outcome) -> None:
    from engine.errors import AppError
    from engine.tools import scenario as scenario_module

    if not scenario_paths:
        outcome.detail = "geen scenario bereikt dit bestand"
        return
    scratch = Path(tempfile.mkdtemp(prefix="regie-mutant-"))
    try:
        for folder in ("processes", "forms"):
            (scratch / folder).mkdir()
        for relative in files:  # only what the candidate scenarios reach: a smaller, faster deploy
            shutil.copy2(root / relative, scratch / relative)
        content = mutated_text(root, mutant)
        target = scratch / mutant.path
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        try:
            template = scenario_module.prepared_database(scratch / "processes", scratch / "forms")
        except AppError as exc:
            outcome.status, outcome.killer = "geweigerd", "deploy"
            outcome.detail = _first_line(getattr(exc, "message", str(exc)) + " " + str(getattr(exc, "problems", "")))
            return
        _run_until_killed(scenario_paths, template, outcome)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        for key in [k for k in scenario_module._TEMPLATES if k.startswith(str(scratch))]:
            shutil.rmtree(scenario_module._TEMPLATES.pop(key).parent, ignore_errors=True)


def _evaluate_python(mutant: Mutant, scenario_paths: list[Path], root: Path, template: Path,
                     outcome: Outcome) -> None:
    module = _module_for(mutant.path)
    original = (root / mutant.path).read_text(encoding="utf-8")
    content = mutated_text(root, mutant)
    try:
        swap_module_source(module, content)
    except Exception as exc:  # noqa: BLE001 - a mutant that does not even import is refused
        outcome.status, outcome.killer, outcome.detail = "geweigerd", "import", _first_line(str(exc))
        swap_module_source(module, original)
        return
    try:
        _run_until_killed(scenario_paths, template, outcome)
    finally:
        swap_module_source(module, original)


def _evaluate_letter_template(mutant: Mutant, scenario_paths: list[Path], root: Path, template: Path,
                              outcome: Outcome) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="regie-mutant-letters-"))
    previous = os.environ.get("REGIE_LETTERS_DIR")
    try:
        shutil.copytree(root / "letters", scratch / "letters")
        (scratch / mutant.path).write_bytes(mutated_text(root, mutant))
        os.environ["REGIE_LETTERS_DIR"] = str(scratch / "letters")  # TemplateStore.default() reads it per letter
        _run_until_killed(scenario_paths, template, outcome)
    finally:
        if previous is None:
            os.environ.pop("REGIE_LETTERS_DIR", None)
        else:
            os.environ["REGIE_LETTERS_DIR"] = previous
        shutil.rmtree(scratch, ignore_errors=True)


def _module_for(relative: str):
    import importlib

    return importlib.import_module(relative[:-3].replace("/", "."))


def swap_module_source(module, source: str) -> None:
    """Run `source` as `module`'s code in place and rebind names other modules imported from it."""
    import importlib.machinery

    before = dict(vars(module))
    with tempfile.TemporaryDirectory(prefix="regie-mutant-module-") as folder:
        path = Path(folder) / Path(module.__file__).name
        path.write_text(source, encoding="utf-8")
        loader = importlib.machinery.SourceFileLoader(module.__name__, str(path))
        file, cached = module.__file__, getattr(module, "__cached__", None)
        try:
            loader.exec_module(module)  # our own rule module, changed by one step
        finally:
            module.__file__, module.__cached__ = file, cached
    replaced = {}
    for name, old in before.items():
        new = vars(module).get(name)
        if new is not old and not isinstance(old, (int, float, str, bool, type(None))):
            replaced[id(old)] = (old, new)
    if not replaced:
        return
    for other in list(sys.modules.values()):
        name = getattr(other, "__name__", "")
        if other is module or not name.startswith(("engine", "api")):
            continue
        for attribute, value in list(vars(other).items()):
            pair = replaced.get(id(value))
            if pair is not None and pair[0] is value:
                setattr(other, attribute, pair[1])


def _run_until_killed(scenario_paths: list[Path], template: Path, outcome: Outcome) -> None:
    from engine.tools.scenario import run_scenario

    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for path in scenario_paths:
            outcome.tried += 1
            # The timer repeats: a timeout raised inside a finalizer is swallowed, the next one is not.
            signal.setitimer(signal.ITIMER_REAL, SCENARIO_TIMEOUT_SECONDS, 2)
            try:
                result = run_scenario(path, database=template)
                failure = None if result.passed else result.failures[0]
            except ScenarioTimeout:
                failure = f"liep langer dan {SCENARIO_TIMEOUT_SECONDS} s (eindeloze lus)"
            except Exception as exc:  # noqa: BLE001 - any crash of the run on a mutant kills it
                failure = f"{type(exc).__name__}: {exc}"
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            if failure is not None:
                outcome.status, outcome.killer, outcome.detail = "gedood", path.name, _first_line(failure)
                return
    finally:
        signal.signal(signal.SIGALRM, previous)


def _alarm(signum, frame):
    raise ScenarioTimeout()


def _first_line(text: str) -> str:
    return " ".join(text.strip().splitlines()[0].split())[:160] if text.strip() else ""


# -- Python tests for the survivors ----------------------------------------------------------------
def python_tests_catch(mutant: Mutant, root: Path, python: str) -> str | None:
    """Run the relevant Python tests on a scratch copy with the mutant; return the failing test or None."""
    scratch = Path(tempfile.mkdtemp(prefix="regie-mutant-repo-"))
    try:
        for name in ("engine", "api", "processes", "forms", "letters", "tests", "pyproject.toml"):
            source = root / name
            if source.is_dir():
                shutil.copytree(source, scratch / name, ignore=shutil.ignore_patterns("__pycache__"))
            elif source.exists():
                shutil.copy2(source, scratch / name)
        content = mutated_text(root, mutant)
        (scratch / mutant.path).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        tests = PYTHON_TESTS.get(mutant.kind, [])
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "REGIE_TEST_POSTGRES_URL": ""}
        run = subprocess.run([python, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-o",
                              "addopts=", *tests], cwd=scratch, env=env, capture_output=True, text=True,
                             timeout=600)
        if run.returncode == 0:
            return None
        failed = [line for line in run.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
        return failed[0] if failed else f"pytest {' '.join(tests)} (exit {run.returncode})"
    except subprocess.TimeoutExpired:
        return "pytest: timeout"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# -- all mutants -----------------------------------------------------------------------------------
def run_all(mutants: list[Mutant], infos: list[ScenarioInfo], root: Path, jobs: int,
            progress=None, first: str = "") -> list[Outcome]:
    """Evaluate every mutant (in `jobs` worker processes); return the outcomes in catalogue order."""
    from engine.tools.scenario import prepared_database

    template = str(prepared_database())  # made once here; the workers only copy it
    work = []
    for mutant in mutants:
        chosen = [i for i in candidates(mutant, infos, first) if i.passed]
        files = frozenset().union(*(i.files for i in chosen)) if chosen else frozenset()
        work.append((mutant, [i.path for i in chosen], files, str(root), template))
    outcomes: dict[str, Outcome] = {}
    if jobs <= 1:
        for job in work:
            outcome = evaluate(job)
            outcomes[outcome.mutant.id] = outcome
            if progress:
                progress(outcome)
    else:
        context = multiprocessing.get_context("fork")
        with context.Pool(jobs, maxtasksperchild=40) as pool:
            for outcome in pool.imap_unordered(evaluate, work):
                outcomes[outcome.mutant.id] = outcome
                if progress:
                    progress(outcome)
    return [outcomes[m.id] for m in mutants]
