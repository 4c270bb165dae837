"""Process scenarios written as YAML, run by pytest and by `regie scenario FILE…`.

A scenario starts one case, then walks steps: complete a task, advance the clock,
send a message, approve letters, save and restore, and check expectations. A `bezwaar`
step registers a bezwaar against the case's last beschikking (of a letter type when given); the
steps after it act on the bezwaar case until a `case: zaak` step switches back. Each
scenario runs on its own fresh database holding the deployed `processes/` and
`forms/`. A failing expectation reports what was expected and the case's actual
state. The format is documented in the README ("Scenarios").
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

import yaml
from sqlalchemy import select

from engine.config import PROJECT_ROOT, Settings
from engine.db.all_models import metadata
from engine.db.models import Case, Gemeente, Incident, Job, Timer, UserTask
from engine.errors import AppError, Invalid
from engine.tools.scenario_compare import ScenarioError, as_datetime, full_date, same, same_moment
from engine.tools.scenario_letters import letter_rows, refusal_fields, refusal_problem, stated_in_letter

# libyaml's safe loader when PyYAML has it (the same documents, several times faster: the demo reads every scenario)
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STEP_KINDS = ("expect", "complete", "advance", "message", "save_restore", "approve_letters", "retry", "claim",
              "bezwaar", "case")
DEFAULT_ACTOR = "consulent1"


@dataclass
class Scenario:
    """One parsed scenario file."""

    path: Path
    name: str
    process: str
    clock: datetime
    gemeente: str
    start_data: dict[str, Any]
    steps: list[dict[str, Any]]


@dataclass
class ScenarioResult:
    """The outcome: a list of failed expectations, each with the actual state."""

    scenario: Scenario
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Tell whether every expectation held."""
        return not self.failures


def load_scenario(path: Path) -> Scenario:
    """Read and check one scenario file; errors name the file and the step."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise ScenarioError(f"{path}:{line} is not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(raw, dict):
        raise ScenarioError(f"{path}: a scenario is a mapping with name, process, start and steps")
    for key in ("process", "steps"):
        if key not in raw:
            raise ScenarioError(f"{path}: missing '{key}'")
    steps = raw["steps"] or []
    for number, step in enumerate(steps, 1):
        if not isinstance(step, dict) or len(step) != 1 or next(iter(step)) not in STEP_KINDS:
            raise ScenarioError(f"{path}: step {number} must be one of {', '.join(STEP_KINDS)}; got {step!r}")
    start = raw.get("start") or {}
    return Scenario(
        path=path, name=raw.get("name") or path.stem, process=raw["process"],
        clock=as_datetime(raw.get("clock", "2026-01-05T09:00:00Z"), f"{path}: clock"),
        gemeente=raw.get("gemeente", "demo"), start_data=dict(start.get("data") or {}), steps=steps,
    )


_TEMPLATES: dict[str, Path] = {}


def prepared_database(processes_dir: Path | None = None, forms_dir: Path | None = None) -> Path:
    """Return a SQLite file with processes/ and forms/ deployed (made once per process run)."""
    processes_dir = processes_dir or PROJECT_ROOT / "processes"
    forms_dir = forms_dir or PROJECT_ROOT / "forms"
    key = f"{processes_dir}|{forms_dir}"
    if key in _TEMPLATES and _TEMPLATES[key].exists():
        return _TEMPLATES[key]
    from engine.deploy.deployment import kind_of
    from engine.running.runtime import build_runtime

    folder = Path(tempfile.mkdtemp(prefix="regie-scenarios-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "template.sqlite"
    rt = build_runtime(Settings(database_url=f"sqlite:///{path}", clock="database"), migrate=False)
    metadata.create_all(rt.db)
    files = [(f.name, f.read_bytes()) for d in (processes_dir, forms_dir) if d.is_dir()
             for f in sorted(d.iterdir()) if f.is_file() and kind_of(f.name)]
    with rt.session_factory.begin() as session:
        session.add(Gemeente(code="demo", naam="Gemeente Voorbeeldstad", settings={}))
        rt.engine.deploy(session=session, files=files, actor="scenario", source="scenario")
    rt.db.dispose()
    _TEMPLATES[key] = path
    return path


class ScenarioRun:
    """Runs one scenario against its own copy of the prepared database."""

    def __init__(self, scenario: Scenario, database: Path) -> None:
        from engine.running.runtime import build_runtime

        self.scenario = scenario
        self.rt = build_runtime(Settings(database_url=f"sqlite:///{database}", clock="database"), migrate=False)
        self.case_id: str | None = None
        self.cases: dict[str, str] = {}  # `zaak` (the started case), `bezwaar` (the last registered bezwaar)
        self.failures: list[str] = []

    def run(self) -> ScenarioResult:
        """Start the case and walk every step, collecting failed expectations."""
        sc = self.scenario
        try:
            with self.rt.session_factory.begin() as session:
                self.rt.clock.set(session, sc.clock)
                case = self.rt.engine.start_case(session=session, process_id=sc.process, gemeente=sc.gemeente,
                                                 data=sc.start_data, actor=DEFAULT_ACTOR)
                self.case_id = self.cases["zaak"] = case.id
            for number, step in enumerate(sc.steps, 1):
                kind, arg = next(iter(step.items()))
                getattr(self, f"_{kind}")(arg, number)
        except (AppError, ScenarioError) as exc:
            message = getattr(exc, "message", str(exc))
            details = getattr(exc, "field_errors", None) or getattr(exc, "problems", None) or ""
            self.failures.append(f"{message} {details}\n{self.describe()}")
        finally:
            self.rt.db.dispose()
        return ScenarioResult(sc, self.failures)

    # -- steps --------------------------------------------------------------------------
    def _open_tasks(self, session) -> list[UserTask]:
        return list(session.execute(select(UserTask).where(UserTask.case_id == self.case_id)
                                    .order_by(UserTask.created_at, UserTask.element_id)).scalars())

    def _complete(self, arg: dict, number: int) -> None:
        wanted, refusal = arg.get("task"), arg.get("expect_refused")
        try:
            with self.rt.session_factory.begin() as session:
                matches = [t for t in self._open_tasks(session) if wanted in (t.element_id, t.name)]
                if not matches:
                    raise ScenarioError(f"step {number}: no open task {wanted!r} to complete")
                self.rt.engine.complete_task(session=session, task_id=matches[0].id, data=arg.get("data") or {},
                                             actor=arg.get("as", DEFAULT_ACTOR))
        except Invalid as exc:
            if refusal is None:
                raise
            problem = refusal_problem(refusal, exc.field_errors or {})
            if problem:
                self.failures.append(f"step {number}: completing {wanted!r}: {problem}\n{self.describe()}")
            return
        if refusal is not None:
            self.failures.append(f"step {number}: completing {wanted!r} was accepted; expected a refusal of "
                                 f"{', '.join(refusal_fields(refusal))}\n{self.describe()}")

    def _claim(self, arg: dict, number: int) -> None:
        with self.rt.session_factory.begin() as session:
            matches = [t for t in self._open_tasks(session) if arg.get("task") in (t.element_id, t.name)]
            if not matches:
                raise ScenarioError(f"step {number}: no open task {arg.get('task')!r} to claim")
            self.rt.engine.claim_task(session=session, task_id=matches[0].id, user=arg.get("as", DEFAULT_ACTOR),
                                      actor=arg.get("as", DEFAULT_ACTOR))

    def _advance(self, arg: Any, number: int) -> None:
        from engine.bpmn.tasktree import parse_until

        with self.rt.session_factory() as session:
            now = self.rt.clock.now(session)
        until = parse_until(str(arg), now) if not isinstance(arg, (date, datetime)) else as_datetime(arg, "advance")
        self.rt.engine.fire_due_timers(session_factory=self.rt.session_factory, until=until)

    def _message(self, arg: dict, number: int) -> None:
        with self.rt.session_factory.begin() as session:
            outcome = self.rt.engine.send_message(
                session=session, name=arg["name"], message_id=str(arg.get("id") or uuid.uuid4()),
                actor="systeem:scenario", case_id=self.case_id, payload=arg.get("data") or {})
        if outcome.status == "refused" and not arg.get("expect_refused"):
            raise ScenarioError(f"step {number}: message {arg['name']!r} refused: {outcome.reason}")
        if outcome.status != "refused" and arg.get("expect_refused"):
            self.failures.append(f"step {number}: message {arg['name']!r} was accepted, expected a refusal")

    def _approve_letters(self, arg: Any, number: int) -> None:
        from engine.letters.flow import approve
        from engine.letters.models import Letter

        with self.rt.session_factory.begin() as session:
            ids = session.execute(select(Letter.id).where(Letter.case_id == self.case_id,
                                                          Letter.status == "ter_controle")).scalars().all()
        for letter_id in ids:
            with self.rt.session_factory.begin() as session:
                approve(self.rt.engine, session=session, letter_id=letter_id, actor=DEFAULT_ACTOR)

    def _retry(self, arg: Any, number: int) -> None:
        with self.rt.session_factory.begin() as session:
            ids = session.execute(select(Incident.id).where(Incident.case_id == self.case_id,
                                                            Incident.resolved_at.is_(None))).scalars().all()
        for incident_id in ids:
            with self.rt.session_factory.begin() as session:
                self.rt.engine.retry_incident(session=session, incident_id=incident_id, actor="beheerder")

    def _bezwaar(self, arg: dict, number: int) -> None:
        """Register a bezwaar (Awb 6:4) against the main case's last sent beschikking, of letter type
        `letter` when given; the steps after it act on the bezwaar case."""
        from engine.bezwaar.service import register_bezwaar
        from engine.legal.models import Beschikking

        arg = arg or {}
        query = select(Beschikking).where(Beschikking.case_id == self.cases["zaak"])
        if arg.get("letter"):
            query = query.where(Beschikking.soort == arg["letter"])
        with self.rt.session_factory.begin() as session:
            row = session.execute(query.order_by(Beschikking.id.desc())).scalars().first()
            if row is None:
                raise ScenarioError(f"step {number}: bezwaar: no sent beschikking {arg.get('letter') or ''} on the case")
            ontvangen = full_date(arg["ontvangen_op"]) if arg.get("ontvangen_op") else self.rt.clock.now(session).date()
            case = register_bezwaar(self.rt.engine, session=session, beschikking_id=row.id,
                                    ontvangen_op=ontvangen,
                                    gronden=str(arg.get("gronden") or ""), actor=arg.get("as", DEFAULT_ACTOR),
                                    adviescommissie=bool(arg.get("adviescommissie")), rechtbank=arg.get("rechtbank"))
            self.case_id = self.cases["bezwaar"] = case.id

    def _case(self, arg: Any, number: int) -> None:
        """Switch the case the next steps act on: `zaak` (the started case) or `bezwaar`."""
        if arg not in self.cases:
            raise ScenarioError(f"step {number}: case must be one of {', '.join(self.cases)}; got {arg!r}")
        self.case_id = self.cases[arg]

    def _save_restore(self, arg: Any, number: int) -> None:
        from engine.bpmn.serialization import dump_state

        with self.rt.session_factory() as session:
            case = session.get(Case, self.case_id)
            restored = dump_state(self.rt.engine.load(session, case))
            stored = json.loads(json.dumps(case.state))
            if json.loads(json.dumps(restored, default=str)) != stored:
                self.failures.append(f"step {number}: the case state changed by a save and restore")

    def _expect(self, arg: dict, number: int) -> None:
        actual = self.actual()
        for key, wanted in arg.items():
            check = EXPECTATIONS.get(key)
            if check is None:
                raise ScenarioError(f"step {number}: unknown expectation {key!r}; use {', '.join(EXPECTATIONS)}")
            problem = check(wanted, actual)
            if problem:
                self.failures.append(f"step {number}: {key}: {problem}\n{self.describe(actual)}")

    # -- the actual state -------------------------------------------------------------------
    def actual(self) -> dict[str, Any]:
        """Return the case's state as the expectations see it."""
        from engine.letters.models import Letter

        with self.rt.session_factory() as session:
            case = session.get(Case, self.case_id)
            if case is None:
                return {}
            tasks = self._open_tasks(session)
            return {
                "status": case.status,
                "tasks": [t.element_id for t in tasks],
                "task_rows": {t.element_id: t for t in tasks},
                "timers": [(t.element_id, t.due_at) for t in session.execute(
                    select(Timer).where(Timer.case_id == case.id).order_by(Timer.due_at)).scalars()],
                "letters": list(session.execute(select(Letter.template).where(Letter.case_id == case.id)
                                                .order_by(Letter.id)).scalars()),
                "letter_rows": letter_rows(session, case.id),
                "incidents": [(i.element_id, i.message) for i in session.execute(
                    select(Incident).where(Incident.case_id == case.id, Incident.resolved_at.is_(None))).scalars()],
                "waiting": list(session.execute(select(Job.element_id).where(Job.case_id == case.id)).scalars()),
                "variables": self.rt.engine.case_variables(session=session, case=case),
                "now": self.rt.clock.now(session),
            }

    def describe(self, actual: dict | None = None) -> str:
        """Render the actual state for a failure message (BSN masked)."""
        from engine.audit import redact

        actual = actual if actual is not None else (self.actual() if self.case_id else {})
        if not actual:
            return "  (no case)"
        lines = [f"  clock: {actual['now']:%Y-%m-%d %H:%M}", f"  status: {actual['status']}",
                 "  open tasks: " + (", ".join(actual["tasks"]) or "none"),
                 "  timers: " + (", ".join(f"{e} at {d:%Y-%m-%d}" for e, d in actual["timers"]) or "none"),
                 "  letters: " + (", ".join(actual["letters"]) or "none"),
                 "  waiting for: " + (", ".join(actual["waiting"]) or "nothing"),
                 "  incidents: " + ("; ".join(f"{e}: {m}" for e, m in actual["incidents"]) or "none"),
                 "  variables: " + json.dumps(redact(actual["variables"]), default=str, ensure_ascii=False)[:1500]]
        return "\n".join(lines)


def _tasks(wanted, actual):
    return None if sorted(wanted or []) == sorted(actual["tasks"]) else f"expected {sorted(wanted or [])}"


def _tasks_include(wanted, actual):
    missing = [t for t in wanted if t not in actual["tasks"]]
    return f"missing {missing}" if missing else None


def _tasks_exclude(wanted, actual):
    present = [t for t in wanted if t in actual["tasks"]]
    return f"unexpected {present}" if present else None


def _variables(wanted, actual):
    wrong = {k: v for k, v in wanted.items() if not same(v, actual["variables"].get(k))}
    return f"expected {wrong}" if wrong else None


def _timers(wanted, actual):
    for timer in wanted:
        element, due = (timer.get("element"), timer.get("due")) if isinstance(timer, dict) else (timer, None)
        if not any(e == element and (due is None or same_moment(due, d)) for e, d in actual["timers"]):
            return f"expected a timer {element}" + (f" due {due}" if due else "")
    return None


def _letters(wanted, actual):
    if not wanted:
        return f"expected no letters, found {actual['letters']}" if actual["letters"] else None
    remaining = list(actual["letters"])
    for template in wanted:
        if template not in remaining:
            return f"expected letter {template!r}"
        remaining.remove(template)
    return None


def _letters_exactly(wanted, actual):
    if sorted(wanted or []) == sorted(actual["letters"]):
        return None
    return f"expected exactly {sorted(wanted or [])}, found {sorted(actual['letters'])}"


def _incidents(wanted, actual):
    if isinstance(wanted, int):
        return None if len(actual["incidents"]) == wanted else f"expected {wanted} open incident(s)"
    elements = sorted(e for e, _ in actual["incidents"])
    return None if elements == sorted(wanted) else f"expected incidents at {sorted(wanted)}"


def _status(wanted, actual):
    return None if actual["status"] == wanted else f"expected {wanted!r}"


def _task_due(wanted, actual):
    for element, due in wanted.items():
        row = actual["task_rows"].get(element)
        if row is None or row.due_at is None or not same_moment(due, row.due_at):
            return f"expected {element} due {due}"
    return None


EXPECTATIONS: dict[str, Callable[[Any, dict], str | None]] = {
    "tasks": _tasks, "tasks_include": _tasks_include, "tasks_exclude": _tasks_exclude,
    "variables": _variables, "timers": _timers, "letters": _letters, "incidents": _incidents,
    "status": _status, "task_due": _task_due, "letters_exactly": _letters_exactly, "letter": stated_in_letter,
}


def run_scenario(path: Path, *, database: Path | None = None) -> ScenarioResult:
    """Run one scenario file on a fresh copy of the prepared database."""
    scenario = load_scenario(path)
    template = database or prepared_database()
    work = Path(tempfile.mkdtemp(prefix="regie-scenario-")) / "case.sqlite"
    shutil.copyfile(template, work)
    try:
        return ScenarioRun(scenario, work).run()
    finally:
        shutil.rmtree(work.parent, ignore_errors=True)


def run_scenario_files(files: list[Path], *, out) -> int:
    """Run scenario files (or folders of them); print a verdict each; return the number failed."""
    paths = [p for f in files for p in (sorted(f.glob("*.yaml")) if f.is_dir() else [f])]
    failed = 0
    for path in paths:
        try:
            result = run_scenario(path)
        except ScenarioError as exc:
            out.print(f"FOUT {path}: {exc}", markup=False)
            failed += 1
            continue
        if result.passed:
            out.print(f"[green]OK[/green]   {path.name}: {result.scenario.name}")
        else:
            failed += 1
            out.print(f"[red]FAALT[/red] {path.name}: {result.scenario.name}")
            for failure in result.failures:
                out.print("  " + failure, markup=False)
    out.print(f"{len(paths) - failed} passed, {failed} failed")
    return failed
