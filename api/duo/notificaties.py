"""DUO's Notificatie API, the gemeente side (engine/duo/specs/Notificatie.openapi.yml).

`POST {base}/notificaties` with the headers `bron` (DUO's OIN), `doel` (the gemeente's
OIN) and `berichtId`. Only DUO's system account gets in: a bearer token and/or the
client certificate a TLS-terminating proxy verified (Digikoppeling), whichever are
configured. The notification is stored and committed before the 201; the same
berichtId again gets 201 without a second effect. Every answer carries `API-Version`.
Processing (fetching the resource from DUO, acting on the case) runs after the answer.
"""

from __future__ import annotations

import hmac
import json
import logging

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse, Response

from engine.contract.openapi import Exchange
from engine.db.session import transaction
from engine.duo.client import duo_contract
from engine.duo.notifications import gemeente_by_oin, receive
from engine.duo.service import connect
from engine.errors import AppError

router = APIRouter()
log = logging.getLogger(__name__)
BASE_PATH = "/duo/v1"
MAX_FOUTTEKST = 200


def api_version() -> str:
    """Return the version of the Notificatie document this endpoint implements."""
    return duo_contract("Notificatie").version


def _answer(status: int, fouttekst: str | None = None) -> Response:
    headers = {"API-Version": api_version()}
    if fouttekst is None:
        return Response(status_code=status, headers=headers)
    return JSONResponse({"fouttekst": fouttekst[:MAX_FOUTTEKST]}, status_code=status, headers=headers)


def authenticated(request: Request, settings) -> bool:
    """Tell whether the caller is DUO's system account (every configured proof must hold)."""
    checks = []
    if settings.duo_token:
        given = request.headers.get("authorization", "")
        checks.append(hmac.compare_digest(given.encode(), f"Bearer {settings.duo_token}".encode()))
    if settings.duo_client_cert_header and settings.duo_client_cert_fingerprint:
        given = request.headers.get(settings.duo_client_cert_header, "").replace(":", "").lower()
        expected = settings.duo_client_cert_fingerprint.replace(":", "").lower()
        checks.append(hmac.compare_digest(given.encode(), expected.encode()))
    return bool(checks) and all(checks)


@router.post("/notificaties", status_code=201, include_in_schema=False)
async def opvoeren_notificatie(request: Request, background: BackgroundTasks) -> Response:
    """Store a DUO notification and acknowledge it; act on it after answering."""
    rt = request.app.state.runtime
    settings = rt.settings
    if not authenticated(request, settings):
        return _answer(401, "De afzender is niet geauthenticeerd als DUO")
    body = await request.body()
    headers = {k: v for k, v in request.headers.items() if k.lower() in ("bron", "doel", "berichtid")}
    exchange = Exchange(method="post", path="/notificaties", headers=headers, body=body,
                        content_type=request.headers.get("content-type", "").split(";")[0] or "application/json")
    problems = duo_contract("Notificatie").request_problems(exchange)
    if problems:
        return _answer(400, "; ".join(problems))
    payload = json.loads(body)
    if request.headers["bron"] != settings.duo_oin:
        return _answer(403, "bron: alleen DUO mag notificaties sturen")
    try:
        with transaction(rt.session_factory) as session:
            gemeente = gemeente_by_oin(session, request.headers["doel"])
            if gemeente is None:
                return _answer(403, "doel: deze gemeente is hier niet aangesloten")
            received = receive(session=session, bericht_id=request.headers["berichtid"], gemeente=gemeente.code,
                               body=payload, now=rt.clock.now(session))
            stored_id, duplicate = received.bericht.id, received.duplicate
    except AppError as exc:
        reason = "; ".join(f"{k}: {v}" for k, v in exc.field_errors.items()) or exc.message
        return _answer(400, reason)
    except Exception:  # stored nothing: DUO must try again later
        log.exception("Notificatie kon niet worden opgeslagen")
        return _answer(500, "De notificatie kon niet worden opgeslagen; probeer het later opnieuw")
    if not duplicate:
        background.add_task(connect(rt).process_notification, stored_id)
    return _answer(201)
