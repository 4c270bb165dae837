"""`POST /api/cases/{id}/pw-maatregelen` and the case page's form: record a Pw 18/18b maatregel.

The Pw system account sends the same facts as the message `pw_maatregel` on `POST /api/messages`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from api.deps import FormDep, Runtime, SessionDep, WebUser, CurrentUser
from api.pw import services
from api.security import flash
from engine.errors import Conflict, Invalid

api_router = APIRouter(tags=["zaken"])
router = APIRouter()


class MaatregelIn(BaseModel):
    """A Pw 18/18b maatregel: the besluit's date and kenmerk, the gedraging and the day of it."""

    datum: str | None = Field(None, max_length=10, description="Datum van het besluit (JJJJ-MM-DD)")
    gedraging: str | None = Field(None, max_length=100, description="De gedraging: '22', '23' of de code van de overtreding")
    besluit: str | None = Field(None, max_length=100, description="Kenmerk van het besluit van Werk en Inkomen")
    overtreding_datum: str | None = Field(None, max_length=10, description="Dag van de gedraging (JJJJ-MM-DD)")


class MaatregelenOut(BaseModel):
    """The maatregelen recorded on the case after this one."""

    pw_maatregelen: list[dict]


@api_router.post("/cases/{case_id}/pw-maatregelen", response_model=MaatregelenOut, status_code=201)
def record_maatregel(case_id: str, body: MaatregelIn, session: SessionDep, runtime: Runtime,
                     user: CurrentUser) -> MaatregelenOut:
    """Record a Pw 18/18b maatregel on a running case (Wet 27: a fine for the same gedraging stops)."""
    recorded = services.record(session=session, runtime=runtime, user=user, case_id=case_id,
                               fields=body.model_dump())
    return MaatregelenOut(pw_maatregelen=recorded)


LABELS = {"datum": "Datum van het besluit", "gedraging": "Gedraging", "besluit": "Kenmerk van het besluit",
          "overtreding_datum": "Dag van de gedraging"}


@router.post("/zaken/{case_id}/pw-maatregelen")
def record_maatregel_page(case_id: str, request: Request, session: SessionDep, runtime: Runtime, user: WebUser,
                          posted: FormDep) -> Response:
    """The case page's form: record the maatregel and go back to the case."""
    fields = {name: str(posted.get(name) or "").strip() for name in LABELS}
    try:
        services.record(session=session, runtime=runtime, user=user, case_id=case_id, fields=fields)
    except Invalid as exc:
        flash(request, "; ".join(f"{LABELS.get(k, k)}: {v}" for k, v in (exc.field_errors or {}).items())
              or exc.message, "error")
        return RedirectResponse(f"/zaken/{case_id}#pw-heading", status_code=303)
    except Conflict as exc:
        flash(request, exc.message, "error")
        return RedirectResponse(f"/zaken/{case_id}#pw-heading", status_code=303)
    flash(request, "De maatregel is vastgelegd. Een boete voor dezelfde gedraging op die dag komt er niet (artikel 27).")
    return RedirectResponse(f"/zaken/{case_id}#pw-heading", status_code=303)
