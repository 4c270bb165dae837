"""The path library: each klantreis scenario run once through the deployed diagrams in a scratch database."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from engine.config import PROJECT_ROOT, Settings
from engine.db.all_models import metadata
from engine.db.models import DecisionDefinition, FormVersion, Gemeente, ProcessDefinition, Resource
from engine.monitoring import catalog
from engine.monitoring.models import MonitoringCase, MonitoringEvent

SCENARIO_DIR = PROJECT_ROOT / "tests" / "scenarios"
DAY = 86400.0


@dataclass(frozen=True)
class PathEvent:
    """One event of a path, `offset` days after the case started."""

    offset: float
    kind: str
    element_id: str | None
    leerroute: str | None
    bedrag: int | None


@dataclass
class Path_:
    """One distinct way through the klantreis, as the real diagrams ran it."""

    name: str
    doelgroep: str | None
    leerroute: str | None
    events: list[PathEvent]
    duration: float | None  # days until the case ended; None: still open at the end of the scenario
    features: dict[str, bool] = field(default_factory=dict)
    complete: bool = True  # False when the scenario stopped with an error part-way


def deployed_files(session: Session) -> list[tuple[str, bytes]]:
    """Return the files of the latest deployed version of every process, decision and form."""
    resource_ids: set[int] = set()
    latest_processes = {}
    for definition in session.execute(select(ProcessDefinition).order_by(ProcessDefinition.version)).scalars():
        latest_processes[definition.process_id] = definition
    deployments = {d.deployment_id for d in latest_processes.values()}
    for rid, name in session.execute(select(Resource.id, Resource.name)
                                     .where(Resource.deployment_id.in_(deployments))).all():
        if name.lower().endswith((".bpmn", ".bpmn20.xml")):
            resource_ids.add(rid)
    for model in (DecisionDefinition, FormVersion):
        key = model.decision_id if model is DecisionDefinition else model.form_id
        latest = {}
        for row in session.execute(select(model).order_by(model.version)).scalars():
            latest[getattr(row, key.key)] = row.resource_id
        resource_ids.update(latest.values())
    files: dict[str, bytes] = {}
    for resource in session.execute(select(Resource).where(Resource.id.in_(resource_ids))
                                    .order_by(Resource.id)).scalars():
        files[resource.name] = resource.content
    return sorted(files.items())


def scratch_database(files: list[tuple[str, bytes]], gemeente_settings: dict, folder: Path) -> Path:
    """Make a scratch SQLite database with `files` deployed and gemeente `demo` holding the given settings."""
    from engine.running.runtime import build_runtime

    path = folder / "forecast-template.sqlite"
    rt = build_runtime(Settings(database_url=f"sqlite:///{path}", clock="database"), migrate=False)
    metadata.create_all(rt.db)
    with rt.session_factory.begin() as session:
        session.add(Gemeente(code="demo", naam="Prognose", settings=dict(gemeente_settings or {})))
        rt.engine.deploy(session=session, files=files, actor="prognose", source="prognose")
    rt.db.dispose()
    return path


def _features(events: list[PathEvent]) -> dict[str, bool]:
    elements = {e.element_id for e in events}
    return {
        "no_show": bool(elements & set(catalog.NO_SHOW)),
        "boete": any(e.kind == "boete" for e in events),
        "schakelen": bool(elements & set(catalog.SCHAKELEN)),
    }


def read_path(db_file: Path, name: str, complete: bool) -> Path_ | None:
    """Read the one case of a scratch run back as a path."""
    db = create_engine(f"sqlite:///{db_file}")
    try:
        with Session(db) as session:
            case = session.execute(select(MonitoringCase)).scalars().first()
            if case is None:
                return None
            start = case.started_at
            rows = session.execute(select(MonitoringEvent).order_by(MonitoringEvent.id)).scalars().all()
            events = [PathEvent((row.at - start).total_seconds() / DAY, row.kind, row.element_id, row.leerroute,
                                row.bedrag) for row in rows]
            duration = (case.ended_at - start).total_seconds() / DAY if case.ended_at else None
            return Path_(name, case.doelgroep, case.leerroute, events, duration, _features(events), complete)
    finally:
        db.dispose()


def build_library(*, files: list[tuple[str, bytes]], gemeente_settings: dict | None = None,
                  scenario_dir: Path = SCENARIO_DIR, only: list[str] | None = None) -> list[Path_]:
    """Run every `inburgering` scenario once through `files` and return the paths (a scratch folder, removed)."""
    from engine.tools.scenario import ScenarioError, ScenarioRun, load_scenario

    folder = Path(tempfile.mkdtemp(prefix="regie-forecast-"))
    try:
        template = scratch_database(files, gemeente_settings or {}, folder)
        library = []
        for scenario_file in sorted(scenario_dir.glob("*.yaml")):
            if only is not None and scenario_file.stem not in only:
                continue
            try:
                scenario = load_scenario(scenario_file)
            except ScenarioError:
                continue
            if scenario.process != "inburgering":
                continue
            scenario = _without_expectations(scenario)
            work = folder / f"{scenario_file.stem}.sqlite"
            shutil.copyfile(template, work)
            result = ScenarioRun(scenario, work).run()
            path = read_path(work, scenario_file.stem, complete=result.passed)
            if path is not None and path.events:
                library.append(path)
            work.unlink()
        return library
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _without_expectations(scenario):
    """Return the scenario without its expect/save_restore steps (the path, not the checks)."""
    from dataclasses import replace

    steps = [s for s in scenario.steps if next(iter(s)) not in ("expect", "save_restore")]
    return replace(scenario, steps=steps, gemeente="demo")

