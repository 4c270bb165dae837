"""The `duo` topic: a PIP for DUO is checked, written to the outbox with the case change, and sent after.

With a DUO connection, the service task waits (a `Wait`) until DUO has answered: the sender completes it when
DUO says 201 ("ontvangen door DUO"), or turns DUO's refusal or an outage into an
incident on it. Retrying that incident runs this handler again, which puts the same
outbox row back in the queue (with the case's current data), so one PIP is reported
once, however often it is retried.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.contract.openapi import Exchange
from engine.duo.client import duo_contract
from engine.duo.gebeurtenissen import LEERROUTE
from engine.duo.models import (
    BEZIG, GEWEIGERD_DOOR_DUO, MISLUKT, ONTVANGEN_DOOR_DUO, UIT, WACHTRIJ, DuoBericht,
)
from engine.outbox.handlers import check_pip_for_duo
from engine.running.handlers import HandlerError, ServiceCall, Wait

PIP_MESSAGES = frozenset({"pip", "pip_gewijzigd"})
ROUTE_CODE = {v: k for k, v in LEERROUTE.items()}
# Every session of a runtime with a DUO connection carries its DuoService here (engine/duo/service.py).
SERVICE_KEY = "duo_service"
PLACEHOLDER_OIN = "0" * 20


def pip_body(data: dict[str, Any]) -> dict[str, Any]:
    """Build DUO's PIP resource (PIP.openapi.yml) from the case variables."""
    leerroute = ROUTE_CODE.get(data.get("leerroute"))
    body: dict[str, Any] = {"dagtekeningPip": str(data.get("pip_dagtekening") or "")[:10], "leerroute": leerroute}
    niveau = str(data.get("taalniveau_doel") or "").upper()
    if niveau in ("A2", "B1"):
        body["niveau"] = niveau
    return body


def duo_handler(call: ServiceCall) -> Any:
    """Check a PIP against DUO's rules and its OpenAPI document, queue it, and wait for DUO's answer."""
    kind = call.properties.get("bericht", "pip")
    if kind not in PIP_MESSAGES:
        raise HandlerError(f"DUO-bericht {kind!r} bestaat niet in de DUO-koppeling (alleen pip en pip_gewijzigd)")
    data = {**call.data, **call.inputs}
    reasons = check_pip_for_duo(data)
    if reasons:
        raise HandlerError("DUO zou dit PIP weigeren: " + "; ".join(reasons))
    bsn = str(data.get("bsn") or "")
    if len(bsn) != 9 or not bsn.isdigit():
        raise HandlerError("Het dossier heeft geen geldig BSN; DUO kan het PIP niet koppelen")
    body = pip_body(data)
    exchange = Exchange(method="post", path=f"/personen/{bsn}/PIP", body=body, headers={
        "bron": PLACEHOLDER_OIN, "doel": PLACEHOLDER_OIN, "berichtId": "00000000-0000-4000-8000-000000000000"})
    problems = duo_contract("PIP").request_problems(exchange)
    if problems:
        raise HandlerError("Het PIP past niet bij DUO's specificatie: " + "; ".join(problems))
    row = call.session.execute(select(DuoBericht).where(
        DuoBericht.richting == UIT, DuoBericht.case_id == call.case_id, DuoBericht.task_id == call.task_id,
    )).scalar_one_or_none()
    if row is not None and row.status == ONTVANGEN_DOOR_DUO:
        return {"duo_pip_ontvangen_op": row.bijgewerkt_op.date().isoformat()}
    if row is None:
        row = DuoBericht(richting=UIT, soort=kind, gemeente=call.gemeente, case_id=call.case_id,
                         task_id=call.task_id, element_id=call.element_id, pogingen=0, aangemaakt_op=call.now)
        call.session.add(row)
    elif row.status not in (GEWEIGERD_DOOR_DUO, MISLUKT, WACHTRIJ, BEZIG):
        raise HandlerError(f"Het PIP voor DUO staat al op {row.status}")
    row.bsn, row.inhoud, row.status, row.reden, row.bijgewerkt_op = bsn, body, WACHTRIJ, None, call.now
    call.session.flush()
    service = call.session.info.get(SERVICE_KEY)
    if service is None or not service.configured:
        # No DUO connection in this installation: the PIP waits in the outbox (visible to the
        # beheerder) and the klantreis goes on; a sender configured later still delivers it.
        row.reden = "Geen DUO-koppeling ingesteld (REGIE_DUO_URL)"
        return {f"duo_{kind}_gemeld_op": call.now.date().isoformat(), "duo_pip_status": "in de wachtrij voor DUO"}
    call.after_commit.append(service.deliver_pending)
    return Wait("Wacht op ontvangst door DUO")
