"""A runtime with the real handlers (letters, legal, bezwaar) and every process and form deployed."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from engine.config import PROJECT_ROOT, Settings
from engine.db.all_models import metadata
from engine.db.models import Gemeente, UserTask
from engine.deploy.deployment import kind_of
from engine.running.runtime import build_runtime


class Journey:
    """Drive one gemeente's cases through the engine as the web app would, one transaction per step."""

    def __init__(self, rt) -> None:
        self.rt = rt

    def at(self, moment: str) -> None:
        with self.rt.session_factory.begin() as session:
            self.rt.clock.set(session, datetime.fromisoformat(moment).replace(tzinfo=timezone.utc))

    def start(self, process: str, data: dict) -> str:
        with self.rt.session_factory.begin() as session:
            return self.rt.engine.start_case(session=session, process_id=process, gemeente="demo", data=data,
                                             actor="consulent1").id

    def tasks(self, case_id: str) -> list[str]:
        with self.rt.session_factory() as session:
            return sorted(session.scalars(select(UserTask.element_id).where(UserTask.case_id == case_id)))

    def complete(self, case_id: str, element: str, data: dict) -> None:
        with self.rt.session_factory.begin() as session:
            task = session.scalars(select(UserTask).where(UserTask.case_id == case_id,
                                                          UserTask.element_id == element)).one()
            self.rt.engine.complete_task(session=session, task_id=task.id, data=data, actor="handhaver1")

    def variables(self, case_id: str) -> dict:
        from engine.db.models import Case

        with self.rt.session_factory() as session:
            return self.rt.engine.case_variables(session=session, case=session.get(Case, case_id))


@pytest.fixture
def journey(database_url):
    rt = build_runtime(Settings(database_url=database_url, clock="database"), migrate=False)
    metadata.create_all(rt.db)
    files = [(f.name, f.read_bytes()) for d in ("processes", "forms") for f in sorted((PROJECT_ROOT / d).iterdir())
             if f.is_file() and kind_of(f.name)]
    with rt.session_factory.begin() as session:
        session.add(Gemeente(code="demo", naam="Gemeente Voorbeeldstad",
                             settings={"variabelen": {"rechtbank": "rechtbank Den Haag"}}))
        rt.engine.deploy(session=session, files=files, actor="test", source="test")
    yield Journey(rt)
    rt.db.dispose()
