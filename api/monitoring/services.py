"""Monitoring use cases for the web app: filters from the query, the team's week, the cases behind a number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.monitoring.access import MonitoringScope
from engine import audit
from engine.access import need_to_know
from engine.access import teams as access_teams
from engine.db.models import Case, Incident, UserTask
from engine.errors import Forbidden, Invalid
from engine.letters.models import Letter
from engine.monitoring import catalog
from engine.monitoring.drill import cases_behind
from engine.monitoring.indicators import Filters
from engine.monitoring.models import MonitoringCase

RISK_DAYS = 14
"""A legal deadline this close (or past) counts as 'at risk' on the team page."""


def teams(session: Session, scope: MonitoringScope) -> dict[str, tuple[str, ...]]:
    """Return team name -> its members' user names: the teams of engine/access/teams.py (the one
    team model) that serve the gemeenten in scope. Same-named teams get their gemeente's code."""
    views = access_teams.describe(session, scope.gemeenten)
    names = [view.name for view in views]
    return {(view.name if names.count(view.name) == 1 else f"{view.name} ({view.gemeente})"):
            tuple(member.username for member in view.members) for view in views}


def filters_from(query: Mapping[str, str], scope: MonitoringScope, session: Session, today: date) -> Filters:
    """Read the dashboard filters from the query string; 422 naming the field when one is wrong."""
    problems: dict[str, str] = {}

    def day(name: str, default: date) -> date:
        text = (query.get(name) or "").strip()
        if not text:
            return default
        try:
            return date.fromisoformat(text)
        except ValueError:
            problems[name] = "Schrijf een datum als JJJJ-MM-DD."
            return default

    van = day("van", date(today.year - 1, today.month, 1))
    tot = day("tot", today)
    if van > tot:
        problems["tot"] = "De einddatum ligt voor de begindatum."
    if (tot - van).days > 366 * 5:
        problems["van"] = "Kies een periode van hoogstens vijf jaar."
    doelgroep = query.get("doelgroep") or None
    if doelgroep and doelgroep not in catalog.DOELGROEPEN:
        problems["doelgroep"] = "Kies asielstatushouder of gezinsmigrant."
    leerroute = query.get("leerroute") or None
    if leerroute and leerroute not in catalog.LEERROUTES:
        problems["leerroute"] = "Kies B1, onderwijs of Z."
    consulenten = None
    team = query.get("team") or None
    if team:
        known = teams(session, scope)
        if team not in known:
            problems["team"] = "Dit team bestaat niet."
        else:
            consulenten = known[team]
    gemeenten = scope.gemeenten
    chosen = query.get("gemeente") or None
    if chosen:
        if chosen not in scope.gemeenten:
            problems["gemeente"] = "U werkt niet voor deze gemeente."
        else:
            gemeenten = (chosen,)
    if problems:
        raise Invalid("De filters kloppen niet", field_errors=problems)
    return Filters(gemeenten=gemeenten, van=van, tot=tot, doelgroep=doelgroep, leerroute=leerroute,
                   consulenten=consulenten).whole_months()


@dataclass
class ListedCase:
    """A case behind a number, as the click-through list shows it."""

    case_id: str
    case_number: str | None
    naam: str | None
    doelgroep: str | None
    leerroute: str | None
    status: str
    started_at: datetime
    synthetisch: bool
    openable: bool


def list_cases(session: Session, scope: MonitoringScope, f: Filters, indicator: str, row: int, series: str,
               now: datetime) -> list[ListedCase]:
    """Return the cases behind one number; every listed real case gets an audit row."""
    if not scope.may_open_cases:
        raise Forbidden("U ziet de cijfers, maar niet de dossiers erachter.")
    found = cases_behind(session, f, indicator, row, series)
    real = {c.case_id: c for c in found if not c.synthetisch}
    # Need-to-know: a name and a link only for the cases this person may see (their teams); the
    # others stay a row of figures, as for a synthetic case.
    names = dict(session.execute(select(Case.id, Case.naam).where(
        Case.id.in_(list(real)), need_to_know.case_filter(session, scope.user))).all()) if real else {}
    for case_id, fact in real.items():
        if case_id not in names:
            continue
        audit.record(session=session, actor=scope.user.username, action="view_list", at=now, case_id=case_id,
                     gemeente=fact.gemeente, detail={"via": "monitoring", "indicator": indicator})
    return [ListedCase(c.case_id, c.case_number if c.synthetisch or c.case_id in names else None,
                       names.get(c.case_id), c.doelgroep, c.leerroute, c.status,
                       c.started_at, c.synthetisch, c.case_id in names) for c in found]


@dataclass
class TeamWeek:
    """The teamleider's view of this week."""

    caseload: list[tuple[str, int, int]]  # klantmanager, open cases, open tasks
    at_risk: list[Any]  # open tasks with a legal deadline within RISK_DAYS or past
    incidents: int
    letters_waiting: int


def team_week(session: Session, scope: MonitoringScope, now: datetime) -> TeamWeek:
    """Caseload per klantmanager, legal deadlines at risk, open incidents, letters waiting for review."""
    if not scope.may_see_team:
        raise Forbidden("Dit overzicht is voor teamleiders.")
    cases = dict(session.execute(select(MonitoringCase.consulent, func.count()).where(
        MonitoringCase.gemeente.in_(scope.gemeenten), MonitoringCase.status == "active",
        MonitoringCase.synthetisch.is_(False)).group_by(MonitoringCase.consulent)).all())
    tasks = dict(session.execute(select(UserTask.assignee, func.count()).where(
        UserTask.gemeente.in_(scope.gemeenten)).group_by(UserTask.assignee)).all())
    people = sorted({*(k for k in cases if k), *(k for k in tasks if k)})
    caseload = [(p, cases.get(p, 0), tasks.get(p, 0)) for p in people]
    if tasks.get(None):
        caseload.append(("(nog niemand)", cases.get(None, 0), tasks[None]))
    at_risk = list(session.execute(
        select(UserTask, Case.case_number).join(Case, Case.id == UserTask.case_id)
        .where(UserTask.gemeente.in_(scope.gemeenten), UserTask.legal_deadline.is_not(None),
               UserTask.legal_deadline <= now + timedelta(days=RISK_DAYS))
        .order_by(UserTask.legal_deadline).limit(100)).all())
    incidents = session.execute(select(func.count()).select_from(Incident).where(
        Incident.gemeente.in_(scope.gemeenten), Incident.resolved_at.is_(None))).scalar() or 0
    letters = session.execute(select(func.count()).select_from(Letter).where(
        Letter.gemeente.in_(scope.gemeenten), Letter.status == "ter_controle")).scalar() or 0
    return TeamWeek(caseload, at_risk, incidents, letters)
