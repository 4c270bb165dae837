"""Two `regie worker` processes on one PostgreSQL fire each due timer exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.db.models import AuditEntry, Timer
from tests.conftest import T0

from .helpers import open_tasks, start


@pytest.fixture
def waiting_cases(runtime):
    from tests.engine.conftest import fixture_files

    if runtime.db.dialect.name != "postgresql":
        pytest.skip("several worker processes share a database only on PostgreSQL")
    with runtime.session_factory.begin() as session:
        runtime.engine.deploy(session=session, files=fixture_files("wacht.bpmn"), actor="test")
    from alembic import command

    from engine.db.migrate import alembic_config

    command.stamp(alembic_config(runtime.db), "head")  # the tables came from create_all
    cases = [start(runtime, process_id="wacht") for _ in range(40)]
    with runtime.session_factory.begin() as session:
        runtime.clock.set(session, T0 + timedelta(days=200))
    return cases


def test_two_worker_processes_fire_every_due_timer_once(runtime, waiting_cases):
    env = dict(os.environ, DATABASE_URL=runtime.settings.database_url, REGIE_CLOCK="database")
    command = [sys.executable, "-c", "from engine.tools.cli import main; main()", "worker", "--once"]
    workers = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    for worker in workers:
        _out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode()
    with runtime.session_factory() as session:
        fired = Counter(session.execute(select(AuditEntry.case_id).where(AuditEntry.action == "timer")).scalars())
        assert session.execute(select(Timer)).scalars().all() == []
    assert set(fired) == set(waiting_cases) and set(fired.values()) == {1}
    assert all([t.element_id for t in open_tasks(runtime, c)] == ["Task_Nazorg"] for c in waiting_cases)
