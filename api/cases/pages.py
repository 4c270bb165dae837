"""Web pages: the case page (diagram, dossier, letters, notes, timeline), notes, retry, letter review."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.auth import permissions
from api.beheer import services as beheer_services
from api.beheer.access import BeheerUser
from api.cases import services as case_services
from api.deps import FormDep, Now, Runtime, SessionDep, WebUser, safe_next
from api.letters import services as letter_service
from api.partners import services as partner_services
from api.security import flash
from api.templating import render
from engine.errors import Conflict, Invalid, NotFound

router = APIRouter()


@router.get("/zaken/{case_id}")
def case_page(case_id: str, request: Request, session: SessionDep, runtime: Runtime, user: WebUser,
              now: Now) -> Response:
    """Show the case: where it is in the diagram, the dossier, letters, notes and what happened."""
    found = case_services.case_dossier(session=session, runtime=runtime, user=user, case_id=case_id, now=now)
    diagram = case_services.diagram_page_data(session=session, runtime=runtime, user=user, case_id=case_id)
    context = {
        "title": f"Dossier {found.case.case_number}",
        "user": user,
        "now": now,
        "case": found.case,
        "dossier": found,
        "diagram": diagram,
        "is_beheerder": permissions.may(user, "incidents.retry"),
        "may_review": permissions.may(user, "letters.review"),
        "may_pw": permissions.may(user, "pw.maatregelen"),
        "pw_maatregelen": case_services.pw_maatregelen_view(found.variables),
        "note_error": None,
    }
    context["owner"], context["owner_choices"] = case_services.owner_view(session=session, user=user, case=found.case)
    context["team_choices"] = case_services.team_choices(session=session, user=user, case=found.case)
    context["partners"] = partner_services.case_section(session=session, user=user, case=found.case,
                                                       variables=found.variables)
    return render(request, "case.html", context)


@router.post("/zaken/{case_id}/notities")
def add_note(case_id: str, request: Request, session: SessionDep, user: WebUser, now: Now,
             posted: FormDep) -> Response:
    """Add a note to the case and go back to where it was written."""
    back = safe_next(str(posted.get("next") or ""), f"/zaken/{case_id}")
    try:
        case_services.add_note(session=session, user=user, case_id=case_id, text=str(posted.get("text") or ""), now=now)
    except Invalid as exc:
        flash(request, exc.field_errors.get("text", exc.message), "error")
        return RedirectResponse(back, status_code=303)
    flash(request, "De notitie is toegevoegd.")
    return RedirectResponse(back, status_code=303)


@router.post("/zaken/{case_id}/klantmanager")
def set_klantmanager(case_id: str, request: Request, session: SessionDep, runtime: Runtime, user: WebUser, now: Now,
                     posted: FormDep) -> Response:
    """Change who is responsible for the case, with a reason."""
    try:
        case = case_services.set_klantmanager(session=session, runtime=runtime, user=user, case_id=case_id,
                                              username=str(posted.get("klantmanager") or ""),
                                              reason=str(posted.get("reden") or ""), now=now)
    except Invalid as exc:
        flash(request, "; ".join(exc.field_errors.values()) or exc.message, "error")
        return RedirectResponse(f"/zaken/{case_id}", status_code=303)
    flash(request, "De klantmanager is gewijzigd.")
    return RedirectResponse(f"/zaken/{case.id}", status_code=303)


@router.post("/zaken/{case_id}/team")
def move_team(case_id: str, request: Request, session: SessionDep, runtime: Runtime, user: WebUser, now: Now,
              posted: FormDep) -> Response:
    """Give the case to another team, with a reason (teamleider)."""
    raw = str(posted.get("team_id") or "")
    try:
        case = case_services.move_team(session=session, runtime=runtime, user=user, case_id=case_id,
                                       team_id=int(raw) if raw.isdigit() and len(raw) < 10 else None,
                                       reason=str(posted.get("reden") or ""), now=now)
    except Invalid as exc:
        flash(request, "; ".join(exc.field_errors.values()) or exc.message, "error")
        return RedirectResponse(f"/zaken/{case_id}", status_code=303)
    if not case_services.still_visible(session=session, user=user, case_id=case.id):
        flash(request, "Het dossier is naar het andere team gegaan. U ziet het niet meer.")
        return RedirectResponse("/", status_code=303)
    flash(request, "Het team is gewijzigd.")
    return RedirectResponse(f"/zaken/{case.id}", status_code=303)


@router.post("/storingen/{incident_id}/opnieuw")
def retry_incident(incident_id: int, request: Request, session: SessionDep, runtime: Runtime,
                   user: BeheerUser) -> Response:
    """Run the failed step again (beheerder) and say truthfully whether it got through."""
    [outcome] = beheer_services.retry(session=session, runtime=runtime, user=user, incident_ids=[incident_id])
    if outcome.case_id is None:
        raise NotFound(outcome.message)
    if outcome.status == "geweigerd":
        raise Conflict(outcome.message)
    flash(request, outcome.message, "ok" if outcome.succeeded else "error")
    return RedirectResponse(f"/zaken/{outcome.case_id}", status_code=303)


@router.post("/brieven/{letter_id}/goedkeuren")
def approve_letter(letter_id: int, request: Request, session: SessionDep, runtime: Runtime, user: WebUser,
                   now: Now) -> Response:
    """Approve a letter waiting for review (four eyes)."""
    letter = letter_service.approve_letter(session=session, runtime=runtime, user=user, letter_id=letter_id, now=now)
    flash(request, f"Brief {letter.kenmerk} is goedgekeurd.")
    return RedirectResponse(f"/zaken/{letter.case_id}", status_code=303)


@router.post("/brieven/{letter_id}/afkeuren")
def reject_letter(letter_id: int, request: Request, session: SessionDep, runtime: Runtime, user: WebUser, now: Now,
                  posted: FormDep) -> Response:
    """Reject a letter waiting for review, with a reason."""
    letter = letter_service.reject_letter(session=session, runtime=runtime, user=user, letter_id=letter_id,
                                    reason=str(posted.get("reason") or ""), now=now)
    flash(request, f"Brief {letter.kenmerk} is afgekeurd.")
    return RedirectResponse(f"/zaken/{letter.case_id}", status_code=303)
