"""Receive COA's klantprofiel (format regie-coa-klantprofiel/1) and put it on the inburgeraar's case.

The structured fields are checked against `klantprofiel-v1.schema.json`; the document is
stored as received. The fields reach the warme overdracht as the `coa_klantprofiel`
message, so the consulent does not type them again.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.coa.models import CoaKlantprofiel
from engine.db.models import Case
from engine.duo.notifications import gemeente_by_oin
from engine.errors import Invalid, NotFound

FORMATS = {"regie-coa-klantprofiel/1": Path(__file__).resolve().parent / "klantprofiel-v1.schema.json"}
ACTOR = "systeem:coa"
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = frozenset({"application/pdf"})


@lru_cache(maxsize=None)
def _validator(formaat: str) -> Draft202012Validator:
    schema = json.loads(FORMATS[formaat].read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def elfproef(bsn: str) -> bool:
    """Tell whether a 9-digit BSN passes the elfproef."""
    digits = [int(c) for c in bsn]
    return len(digits) == 9 and (sum(d * w for d, w in zip(digits[:8], range(9, 1, -1))) - digits[8]) % 11 == 0


def check_fields(velden: Any) -> dict[str, Any]:
    """Return the fields when they match their declared format, else raise Invalid naming each field."""
    if not isinstance(velden, dict):
        raise Invalid("Het klantprofiel moet een JSON-object zijn", field_errors={"klantprofiel": "geen object"})
    formaat = velden.get("formaat")
    if formaat not in FORMATS:
        raise Invalid("Onbekend formaat", field_errors={"formaat": f"gebruik een van: {', '.join(FORMATS)}"})
    errors = {}
    for error in _validator(formaat).iter_errors(velden):
        where = ".".join(str(p) for p in error.absolute_path) or "klantprofiel"
        errors[where] = "waarde past niet" if where == "bsn" else error.message
    if "bsn" not in errors and isinstance(velden.get("bsn"), str) and not elfproef(velden["bsn"]):
        errors["bsn"] = "voldoet niet aan de elfproef"
    if errors:
        raise Invalid("Het klantprofiel klopt niet", field_errors=errors)
    return velden


def receive_klantprofiel(*, session: Session, engine, velden: dict[str, Any], document: bytes, document_naam: str,
                         document_type: str, now: datetime) -> CoaKlantprofiel:
    """Store the klantprofiel on the inburgeraar's active case and hand its fields to the warme overdracht."""
    velden = check_fields(velden)
    if document_type not in DOCUMENT_TYPES:
        raise Invalid("Het document moet een PDF zijn", field_errors={"document": "alleen application/pdf"})
    if not document or len(document) > MAX_DOCUMENT_BYTES:
        raise Invalid("Het document ontbreekt of is te groot", field_errors={"document": "leeg of groter dan 10 MB"})
    gemeente = gemeente_by_oin(session, velden["gemeente_oin"])
    if gemeente is None:
        raise NotFound("Deze gemeente is niet bekend in Regie")
    case = session.execute(select(Case).where(Case.gemeente == gemeente.code, Case.bsn == velden["bsn"],
                                              Case.status == "active").order_by(Case.created_at.desc())).scalars().first()
    if case is None:
        raise NotFound("Geen lopend dossier voor deze persoon in deze gemeente")
    stored = {k: v for k, v in velden.items() if k != "bsn"}
    profiel = CoaKlantprofiel(gemeente=gemeente.code, case_id=case.id, formaat=velden["formaat"], velden=stored,
                              document=document, document_naam=document_naam[:200], document_type=document_type,
                              status="ontvangen", ontvangen_op=now)
    session.add(profiel)
    session.flush()
    audit.record(session=session, actor=ACTOR, action="coa_klantprofiel", at=now, case=case,
                 detail={"formaat": velden["formaat"], "document": profiel.document_naam})
    payload = {"coa_profiel_ontvangen_op": now.date().isoformat(), "coa_locatie": velden.get("coa_locatie"),
               "taal": velden["taal"], "tolk_nodig": bool(velden.get("tolk_nodig")),
               "coa_opleiding": velden.get("opleiding"), "coa_werkervaring": velden.get("werkervaring"),
               "coa_bijzonderheden": velden.get("bijzonderheden"), "coa_klantprofiel_id": profiel.id}
    outcome = engine.send_message(session=session, name="coa_klantprofiel", message_id=f"coa:{profiel.id}",
                                  actor=ACTOR, case_id=case.id,
                                  payload={k: v for k, v in payload.items() if v is not None})
    profiel.status = "in de warme overdracht" if outcome.ok else f"bewaard bij het dossier; {outcome.reason}"
    return profiel
