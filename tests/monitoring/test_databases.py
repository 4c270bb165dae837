"""The same figures and click-through on SQLite and PostgreSQL (dialect-specific month and day arithmetic)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from engine.db.all_models import metadata
from engine.db.models import Gemeente
from engine.monitoring.drill import case_ids_behind
from engine.monitoring.history import load_history
from engine.monitoring.indicators import INDICATORS, Filters
from engine.monitoring.models import MonitoringCase
from engine.monitoring.settings import monitoring_settings

CASE_COUNTED = {"instroom", "routemix", "pip_tijdig", "uitstroom"}


def test_every_case_count_matches_its_click_through(database_url):
    db = create_engine(database_url)
    metadata.create_all(db)
    try:
        with Session(db) as session, session.begin():
            session.add(Gemeente(code="g", naam="G", settings={}))
            session.flush()
            made = load_history(session, gemeente="g", today=date(2026, 12, 1), months=30, per_month=6, seed=3)
        assert made > 100
        f = Filters(("g",), date(2025, 1, 1), date(2026, 11, 30))
        settings = monitoring_settings({})
        with Session(db) as session:
            checked = 0
            for key in CASE_COUNTED:
                fig = INDICATORS[key](session, f, settings)
                for s in fig.series:
                    for row, value in enumerate(s.values):
                        if s.drillable and value:
                            assert len(case_ids_behind(session, f, key, row, s.name)) == value, (key, row, s.name)
                            checked += 1
            assert checked > 20
            total = sum(sum(s.values) for s in INDICATORS["instroom"](session, f, settings).series)
            started = [c.started_at.date() for c in session.execute(select(MonitoringCase)).scalars()]
            assert total == sum(1 for day in started if f.van <= day <= f.tot)
    finally:
        db.dispose()
