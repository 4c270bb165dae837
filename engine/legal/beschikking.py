"""A beschikking's legal status and the day it became onherroepelijk (Awb 6:7, 6:8, 7:1, 8:1).

Statuses: verzonden, bezwaar_loopt, beroep_loopt, onherroepelijk, herroepen. A beschikking
becomes onherroepelijk the day after its bezwaar term ends without a bezwaar, or the day
after the beroep term of the beslissing op bezwaar ends without beroep, or on the day of
the uitspraak in beroep that leaves it standing (hoger beroep is not modelled: recorded
as beroep). A gegrond bezwaar or beroep herroept it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.legal.models import UITKOMSTEN, Beschikking
from engine.legal.termijnen import beroep_uiterlijk
from engine.letters.rules import bezwaar_uiterlijk

STATUSES = ("verzonden", "bezwaar_loopt", "beroep_loopt", "onherroepelijk", "herroepen")


class BeschikkingFeiten(Protocol):
    """What the status is computed from (a Beschikking row, or a fine recorded in case data)."""

    verzonden_op: date
    bezwaar_ontvangen_op: date | None
    bezwaar_uitkomst: str | None
    bezwaar_beslist_op: date | None
    beroep_ingesteld_op: date | None
    beroep_uitkomst: str | None
    beroep_uitspraak_op: date | None
    herroepen_op: date | None


def onherroepelijk_op(b: BeschikkingFeiten) -> date | None:
    """Return the day `b` became (or will become) onherroepelijk, or None when not (yet) known."""
    if b.herroepen_op is not None:
        return None
    if b.beroep_ingesteld_op is not None:
        return b.beroep_uitspraak_op if b.beroep_uitkomst in ("ongegrond", "niet_ontvankelijk") else None
    if b.bezwaar_ontvangen_op is not None:
        if b.bezwaar_beslist_op is None or b.bezwaar_uitkomst == "gegrond":
            return None
        return beroep_uiterlijk(b.bezwaar_beslist_op) + timedelta(days=1)
    return bezwaar_uiterlijk(b.verzonden_op) + timedelta(days=1)


def status_op(b: BeschikkingFeiten, peildatum: date) -> str:
    """Return the legal status of `b` on `peildatum`."""
    if b.herroepen_op is not None and b.herroepen_op <= peildatum:
        return "herroepen"
    definitief = onherroepelijk_op(b)
    if definitief is not None and definitief <= peildatum:
        return "onherroepelijk"
    if b.beroep_ingesteld_op is not None and b.beroep_ingesteld_op <= peildatum:
        return "beroep_loopt"
    if b.bezwaar_ontvangen_op is not None and b.bezwaar_ontvangen_op <= peildatum:
        return "bezwaar_loopt" if b.bezwaar_beslist_op is None or b.bezwaar_beslist_op > peildatum else "verzonden"
    return "verzonden"


def register_sent(*, session: Session, case_id: str, gemeente: str, letter_id: int, soort: str,
                  verzonden_op: date, now: datetime) -> Beschikking:
    """Record a beschikking on the day it is sent (its dagtekening)."""
    row = Beschikking(case_id=case_id, gemeente=gemeente, letter_id=letter_id, soort=soort,
                      verzonden_op=verzonden_op, bezwaar_uiterlijk=bezwaar_uiterlijk(verzonden_op), created_at=now)
    session.add(row)
    session.flush()
    return row


def record_bezwaar(*, session: Session, beschikking_id: int, ontvangen_op: date, bezwaar_case_id: str) -> Beschikking:
    """Record that a bezwaar against the beschikking was received."""
    row = _get(session, beschikking_id)
    row.bezwaar_ontvangen_op, row.bezwaar_case_id = ontvangen_op, bezwaar_case_id
    row.bezwaar_uitkomst = row.bezwaar_beslist_op = None
    session.flush()
    return row


def record_beslissing_op_bezwaar(*, session: Session, beschikking_id: int, uitkomst: str, beslist_op: date) -> Beschikking:
    """Record the beslissing op bezwaar; gegrond herroept the beschikking (Awb 7:11)."""
    if uitkomst not in UITKOMSTEN:
        raise ValueError(f"onbekende uitkomst {uitkomst!r}")
    row = _get(session, beschikking_id)
    row.bezwaar_uitkomst, row.bezwaar_beslist_op = uitkomst, beslist_op
    row.herroepen_op = beslist_op if uitkomst == "gegrond" else None
    session.flush()
    return row


def beschikkingen_of_case(*, session: Session, case_id: str) -> list[Beschikking]:
    """Return a case's beschikkingen in the order they were sent."""
    return list(session.scalars(select(Beschikking).where(Beschikking.case_id == case_id).order_by(Beschikking.id)))


def _get(session: Session, beschikking_id: int) -> Beschikking:
    row = session.get(Beschikking, beschikking_id)
    if row is None:
        raise LookupError(f"beschikking {beschikking_id} bestaat niet")
    return row
