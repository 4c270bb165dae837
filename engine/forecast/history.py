"""Forecast inputs from a gemeente's own history (its monitoring facts), with the beleidsplan as fallback."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.forecast.simulate import ForecastInput
from engine.monitoring import catalog
from engine.monitoring.indicators import MC, ME
from engine.monitoring.settings import MonitoringSettings

MIN_CASES = 20
"""Below this many cases in the last year, the history is too thin: the beleidsplan's figures are used."""


def _share(part: int, whole: int, fallback: float) -> float:
    return round(part / whole, 3) if whole >= MIN_CASES else fallback


def inputs_from_history(session: Session, *, gemeenten: tuple[str, ...], today: date, settings: MonitoringSettings,
                        months: int = 12, runs: int = 50, seed: int = 1) -> tuple[ForecastInput, list[str]]:
    """Return forecast inputs taken from the last twelve months of facts, and notes on where each came from."""
    since = datetime.combine(today - timedelta(days=365), time(0), timezone.utc)
    notes = []
    per_group = dict(session.execute(select(MC.doelgroep, func.count()).where(
        MC.gemeente.in_(gemeenten), MC.started_at >= since).group_by(MC.doelgroep)).all())
    total = sum(per_group.values())
    if total >= MIN_CASES:
        instroom = {g: round(per_group.get(g, 0) / 12, 2) for g in catalog.DOELGROEPEN}
        notes.append(f"Instroom: gemiddelde per maand over het afgelopen jaar ({total} inburgeraars).")
    else:
        # Beleidsplan (seed 002, Bijlage 1): taakstelling 42 of whom ~2/3 plichtig, ~20 gezinsmigranten a year.
        instroom = {"asielstatushouder": round(42 * 2 / 3 / 12, 2), "gezinsmigrant": round(20 / 12, 2)}
        notes.append("Instroom: te weinig eigen historie; de voorbeeldcijfers van het beleidsplan (27 "
                     "statushouders en 20 gezinsmigranten per jaar).")
    routes = dict(session.execute(select(MC.leerroute, func.count()).where(
        MC.gemeente.in_(gemeenten), MC.started_at >= since, MC.leerroute.is_not(None)).group_by(MC.leerroute)).all())
    routed = sum(routes.get(r, 0) for r in catalog.LEERROUTES)
    expected = settings["verwachting_lokaal"]
    if routed >= MIN_CASES:
        routemix = {r: routes.get(r, 0) / routed for r in catalog.LEERROUTES}
        notes.append(f"Routemix: eigen historie ({routed} zaken met een leerroute).")
    else:
        routemix = {r: expected.get(r, 0) / 100 for r in catalog.LEERROUTES}
        notes.append("Routemix: verwachting van het beleidsplan (instelling verwachting_lokaal).")

    def cases_with(*elements: str, kind: str | None = None) -> int:
        where = [ME.gemeente.in_(gemeenten), ME.at >= since]
        where.append(ME.kind == kind if kind else ME.element_id.in_(elements))
        return session.execute(select(func.count(func.distinct(ME.case_id))).where(*where)).scalar() or 0

    intakes = cases_with(*catalog.INTAKE, *catalog.NO_SHOW)
    pips = cases_with(*catalog.PIP)
    kansen = {
        "no_show": _share(cases_with(*catalog.NO_SHOW), intakes, 0.15),
        "boete": _share(cases_with(kind="boete"), pips, 0.1),
        "schakelen": _share(cases_with(*catalog.SCHAKELEN), pips, 0.1),
    }
    notes.append("Kansen (niet verschenen, boete, schakelen): eigen historie waar minstens "
                 f"{MIN_CASES} zaken zijn, anders voorzichtige aannames (0,15 / 0,10 / 0,10).")
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return ForecastInput(start=first, months=months, instroom=instroom, routemix=routemix, kansen=kansen,
                         runs=runs, seed=seed), notes
