"""The beleidsplan's indicators, computed from the monitoring facts (never from case state).

Each indicator returns a `Figure`: labels (the rows of its table, the x-axis of its
chart), one or more series, and for every cell the selection behind it, so the web
app can show the cases that make up a number (`cases_behind`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Callable, Iterable

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from engine.monitoring import catalog
from engine.monitoring.models import MonitoringCase, MonitoringEvent, MonitoringMonth, Tevredenheid
from engine.monitoring.settings import UITVOERING, VOORZIENINGEN, MonitoringSettings

MC = MonitoringCase.__table__.c
ME = MonitoringEvent.__table__.c
MM = MonitoringMonth.__table__.c
DUUR_KLASSEN = ("0-12 maanden", "12-24 maanden", "24-36 maanden", "meer dan 36 maanden")


@dataclass(frozen=True)
class Filters:
    """What a dashboard shows: gemeenten, a period (both days included), and optional dimensions."""

    gemeenten: tuple[str, ...]
    van: date
    tot: date
    doelgroep: str | None = None
    leerroute: str | None = None
    consulenten: tuple[str, ...] | None = None

    def whole_months(self) -> "Filters":
        """Return the filters with the period widened to whole months (the dashboard counts per month)."""
        last = (self.tot.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return replace(self, van=self.van.replace(day=1), tot=last)

    @property
    def start(self) -> datetime:
        """Return the first moment of the period (UTC)."""
        return datetime.combine(self.van, time(0), timezone.utc)

    @property
    def end(self) -> datetime:
        """Return the first moment after the period (UTC)."""
        return datetime.combine(self.tot + timedelta(days=1), time(0), timezone.utc)


@dataclass
class Series:
    """One named row of values across a figure's labels."""

    name: str
    values: list[float | int | None]
    drillable: bool = True  # each value counts cases that can be listed
    charted: bool = True  # drawn in the chart (every series is in the table)


@dataclass
class Figure:
    """One indicator: a table and a chart of the same numbers."""

    key: str
    title: str
    description: str
    labels: list[str]
    series: list[Series]
    chart: str = "bar"  # bar | line | stacked
    unit: str = ""
    notes: list[str] = field(default_factory=list)

    def as_rows(self) -> list[list[Any]]:
        """Return the table: one row per label, one column per series."""
        return [[label, *(s.values[i] for s in self.series)] for i, label in enumerate(self.labels)]


def _month(column, dialect: str):
    """Return a SQL expression for the 'YYYY-MM' of a moment or date column."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _months(f: Filters) -> list[str]:
    months, day = [], f.van.replace(day=1)
    while day <= f.tot:
        months.append(f"{day:%Y-%m}")
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def _case_filters(f: Filters) -> list:
    where = [MC.gemeente.in_(f.gemeenten)]
    if f.doelgroep:
        where.append(MC.doelgroep == f.doelgroep)
    if f.leerroute:
        where.append(MC.leerroute == f.leerroute)
    if f.consulenten is not None:
        where.append(MC.consulent.in_(f.consulenten))
    return where


def _event_filters(f: Filters) -> list:
    where = [ME.gemeente.in_(f.gemeenten), ME.at >= f.start, ME.at < f.end]
    if f.doelgroep:
        where.append(ME.doelgroep == f.doelgroep)
    if f.leerroute:
        where.append(ME.leerroute == f.leerroute)
    if f.consulenten is not None:
        where.append(ME.consulent.in_(f.consulenten))
    return where


def _month_filters(f: Filters) -> list:
    """Filters on `monitoring_maand` (the period must be whole months: see Filters.whole_months)."""
    where = [MM.gemeente.in_(f.gemeenten), MM.maand >= f"{f.van:%Y-%m}", MM.maand <= f"{f.tot:%Y-%m}"]
    if f.doelgroep:
        where.append(MM.doelgroep == f.doelgroep)
    if f.leerroute:
        where.append(MM.leerroute == f.leerroute)
    if f.consulenten is not None:
        where.append(MM.consulent.in_(f.consulenten))
    return where


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


# -- the indicators ---------------------------------------------------------------------

def instroom(session: Session, f: Filters, settings: MonitoringSettings) -> Figure:
    """New inburgeraars per month and doelgroep."""
    month = _month(MC.started_at, _dialect(session))
    rows = session.execute(
        select(month, MC.doelgroep, func.count()).where(*_case_filters(f), MC.started_at >= f.start,
                                                       MC.started_at < f.end)
        .group_by(month, MC.doelgroep)).all()
    labels = _months(f)
    groups = sorted({r[1] or "onbekend" for r in rows} | set(catalog.DOELGROEPEN))
    counts = {(m, g or "onbekend"): n for m, g, n in rows}
    series = [Series(catalog.DOELGROEPEN.get(g, g), [counts.get((m, g), 0) for m in labels]) for g in groups]
    return Figure("instroom", "Instroom per maand", "Nieuwe inburgeraars per maand, per doelgroep.", labels,
                  series, chart="stacked", unit="inburgeraars")


def routemix(session: Session, f: Filters, settings: MonitoringSettings) -> Figure:
    """The route mix of this period's instroom against the beleidsplan's expectation."""
    rows = dict(session.execute(
        select(MC.leerroute, func.count()).where(*_case_filters(f), MC.started_at >= f.start, MC.started_at < f.end,
                                                MC.leerroute.is_not(None))
        .group_by(MC.leerroute)).all())
    routes = list(catalog.LEERROUTES)
    total = sum(rows.values())
    pct = [round(100 * rows.get(r, 0) / total, 1) if total else None for r in routes]
    return Figure(
        "routemix", "Routemix tegen de verwachting", "Leerroute van de instroom in deze periode, in procenten, "
        "naast de verwachting van het beleidsplan (lokaal en landelijk).", [catalog.LEERROUTES[r] for r in routes],
        [Series("Aantal", [rows.get(r, 0) for r in routes], charted=False),
         Series("Werkelijk (%)", pct, drillable=False),
         Series("Verwachting lokaal (%)", [settings["verwachting_lokaal"].get(r) for r in routes], drillable=False),
         Series("Verwachting landelijk (%)", [settings["verwachting_landelijk"].get(r) for r in routes],
                drillable=False)],
        unit="%")


def _event_month_counts(session: Session, f: Filters, groups: dict[str, Iterable[str]]) -> dict[tuple, int]:
    elements = [e for ids in groups.values() for e in ids]
    rows = session.execute(select(MM.maand, MM.element_id, func.sum(MM.aantal)).where(
        *_month_filters(f), MM.element_id.in_(elements)).group_by(MM.maand, MM.element_id)).all()
    owner = {e: name for name, ids in groups.items() for e in ids}
    counts: dict[tuple, int] = defaultdict(int)
    for m, element, n in rows:
        counts[(m, owner[element])] += int(n)
    return counts


WERK = {
    "Brede intakes": catalog.INTAKE,
    "PIP-beschikkingen": catalog.PIP,
    "Voortgangsgesprekken": catalog.VOORTGANGSGESPREK,
    "Ontzorgen gestart": catalog.ONTZORGEN_START,
}


def werk(session: Session, f: Filters, settings: MonitoringSettings) -> Figure:
    """Intakes, PIPs, voortgangsgesprekken and ontzorgen per month (the work done)."""
    counts = _event_month_counts(session, f, WERK)
    labels = _months(f)
    return Figure("werk", "Werk per maand", "Gehouden brede intakes, verstuurde PIP-beschikkingen, gevoerde "
                  "voortgangsgesprekken en gestart ontzorgen, per maand.", labels,
                  [Series(name, [counts.get((m, name), 0) for m in labels]) for name in WERK], chart="line")


def _days_between(later, earlier, dialect: str):
    """Return a SQL expression for the days from `earlier` to `later` (dates)."""
    if dialect == "postgresql":
        return later - earlier
    return func.julianday(later) - func.julianday(earlier)


def pip_tijdig(session: Session, f: Filters, settings: MonitoringSettings) -> Figure:
    """PIPs in the period: how many within the legal 10 weeks (Besluit 5.3.1), and days from the plicht."""
    on_time = case((MC.pip_deadline.is_(None) | (MC.pip_dagtekening <= MC.pip_deadline), 1), else_=0)
    days = _days_between(MC.pip_dagtekening, MC.datum_plicht, _dialect(session))
    rows = {g: (n, good, avg) for g, n, good, avg in session.execute(
        select(MC.doelgroep, func.count(), func.sum(on_time), func.avg(days))
        .where(*_case_filters(f), MC.pip_dagtekening >= f.van, MC.pip_dagtekening <= f.tot)
        .group_by(MC.doelgroep)).all()}
    groups = list(catalog.DOELGROEPEN)
    total = {g: rows[g][0] if g in rows else 0 for g in groups}
    return Figure(
        "pip_tijdig", "PIP op tijd", "PIP-beschikkingen in deze periode: aantal, binnen de wettelijke termijn "
        "van 10 weken (Besluit 5.3.1) en gemiddeld aantal dagen na de melding van de plicht (DUO).",
        [catalog.DOELGROEPEN[g] for g in groups],
        [Series("PIP's", [total[g] for g in groups], charted=False),
         Series("Op tijd (%)", [round(100 * int(rows[g][1]) / total[g], 1) if total[g] else None for g in groups],
                drillable=False),
         Series("Gemiddeld dagen tot PIP", [round(float(rows[g][2]), 1) if total[g] and rows[g][2] is not None
                                            else None for g in groups], drillable=False, charted=False)],
        unit="%")


def _duur_sql(session: Session):
    """Return a SQL CASE giving the duration class (DUUR_KLASSEN) of an ended case."""
    if _dialect(session) == "postgresql":
        days = func.date(func.timezone("UTC", MC.ended_at)) - func.coalesce(MC.termijn_start,
                                                                            func.date(func.timezone("UTC", MC.ended_at)))
    else:
        days = func.julianday(func.date(MC.ended_at)) - func.julianday(func.coalesce(MC.termijn_start,
                                                                                      func.date(MC.ended_at)))
    months = days / 30.44
    return case((months < 12, DUUR_KLASSEN[0]), (months < 24, DUUR_KLASSEN[1]), (months < 36, DUUR_KLASSEN[2]),
                else_=DUUR_KLASSEN[3])


def uitstroom(session: Session, f: Filters, settings: MonitoringSettings) -> Figure:
    """Cases that ended in the period, per route and after how many months of termijn."""
    klasse = _duur_sql(session)
    rows = session.execute(
        select(MC.leerroute, klasse, func.count())
        .where(*_case_filters(f), MC.ended_at >= f.start, MC.ended_at < f.end).group_by(MC.leerroute, klasse)).all()
    routes = [*catalog.LEERROUTES, None]
    counts = {(route, k): n for route, k, n in rows}
    return Figure("uitstroom", "Uitstroom per route", "Zaken die in deze periode eindigden, per leerroute en "
                  "na hoeveel maanden inburgeringstermijn.",
                  [catalog.LEERROUTES.get(r, "Geen leerroute") for r in routes],
                  [Series(k, [counts.get((r, k), 0) for r in routes]) for k in DUUR_KLASSEN], chart="stacked")


def resultaten(session: Session, f: Filters, settings: MonitoringSettings) -> Figure:
    """Exam pass rate per route (DUO SS199 results) and modules completed in the period."""
    exams = session.execute(
        select(MC.leerroute, MC.examen_behaald, func.count())
        .where(*_case_filters(f), MC.examen_datum >= f.van, MC.examen_datum <= f.tot,
               MC.examen_behaald.is_not(None)).group_by(MC.leerroute, MC.examen_behaald)).all()
    passed, taken = defaultdict(int), defaultdict(int)
    for route, behaald, n in exams:
        taken[route] += n
        passed[route] += n if behaald else 0
    modules = session.execute(
        select(MM.leerroute, MM.element_id, func.sum(MM.aantal)).where(
            *_month_filters(f), MM.element_id.in_([e for ids in catalog.MODULES.values() for e in ids]))
        .group_by(MM.leerroute, MM.element_id)).all()
    owner = {e: m for m, ids in catalog.MODULES.items() for e in ids}
    done: dict[tuple, int] = defaultdict(int)
    for route, element, n in modules:
        done[(route or None, owner[element])] += int(n)
    routes = list(catalog.LEERROUTES)
    return Figure(
        "resultaten", "Resultaten per route", "Examenuitslagen (DUO) met het slagingspercentage, en afgeronde "
        "modules (PVT, KNM, MAP) in deze periode.", [catalog.LEERROUTES[r] for r in routes],
        [Series("Examen gedaan", [taken[r] for r in routes]), Series("Geslaagd", [passed[r] for r in routes]),
         Series("Geslaagd (%)", [round(100 * passed[r] / taken[r], 1) if taken[r] else None for r in routes],
                drillable=False, charted=False),
         *(Series(f"{m} afgerond", [done[(r, m)] for r in routes]) for m in catalog.MODULES)])


def handhaving(session: Session, f: Filters, settings: MonitoringSettings) -> Figure:
    """Fines imposed (count, total) and every way a handhaving ended without a fine, incl. Wet 27."""
    fines = session.execute(select(MM.detail, func.sum(MM.aantal), func.sum(MM.bedrag))
                            .where(*_month_filters(f), MM.kind == "boete").group_by(MM.detail)
                            .order_by(MM.detail)).all()
    ends = dict(session.execute(
        select(MM.element_id, func.sum(MM.aantal)).where(
            *_month_filters(f), MM.element_id.in_([e for ids in catalog.GEEN_BOETE.values() for e in ids]))
        .group_by(MM.element_id)).all())
    labels = [f"Boete {detail}" for detail, _, _ in fines] + [f"Geen boete: {r}" for r in catalog.GEEN_BOETE]
    counts = [int(n) for _, n, _ in fines] + [int(sum(ends.get(e, 0) for e in ids))
                                              for ids in catalog.GEEN_BOETE.values()]
    totals = [int(total) for _, _, total in fines] + [None] * len(catalog.GEEN_BOETE)
    return Figure("handhaving", "Handhaving", "Opgelegde boetes per artikel (aantal en bedrag) en hoe vaak de "
                  "handhaving eindigde zonder boete, onder meer door Wet 27 (bijstand al verlaagd).", labels,
                  [Series("Aantal", counts), Series("Totaal bedrag (EUR)", totals, drillable=False, charted=False)])


def kosten(session: Session, f: Filters, settings: MonitoringSettings) -> Figure:
    """Costs per route under the beleidsplan's two budget headings, from events and unit prices."""
    rows = session.execute(select(MM.leerroute, MM.element_id, func.sum(MM.aantal))
                           .where(*_month_filters(f), MM.kind.in_(("taak", "brief")))
                           .group_by(MM.leerroute, MM.element_id)).all()
    routes = [*catalog.LEERROUTES, None]
    costs = {(r, h): 0.0 for r in routes for h in (UITVOERING, VOORZIENINGEN)}
    cases = dict(session.execute(select(MC.leerroute, func.count()).where(*_active_in(f))
                                 .group_by(MC.leerroute)).all())
    for route, element, n in rows:
        heading, amount = cost_of(element, route or None, settings)
        costs[(route or None, heading)] += amount * int(n)
    labels = [catalog.LEERROUTES.get(r, "Nog geen leerroute") for r in routes]
    return Figure(
        "kosten", "Kosten per route", "Kosten in deze periode uit de gedane stappen en de tarieven van de gemeente "
        "(instellingen): uitvoeringskosten en inburgeringsvoorzieningen, en per lopende zaak.", labels,
        [Series("Uitvoeringskosten (EUR)", [round(costs[(r, UITVOERING)]) for r in routes], drillable=False),
         Series("Inburgeringsvoorzieningen (EUR)", [round(costs[(r, VOORZIENINGEN)]) for r in routes],
                drillable=False),
         Series("Zaken", [cases.get(r, 0) for r in routes], charted=False),
         Series("Per zaak (EUR)", [round((costs[(r, UITVOERING)] + costs[(r, VOORZIENINGEN)]) / cases[r])
                                   if cases.get(r) else None for r in routes], drillable=False, charted=False)],
        chart="stacked", unit="EUR", notes=["Tarieven zijn instellingen van de gemeente (beleid, geen wet)."])


def _active_in(f: Filters) -> list:
    """Cases that ran during the period (started before its end, not ended before its start)."""
    return [*_case_filters(f), MC.started_at < f.end, (MC.ended_at.is_(None)) | (MC.ended_at >= f.start)]


def cost_of(element_id: str | None, route: str | None, settings: MonitoringSettings) -> tuple[str, float]:
    """Return (budget heading, euros) for one event of this element in a case on this route."""
    if element_id in catalog.LEERROUTE_START:
        return VOORZIENINGEN, float(settings["prijs_leerroute"].get(route or "", 0))
    for module, ids in catalog.MODULES.items():
        if element_id in ids:
            return VOORZIENINGEN, float(settings["prijs_module"].get(module, 0))
    if element_id in catalog.TOLK:
        return UITVOERING, settings["prijs_tolk_uur"] * settings["tolk_uren_per_inzet"]
    if element_id in catalog.ONTZORGEN_START + catalog.ONTZORGEN_VERLENGING:
        return UITVOERING, settings["prijs_ontzorgen_maand"] * settings["ontzorgen_maanden"]
    if element_id and element_id.startswith("Task_") and element_id in settings["minuten_per_taak"]:
        return UITVOERING, settings.minutes(element_id) / 60 * settings["uurtarief_consulent"]
    return UITVOERING, 0.0


def tevredenheid(session: Session, f: Filters, settings: MonitoringSettings) -> Figure:
    """Client satisfaction (1-5) for maatschappelijke begeleiding, MAP and PVT."""
    t = Tevredenheid.__table__.c
    where = [t.gemeente.in_(f.gemeenten), t.at >= f.start, t.at < f.end]
    if f.doelgroep or f.leerroute or f.consulenten is not None:
        where.append(t.case_id.in_(select(MC.case_id).where(*_case_filters(f))))
    rows = {o: (n, avg) for o, n, avg in session.execute(
        select(t.onderdeel, func.count(), func.avg(t.score)).where(*where).group_by(t.onderdeel)).all()}
    keys = list(catalog.TEVREDENHEID_ONDERDELEN)
    return Figure("tevredenheid", "Klanttevredenheid", "Gemiddeld cijfer (1 tot 5) uit de vragenlijst na "
                  "maatschappelijke begeleiding, MAP en PVT, en het aantal ingevulde vragenlijsten.",
                  [catalog.TEVREDENHEID_ONDERDELEN[k] for k in keys],
                  [Series("Gemiddelde score (1-5)", [round(float(rows[k][1]), 2) if k in rows else None for k in keys],
                          drillable=False),
                   Series("Ingevuld", [rows[k][0] if k in rows else 0 for k in keys], charted=False)])


INDICATORS: dict[str, Callable[[Session, Filters, MonitoringSettings], Figure]] = {
    "instroom": instroom, "routemix": routemix, "werk": werk, "pip_tijdig": pip_tijdig, "uitstroom": uitstroom,
    "resultaten": resultaten, "handhaving": handhaving, "kosten": kosten, "tevredenheid": tevredenheid,
}


def dashboard(session: Session, f: Filters, settings: MonitoringSettings) -> list[Figure]:
    """Compute every indicator for the filters."""
    return [compute(session, f, settings) for compute in INDICATORS.values()]
