"""The print street: one PDF of the day's postal letters, which marks them sent."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from api.deps import CurrentUser, FormDep, Now, SessionDep, WebUser
from api.letters import services as letter_service
from api.templating import render
from engine.bpmn.scripting import LOCAL_TZ
from engine.errors import Invalid

router = APIRouter()
api_router = APIRouter(tags=["brieven"])


class PrintBatchIn(BaseModel):
    """Which day's approved postal letters to print."""

    day: date


def _pdf(content: bytes, day: date) -> Response:
    return Response(content, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="printbatch-{day.isoformat()}.pdf"'})


def _day(raw: str | None, now) -> date:
    if not raw:
        return now.astimezone(LOCAL_TZ).date()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid("Ongeldige datum", field_errors={"day": "Gebruik de vorm JJJJ-MM-DD."}) from None


@router.get("/post")
def post_page(request: Request, session: SessionDep, user: WebUser, now: Now, day: str | None = None) -> Response:
    """Show the letters approved for the post on a day, with the button for the print batch."""
    chosen = _day(day, now)
    letters = letter_service.postal_letters(session=session, user=user, day=chosen)
    return render(request, "post.html", {
        "title": "Post", "user": user, "now": now, "day": chosen, "letters": letters,
        "pdf_available": letter_service.pdf_available(),
    })


@router.post("/post/printbatch")
def print_batch_page(session: SessionDep, user: WebUser, now: Now, posted: FormDep) -> Response:
    """Make the day's print batch (one PDF) and mark those letters sent."""
    chosen = _day(str(posted.get("day") or ""), now)
    return _pdf(letter_service.make_print_batch(session=session, user=user, day=chosen, now=now), chosen)


@api_router.post("/letters/print-batch", response_class=Response,
                 responses={200: {"content": {"application/pdf": {}}}})
def print_batch_api(body: PrintBatchIn, session: SessionDep, user: CurrentUser, now: Now) -> Response:
    """Return one PDF of the day's approved postal letters and mark them sent."""
    return _pdf(letter_service.make_print_batch(session=session, user=user, day=body.day, now=now), body.day)
