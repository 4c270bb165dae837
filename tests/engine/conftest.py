"""Engine fixtures: a runtime on a fresh database with a settable clock at T0."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.config import Settings
from engine.db.all_models import metadata
from engine.db.models import Gemeente
from engine.running.handlers import HandlerError, HandlerRegistry
from engine.running.runtime import build_runtime
from tests.conftest import T0

FIXTURES = Path(__file__).resolve().parent / "fixtures"


class RecordingLetters:
    """A `letter` handler for engine tests: records calls; can be told to fail."""

    def __init__(self) -> None:
        self.calls = []
        self.fail_with: str | None = None

    def __call__(self, call):
        if self.fail_with:
            raise HandlerError(self.fail_with)
        self.calls.append((call.element_id, dict(call.properties), dict(call.inputs)))
        return {"laatste_brief": call.properties.get("template")}


@pytest.fixture
def letters() -> RecordingLetters:
    """The recording letter handler the runtime uses."""
    return RecordingLetters()


@pytest.fixture
def runtime(database_url, letters):
    """A runtime with tables, a demo gemeente, and the clock at T0."""
    registry = HandlerRegistry()
    registry.register("letter", letters)
    registry.register("duo", lambda call: {})
    rt = build_runtime(Settings(database_url=database_url, clock="database"), handlers=registry, migrate=False)
    metadata.create_all(rt.db)
    with rt.session_factory.begin() as session:
        session.add(Gemeente(code="demo", naam="Gemeente Voorbeeldstad", settings={}))
        session.add(Gemeente(code="andere", naam="Gemeente Anderstad", settings={}))
        rt.clock.set(session, T0)
    yield rt
    rt.db.dispose()


def fixture_files(*names: str) -> list[tuple[str, bytes]]:
    """Return (name, bytes) for files in tests/engine/fixtures."""
    return [(n, (FIXTURES / n).read_bytes()) for n in names]


@pytest.fixture
def deployed(runtime):
    """The basic process deployed with its form."""
    with runtime.session_factory.begin() as session:
        runtime.engine.deploy(session=session, files=fixture_files("basic.bpmn", "intake.form"), actor="test")
    return runtime
