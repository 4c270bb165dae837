"""The baseline: raw SpiffWorkflow on the same cases, the spec stored once and the state as one blob.

What a plain SpiffWorkflow application does for "complete this task": read the case's
blob, parse it, rebuild the workflow with the spec it keeps in memory (stored once in
its own table), set the form data, run the task and the engine steps, serialize, write
the blob, commit. No form validation, task rows, audit or HTTP: the floor Regie is
compared with, measured in the same run on the same database kind.
"""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import text

from engine.benchmarks.cases import CaseTemplate
from engine.benchmarks.over_http import percentiles


def _spiff_engine():
    """Return the parsed klantreis spec, its called processes and a script engine with its decisions."""
    from engine.bpmn.parser import RegieParser
    from engine.bpmn.scripting import DecisionRegistry, RegieScriptEngine
    from engine.config import PROJECT_ROOT
    from engine.dmn import load_dmn

    processes = PROJECT_ROOT / "processes"
    parser = RegieParser()
    parser.add_bpmn_files([str(p) for p in sorted(processes.glob("*.bpmn"))])
    decisions = {}
    for dmn_file in sorted(processes.glob("*.dmn")):
        model = load_dmn(dmn_file)
        decisions.update({d: model for d in model.decisions})
    return parser.get_spec("inburgering"), parser.get_subprocess_specs("inburgering"), RegieScriptEngine(
        DecisionRegistry(decisions))


def measure_baseline(url: str, templates: list[CaseTemplate], samples: int) -> dict[str, Any]:
    """Complete each age's next task `samples` times on raw SpiffWorkflow; return ms per age and pooled."""
    from SpiffWorkflow.util.task import TaskState

    from engine.bpmn.serialization import dump_state, load_state, serialize_spec, restore_spec
    from engine.clock import use_clock
    from engine.db.session import make_engine

    spec, subs, script_engine = _spiff_engine()
    db = make_engine(url)
    with db.begin() as conn:
        conn.execute(text("CREATE TABLE baseline_specs (id VARCHAR(40) PRIMARY KEY, spec TEXT)"))
        conn.execute(text("CREATE TABLE baseline_cases (id VARCHAR(40) PRIMARY KEY, state TEXT)"))
        conn.execute(text("INSERT INTO baseline_specs VALUES ('inburgering', :s)"),
                     {"s": json.dumps(serialize_spec(spec, subs))})
    with db.connect() as conn:
        # Stored once, read once: the application keeps the parsed spec in memory.
        spec, subs = restore_spec(json.loads(conn.execute(text("SELECT spec FROM baseline_specs")).scalar_one()))
    result: dict[str, Any] = {}
    pooled: list[float] = []
    for template in templates:
        if template.next_complete is None or template.age in result:
            continue
        element, data = template.next_complete
        ids = [f"{template.age}-{i}" for i in range(samples + 1)]
        with db.begin() as conn:
            conn.execute(text("INSERT INTO baseline_cases VALUES (:i, :s)"),
                         [{"i": i, "s": template.state_text} for i in ids])
        times = []
        for number, case_id in enumerate(ids):
            started = time.perf_counter()
            with db.begin() as conn:
                blob = conn.execute(text("SELECT state FROM baseline_cases WHERE id = :i"), {"i": case_id}).scalar_one()
                workflow = load_state(json.loads(blob), 1, spec, subs)
                workflow.script_engine = script_engine
                task = next(t for t in workflow.get_tasks(state=TaskState.READY)
                            if t.task_spec.bpmn_id == element)
                with use_clock(template.clock):
                    task.data.update(data)
                    task.run()
                    workflow.do_engine_steps()
                conn.execute(text("UPDATE baseline_cases SET state = :s WHERE id = :i"),
                             {"i": case_id, "s": json.dumps(dump_state(workflow), default=str)})
            if number:  # the first is a warm-up
                times.append((time.perf_counter() - started) * 1000)
        result[template.age] = {**percentiles(times), "state_kb": round(template.state_bytes / 1024, 1)}
        pooled.extend(times)
    result["all"] = percentiles(pooled)
    with db.begin() as conn:
        conn.execute(text("DROP TABLE baseline_cases"))
        conn.execute(text("DROP TABLE baseline_specs"))
    db.dispose()
    return result
