"""The cases behind one number of an indicator (the click-through from a dashboard cell)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Invalid
from engine.monitoring import catalog
from engine.monitoring.indicators import (
    DUUR_KLASSEN, INDICATORS, MC, ME, WERK, Filters, _active_in, _case_filters, _dialect, _duur_sql,
    _event_filters,
    _month, _months,
)
from engine.monitoring.models import MonitoringCase, Tevredenheid

MAX_CASES = 500
_ROUTES = [*catalog.LEERROUTES, None]


def _in_period(f: Filters):
    return [MC.started_at >= f.start, MC.started_at < f.end]


def _event_cases(session: Session, f: Filters, *where) -> list[str]:
    return list(session.execute(select(ME.case_id).where(*_event_filters(f), *where).distinct()
                                .limit(MAX_CASES)).scalars())


def _case_ids(session: Session, *where) -> list[str]:
    return list(session.execute(select(MC.case_id).where(*where).limit(MAX_CASES)).scalars())


def _pick(options: list, index: int, what: str):
    if not 0 <= index < len(options):
        raise Invalid("Deze cel bestaat niet", field_errors={what: f"kies 0 tot {len(options) - 1}"})
    return options[index]


def case_ids_behind(session: Session, f: Filters, indicator: str, row: int, series: str) -> list[str]:
    """Return the ids of the cases counted in one cell (at most MAX_CASES)."""
    if indicator not in INDICATORS:
        raise Invalid("Onbekende indicator", field_errors={"indicator": "kies een indicator van het dashboard"})
    base = _case_filters(f)
    if indicator == "instroom":
        month = _pick(_months(f), row, "rij")
        groups = {catalog.DOELGROEPEN.get(g, g): g for g in catalog.DOELGROEPEN}
        return _case_ids(session, *base, *_in_period(f), _month(MC.started_at, _dialect(session)) == month,
                         MC.doelgroep == groups.get(series, series))
    if indicator == "routemix":
        route = _pick(list(catalog.LEERROUTES), row, "rij")
        return _case_ids(session, *base, *_in_period(f), MC.leerroute == route)
    if indicator == "werk":
        month = _pick(_months(f), row, "rij")
        if series not in WERK:
            raise Invalid("Onbekende reeks", field_errors={"reeks": "kies een reeks van deze grafiek"})
        return _event_cases(session, f, ME.element_id.in_(WERK[series]), _month(ME.at, _dialect(session)) == month)
    if indicator == "pip_tijdig":
        doelgroep = _pick(list(catalog.DOELGROEPEN), row, "rij")
        return _case_ids(session, *base, MC.doelgroep == doelgroep, MC.pip_dagtekening >= f.van,
                         MC.pip_dagtekening <= f.tot)
    if indicator == "uitstroom":
        route = _pick(_ROUTES, row, "rij")
        return _case_ids(session, *base, MC.ended_at >= f.start, MC.ended_at < f.end,
                         MC.leerroute == route if route else MC.leerroute.is_(None), _duur_sql(session) == series)
    if indicator == "resultaten":
        route = _pick(list(catalog.LEERROUTES), row, "rij")
        if series in ("Examen gedaan", "Geslaagd"):
            passed = [MC.examen_behaald.is_(True)] if series == "Geslaagd" else [MC.examen_behaald.is_not(None)]
            return _case_ids(session, *base, MC.leerroute == route, MC.examen_datum >= f.van,
                             MC.examen_datum <= f.tot, *passed)
        module = series.removesuffix(" afgerond")
        if module not in catalog.MODULES:
            raise Invalid("Onbekende reeks", field_errors={"reeks": "kies een reeks van deze grafiek"})
        return _event_cases(session, f, ME.leerroute == route, ME.element_id.in_(catalog.MODULES[module]))
    if indicator == "handhaving":
        details = list(session.execute(select(ME.detail).where(*_event_filters(f), ME.kind == "boete")
                                       .group_by(ME.detail).order_by(ME.detail)).scalars())
        label = _pick([f"Boete {d}" for d in details] + list(catalog.GEEN_BOETE), row, "rij")
        if label in catalog.GEEN_BOETE:
            return _event_cases(session, f, ME.element_id.in_(catalog.GEEN_BOETE[label]))
        return _event_cases(session, f, ME.kind == "boete", ME.detail == label.removeprefix("Boete "))
    if indicator == "kosten":
        route = _pick(_ROUTES, row, "rij")
        return _case_ids(session, *_active_in(f), MC.leerroute == route if route else MC.leerroute.is_(None))
    onderdeel = _pick(list(catalog.TEVREDENHEID_ONDERDELEN), row, "rij")
    t = Tevredenheid.__table__.c
    return list(session.execute(select(t.case_id).where(t.gemeente.in_(f.gemeenten), t.at >= f.start,
                                                        t.at < f.end, t.onderdeel == onderdeel)
                                .distinct().limit(MAX_CASES)).scalars())


def cases_behind(session: Session, f: Filters, indicator: str, row: int, series: str) -> list[MonitoringCase]:
    """Return the monitoring rows of the cases counted in one cell, newest first."""
    ids = case_ids_behind(session, f, indicator, row, series)
    if not ids:
        return []
    return list(session.execute(select(MonitoringCase).where(MonitoringCase.case_id.in_(ids))
                                .order_by(MonitoringCase.started_at.desc())).scalars())


__all__ = ["DUUR_KLASSEN", "MAX_CASES", "case_ids_behind", "cases_behind"]
