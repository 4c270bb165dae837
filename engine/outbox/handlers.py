"""Handlers for the `duo` and `notify` topics.

`duo`: the gemeente reports to DUO (the PIP, a route change, ...). The message
is checked against DUO's rules (duo-m2m/README-DUO.md) and put in the outbox,
in the case's transaction; a delivery adapter for Digikoppeling sends queued
rows. Without one configured, the rows stay queued and are visible, never lost.

`notify`: an internal signal to a group (e.g. the teamleider about a deadline),
recorded in the case's timeline through the audit log.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine import audit
from engine.db.base import Base, UTCDateTime
from engine.legal.pip import pip_weigeringen
from engine.running.handlers import HandlerError, ServiceCall

DUO_MESSAGES = frozenset({"pip", "pip_gewijzigd", "leerbaarheidstoets", "ontheffing_aanvraag"})


class OutboxMessage(Base):
    """A message for an outside party (DUO), written with the case change, sent after."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    gemeente: Mapped[str] = mapped_column(String(32))
    destination: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(50))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return None


def check_pip_for_duo(data: dict[str, Any], *, gewijzigd: bool = False) -> list[str]:
    """Return DUO's reasons to reject this PIP, empty when acceptable (rules: engine/legal/pip.py)."""
    dagtekening = _as_date(data.get("pip_gewijzigd_verzonden_op") if gewijzigd else data.get("pip_dagtekening"))
    if dagtekening is None:
        return ["pip_dagtekening ontbreekt"]
    case = {**data, "taalniveau": data.get("taalniveau_doel")}
    return list(pip_weigeringen(case, dagtekening=dagtekening, gewijzigd=gewijzigd).values())


def duo_handler(call: ServiceCall) -> dict[str, Any]:
    """Check and queue a message to DUO (property `bericht`, default `pip`)."""
    kind = call.properties.get("bericht", "pip")
    if kind not in DUO_MESSAGES:
        raise HandlerError(f"Onbekend DUO-bericht {kind!r}")
    data = {**call.data, **call.inputs}
    if kind in ("pip", "pip_gewijzigd"):
        reasons = check_pip_for_duo(data, gewijzigd=kind == "pip_gewijzigd")
        if reasons:
            raise HandlerError("DUO zou dit PIP weigeren: " + "; ".join(reasons))
    fields = ("leerroute", "pip_dagtekening", "termijn_start", "termijn_eind", "taalniveau_doel",
              "lbt_uitslag", "lbt_datum")
    payload = {k: data.get(k) for k in fields if data.get(k) is not None}
    payload["zaaknummer"] = call.case_number
    call.session.add(OutboxMessage(case_id=call.case_id, gemeente=call.gemeente, destination="duo", kind=kind,
                                   payload=payload, status="queued", created_at=call.now))
    return {f"duo_{kind}_gemeld_op": call.now.date().isoformat()}


def notify_handler(call: ServiceCall) -> dict[str, Any]:
    """Record a signal to a group in the case timeline (properties `aan`, `bericht`)."""
    to = call.properties.get("aan") or "consulent"
    text = call.properties.get("bericht") or call.element_id
    audit.record(session=call.session, actor=call.actor, action="notify", at=call.now, case_id=call.case_id,
                 gemeente=call.gemeente, element_id=call.element_id, detail={"aan": to, "bericht": text})
    return {}
