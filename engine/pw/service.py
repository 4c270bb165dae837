"""Record a Pw 18/18b maatregel on a running case: one path for the Pw system, the case page and the API.

Every sender goes through the message `pw_maatregel` (engine/running/messages.py, a data message):
the case row is locked, the maatregel is checked and appended to `pw_maatregelen` in every open
branch, and the message and the audit row are written in the same transaction as the case state.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Mapping

from sqlalchemy.orm import Session

from engine.errors import Conflict, NotFound
from engine.expressions.temporal import municipal_today
from engine.pw.maatregelen import MESSAGE, VARIABLE, parse_maatregel, with_maatregel
from engine.running.core import RegieEngine


def apply_pw_maatregel(variables: Mapping[str, Any], payload: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The data message `pw_maatregel`: the case's maatregelen with the checked new one added."""
    maatregel = parse_maatregel(payload, today=municipal_today(now))
    return {VARIABLE: with_maatregel(variables.get(VARIABLE), maatregel)}


def record_maatregel(engine: RegieEngine, *, session: Session, case_id: str, maatregel: Mapping[str, Any],
                     actor: str, gemeente: str | None = None, message_id: str | None = None) -> str:
    """Record `maatregel` on the running case `case_id`; return the message id (Invalid/Conflict/NotFound)."""
    outcome = engine.send_message(session=session, name=MESSAGE, message_id=message_id or f"pw-{uuid.uuid4()}",
                                  actor=actor, case_id=case_id, gemeente=gemeente, payload=dict(maatregel))
    if outcome.status == "refused":
        if outcome.case_id is None:
            raise NotFound("Dit dossier bestaat niet of loopt niet meer")
        raise Conflict(outcome.reason or "Het dossier neemt de maatregel nu niet aan")
    if outcome.status == "duplicate":
        raise Conflict(outcome.reason or "Deze maatregel is al ontvangen")
    return outcome.message_id
