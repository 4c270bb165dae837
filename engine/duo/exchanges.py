"""What the beheerder sees of the exchanges with DUO: every message in and out, its state and reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import Case
from engine.duo.gebeurtenissen import GEBEURTENISSEN
from engine.duo.models import (
    GEWEIGERD_DOOR_DUO, IN, MISLUKT, NIET_VERWERKT, ONTVANGEN, STATUS_TEXT, UIT, DuoBericht,
)
from engine.errors import Conflict, NotFound

PROBLEM_STATUSES = (GEWEIGERD_DOOR_DUO, MISLUKT, NIET_VERWERKT)


@dataclass(frozen=True)
class ExchangeRow:
    """One exchange as a list shows it (no BSN)."""

    id: int
    richting: str
    soort: str
    omschrijving: str
    bericht_id: str | None
    case_id: str | None
    case_number: str | None
    status: str
    status_text: str
    actie: str | None
    reden: str | None
    pogingen: int
    aangemaakt_op: datetime
    bijgewerkt_op: datetime


def list_exchanges(session: Session, *, gemeente: str, richting: str | None = None, status: str | None = None,
                   only_problems: bool = False, case_id: str | None = None, limit: int = 100,
                   before_id: int | None = None) -> list[ExchangeRow]:
    """Return a gemeente's exchanges with DUO, newest first (page on with `before_id`)."""
    query = (select(DuoBericht, Case.case_number).outerjoin(Case, Case.id == DuoBericht.case_id)
             .where(DuoBericht.gemeente == gemeente).order_by(DuoBericht.id.desc()).limit(min(limit, 500)))
    if richting in (IN, UIT):
        query = query.where(DuoBericht.richting == richting)
    if status:
        query = query.where(DuoBericht.status == status)
    if only_problems:
        query = query.where(DuoBericht.status.in_(PROBLEM_STATUSES))
    if case_id:
        query = query.where(DuoBericht.case_id == case_id)
    if before_id:
        query = query.where(DuoBericht.id < before_id)
    rows = []
    for bericht, case_number in session.execute(query):
        if bericht.richting == IN:
            known = GEBEURTENISSEN.get(bericht.gebeurtenis_id or "")
            omschrijving = f"{bericht.gebeurtenis_id}: {known.omschrijving}" if known else str(bericht.gebeurtenis_id)
        else:
            omschrijving = "PIP" if bericht.soort == "pip" else "Gewijzigd PIP"
        rows.append(ExchangeRow(
            id=bericht.id, richting=bericht.richting, soort=bericht.soort, omschrijving=omschrijving,
            bericht_id=bericht.bericht_id, case_id=bericht.case_id, case_number=case_number, status=bericht.status,
            status_text=STATUS_TEXT.get(bericht.status, bericht.status), actie=bericht.actie, reden=bericht.reden,
            pogingen=bericht.pogingen, aangemaakt_op=bericht.aangemaakt_op, bijgewerkt_op=bericht.bijgewerkt_op))
    return rows


def duo_status_of_case(session: Session, *, case_id: str) -> list[ExchangeRow]:
    """Return the PIP messages of a case with their state (the case page shows "ontvangen door DUO")."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("Dit dossier bestaat niet")
    return list_exchanges(session, gemeente=case.gemeente, richting=UIT, case_id=case_id)


def resend_notification(session: Session, *, gemeente: str, exchange_id: int, now: datetime) -> DuoBericht:
    """Put a notification that could not be processed back in the queue (after fixing the cause)."""
    bericht = session.get(DuoBericht, exchange_id)
    if bericht is None or bericht.gemeente != gemeente or bericht.richting != IN:
        raise NotFound("Deze notificatie bestaat niet")
    if bericht.status not in (MISLUKT, NIET_VERWERKT):
        raise Conflict("Deze notificatie is al verwerkt")
    bericht.status, bericht.pogingen, bericht.bijgewerkt_op = ONTVANGEN, 0, now
    return bericht
