"""The monthly management report per provider, for contract management (beleidsplan: providers
report, the gemeente steers on quality through contract management).

Per organisation and month: hours delivered (course and participation), attendance rate, people
with hours, signals per category, outcomes (exams passed, afschalen beoordeeld) of the people
linked to it in that month, and how many of them differ from DUO's hours. Only figures, no names.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from engine.access.models import PartnerLink
from engine.monitoring.models import MonitoringCase, MonitoringEvent
from engine.partners import hours
from engine.partners.duo_uren import compare, latest
from engine.partners.models import PartnerSignaal, PartnerUren
from engine.partners.signals import CATEGORIES

AFSCHALEN_ELEMENT = "Task_Afschalen"  # processes/leerroute.bpmn: afschalen beoordeeld after 600 hours


@dataclass
class ProviderMonth:
    """One provider's figures for one month."""

    organisation: str
    gekoppeld: int = 0
    deelnemers_met_uren: int = 0
    uren_cursus: Decimal = Decimal(0)
    uren_participatie: Decimal = Decimal(0)
    sessies_gepland: int = 0
    sessies_aanwezig: int = 0
    signalen: dict[str, int] = field(default_factory=lambda: {c: 0 for c in CATEGORIES})
    examens_behaald: int = 0
    afschalen_beoordeeld: int = 0
    verschil_met_duo: int = 0
    vergeleken_met_duo: int = 0

    @property
    def aanwezigheid(self) -> int | None:
        return round(self.sessies_aanwezig * 100 / self.sessies_gepland) if self.sessies_gepland else None


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of a month written as YYYY-MM."""
    year, mon = (int(p) for p in month.split("-"))
    first = date(year, mon, 1)
    nxt = date(year + (mon == 12), mon % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def parse_month(raw: str | None, today: date) -> str:
    """A month as YYYY-MM; default the current month; Invalid for anything else or the future."""
    from engine.errors import Invalid

    if not raw:
        return f"{today:%Y-%m}"
    try:
        first, _ = month_bounds(raw)
    except (ValueError, TypeError):
        raise Invalid("De maand klopt niet", field_errors={"maand": "Kies een maand (JJJJ-MM)."}) from None
    if first > today:
        raise Invalid("De maand klopt niet", field_errors={"maand": "Deze maand is nog niet begonnen."})
    return f"{first:%Y-%m}"


def provider_report(session: Session, *, gemeente: str, month: str) -> list[ProviderMonth]:
    """The figures of every provider of the gemeente for `month` (YYYY-MM), by name."""
    first, last = month_bounds(month)
    links = session.execute(select(PartnerLink.organisation, PartnerLink.case_id).where(
        PartnerLink.gemeente == gemeente, PartnerLink.valid_from <= last,
        or_(PartnerLink.valid_until.is_(None), PartnerLink.valid_until >= first))).all()
    linked: dict[str, set[str]] = {}
    for organisation, case_id in links:
        linked.setdefault(organisation, set()).add(case_id)
    rows: dict[str, ProviderMonth] = {o: ProviderMonth(o, gekoppeld=len(c)) for o, c in linked.items()}

    uren = session.execute(
        select(PartnerUren.organisation, PartnerUren.module, func.sum(PartnerUren.uren),
               func.sum(PartnerUren.sessies_gepland), func.sum(PartnerUren.sessies_aanwezig),
               func.count(func.distinct(PartnerUren.case_id)))
        .where(PartnerUren.gemeente == gemeente, PartnerUren.week >= first, PartnerUren.week <= last)
        .group_by(PartnerUren.organisation, PartnerUren.module)).all()
    for organisation, module, total, gepland, aanwezig, _ in uren:
        row = rows.setdefault(organisation, ProviderMonth(organisation))
        module_def = hours.MODULES.get(module)
        if module_def is not None and module_def.counts_as == hours.PARTICIPATIE:
            row.uren_participatie += Decimal(str(total or 0))
        else:
            row.uren_cursus += Decimal(str(total or 0))
        row.sessies_gepland += int(gepland or 0)
        row.sessies_aanwezig += int(aanwezig or 0)
    people = session.execute(
        select(PartnerUren.organisation, func.count(func.distinct(PartnerUren.case_id)))
        .where(PartnerUren.gemeente == gemeente, PartnerUren.week >= first, PartnerUren.week <= last)
        .group_by(PartnerUren.organisation)).all()
    for organisation, n in people:
        rows[organisation].deelnemers_met_uren = int(n)

    start = datetime.combine(first, time.min, tzinfo=timezone.utc)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=timezone.utc)
    signals = session.execute(
        select(PartnerSignaal.organisation, PartnerSignaal.categorie, func.count())
        .where(PartnerSignaal.gemeente == gemeente, PartnerSignaal.created_at >= start, PartnerSignaal.created_at < end)
        .group_by(PartnerSignaal.organisation, PartnerSignaal.categorie)).all()
    for organisation, categorie, n in signals:
        row = rows.setdefault(organisation, ProviderMonth(organisation))
        row.signalen[categorie] = row.signalen.get(categorie, 0) + int(n)

    for organisation, case_ids in linked.items():
        row = rows[organisation]
        ids = sorted(case_ids)
        row.examens_behaald = session.scalar(select(func.count()).select_from(MonitoringCase).where(
            MonitoringCase.case_id.in_(ids), MonitoringCase.examen_behaald.is_(True),
            MonitoringCase.examen_datum >= first, MonitoringCase.examen_datum <= last)) or 0
        row.afschalen_beoordeeld = session.scalar(select(func.count(func.distinct(MonitoringEvent.case_id))).where(
            and_(MonitoringEvent.case_id.in_(ids), MonitoringEvent.element_id == AFSCHALEN_ELEMENT,
                 MonitoringEvent.at >= start, MonitoringEvent.at < end))) or 0
        for case_id in ids:
            stand = latest(session, case_id)
            if stand is None or stand.uren_cursus is None:
                continue
            row.vergeleken_met_duo += 1
            if any(c.verschil for c in compare(hours.totals(session, case_id), stand) if c.duo is not None):
                row.verschil_met_duo += 1
    return [rows[o] for o in sorted(rows)]


CSV_COLUMNS = ("organisatie", "maand", "gekoppeld", "deelnemers_met_uren", "uren_cursus", "uren_participatie",
               "lessen_gepland", "lessen_aanwezig", "aanwezigheid_procent",
               *(f"signalen_{c}" for c in CATEGORIES), "examens_behaald", "afschalen_beoordeeld",
               "vergeleken_met_duo", "verschil_met_duo")


def to_csv(rows: list[ProviderMonth], month: str) -> str:
    """The report as CSV (semicolon, as Dutch spreadsheets expect; decimal comma)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)

    def num(value: Decimal) -> str:
        return format(value.normalize(), "f").replace(".", ",") if value else "0"

    def cell(text: str) -> str:  # a spreadsheet must never read a name as a formula
        return "'" + text if text[:1] in ("=", "+", "-", "@") else text

    for r in rows:
        writer.writerow([cell(r.organisation), month, r.gekoppeld, r.deelnemers_met_uren, num(r.uren_cursus),
                         num(r.uren_participatie), r.sessies_gepland, r.sessies_aanwezig,
                         "" if r.aanwezigheid is None else r.aanwezigheid,
                         *(r.signalen.get(c, 0) for c in CATEGORIES), r.examens_behaald, r.afschalen_beoordeeld,
                         r.vergeleken_met_duo, r.verschil_met_duo])
    return out.getvalue()
