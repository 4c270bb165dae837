"""`/beheer/duo`: the beheerder sees every exchange with DUO, in and out, and requeues a notification.

A page of its own, to be linked from the beheer menu. A PIP that DUO refused or could not
receive is an incident on its case; retrying that incident sends it again.
"""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import RedirectResponse, Response

from api.auth.permissions import has_role
from api.deps import Now, SessionDep, WebUser
from api.security import flash
from api.templating import render
from engine import audit
from engine.duo.exchanges import list_exchanges, resend_notification
from engine.duo.service import connect
from engine.errors import Forbidden

router = APIRouter()
FILTERS = {"": "Alle berichten", "in": "Van DUO", "uit": "Naar DUO", "problemen": "Met een probleem"}


def _beheerder(user) -> None:
    if not has_role(user, "beheerder"):
        raise Forbidden("Alleen een beheerder ziet de berichten met DUO.")


@router.get("/beheer/duo")
def duo_berichten(request: Request, session: SessionDep, user: WebUser, now: Now, filter: str = "",
                  voor: int | None = None) -> Response:
    """List the exchanges with DUO of the user's gemeente, newest first."""
    _beheerder(user)
    rows = list_exchanges(session, gemeente=user.gemeente, richting=filter if filter in ("in", "uit") else None,
                          only_problems=filter == "problemen", limit=100, before_id=voor)
    audit.record(session=session, actor=user.username, action="duo_berichten_bekeken", at=now,
                 gemeente=user.gemeente, detail={"filter": filter, "aantal": len(rows)})
    return render(request, "duo_beheer.html", {"title": "Berichten met DUO", "user": user, "rows": rows,
                                               "filters": FILTERS, "filter": filter,
                                               "verbonden": connect(request.app.state.runtime).configured})


@router.post("/beheer/duo/{exchange_id}/opnieuw")
def opnieuw_verwerken(request: Request, exchange_id: int, session: SessionDep, user: WebUser, now: Now,
                      background: BackgroundTasks) -> Response:
    """Put a notification that was not processed back in the queue (after fixing the cause)."""
    _beheerder(user)
    bericht = resend_notification(session, gemeente=user.gemeente, exchange_id=exchange_id, now=now)
    audit.record(session=session, actor=user.username, action="duo_opnieuw", at=now, gemeente=user.gemeente,
                 case_id=bericht.case_id, detail={"bericht": exchange_id})
    background.add_task(connect(request.app.state.runtime).process_notification, exchange_id)
    flash(request, "De notificatie wordt opnieuw verwerkt.")
    return RedirectResponse("/beheer/duo", status_code=303)
