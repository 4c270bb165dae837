"""Web pages of the partner portal (/partner), the DUO comparison on the case, the provider report."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import FormDep, Now, Runtime, SessionDep, WebUser
from api.partners import services
from api.security import flash
from api.templating import render
from engine.errors import Invalid
from engine.partners.hours import MODULES, format_hours, week_label
from engine.partners.signals import CATEGORIES

router = APIRouter()


def _form(posted) -> dict[str, str]:
    return {key: str(value) for key, value in posted.items() if isinstance(value, str)}


def _echo(form: dict[str, str]) -> dict[str, str]:
    """What a refused form shows again: never a nine-digit number (a BSN) someone typed."""
    return {key: re.sub(r"(?<!\d)\d{9}(?!\d)", "", value) for key, value in form.items()}


@router.get("/partner")
def partner_home(request: Request, session: SessionDep, runtime: Runtime, user: WebUser, now: Now) -> Response:
    """The partner's linked inburgeraars: the agreed offer and the hours so far."""
    data = services.home(session=session, runtime=runtime, user=user, now=now)
    return render(request, "partners/home.html", {"title": "Mijn deelnemers", "user": user, "now": now, **data})


def _person(request: Request, session, runtime, user, now, case_id: str, *, errors=None, values=None,
            status_code: int = 200, open_form: str = "") -> Response:
    data = services.person_page(session=session, runtime=runtime, user=user, case_id=case_id, now=now)
    return render(request, "partners/person.html", {
        "title": data["person"].naam, "user": user, "now": now, "errors": errors or {}, "values": values or {},
        "open_form": open_form, "week_label": week_label, **data}, status_code=status_code)


@router.get("/partner/{case_id}")
def partner_person(case_id: str, request: Request, session: SessionDep, runtime: Runtime, user: WebUser,
                   now: Now) -> Response:
    """One linked inburgeraar: register hours and attendance, write a progress note, send a signal."""
    return _person(request, session, runtime, user, now, case_id)


@router.post("/partner/{case_id}/uren")
def register_hours(case_id: str, request: Request, session: SessionDep, runtime: Runtime, user: WebUser, now: Now,
                   posted: FormDep) -> Response:
    """Store a week's hours of one module; wrong input is shown at its field (422)."""
    form = _form(posted)
    try:
        done = services.register(session=session, runtime=runtime, user=user, case_id=case_id, form=form, now=now)
    except Invalid as exc:
        return _person(request, session, runtime, user, now, case_id, errors=exc.field_errors, values=_echo(form),
                       status_code=422, open_form="uren")
    module = MODULES[done.row.module].label
    flash(request, f"{module}: {format_hours(done.row.uren)} uur in {week_label(done.row.week)} is opgeslagen. "
                   f"Totaal lesuren nu {format_hours(done.totals.uren_cursus)}, "
                   f"participatie {format_hours(done.totals.uren_participatie)}.")
    return RedirectResponse(f"/partner/{case_id}", status_code=303)


@router.post("/partner/{case_id}/signaal")
def send_signal(case_id: str, request: Request, session: SessionDep, runtime: Runtime, user: WebUser, now: Now,
                posted: FormDep) -> Response:
    """Send a signal to the klantmanager; wrong input is shown at its field (422)."""
    form = _form(posted)
    try:
        row = services.signal(session=session, runtime=runtime, user=user, case_id=case_id, form=form, now=now)
    except Invalid as exc:
        return _person(request, session, runtime, user, now, case_id, errors=exc.field_errors, values=_echo(form),
                       status_code=422, open_form="signaal")
    flash(request, f"Het signaal ({CATEGORIES[row.categorie].lower()}) is verstuurd naar de klantmanager.")
    return RedirectResponse(f"/partner/{case_id}", status_code=303)


@router.post("/zaken/{case_id}/duo-uren")
def fetch_duo_hours(case_id: str, request: Request, session: SessionDep, runtime: Runtime, user: WebUser,
                    now: Now) -> Response:
    """Ask DUO for the person's GevolgdeUren and show them beside the partners' hours."""
    stand = services.fetch_duo(session=session, runtime=runtime, user=user, case_id=case_id, now=now)
    if stand.fout:
        flash(request, stand.fout, "warning")
    else:
        flash(request, "De uren van DUO zijn opgehaald.")
    return RedirectResponse(f"/zaken/{case_id}#partner-uren", status_code=303)


@router.get("/partners/rapportage")
def provider_report(request: Request, session: SessionDep, user: WebUser, now: Now, maand: str | None = None) -> Response:
    """The monthly report per provider for contract management."""
    try:
        data = services.report_data(session=session, user=user, month=maand, now=now, fmt="html")
    except Invalid as exc:
        flash(request, "; ".join(exc.field_errors.values()) or exc.message, "error")
        data = services.report_data(session=session, user=user, month=None, now=now, fmt="html")
    return render(request, "partners/report.html", {"title": "Rapportage aanbieders", "user": user, "now": now, **data})


@router.get("/partners/rapportage.csv")
def provider_report_csv(session: SessionDep, user: WebUser, now: Now, maand: str | None = None) -> Response:
    """The same report as CSV."""
    data = services.report_data(session=session, user=user, month=maand, now=now, fmt="csv")
    return Response(data["csv"], media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="rapportage-aanbieders-{data["maand"]}.csv"',
        "Cache-Control": "no-store"})
