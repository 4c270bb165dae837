"""Partner portal use cases: who may do what, on top of engine/partners.

Every read of a person is an audit `view`; every write is audited by engine/partners.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from engine import audit
from engine.access import roles
from engine.db.models import Case, User
from engine.errors import Forbidden
from engine.partners import duo_uren, hours, portal, report, signals

PORTAL, CASE, REPORT = "partners.portal", "partners.case", "partners.report"


def _today(user: User, now: datetime) -> date:
    today = getattr(user, "access_today", None)
    return today if isinstance(today, date) else portal.today_of(now)


def home(*, session: Session, runtime, user: User, now: datetime) -> dict[str, Any]:
    """The partner's linked inburgeraars with their offer and hours."""
    roles.require(user, PORTAL)
    organisation = portal.require_organisation(session, user)
    people = portal.linked_people(session, engine=runtime.engine, user=user)
    for p in people:
        audit.record(session=session, actor=user.username, action="view", at=now, case=p.case,
                     detail={"via": "partnerportaal"})
    return {"organisation": organisation, "people": people}


def person_page(*, session: Session, runtime, user: User, case_id: str, now: datetime) -> dict[str, Any]:
    """One linked inburgeraar: offer, hours, the organisation's own registrations and signals."""
    roles.require(user, PORTAL)
    organisation = portal.require_organisation(session, user)
    case = portal.visible_case(session, user=user, case_id=case_id)
    person = portal.person(session, engine=runtime.engine, user=user, case=case, organisation=organisation)
    audit.record(session=session, actor=user.username, action="view", at=now, case=case,
                 detail={"via": "partnerportaal"})
    today = _today(user, now)
    this_week = hours.monday(today)
    return {"organisation": organisation, "person": person,
            "registrations": hours.registrations(session, case.id, organisation),
            "signals": signals.signals_of(session, case.id, organisation),
            "modules": list(hours.MODULES.values()), "categories": signals.CATEGORIES,
            "this_week": f"{this_week.isocalendar()[0]}-W{this_week.isocalendar()[1]:02d}",
            "max_uren": hours.MAX_UREN_PER_WEEK, "max_sessies": hours.MAX_SESSIES_PER_WEEK}


def register(*, session: Session, runtime, user: User, case_id: str, form: dict[str, str], now: datetime):
    """Check and store a week's hours, attendance and note; the case hears the new totals."""
    roles.require(user, PORTAL)
    organisation = portal.require_organisation(session, user)
    case = portal.visible_case(session, user=user, case_id=case_id)
    from engine.access import need_to_know

    link = need_to_know.current_link(session, user, case)
    registration = hours.check_registration(form, today=_today(user, now),
                                            earliest=link.valid_from if link is not None else None)
    return hours.register_hours(session, engine=runtime.engine, case=case, organisation=organisation,
                                actor=user.username, registration=registration, now=now)


def signal(*, session: Session, runtime, user: User, case_id: str, form: dict[str, str], now: datetime):
    """Check a signal and turn it into a task for the klantmanager."""
    roles.require(user, PORTAL)
    organisation = portal.require_organisation(session, user)
    case = portal.visible_case(session, user=user, case_id=case_id)
    checked = signals.check_signal(form)
    return signals.raise_signal(session, engine=runtime.engine, case=case, organisation=organisation,
                                actor=user.username, signal=checked, now=now)


def case_section(*, session: Session, user: User, case: Case, variables: dict[str, Any]) -> dict[str, Any] | None:
    """What partners registered for this case, for the klantmanager's case page (None: not for this user)."""
    if not roles.may(user, CASE):
        return None
    found = hours.totals(session, case.id, variables=variables)
    rows = hours.registrations(session, case.id)
    sent = signals.signals_of(session, case.id)
    stand = duo_uren.latest(session, case.id)
    if not rows and not sent and stand is None and not _linked(session, case):
        if not case.leerroute:  # a signal's or bezwaar's own case, or a klantreis before the PIP
            return None
        return {"empty": True, "case": case}
    return {"empty": False, "case": case, "totals": found, "registrations": rows, "signals": sent,
            "categories": signals.CATEGORIES, "modules": hours.MODULES, "duo": stand,
            "comparison": duo_uren.compare(found, stand),
            "thresholds": hours.thresholds(case.leerroute, case.doelgroep, found.uren_cursus, found.uren_participatie)}


def _linked(session: Session, case: Case) -> bool:
    from engine.access.need_to_know import links_of

    return bool(links_of(session, case))


def fetch_duo(*, session: Session, runtime, user: User, case_id: str, now: datetime):
    """Ask DUO for the person's GevolgdeUren now and store the answer."""
    roles.require(user, CASE)
    case = runtime.engine.get_case(session=session, case_id=case_id, gemeente=user.gemeente)
    from engine.duo.outbox import SERVICE_KEY

    service = session.info.get(SERVICE_KEY) or getattr(runtime, "_duo_service", None)
    client = service.client_for(case.gemeente) if service is not None else None
    return duo_uren.fetch(session, client=client, case=case, actor=user.username, now=now)


def report_data(*, session: Session, user: User, month: str | None, now: datetime, fmt: str) -> dict[str, Any]:
    """The monthly provider report of the user's gemeente; audited (who read which month, in which form)."""
    if not roles.may(user, REPORT):
        raise Forbidden("U mag de rapportage per aanbieder niet bekijken.")
    today = _today(user, now)
    maand = report.parse_month(month, today)
    rows = report.provider_report(session, gemeente=user.gemeente, month=maand)
    audit.record(session=session, actor=user.username, action="partner_rapportage", at=now, gemeente=user.gemeente,
                 detail={"maand": maand, "vorm": fmt, "aanbieders": len(rows)})
    return {"maand": maand, "rows": rows, "categories": signals.CATEGORIES,
            "csv": report.to_csv(rows, maand) if fmt == "csv" else None, "max_maand": f"{today:%Y-%m}"}
