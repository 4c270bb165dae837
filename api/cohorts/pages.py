"""Web pages of the brugklas: the cohorts ahead, one cohort's roster, sessions and attendance."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.cohorts import services as cohort_services
from api.deps import FormDep, Now, SessionDep, WebUser
from api.security import flash
from api.templating import render
from engine.bpmn.scripting import LOCAL_TZ
from engine.errors import Invalid

router = APIRouter()


def _form(posted) -> dict[str, str]:
    return {key: str(value) for key, value in posted.items() if isinstance(value, str)}


def _refused(request: Request, exc: Invalid, back: str) -> Response:
    details = "; ".join(exc.field_errors.values())
    flash(request, f"{exc.message}: {details}" if details else exc.message, "error")
    return RedirectResponse(back, status_code=303)


@router.get("/brugklas")
def brugklas_page(request: Request, session: SessionDep, user: WebUser, now: Now) -> Response:
    """The cohorts that have not ended, with their seats, and (for planners) a form for a new one."""
    today = now.astimezone(LOCAL_TZ).date()
    data = cohort_services.overview(session=session, user=user, today=today)
    return render(request, "cohorts.html", {"title": "Brugklas", "user": user, "now": now, "today": today, **data})


@router.post("/brugklas")
def create_cohort(request: Request, session: SessionDep, user: WebUser, now: Now, posted: FormDep) -> Response:
    """Add a cohort by hand."""
    try:
        cohort = cohort_services.create(session=session, user=user, form=_form(posted), now=now)
    except Invalid as exc:
        return _refused(request, exc, "/brugklas")
    flash(request, f"Groep {cohort.naam} is aangemaakt.")
    return RedirectResponse(f"/brugklas/{cohort.id}", status_code=303)


@router.post("/brugklas/instellingen")
def save_settings(request: Request, session: SessionDep, user: WebUser, now: Now, posted: FormDep) -> Response:
    """Store the gemeente's fixed start moments, length and group size."""
    try:
        cohort_services.save_settings(session=session, user=user, form=_form(posted), now=now)
    except Invalid as exc:
        return _refused(request, exc, "/brugklas")
    flash(request, "De instellingen van de brugklas zijn opgeslagen.")
    return RedirectResponse("/brugklas", status_code=303)


@router.get("/brugklas/{cohort_id}")
def cohort_page(cohort_id: int, request: Request, session: SessionDep, user: WebUser, now: Now) -> Response:
    """One cohort: who is in it, the sessions, and who attended each."""
    data = cohort_services.detail(session=session, user=user, cohort_id=cohort_id, now=now)
    return render(request, "cohort.html", {"title": data["cohort"].naam, "user": user, "now": now, **data})


@router.post("/brugklas/{cohort_id}/sessies")
def add_session(cohort_id: int, request: Request, session: SessionDep, user: WebUser, posted: FormDep) -> Response:
    """Plan a session of the cohort."""
    try:
        cohort_services.add_session(session=session, user=user, cohort_id=cohort_id, form=_form(posted))
    except Invalid as exc:
        return _refused(request, exc, f"/brugklas/{cohort_id}")
    flash(request, "De bijeenkomst is toegevoegd.")
    return RedirectResponse(f"/brugklas/{cohort_id}", status_code=303)


@router.post("/brugklas/{cohort_id}/sessies/{sessie_id}/aanwezigheid")
def register_attendance(cohort_id: int, sessie_id: int, request: Request, session: SessionDep, user: WebUser,
                        now: Now, posted: FormDep) -> Response:
    """Record who was there (ticked) and who was not (not ticked)."""
    present = {str(value) for value in posted.getlist("aanwezig")}
    try:
        count = cohort_services.register(session=session, user=user, cohort_id=cohort_id, sessie_id=sessie_id,
                                         present=present, now=now)
    except Invalid as exc:
        return _refused(request, exc, f"/brugklas/{cohort_id}")
    flash(request, f"Aanwezigheid van {count} deelnemers is opgeslagen.")
    return RedirectResponse(f"/brugklas/{cohort_id}", status_code=303)
