"""Hours, attendance and progress a provider registers, and how the case hears of them.

A provider registers per person, per week and per module the hours followed, the sessions
planned and attended that week, and a progress note. The cumulative hours reach the running
case as the message `uren_gemeld` (`uren_cursus`, `uren_participatie`) in the same
transaction, so the leerroute's own gateway decides what 600 or 800 hours mean there.

What counts where (DOMAIN.md 8, DUO's GevolgdeUren document): taalles NT2 and KNM are course
hours (`uren_cursus`: the 600 hours before afschalen, Wet 17.3 / Besluit 5.5, and the Z-route's
800); participation, MAP and PVT are participation hours (`uren_participatie`: the Z-route's 800
for asielstatushouders).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit
from engine.db.models import Case
from engine.errors import Invalid
from engine.legal.pip import AFSCHALEN_MIN_UREN
from engine.partners.models import PartnerUren, PartnerUrenBasis

CURSUS, PARTICIPATIE = "cursus", "participatie"


@dataclass(frozen=True)
class Module:
    """A part of the offer hours are registered for, and which total its hours count towards."""

    id: str
    label: str
    counts_as: str


MODULES: dict[str, Module] = {m.id: m for m in (
    Module("taal", "Taal (NT2)", CURSUS),
    Module("knm", "KNM", CURSUS),
    Module("participatie", "Participatie", PARTICIPATIE),
    Module("map", "MAP", PARTICIPATIE),
    Module("pvt", "PVT", PARTICIPATIE),
)}

# Input sanity (not law): nobody follows more than 40 hours of one provider's modules in a week,
# or more than 20 sessions of one module.
MAX_UREN_PER_WEEK = Decimal(40)
MAX_SESSIES_PER_WEEK = 20
MAX_NOTITIE = 1000

# The Z-route's hours, Besluit 3.14 (DOMAIN.md 8): 800 course hours, and for asielstatushouders also
# 800 participation hours. The leerroute diagram decides with them (Flow_GUrenCheck_GRouteKlaar);
# these copies only draw the progress bar, and tests/partners keeps them equal to the diagram.
Z_ROUTE_LESUREN = 800
Z_ROUTE_PARTICIPATIE_UREN = 800


@dataclass(frozen=True)
class Threshold:
    """A number of hours that matters for the person's route, and how far they are."""

    label: str
    total: str   # cursus | participatie
    target: int
    current: Decimal

    @property
    def reached(self) -> bool:
        return self.current >= self.target

    @property
    def percent(self) -> int:
        return min(100, int(self.current * 100 / self.target)) if self.target else 100


def thresholds(leerroute: str | None, doelgroep: str | None, cursus: Decimal, participatie: Decimal) -> list[Threshold]:
    """The hour thresholds of a route: afschalen after 600 course hours on the B1-route, the Z-route's
    800 course hours and (asielstatushouders, or unknown to the viewer) 800 participation hours."""
    if leerroute == "B1":
        return [Threshold(f"Afschalen naar A2 mogelijk vanaf {AFSCHALEN_MIN_UREN} lesuren (Wet 17 lid 3, Besluit 5.5)",
                          CURSUS, AFSCHALEN_MIN_UREN, cursus)]
    if leerroute == "Z":
        found = [Threshold(f"Z-route: {Z_ROUTE_LESUREN} lesuren taal en KNM", CURSUS, Z_ROUTE_LESUREN, cursus)]
        if doelgroep != "gezinsmigrant":
            label = f"Z-route: {Z_ROUTE_PARTICIPATIE_UREN} uur participatie"
            if doelgroep is None:
                label += " (alleen voor asielstatushouders)"
            found.append(Threshold(label, PARTICIPATIE, Z_ROUTE_PARTICIPATIE_UREN, participatie))
        return found
    return []


def format_hours(value: Any) -> str:
    """Hours for people: 12, 12,5 (Dutch decimal comma); nothing for None."""
    if value is None or value == "":
        return ""
    number = _decimal(value).normalize()
    text = format(number, "f")
    return text.replace(".", ",")


def monday(day: date) -> date:
    """The Monday of the ISO week of `day`."""
    return day - timedelta(days=day.weekday())


def parse_week(raw: str) -> date:
    """Read a week as `2026-W10` (the browser's week field) or a date in it; return its Monday."""
    raw = (raw or "").strip()
    match = re.fullmatch(r"(\d{4})-W(\d{1,2})", raw)
    try:
        if match:
            return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        return monday(date.fromisoformat(raw))
    except ValueError:
        raise Invalid("De week klopt niet", field_errors={"week": "Kies een week (bijvoorbeeld 2026-W10)."}) from None


def week_label(week: date) -> str:
    """Name a week for people: week 10 (2 maart 2026)."""
    from engine.letters.formatting import datum

    return f"week {week.isocalendar()[1]} ({datum(week)})"


@dataclass(frozen=True)
class Registration:
    """Checked input of one registration."""

    week: date
    module: str
    uren: Decimal
    sessies_gepland: int
    sessies_aanwezig: int
    notitie: str


def _number(raw: Any, field: str, errors: dict[str, str]) -> Decimal | None:
    text = str(raw if raw is not None else "").strip().replace(",", ".")
    if text == "":
        return Decimal(0) if field.startswith("sessies") else None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors[field] = "Vul een getal in."
        return None
    if not value.is_finite():
        errors[field] = "Vul een getal in."
        return None
    return value


def check_registration(form: dict[str, Any], *, today: date, earliest: date | None) -> Registration:
    """Check a registration; Invalid names every wrong field with the reason."""
    errors: dict[str, str] = {}
    week = None
    try:
        week = parse_week(str(form.get("week") or ""))
    except Invalid as exc:
        errors.update(exc.field_errors)
    if week is not None:
        if week > monday(today):
            errors["week"] = "Deze week is nog niet begonnen. Registreer uren achteraf."
        elif earliest is not None and week < monday(earliest):
            errors["week"] = "In deze week was uw organisatie nog niet aan deze inburgeraar gekoppeld."
    module = str(form.get("module") or "")
    if module not in MODULES:
        errors["module"] = "Kies een onderdeel: " + ", ".join(m.label for m in MODULES.values()) + "."
    uren = _number(form.get("uren"), "uren", errors)
    if uren is None and "uren" not in errors:
        errors["uren"] = "Vul het aantal uren in."
    elif uren is not None:
        if uren < 0:
            errors["uren"] = "Het aantal uren kan niet negatief zijn."
        elif uren > MAX_UREN_PER_WEEK:
            errors["uren"] = f"Meer dan {MAX_UREN_PER_WEEK} uur in een week kan niet."
        elif uren * 2 != int(uren * 2):
            errors["uren"] = "Vul hele of halve uren in."
    gepland = _number(form.get("sessies_gepland"), "sessies_gepland", errors)
    aanwezig = _number(form.get("sessies_aanwezig"), "sessies_aanwezig", errors)
    for field, value in (("sessies_gepland", gepland), ("sessies_aanwezig", aanwezig)):
        if value is None or field in errors:
            continue
        if value != int(value) or value < 0:
            errors[field] = "Vul een heel getal van 0 of meer in."
        elif value > MAX_SESSIES_PER_WEEK:
            errors[field] = f"Meer dan {MAX_SESSIES_PER_WEEK} lessen in een week kan niet."
    if not errors and aanwezig > gepland:
        errors["sessies_aanwezig"] = "Er kunnen niet meer lessen bijgewoond zijn dan er gepland waren."
    notitie = str(form.get("notitie") or "").strip()
    if len(notitie) > MAX_NOTITIE:
        errors["notitie"] = f"Gebruik hoogstens {MAX_NOTITIE} tekens."
    elif re.search(r"(?<!\d)\d{9}(?!\d)", notitie):
        errors["notitie"] = "Schrijf geen BSN of ander nummer van negen cijfers in de notitie."
    if errors:
        raise Invalid("De registratie is niet opgeslagen", field_errors=errors)
    return Registration(week, module, uren, int(gepland), int(aanwezig), notitie)


@dataclass(frozen=True)
class Totals:
    """Hours of a case: what the portal registered per total, and what the case had before."""

    cursus: Decimal
    participatie: Decimal
    basis_cursus: Decimal
    basis_participatie: Decimal
    sessies_gepland: int
    sessies_aanwezig: int

    @property
    def uren_cursus(self) -> Decimal:
        return self.basis_cursus + self.cursus

    @property
    def uren_participatie(self) -> Decimal:
        return self.basis_participatie + self.participatie

    @property
    def aanwezigheid(self) -> int | None:
        """Attendance in percent of the planned sessions (None when none were planned)."""
        return round(self.sessies_aanwezig * 100 / self.sessies_gepland) if self.sessies_gepland else None


def totals(session: Session, case_id: str, organisation: str | None = None,
           variables: dict[str, Any] | None = None) -> Totals:
    """Sum a case's registrations (of one organisation, when given) per total; before a provider's
    first registration the hours the case has now (`variables`, when given) are the base."""
    query = (select(PartnerUren.module, func.sum(PartnerUren.uren), func.sum(PartnerUren.sessies_gepland),
                    func.sum(PartnerUren.sessies_aanwezig))
             .where(PartnerUren.case_id == case_id).group_by(PartnerUren.module))
    if organisation is not None:
        query = query.where(PartnerUren.organisation == organisation)
    sums = {CURSUS: Decimal(0), PARTICIPATIE: Decimal(0)}
    gepland = aanwezig = 0
    for module, uren, g, a in session.execute(query):
        sums[MODULES[module].counts_as if module in MODULES else CURSUS] += Decimal(str(uren or 0))
        gepland += int(g or 0)
        aanwezig += int(a or 0)
    basis = session.get(PartnerUrenBasis, case_id) if organisation is None else None
    if basis is not None:
        base = (_decimal(basis.uren_cursus), _decimal(basis.uren_participatie))
    elif organisation is None and variables is not None:
        base = (_decimal(variables.get("uren_cursus")), _decimal(variables.get("uren_participatie")))
    else:
        base = (Decimal(0), Decimal(0))
    return Totals(sums[CURSUS], sums[PARTICIPATIE], base[0], base[1], gepland, aanwezig)


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _plain(value: Decimal) -> int | float:
    """A number as the case stores hours (whole hours as int)."""
    return int(value) if value == int(value) else float(value)


@dataclass(frozen=True)
class Registered:
    """What one registration did: the row, the case's new totals and what the message did."""

    row: PartnerUren
    totals: Totals
    message_status: str
    message_reason: str | None


def register_hours(session: Session, *, engine, case: Case, organisation: str, actor: str,
                   registration: Registration, now: datetime) -> Registered:
    """Store (or correct) a week's hours of one module and tell the running case the new totals.

    Locks the case row first (the one lock order), then writes the registration, then sends
    `uren_gemeld` with the cumulative hours; everything in the caller's transaction. A case
    that is not waiting for hours now keeps the registration (the message is stored as refused
    and the next registration carries the totals again).
    """
    case = engine.lock_case(session, case.id, gemeente=case.gemeente)
    basis = session.get(PartnerUrenBasis, case.id)
    if basis is None:
        variables = engine.case_variables(session=session, case=case)
        basis = PartnerUrenBasis(case_id=case.id, uren_cursus=_decimal(variables.get("uren_cursus")),
                                 uren_participatie=_decimal(variables.get("uren_participatie")), vastgelegd_op=now)
        session.add(basis)
    row = session.execute(select(PartnerUren).where(
        PartnerUren.case_id == case.id, PartnerUren.organisation == organisation,
        PartnerUren.week == registration.week, PartnerUren.module == registration.module)).scalar_one_or_none()
    before = None
    if row is None:
        row = PartnerUren(case_id=case.id, gemeente=case.gemeente, organisation=organisation, week=registration.week,
                          module=registration.module)
        session.add(row)
    else:
        before = {"uren": str(row.uren), "sessies_gepland": row.sessies_gepland, "sessies_aanwezig": row.sessies_aanwezig}
    row.uren = registration.uren
    row.sessies_gepland = registration.sessies_gepland
    row.sessies_aanwezig = registration.sessies_aanwezig
    row.notitie = registration.notitie
    row.geregistreerd_door, row.geregistreerd_op = actor, now
    session.flush()
    found = totals(session, case.id)
    payload = {"uren_cursus": _plain(found.uren_cursus), "uren_participatie": _plain(found.uren_participatie)}
    outcome = engine.send_message(session=session, name="uren_gemeld", message_id=f"partner-uren-{uuid.uuid4()}",
                                  actor=actor, case_id=case.id, gemeente=case.gemeente, payload=payload)
    row.bericht = outcome.status
    audit.record(session=session, actor=actor, action="partner_uren", at=now, case=case, detail={
        "organisation": organisation, "week": registration.week.isoformat(), "module": registration.module,
        "uren": str(registration.uren), "sessies_gepland": registration.sessies_gepland,
        "sessies_aanwezig": registration.sessies_aanwezig, "correctie_van": before, **payload,
        "bericht": outcome.status})
    session.flush()
    return Registered(row, found, outcome.status, outcome.reason)


def registrations(session: Session, case_id: str, organisation: str | None = None, limit: int = 200) -> list[PartnerUren]:
    """A case's registrations, newest week first (of one organisation, when given)."""
    query = select(PartnerUren).where(PartnerUren.case_id == case_id)
    if organisation is not None:
        query = query.where(PartnerUren.organisation == organisation)
    return list(session.scalars(query.order_by(PartnerUren.week.desc(), PartnerUren.module).limit(limit)))
