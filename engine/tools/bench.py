"""`regie bench` / `make bench`: measured figures, each with its baseline from the same run.

- complete_task: Regie's full path (lock, load, validate, run, task/timer rows, audit,
  save, commit) on SQLite, against a baseline of raw SpiffWorkflow with a naive
  one-JSON-blob-per-case table, on the real klantreis and on a small 24-node diagram.
- inbox: open tasks of one candidate group, earliest due first, first page, with 10k
  and 100k cases in the database.
- timer sweep: cases per second whose due timer fires.
Figures from the expression, letter and inbox-page benchmarks are merged in.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import select, text

from engine.config import PROJECT_ROOT, Settings
from engine.db.all_models import metadata
from engine.db.models import Gemeente, UserTask
from engine.db.session import make_engine
from engine.running.handlers import HandlerRegistry

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
STEPS = 10


def bench_bpmn(steps: int = STEPS) -> bytes:
    """Return a chain of user tasks with gateways (2 × steps + 4 nodes), laid out left to right."""
    nodes, flows, shapes = [], [], []
    x = 150
    nodes.append('<bpmn:startEvent id="StartEvent_1"/>')
    shapes.append(f'<bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1"><dc:Bounds x="{x}" y="100" width="36" height="36"/></bpmndi:BPMNShape>')
    for i in range(1, steps + 1):
        task, gw = f"Task_{i}", f"Gateway_{i}"
        nodes.append(f'<bpmn:userTask id="{task}" name="Stap {i}" camunda:candidateGroups="consulent" '
                     f'camunda:dueDate="${{dateAdd(datum_plicht, \'P{i}W\')}}"/>')
        nodes.append(f'<bpmn:exclusiveGateway id="{gw}" default="Flow_{gw}_ok"/>')
        if i == 1:
            flows.append(f'<bpmn:sequenceFlow id="Flow_start" sourceRef="StartEvent_1" targetRef="{task}"/>')
        flows.append(f'<bpmn:sequenceFlow id="Flow_{task}_{gw}" sourceRef="{task}" targetRef="{gw}"/>')
        nxt = f"Task_{i + 1}" if i < steps else "EndEvent_1"
        flows.append(f'<bpmn:sequenceFlow id="Flow_{gw}_ok" sourceRef="{gw}" targetRef="{nxt}"/>')
        flows.append(f'<bpmn:sequenceFlow id="Flow_{gw}_stop" sourceRef="{gw}" targetRef="EndEvent_Stop">'
                     f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${{stoppen == true}}</bpmn:conditionExpression>'
                     f'</bpmn:sequenceFlow>')
        x += 100
        shapes.append(f'<bpmndi:BPMNShape id="{task}_di" bpmnElement="{task}"><dc:Bounds x="{x}" y="78" width="100" height="80"/></bpmndi:BPMNShape>')
        x += 150
        shapes.append(f'<bpmndi:BPMNShape id="{gw}_di" bpmnElement="{gw}" isMarkerVisible="true"><dc:Bounds x="{x}" y="93" width="50" height="50"/></bpmndi:BPMNShape>')
    nodes.append('<bpmn:endEvent id="EndEvent_1"/><bpmn:endEvent id="EndEvent_Stop"/>')
    shapes.append(f'<bpmndi:BPMNShape id="EndEvent_1_di" bpmnElement="EndEvent_1"><dc:Bounds x="{x + 100}" y="100" width="36" height="36"/></bpmndi:BPMNShape>')
    shapes.append(f'<bpmndi:BPMNShape id="EndEvent_Stop_di" bpmnElement="EndEvent_Stop"><dc:Bounds x="{x + 100}" y="250" width="36" height="36"/></bpmndi:BPMNShape>')
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
 xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_bench" targetNamespace="http://bpmn.io/schema/bpmn">
<bpmn:process id="bench" isExecutable="true">{''.join(nodes)}{''.join(flows)}</bpmn:process>
<bpmndi:BPMNDiagram id="BPMNDiagram_1"><bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="bench">{''.join(shapes)}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>""".encode()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _runtime(path: Path):
    from engine.running.runtime import build_runtime

    registry = HandlerRegistry()
    registry.register("letter", lambda call: {})
    rt = build_runtime(Settings(database_url=f"sqlite:///{path}", clock="database"), handlers=registry,
                       migrate=False)
    metadata.create_all(rt.db)
    with rt.session_factory.begin() as session:
        session.add(Gemeente(code="demo", naam="Bench", settings={}))
        rt.clock.set(session, T0)
        rt.engine.deploy(session=session, files=[("bench.bpmn", bench_bpmn())], actor="bench")
    return rt


def measure_complete_task(work: Path, cases: int = 60, rounds: int = 4) -> dict[str, float]:
    """Time Regie's complete-task path; each sample is one committed transaction."""
    rt = _runtime(work / "regie.sqlite")
    ids = []
    for _ in range(cases):
        with rt.session_factory.begin() as session:
            ids.append(rt.engine.start_case(session=session, process_id="bench", gemeente="demo",
                                            data={"datum_plicht": "2026-01-05", "stoppen": False}, actor="bench").id)
    samples = []
    for _ in range(rounds):
        for case_id in ids:
            with rt.session_factory() as session:
                task_id = session.execute(select(UserTask.id).where(UserTask.case_id == case_id)).scalar_one()
            started = time.perf_counter()
            with rt.session_factory.begin() as session:
                rt.engine.complete_task(session=session, task_id=task_id, data={"stoppen": False}, actor="bench")
            samples.append((time.perf_counter() - started) * 1000)
    rt.db.dispose()
    return {"p50": statistics.median(samples), "p95": _percentile(samples, 0.95)}


def measure_baseline(work: Path, cases: int = 60, rounds: int = 4) -> dict[str, float]:
    """Time raw SpiffWorkflow with one JSON blob per case (spec embedded), same diagram."""
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    from engine.bpmn.parser import RegieParser
    from engine.bpmn.scripting import RegieScriptEngine
    from engine.bpmn.serialization import full_serializer

    parser = RegieParser()
    parser.add_bpmn_str(bench_bpmn(), filename="bench.bpmn")
    spec, subs = parser.get_spec("bench"), parser.get_subprocess_specs("bench")
    serializer = full_serializer()
    db = make_engine(f"sqlite:///{work / 'baseline.sqlite'}")  # same SQLite settings as Regie's
    with db.begin() as conn:
        conn.execute(text("CREATE TABLE cases (id TEXT PRIMARY KEY, state TEXT)"))
    ids = []
    with db.begin() as conn:
        for _ in range(cases):
            wf = BpmnWorkflow(spec, subs, script_engine=RegieScriptEngine())
            wf.data.update({"datum_plicht": "2026-01-05", "stoppen": False})
            for task in wf.get_tasks(state=TaskState.READY):
                task.data.update(wf.data)
            wf.do_engine_steps()
            case_id = str(uuid.uuid4())
            ids.append(case_id)
            conn.execute(text("INSERT INTO cases VALUES (:i, :s)"), {"i": case_id, "s": serializer.serialize_json(wf)})
    samples = []
    for _ in range(rounds):
        for case_id in ids:
            started = time.perf_counter()
            with db.begin() as conn:
                blob = conn.execute(text("SELECT state FROM cases WHERE id = :i"), {"i": case_id}).scalar_one()
                wf = serializer.deserialize_json(blob)
                wf.script_engine = RegieScriptEngine()
                task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
                task.data.update({"stoppen": False})
                task.run()
                wf.do_engine_steps()
                conn.execute(text("UPDATE cases SET state = :s WHERE id = :i"),
                             {"i": case_id, "s": serializer.serialize_json(wf)})
            samples.append((time.perf_counter() - started) * 1000)
    db.dispose()
    return {"p50": statistics.median(samples), "p95": _percentile(samples, 0.95)}


KLANTREIS_START = {
    "bsn": "123456782", "voornamen": "Amina", "achternaam": "Yusuf", "naam": "Amina Yusuf", "taal": "ar",
    "tolk_nodig": True, "doelgroep": "asielstatushouder", "datum_plicht": "2026-01-05", "bijstand": True,
    "datum_start_bijstand": "2026-01-19",
}
KLANTREIS_PROFIEL = {"coa_profiel_ontvangen_op": "2026-01-05", "coa_locatie": "AZC", "coa_opleiding": "mbo",
                     "coa_werkervaring": "kapster"}
KLANTREIS_TASK = ("Task_BrpInschrijving", {"datum_brp_inschrijving": "2026-01-19", "straat": "Kerkstraat",
                                           "huisnummer": "12a", "postcode": "2261 AB", "woonplaats": "Leidschendam"})


def measure_klantreis(work: Path, cases: int = 40) -> dict[str, float]:
    """Complete the BRP-registration task of the real klantreis: Regie versus a one-blob baseline.

    The klantreis is a main process with ten called processes; SpiffWorkflow's own
    serialization carries all their specs in every case, Regie stores them once.
    """
    import uuid as _uuid

    from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    from engine.bpmn.parser import RegieParser
    from engine.bpmn.scripting import DecisionRegistry, RegieScriptEngine
    from engine.bpmn.serialization import full_serializer
    from engine.bpmn.specs import RegieMessageEventDefinition
    from engine.dmn import load_dmn
    from engine.running.runtime import build_runtime
    from engine.tools.scenario import prepared_database

    db_file = work / "klantreis.sqlite"
    shutil.copyfile(prepared_database(), db_file)
    rt = build_runtime(Settings(database_url=f"sqlite:///{db_file}", clock="database"), migrate=False)
    task_ids = []
    for _ in range(cases):
        with rt.session_factory.begin() as session:
            rt.clock.set(session, T0)
            case = rt.engine.start_case(session=session, process_id="inburgering", gemeente="demo",
                                        data=KLANTREIS_START, actor="bench")
            rt.engine.send_message(session=session, name="coa_klantprofiel", message_id=str(_uuid.uuid4()),
                                   actor="bench", case_id=case.id, payload=KLANTREIS_PROFIEL)
            task_ids.append(session.execute(select(UserTask.id).where(
                UserTask.case_id == case.id, UserTask.element_id == KLANTREIS_TASK[0])).scalar_one())
    ours = []
    for task_id in task_ids:
        started = time.perf_counter()
        with rt.session_factory.begin() as session:
            rt.engine.complete_task(session=session, task_id=task_id, data=KLANTREIS_TASK[1], actor="bench")
        ours.append((time.perf_counter() - started) * 1000)
    rt.db.dispose()

    processes = PROJECT_ROOT / "processes"
    parser = RegieParser()
    parser.add_bpmn_files([str(p) for p in sorted(processes.glob("*.bpmn"))])
    spec, subs = parser.get_spec("inburgering"), parser.get_subprocess_specs("inburgering")
    decisions = {}
    for dmn_file in processes.glob("*.dmn"):
        model = load_dmn(dmn_file)
        decisions.update({d: model for d in model.decisions})
    engine = RegieScriptEngine(DecisionRegistry(decisions))
    serializer = full_serializer()
    db = make_engine(f"sqlite:///{work / 'klantreis-baseline.sqlite'}")
    with db.begin() as conn:
        conn.execute(text("CREATE TABLE cases (id TEXT PRIMARY KEY, state TEXT)"))
        ids = []
        for _ in range(cases):
            wf = BpmnWorkflow(spec, subs, script_engine=engine)
            wf.data.update(KLANTREIS_START)
            for task in wf.get_tasks(state=TaskState.READY):
                task.data.update(KLANTREIS_START)
            wf.do_engine_steps()
            wf.send_event(BpmnEvent(RegieMessageEventDefinition("coa_klantprofiel"),
                                    {"payload": KLANTREIS_PROFIEL, "result_var": None}))
            wf.do_engine_steps()
            ids.append(str(_uuid.uuid4()))
            conn.execute(text("INSERT INTO cases VALUES (:i, :s)"), {"i": ids[-1], "s": serializer.serialize_json(wf)})
    base = []
    for case_id in ids:
        started = time.perf_counter()
        with db.begin() as conn:
            wf = serializer.deserialize_json(conn.execute(text("SELECT state FROM cases WHERE id = :i"),
                                                          {"i": case_id}).scalar_one())
            wf.script_engine = engine
            task = next(t for t in wf.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id == KLANTREIS_TASK[0])
            task.data.update(KLANTREIS_TASK[1])
            task.run()
            wf.do_engine_steps()
            conn.execute(text("UPDATE cases SET state = :s WHERE id = :i"), {"i": case_id, "s": serializer.serialize_json(wf)})
        base.append((time.perf_counter() - started) * 1000)
    db.dispose()
    return {"p50": statistics.median(ours), "p95": _percentile(ours, 0.95),
            "base_p50": statistics.median(base), "base_p95": _percentile(base, 0.95)}


def measure_inbox(n_cases: int) -> dict[str, Any]:
    """Return the inbox figures (engine.tools.inbox_bench: the queries the web app runs) with n cases."""
    from engine.tools.inbox_bench import run_benchmark

    figures = run_benchmark(n_cases)
    figures.pop("group_query_plan", None)
    return figures


def measure_timer_sweep(work: Path, cases: int = 200) -> float:
    """Return how many cases per second get their due timer fired."""
    from engine.running.runtime import build_runtime

    fixture = PROJECT_ROOT / "tests" / "engine" / "fixtures"
    registry = HandlerRegistry()
    registry.register("letter", lambda call: {})
    rt = build_runtime(Settings(database_url=f"sqlite:///{work / 'timers.sqlite'}", clock="database"),
                       handlers=registry, migrate=False)
    metadata.create_all(rt.db)
    timer_bpmn = (fixture / "basic.bpmn").read_bytes() if (fixture / "basic.bpmn").exists() else None
    if timer_bpmn is None:
        return 0.0
    with rt.session_factory.begin() as session:
        session.add(Gemeente(code="demo", naam="Bench", settings={}))
        rt.clock.set(session, T0)
        rt.engine.deploy(session=session, files=[("basic.bpmn", timer_bpmn),
                                                 ("intake.form", (fixture / "intake.form").read_bytes())],
                         actor="bench")
    for _ in range(cases):
        with rt.session_factory.begin() as session:
            case = rt.engine.start_case(session=session, process_id="basic", gemeente="demo",
                                        data={"datum_plicht": "2026-01-05", "consulent": "bench"}, actor="bench")
            task = session.execute(select(UserTask.id).where(UserTask.case_id == case.id)).scalar_one()
            rt.engine.complete_task(session=session, task_id=task, data={"leerroute": "Z"}, actor="bench")
    started = time.perf_counter()
    fired = rt.engine.fire_due_timers(session_factory=rt.session_factory, until=T0 + timedelta(days=400))
    elapsed = time.perf_counter() - started
    rt.db.dispose()
    return len(fired) / elapsed if elapsed else 0.0


def _optional(name: str, fn: Callable[[], dict]) -> dict:
    try:
        return fn()
    except ImportError:
        return {}


def run_all(out=None) -> dict[str, Any]:
    """Run every benchmark and return the figures (printing a table when `out` is given)."""
    work = Path(tempfile.mkdtemp(prefix="regie-bench-"))
    try:
        real = measure_klantreis(work)
        small = measure_complete_task(work)
        small_base = measure_baseline(work)
        figures: dict[str, Any] = {
            # The product's own workload: a task of the klantreis (main process + ten called ones).
            "complete_task_p50_ms": round(real["p50"], 3),
            "complete_task_p95_ms": round(real["p95"], 3),
            "baseline_complete_task_p50_ms": round(real["base_p50"], 3),
            "baseline_complete_task_p95_ms": round(real["base_p95"], 3),
            "ratio_to_baseline": round(real["p50"] / real["base_p50"], 3),
            # A small 24-node diagram, where the inbox rows, audit and locking weigh most.
            "small_diagram_complete_task_p50_ms": round(small["p50"], 3),
            "small_diagram_complete_task_p95_ms": round(small["p95"], 3),
            "small_diagram_baseline_p50_ms": round(small_base["p50"], 3),
            "small_diagram_ratio_to_baseline": round(small["p50"] / small_base["p50"], 3),
            "timer_sweep_cases_per_s": round(measure_timer_sweep(work), 1),
        }
        for n, label in ((10_000, "10k"), (100_000, "100k")):
            inbox = measure_inbox(n)
            figures[f"inbox_query_ms_{label}"] = inbox["group_query_ms"]
            figures.update({f"inbox_{k.removesuffix('_ms').removeprefix('inbox_')}_ms_{label}": v
                            for k, v in inbox.items() if k.endswith("_ms") and k != "group_query_ms"})
        figures["inbox_flatness_100k_over_10k"] = round(figures["inbox_query_ms_100k"] / figures["inbox_query_ms_10k"], 3)
        figures.update(_optional("expressions", lambda: __import__("engine.expressions.bench", fromlist=["x"]).run_benchmark()))
        figures.update(_optional("letters", lambda: __import__("engine.letters.bench", fromlist=["x"]).run_benchmark()))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if out is not None:
        from rich.table import Table

        table = Table("figure", "value")
        for key, value in figures.items():
            table.add_row(key, json.dumps(value) if not isinstance(value, (int, float)) else f"{value}")
        out.print(table)
    return figures
