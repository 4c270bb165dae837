"""A partner's signal about a person becomes a task for the case's klantmanager.

The signal starts a small case of `processes/partner_signaal.bpmn` in the same transaction; its
user task (named after the category) is assigned to the klantmanager who owns the person's case
(engine/casefile/ownership.py), or offered to the group Klantmanagers when nobody owns it. The
signal's case carries the person's name and case number, never the BSN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.db.models import Case
from engine.errors import Invalid
from engine.partners.models import PartnerSignaal
from engine.partners.start_data import SIGNAAL_START_VARIABLES

PROCESS_ID = "partner_signaal"
CATEGORIES: dict[str, str] = {
    "afwezigheid": "Afwezigheid",
    "zorgen": "Zorgen",
    "klaar_voor_examen": "Klaar voor examen",
    "overig": "Overig",
}
MAX_TEKST = 2000


@dataclass(frozen=True)
class SignalInput:
    categorie: str
    tekst: str


def check_signal(form: dict) -> SignalInput:
    """Check a signal; Invalid names every wrong field with the reason."""
    errors: dict[str, str] = {}
    categorie = str(form.get("categorie") or "")
    if categorie not in CATEGORIES:
        errors["categorie"] = "Kies wat voor signaal het is: " + ", ".join(CATEGORIES.values()).lower() + "."
    tekst = str(form.get("tekst") or "").strip()
    if len(tekst) < 5:
        errors["tekst"] = "Schrijf kort wat er aan de hand is."
    elif len(tekst) > MAX_TEKST:
        errors["tekst"] = f"Gebruik hoogstens {MAX_TEKST} tekens."
    elif re.search(r"(?<!\d)\d{9}(?!\d)", tekst):
        errors["tekst"] = "Schrijf geen BSN of ander nummer van negen cijfers in het signaal."
    if errors:
        raise Invalid("Het signaal is niet verstuurd", field_errors=errors)
    return SignalInput(categorie, tekst)


def raise_signal(session: Session, *, engine, case: Case, organisation: str, actor: str, signal: SignalInput,
                 now: datetime) -> PartnerSignaal:
    """Store the signal and start its task for the klantmanager (one transaction, case row locked first)."""
    case = engine.lock_case(session, case.id, gemeente=case.gemeente)
    row = PartnerSignaal(case_id=case.id, gemeente=case.gemeente, organisation=organisation,
                         categorie=signal.categorie, tekst=signal.tekst, created_by=actor, created_at=now)
    session.add(row)
    session.flush()
    data = {"zaak_case_id": case.id, "zaak_nummer": case.case_number, "naam": case.naam or case.case_number,
            "signaal_categorie": signal.categorie, "signaal_tekst": signal.tekst,
            "partner_organisatie": organisation, "klantmanager": case.klantmanager}
    assert set(data) == SIGNAAL_START_VARIABLES  # the deploy check counts on exactly these names
    signal_case = engine.start_case(session=session, process_id=PROCESS_ID, gemeente=case.gemeente, data=data,
                                    actor=actor, business_key=f"signaal-{row.id}")
    signal_case.klantmanager = case.klantmanager
    row.signaal_case_id = signal_case.id
    audit.record(session=session, actor=actor, action="partner_signaal", at=now, case=case,
                 detail={"organisation": organisation, "categorie": signal.categorie, "signaal": row.id,
                         "taak_in_zaak": signal_case.case_number})
    session.flush()
    return row


def signals_of(session: Session, case_id: str, organisation: str | None = None, limit: int = 100) -> list[PartnerSignaal]:
    """A case's signals, newest first (of one organisation, when given)."""
    query = select(PartnerSignaal).where(PartnerSignaal.case_id == case_id)
    if organisation is not None:
        query = query.where(PartnerSignaal.organisation == organisation)
    return list(session.scalars(query.order_by(PartnerSignaal.created_at.desc(), PartnerSignaal.id.desc()).limit(limit)))
