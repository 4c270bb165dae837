"""`POST /api/coa/klantprofielen`: COA delivers a klantprofiel (format regie-coa-klantprofiel/1).

multipart/form-data with two parts: `klantprofiel` (JSON, engine/coa/klantprofiel-v1.schema.json)
and `document` (the profile as PDF). Only COA's system account (bearer token) gets in.
"""

from __future__ import annotations

import hmac
import json

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from engine.coa.klantprofiel import receive_klantprofiel
from engine.db.session import transaction
from engine.errors import AppError, Invalid

router = APIRouter()


@router.post("/coa/klantprofielen", status_code=201, tags=["COA"])
async def klantprofiel_ontvangen(request: Request) -> JSONResponse:
    """Receive COA's klantprofiel and put it on the inburgeraar's case."""
    rt = request.app.state.runtime
    token = rt.settings.coa_token
    given = request.headers.get("authorization", "")
    if not token or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return JSONResponse({"detail": "Alleen het systeemaccount van het COA mag klantprofielen sturen"},
                            status_code=401, headers={"WWW-Authenticate": "Bearer"})
    form = await request.form()
    try:
        raw = form.get("klantprofiel")
        if raw is None:
            raise Invalid("Het klantprofiel ontbreekt", field_errors={"klantprofiel": "verplicht deel (JSON)"})
        text = raw if isinstance(raw, str) else (await raw.read()).decode("utf-8")
        try:
            velden = json.loads(text)
        except json.JSONDecodeError as exc:
            raise Invalid("Het klantprofiel is geen geldige JSON",
                          field_errors={"klantprofiel": f"{exc.msg} op regel {exc.lineno}"}) from None
        document = form.get("document")
        if document is None or isinstance(document, str):
            raise Invalid("Het document ontbreekt", field_errors={"document": "verplicht deel (PDF)"})
        content = await document.read()
        with transaction(rt.session_factory) as session:
            profiel = receive_klantprofiel(session=session, engine=rt.engine, velden=velden, document=content,
                                           document_naam=document.filename or "klantprofiel.pdf",
                                           document_type=document.content_type or "", now=rt.clock.now(session))
            answer = {"id": profiel.id, "status": profiel.status}
    except AppError as exc:
        return JSONResponse({"detail": exc.message, "field_errors": exc.field_errors}, status_code=exc.status)
    return JSONResponse(answer, status_code=201)
