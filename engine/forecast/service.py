"""One entry point for the CLI and the web page: a forecast for a gemeente from its deployed diagrams."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session

from engine.db.models import Gemeente
from engine.errors import NotFound
from engine.forecast.history import inputs_from_history
from engine.forecast.paths import Path_, build_library, deployed_files
from engine.forecast.simulate import Forecast, ForecastInput, forecast
from engine.monitoring.settings import monitoring_settings

NATIONAL_YEAR = {"asielstatushouder": 1000.0, "gezinsmigrant": 500.0}
"""18,000 inburgeraars a year (VNG's estimate for 2021: 18,100), as 1,500 a month; the split is an assumption."""
NATIONAL_MIX = {"B1": 0.65, "onderwijs": 0.20, "Z": 0.15}
"""The national route expectation (beleidsplan, Risico's)."""

_LIBRARIES: dict[str, list[Path_]] = {}


def library_for(session: Session, gemeente: Gemeente) -> tuple[list[Path_], float]:
    """Return the path library for the gemeente's deployed diagrams and policy (cached), and seconds spent."""
    files = deployed_files(session)
    variables = {"variabelen": (gemeente.settings or {}).get("variabelen", {})}
    digest = hashlib.sha256()
    for name, content in files:
        digest.update(name.encode() + b"\0" + content)
    digest.update(json.dumps(variables, sort_keys=True, default=str).encode())
    key = digest.hexdigest()
    if key in _LIBRARIES:
        return _LIBRARIES[key], 0.0
    started = time.perf_counter()
    library = build_library(files=files, gemeente_settings=variables)
    _LIBRARIES[key] = library
    return library, time.perf_counter() - started


def run_forecast(session: Session, *, gemeente: str, today: date, overrides: dict | None = None
                 ) -> tuple[Forecast, ForecastInput, list[str], dict[str, float]]:
    """Make a forecast for `gemeente`: inputs from its history, `overrides` on top; returns timings too."""
    tenant = session.get(Gemeente, gemeente)
    if tenant is None:
        raise NotFound("Deze gemeente bestaat niet")
    settings = monitoring_settings(tenant.settings)
    spec, notes = inputs_from_history(session, gemeenten=(gemeente,), today=today, settings=settings)
    overrides = overrides or {}
    if overrides.get("landelijk"):
        spec = replace(spec, instroom=dict(NATIONAL_YEAR), routemix=dict(NATIONAL_MIX))
        notes.append("Landelijk jaar: 18.000 inburgeraars (1.500 per maand), routemix 65/20/15.")
    spec = replace(spec, **{k: v for k, v in overrides.items() if k != "landelijk" and v is not None})
    library, library_seconds = library_for(session, tenant)
    started = time.perf_counter()
    result = forecast(library, spec, settings)
    timings = {"bibliotheek_s": round(library_seconds, 2), "simulatie_s": round(time.perf_counter() - started, 2)}
    return result, spec, notes + result.notes, timings
