"""A shortened load test: real web processes and workers on PostgreSQL, the table, the checks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.loadtest.cluster import NotLocal, scratch_schema
from engine.loadtest.consistency import check_cases
from engine.loadtest.run import run_load
from tests.conftest import POSTGRES_URL, postgres_available
from tests.engine.conftest import letters, runtime  # noqa: F401 - the engine tests' database fixtures


def test_the_load_test_refuses_a_database_elsewhere():
    with pytest.raises(NotLocal):
        scratch_schema("postgresql+psycopg://postgres@db.example.org:5432/regie")


@pytest.mark.skipif(not postgres_available(), reason="the load test needs PostgreSQL on 127.0.0.1")
def test_a_short_load_test_works_real_cases_and_prints_its_table():
    report = run_load(users=3, seconds=8, day_every=1.0, database_url=POSTGRES_URL)
    table = report.table()
    assert report.ok, table + "\n" + "\n".join(report.logs.values())
    assert report.requests > 20 and report.cases > 0 and report.days >= 6
    assert {"start", "claim", "complete", "inbox"} <= set(report.stats.codes)
    for heading in ("p50 ms", "p95 ms", "p99 ms", "requests/s", "x 409", "x 5xx", "every case consistent"):
        assert heading in table


def test_the_consistency_check_finds_a_case_whose_rows_disagree(runtime):
    from tests.engine.conftest import fixture_files
    from tests.engine.helpers import start

    with runtime.session_factory.begin() as session:
        runtime.engine.deploy(session=session, files=fixture_files("wacht.bpmn"), actor="test")
    start(runtime, process_id="wacht")
    with runtime.session_factory() as session:
        assert check_cases(session, runtime.engine) == (1, [])
    with runtime.session_factory.begin() as session:
        from engine.db.models import Timer

        session.delete(session.execute(select(Timer)).scalar_one())
    with runtime.session_factory() as session:
        checked, problems = check_cases(session, runtime.engine)
    assert checked == 1 and len(problems) == 1 and "waiting timers" in problems[0]
