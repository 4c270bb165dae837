"""Brugklas use cases: who may plan cohorts and register attendance, on top of engine/cohorts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.access import roles
from engine import audit
from engine.cohorts import service as cohorts
from engine.db.models import Gemeente, User
from engine.errors import Forbidden, Invalid

PLANNERS = "cohorts.plan"          # plan cohorts and the gemeente's start moments
VIEWERS = "cohorts.read"
REGISTRARS = "cohorts.attendance"  # record attendance


def _require(user: User, capability: str, refusal: str) -> None:
    if not roles.may(user, capability):
        raise Forbidden(refusal)


def overview(*, session: Session, user: User, today: date) -> dict[str, Any]:
    _require(user, VIEWERS, "U mag de brugklas niet bekijken.")
    return {"cohorts": cohorts.list_cohorts(session, gemeente=user.gemeente, since=today),
            "settings": cohorts.brugklas_settings(session, user.gemeente), "may_plan": roles.may(user, PLANNERS)}


def detail(*, session: Session, user: User, cohort_id: int, now: datetime) -> dict[str, Any]:
    _require(user, VIEWERS, "U mag de brugklas niet bekijken.")
    cohort = cohorts.get_cohort(session, gemeente=user.gemeente, cohort_id=cohort_id)
    people = cohorts.roster(session, cohort=cohort)
    for _, case in people:
        audit.record(session=session, actor=user.username, action="view", at=now, case=case,
                     detail={"via": "brugklas", "cohort": cohort.id})
    return {"cohort": cohort, "roster": people, "sessies": list(cohort.sessies),
            "aanwezig": cohorts.attendance(session, cohort=cohort),
            "may_plan": roles.may(user, PLANNERS), "may_register": roles.may(user, REGISTRARS)}


def _date(raw: str, field: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid("Vul een geldige datum in", field_errors={field: "Gebruik de vorm JJJJ-MM-DD."}) from None


def _int(raw: str, field: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise Invalid("Vul een getal in", field_errors={field: "Vul een heel getal in."}) from None


def create(*, session: Session, user: User, form: dict[str, str], now: datetime):
    _require(user, PLANNERS, "Alleen een teamleider of beheerder maakt brugklasgroepen.")
    return cohorts.create_cohort(session, gemeente=user.gemeente, naam=form.get("naam", "")[:100],
                                 start=_date(form.get("start", ""), "start"), eind=_date(form.get("eind", ""), "eind"),
                                 capaciteit=_int(form.get("capaciteit", ""), "capaciteit"),
                                 locatie=form.get("locatie", "")[:200], actor=user.username, now=now)


def add_session(*, session: Session, user: User, cohort_id: int, form: dict[str, str]):
    _require(user, PLANNERS, "Alleen een teamleider of beheerder plant bijeenkomsten.")
    cohort = cohorts.get_cohort(session, gemeente=user.gemeente, cohort_id=cohort_id)
    return cohorts.add_session(session, cohort=cohort, datum=_date(form.get("datum", ""), "datum"),
                               tijd=form.get("tijd", "").strip(), onderwerp=form.get("onderwerp", ""))


def register(*, session: Session, user: User, cohort_id: int, sessie_id: int, present: set[str], now: datetime) -> int:
    _require(user, REGISTRARS, "Alleen een consulent of teamleider registreert aanwezigheid.")
    cohort = cohorts.get_cohort(session, gemeente=user.gemeente, cohort_id=cohort_id)
    return cohorts.register_attendance(session, cohort=cohort, sessie_id=sessie_id, present=present,
                                       actor=user.username, now=now)


def save_settings(*, session: Session, user: User, form: dict[str, str], now: datetime) -> dict[str, Any]:
    """Store the gemeente's start moments, length and group size (policy, beleidsplan ch. 3)."""
    _require(user, PLANNERS, "Alleen een teamleider of beheerder wijzigt de brugklas-instellingen.")
    moments = [m.strip() for m in form.get("startmomenten", "").replace(";", ",").split(",") if m.strip()]
    settings = {"startmomenten": moments, "duur": f"P{_int(form.get('duur_maanden', ''), 'duur_maanden')}M",
                "capaciteit": _int(form.get("capaciteit", ""), "capaciteit"), "locatie": form.get("locatie", "").strip()[:200]}
    errors = {}
    if not moments:
        errors["startmomenten"] = "Vul minstens één startmoment in (MM-DD)."
    if settings["capaciteit"] < 1:
        errors["capaciteit"] = "Een groep heeft minstens 1 plek."
    if not 1 <= int(settings["duur"][1:-1]) <= 12:
        errors["duur_maanden"] = "Kies 1 tot 12 maanden."
    if errors:
        raise Invalid("De instellingen zijn niet goed ingevuld", field_errors=errors)
    cohorts.start_moments({**cohorts.BRUGKLAS_DEFAULTS, **settings}, date(2000, 1, 1), date(2000, 12, 31))  # checks MM-DD
    gemeente = session.get(Gemeente, user.gemeente)
    gemeente.settings = {**(gemeente.settings or {}), "brugklas": {**(gemeente.settings or {}).get("brugklas", {}), **settings}}
    audit.record(session=session, actor=user.username, action="gemeente_instelling", at=now, gemeente=user.gemeente,
                 detail={"brugklas": settings})
    session.flush()
    return settings
