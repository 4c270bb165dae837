"""The forecast: the same seed gives the same figures, and a tiny population agrees with a direct count."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.config import PROJECT_ROOT
from engine.deploy.deployment import kind_of
from engine.forecast.paths import build_library
from engine.forecast.simulate import METRICS, ForecastInput, Simulator, forecast
from engine.monitoring import catalog
from engine.monitoring.indicators import cost_of
from engine.monitoring.models import MonitoringCase, MonitoringEvent
from engine.monitoring.settings import monitoring_settings

PATHS = ["part3_e2e_statushouder_b1", "part3_e2e_gezinsmigrant_z"]
SETTINGS = monitoring_settings({})


@pytest.fixture(scope="module")
def library():
    files = [(f.name, f.read_bytes()) for d in (PROJECT_ROOT / "processes", PROJECT_ROOT / "forms")
             for f in sorted(Path(d).iterdir()) if kind_of(f.name)]
    return build_library(files=files, only=PATHS)


def _spec(seed: int) -> ForecastInput:
    return ForecastInput(start=date(2027, 1, 1), months=6, instroom={"asielstatushouder": 8, "gezinsmigrant": 4},
                         routemix={"B1": 0.6, "onderwijs": 0.1, "Z": 0.3}, kansen={"no_show": 0.2}, runs=12,
                         seed=seed)


def test_library_paths_come_from_the_real_diagrams(library):
    by_name = {p.name: p for p in library}
    assert set(by_name) == set(PATHS)
    b1 = by_name["part3_e2e_statushouder_b1"]
    assert b1.doelgroep == "asielstatushouder" and b1.leerroute == "B1" and b1.complete
    assert sum(1 for e in b1.events if e.element_id == "Task_Gesprek") == 4


def test_same_seed_same_forecast_other_seed_other(library):
    first = forecast(library, _spec(3), SETTINGS)
    again = forecast(library, _spec(3), SETTINGS)
    other = forecast(library, _spec(4), SETTINGS)
    assert first.percentiles == again.percentiles
    assert first.percentiles != other.percentiles
    for metric in METRICS:
        for p10, p50, p90 in first.percentiles[metric]:
            assert p10 <= p50 <= p90


def test_a_tiny_population_agrees_with_a_direct_count(library, population):
    """Cases run directly through the engine (conftest population) against the same cases sampled as paths."""
    starts = {"part3_e2e_statushouder_b1": (0, 4), "part3_e2e_gezinsmigrant_z": (1, 1)}  # 2026-01-05, 2026-02-02
    simulator = Simulator(library, SETTINGS, date(2026, 1, 1), 30)
    table = simulator.count([(name, month, day) for name, (month, day) in starts.items()])

    direct = defaultdict(lambda: [0.0] * len(METRICS))
    with population.session_factory() as session:
        cases = {c.case_id: c for c in session.execute(select(MonitoringCase)).scalars()
                 if c.doelgroep and c.leerroute in ("B1", "Z") and c.started_at.day in (5, 2)
                 and c.pip_dagtekening is not None}
        assert len(cases) == 2
        for event in session.execute(select(MonitoringEvent).where(
                MonitoringEvent.case_id.in_(list(cases)))).scalars():
            month = (event.at.year - 2026) * 12 + event.at.month - 1
            row = direct[month]
            row[2] += event.element_id in catalog.INTAKE
            row[3] += event.element_id in catalog.PIP
            row[4] += event.element_id in catalog.VOORTGANGSGESPREK
            row[5] += event.kind == "brief"
            row[6] += event.kind == "boete"
            if event.kind == "taak":
                row[7] += SETTINGS.minutes(event.element_id) / 60
            if event.kind in ("taak", "brief"):
                row[8] += cost_of(event.element_id, event.leerroute, SETTINGS)[1]
    for month in range(30):
        for i, metric in enumerate(METRICS[2:], start=2):
            assert table[month][i] == pytest.approx(direct[month][i]), (month, metric)
    assert table[0][0] == 1 and table[1][0] == 1  # one new case in January, one in February
    assert sum(row[2] for row in table) == 2 and sum(row[3] for row in table) == 2


def test_impossible_input_is_refused_by_field(library):
    from engine.errors import Invalid

    bad = ForecastInput(start=date(2027, 1, 1), months=0, instroom={"gezinsmigrant": -1},
                        routemix={"B1": 0.5}, kansen={"boete": 2}, runs=0)
    with pytest.raises(Invalid) as caught:
        forecast(library, bad, SETTINGS)
    assert set(caught.value.field_errors) == {"maanden", "instroom", "routemix", "kansen.boete", "runs"}
