"""A case loader: many realistic klantreis cases in minutes, for benchmarks and load tests.

Real cases first: the end-to-end scenario of a statushouder on the B1-route
(tests/scenarios/part3_e2e_statushouder_b1.yaml) is driven through the real engine, once
per start date, and the case is captured at a few ages (`AGES`). Then each captured case
is cloned as often as asked: its rows (case with its state, open tasks and their candidates,
timers, jobs and, optionally, its audit rows) are copied with every id of the case and its
tasks remapped and a new BSN and name, straight into the tables by bulk insert.

A clone is a case like any other: the app opens, completes and messages it. Its ids are
`<8 hex digits of the clone number><the rest of the template's id>`, unique per number.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Iterable

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from engine.db.state_column import encode_state_text
from engine.config import PROJECT_ROOT
from engine.db.models import AuditEntry, Case, Job, ProcessDefinition, TaskCandidate, Timer, UserTask

SCENARIO = PROJECT_ROOT / "tests" / "scenarios" / "part3_e2e_statushouder_b1.yaml"
GEMEENTE = "demo"
ID_PREFIX_BASE = 0xB0000000
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@dataclass(frozen=True)
class Age:
    """A point in the klantreis where a case is captured, and what a user does next there."""

    name: str
    label: str
    reached: Callable[["_Progress"], bool]


@dataclass
class _Progress:
    """What the capture knows after each scenario step."""

    completes: int = 0
    days: int = 0
    open_tasks: tuple[str, ...] = ()
    timers: int = 0


AGES: tuple[Age, ...] = (
    Age("fresh", "vers (warme overdracht)", lambda p: p.completes >= 1),
    Age("timer", "wacht op een timer (start brugklas)", lambda p: p.timers > 0 and not p.open_tasks),
    Age("ten_tasks", "na 10 taken (brugklas)", lambda p: p.completes >= 10 and bool(p.open_tasks)),
    Age("year", "na een jaar voortgangsgesprekken", lambda p: p.days >= 395 and "Task_Plannen" in p.open_tasks),
    Age("afronding", "bijna afgerond (nazorg)", lambda p: "Task_Nazorg" in p.open_tasks),
)
# The ages a klantmanager meets in the inbox; `timer` cases serve the timer sweep.
AGE_NAMES = ("fresh", "ten_tasks", "year", "afronding")
TIMER_AGE = "timer"
# A realistic population: many cases in their leerroute, fewer fresh or nearly done.
DEFAULT_MIX = {"fresh": 0.25, "ten_tasks": 0.15, "year": 0.45, "afronding": 0.15}
# Messages a case of each age can receive, with a payload DUO or a taalschool would send.
MESSAGES = (
    ("uren_gemeld", {"uren_cursus": 300, "uren_participatie": 70}),
    ("duo_plicht_beeindigd", {"reden": "SS106 ontheffing"}),
)


@dataclass
class CaseTemplate:
    """One real case at one age: its rows, its state as JSON text, and its next user action."""

    age: str
    shift_days: int
    case_id: str
    clock: datetime
    tasks_completed: int
    state_text: str
    rows: dict[str, list[dict[str, Any]]]
    next_complete: tuple[str, dict[str, Any]] | None
    message: tuple[str, dict[str, Any]] | None
    definition: tuple[str, int]
    task_ids: frozenset[str] = field(default_factory=frozenset)

    @property
    def state_bytes(self) -> int:
        """Return the size of the uncompressed state JSON."""
        return len(self.state_text.encode())


@dataclass
class LoadedCases:
    """What a load made: how many cases, how long it took, and the case ids by age."""

    count: int
    seconds: float
    by_age: dict[str, list[str]] = field(default_factory=dict)


# -- real cases -------------------------------------------------------------------------------
def capture_templates(shifts_days: Iterable[int] = (0,), ages: Iterable[str] = (*AGE_NAMES, TIMER_AGE)
                      ) -> list[CaseTemplate]:
    """Drive the end-to-end klantreis through the real engine once per start date; capture each age.

    Every shift moves all dates of the scenario by that many days (a multiple of 7 keeps
    the weekdays), so clones do not all share one due date.
    """
    from engine.tools.demo import _shift
    from engine.tools.scenario import ScenarioRun, load_scenario, prepared_database

    wanted = [a for a in AGES if a.name in set(ages)]
    templates: list[CaseTemplate] = []
    base = load_scenario(SCENARIO)
    for shift in shifts_days:
        delta = timedelta(days=shift)
        scenario = type(base)(path=base.path, name=base.name, process=base.process, clock=base.clock + delta,
                              gemeente=base.gemeente, start_data=_shift(dict(base.start_data), delta),
                              steps=_shift(base.steps, delta))
        work = Path(tempfile.mkdtemp(prefix="regie-cases-"))
        try:
            shutil.copyfile(prepared_database(), work / "case.sqlite")
            run = ScenarioRun(scenario, work / "case.sqlite")
            templates.extend(_walk(run, scenario, wanted, shift))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return templates


def _walk(run, scenario, wanted: list[Age], shift: int) -> list[CaseTemplate]:
    from engine.tools.scenario import ScenarioError

    rt = run.rt
    try:
        with rt.session_factory.begin() as session:
            rt.clock.set(session, scenario.clock)
            run.case_id = rt.engine.start_case(session=session, process_id=scenario.process,
                                               gemeente=scenario.gemeente, data=scenario.start_data,
                                               actor="consulent1").id
        progress, found = _Progress(), []
        pending = list(wanted)
        steps = [s for s in scenario.steps if next(iter(s)) not in ("expect", "save_restore")]
        for number, step in enumerate(steps):
            kind, arg = next(iter(step.items()))
            try:
                getattr(run, f"_{kind}")(arg, number + 1)
            except ScenarioError:
                # Moved dates can move a monthly timer past the scenario's next step (short months):
                # this start date keeps the ages it reached; the unshifted run reaches them all.
                break
            if kind == "complete":
                progress.completes += 1
            with rt.session_factory() as session:
                now = rt.clock.now(session)
                progress.days = (now - scenario.clock).days
                progress.open_tasks = tuple(session.execute(
                    select(UserTask.element_id).where(UserTask.case_id == run.case_id)).scalars())
                progress.timers = session.execute(select(func.count()).select_from(Timer)
                                                  .where(Timer.case_id == run.case_id)).scalar_one()
            for age in [a for a in pending if a.reached(progress)]:
                pending.remove(age)
                found.append(_capture(rt, run.case_id, age, shift, progress, steps[number + 1:]))
            if not pending:
                break
        return found
    finally:
        rt.db.dispose()


def _capture(rt, case_id: str, age: Age, shift: int, progress: _Progress, rest: list[dict]) -> CaseTemplate:
    from engine.running.messages import waiting_message_names

    with rt.session_factory() as session:
        case = session.get(Case, case_id)
        workflow = rt.engine.load(session, case)
        waiting = waiting_message_names(workflow)
        task_ids = {case_id} | {str(t) for t in workflow.tasks}
        for sub in workflow.subprocesses.values():
            task_ids |= {str(t) for t in sub.tasks}
        definition = session.get(ProcessDefinition, case.definition_id)
        rows = {}
        for model in (UserTask, Timer, Job, AuditEntry):
            table = model.__table__
            rows[table.name] = [dict(r._mapping) for r in session.execute(
                select(table).where(table.c.case_id == case_id))]
        open_ids = [r["id"] for r in rows[UserTask.__tablename__]]
        cand = TaskCandidate.__table__
        rows[cand.name] = [dict(r._mapping) for r in session.execute(
            select(cand).where(cand.c.task_id.in_(open_ids)))] if open_ids else []
        case_row = dict(session.execute(select(Case.__table__).where(Case.__table__.c.id == case_id)).one()._mapping)
        state_text = json.dumps(case.state, separators=(",", ":"), ensure_ascii=False)
        case_row.pop("state")
        rows[Case.__tablename__] = [case_row]
        now = rt.clock.now(session)
    open_now = set(progress.open_tasks)
    next_complete = next(((s["complete"]["task"], dict(s["complete"].get("data") or {})) for s in rest
                          if "complete" in s and s["complete"]["task"] in open_now), None)
    message = next(((name, payload) for name, payload in MESSAGES if name in waiting), None)
    return CaseTemplate(age=age.name, shift_days=shift, case_id=case_id, clock=now,
                        tasks_completed=progress.completes, state_text=state_text, rows=rows,
                        next_complete=next_complete, message=message,
                        definition=(definition.process_id, definition.version), task_ids=frozenset(task_ids))


# -- clones -----------------------------------------------------------------------------------
FIRST_NAMES = ("Amina", "Yonas", "Maria", "Olena", "Ahmad", "Fatima", "Samir", "Lina", "Tedros", "Aylin",
               "Hassan", "Rania", "Dawit", "Nour", "Iryna", "Karim", "Selam", "Layla", "Omar", "Zahra")
LAST_NAMES = ("Yusuf", "Tesfaye", "Santos", "Kovalenko", "Haddad", "Noori", "Khalil", "Darwish", "Gebremedhin",
              "Demir", "Omar", "Aziz", "Haile", "Saleh", "Shevchenko", "Mansour", "Kidane", "Hamdan", "Farah")


def bsn_for(number: int) -> str:
    """Return a unique 9-digit number passing the elfproef for clone `number` (not a real person's)."""
    for start in (20_000_000, 50_000_000, 80_000_000):
        digits = f"{start + number:08d}"
        check = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1))) % 11
        if check < 10:
            return digits + str(check)
    raise ValueError(f"no BSN for clone {number}")


class _Text:
    """A text split at the tokens a clone replaces: ids, BSN and name parts."""

    def __init__(self, text: str, literals: Iterable[str]) -> None:
        alternatives = [_UUID] + [re.escape(v) for v in sorted(set(literals), key=len, reverse=True) if v]
        self.parts = re.split(f"({'|'.join(alternatives)})", text)

    def render(self, mapping: dict[str, str]) -> str:
        """Return the text with every token found in `mapping` replaced."""
        parts = self.parts[:]
        for i in range(1, len(parts), 2):
            parts[i] = mapping.get(parts[i], parts[i])
        return "".join(parts)


class _Cloner:
    """Prepared once per template: what changes per clone, and how."""

    def __init__(self, template: CaseTemplate, definition_id: str, gemeente: str, audit: bool) -> None:
        self.template = template
        case_row = template.rows[Case.__tablename__][0]
        self.person = {k: case_row.get(k) or "" for k in ("bsn", "naam")}
        first, _, last = self.person["naam"].partition(" ")
        self.person.update(voornamen=first, achternaam=last)
        literals = list(self.person.values())
        self.state = _Text(template.state_text, literals)
        self.audit = [(row, _Text(json.dumps(row["detail"], ensure_ascii=False), literals))
                      for row in template.rows[AuditEntry.__tablename__]] if audit else []
        self.definition_id = definition_id
        self.gemeente = gemeente

    def mapping(self, number: int) -> dict[str, str]:
        prefix = f"{ID_PREFIX_BASE + number:08x}"
        mapping = {old: prefix + old[8:] for old in self.template.task_ids}
        first = FIRST_NAMES[number % len(FIRST_NAMES)]
        last = LAST_NAMES[(number // len(FIRST_NAMES)) % len(LAST_NAMES)]
        mapping.update({self.person["bsn"]: bsn_for(number), self.person["naam"]: f"{first} {last}",
                        self.person["voornamen"]: first, self.person["achternaam"]: last})
        return mapping

    def rows(self, number: int, out: dict[str, list[dict]]) -> str:
        """Add the rows of clone `number` to `out`; return its case id."""
        m = self.mapping(number)
        t = self.template.rows
        case = dict(t[Case.__tablename__][0])
        case.update(id=m[case["id"]], case_number=f"INB-2025-{number + 1:06d}", bsn=m[self.person["bsn"]],
                    naam=m[self.person["naam"]], gemeente=self.gemeente, definition_id=self.definition_id,
                    state=encode_state_text(self.state.render(m)))
        out[Case.__tablename__].append(case)
        for row in t[UserTask.__tablename__]:
            out[UserTask.__tablename__].append({**row, "id": m[row["id"]], "case_id": case["id"],
                                                "gemeente": self.gemeente})
        for row in t[TaskCandidate.__tablename__]:
            out[TaskCandidate.__tablename__].append({**row, "task_id": m[row["task_id"]], "gemeente": self.gemeente})
        for name in (Timer.__tablename__, Job.__tablename__):
            for row in t[name]:
                clone = {k: v for k, v in row.items() if k != "id"}
                out[name].append({**clone, "case_id": case["id"], "task_id": m.get(row["task_id"], row["task_id"])})
        for row, detail in self.audit:
            clone = {k: v for k, v in row.items() if k != "id"}
            out[AuditEntry.__tablename__].append({**clone, "case_id": case["id"], "gemeente": self.gemeente,
                                                  "detail": json.loads(detail.render(m))})
        return case["id"]


ORDER = (Case, UserTask, TaskCandidate, Timer, Job, AuditEntry)
PARALLEL_FROM = 2_000
_WORK: dict[str, Any] = {}


def _build_batch(batch: list[tuple[int, int]]) -> tuple[dict[str, list[dict]], list[tuple[int, str]]]:
    """Build the rows of a batch of (clone number, template key); return them and the (key, case id) made."""
    out: dict[str, list[dict]] = {m.__tablename__: [] for m in ORDER}
    made = [(key, _WORK["cloners"][key].rows(number, out)) for number, key in batch]
    return out, made


def clone_cases(db: Engine, templates: list[CaseTemplate], count: int, *, first_number: int = 0,
                mix: dict[str, float] | None = None, gemeente: str = GEMEENTE, audit: bool = True,
                batch: int = 500, keep_ids: int = 200) -> LoadedCases:
    """Insert `count` clones of the templates (ages mixed by `mix`) into `db`; numbers from `first_number`.

    The processes must be deployed in `db` (the same versions as where the templates were made).
    Up to `keep_ids` case ids per age are returned for the benchmark to pick from.
    """
    started = time.perf_counter()
    mix = mix or DEFAULT_MIX
    by_age: dict[str, list[CaseTemplate]] = {}
    for template in templates:
        by_age.setdefault(template.age, []).append(template)
    ages = [a for a in (*AGE_NAMES, TIMER_AGE) if a in by_age and mix.get(a, 0) > 0]
    total = sum(mix[a] for a in ages)
    slots = [a for a in ages for _ in range(max(1, round(20 * mix[a] / total)))]
    with db.connect() as conn:
        definitions = {(p, v): i for i, p, v in conn.execute(
            select(ProcessDefinition.id, ProcessDefinition.process_id, ProcessDefinition.version))}
    cloners: dict[int, _Cloner] = {}
    for key, template in enumerate(templates):
        definition_id = definitions.get(template.definition)
        if definition_id is None:
            raise ValueError(f"process {template.definition[0]} version {template.definition[1]} is not deployed")
        cloners[key] = _Cloner(template, definition_id, gemeente, audit)
    keys = {a: [k for k, t in enumerate(templates) if t.age == a] for a in ages}
    # A fixed spread: every run of 20 clones holds each age in its share of the mix.
    plan = []
    for n in range(count):
        number = first_number + n
        age = slots[number % len(slots)]
        plan.append((number, keys[age][number % len(keys[age])]))
    batches = [plan[i:i + batch] for i in range(0, count, batch)]
    kept: dict[str, list[str]] = {a: [] for a in ages}
    _WORK["cloners"] = cloners
    workers = os.cpu_count() or 1
    pool = multiprocessing.get_context("fork").Pool(workers) if count >= PARALLEL_FROM and workers > 1 else None
    try:
        # Compressing the states is most of the work: worker processes build the rows, this one inserts.
        for out, made in (pool.imap(_build_batch, batches) if pool else map(_build_batch, batches)):
            with db.begin() as conn:
                for model in ORDER:
                    if out[model.__tablename__]:
                        conn.execute(insert(model.__table__), out[model.__tablename__])
            for key, case_id in made:
                ids = kept[templates[key].age]
                if len(ids) < keep_ids:
                    ids.append(case_id)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
        _WORK.clear()
    return LoadedCases(count=count, seconds=time.perf_counter() - started, by_age=kept)


def case_count(db: Engine) -> int:
    """Return how many cases `db` holds."""
    with db.connect() as conn:
        return conn.execute(select(func.count()).select_from(Case.__table__)).scalar_one()
