"""Web pages of the monitoring: the dashboard, the team's week, the cases behind a number, exports,
the forecast, the evaluation PDF and the satisfaction questionnaire."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.auth import permissions
from api.deps import FormDep, Now, Runtime, SessionDep, WebUser
from api.monitoring import services
from api.monitoring.access import MonitoringAccess
from api.monitoring.charts import svg_chart
from api.security import flash
from api.templating import render
from engine.db.models import Case
from engine.errors import Forbidden, Invalid, NotFound
from engine.monitoring import catalog, export
from engine.monitoring.indicators import INDICATORS, dashboard
from engine.monitoring.satisfaction import FORM_ID, record_answers

router = APIRouter()


def _context(request: Request, scope, session, now: datetime, **extra):
    query = dict(request.query_params)
    return {"user": scope.user, "now": now, "scope": scope, "query": query,
            "teams": services.teams(session, scope), "doelgroepen": catalog.DOELGROEPEN,
            "leerroutes": catalog.LEERROUTES, **extra}


def _query_string(request: Request, **changes) -> str:
    params = {k: v for k, v in request.query_params.items() if v and k not in ("indicator", "rij", "reeks")}
    params.update({k: str(v) for k, v in changes.items()})
    from urllib.parse import urlencode

    return urlencode(params)


@router.get("/monitoring")
def dashboard_page(request: Request, session: SessionDep, scope: MonitoringAccess, now: Now) -> Response:
    """Show the beleidsplan's indicators as charts with a table beside each."""
    try:
        f = services.filters_from(request.query_params, scope, session, now.date())
    except Invalid as exc:
        return render(request, "monitoring/dashboard.html", _context(
            request, scope, session, now, title="Sturingsinformatie", figures=[], errors=exc.field_errors,
            filters=None), status_code=422)
    figures = dashboard(session, f, scope.settings)
    return render(request, "monitoring/dashboard.html", _context(
        request, scope, session, now, title="Sturingsinformatie", figures=figures, errors={}, filters=f,
        drill_base="/monitoring/zaken?" + _query_string(request)))


@router.get("/monitoring/zaken")
def cases_page(request: Request, session: SessionDep, scope: MonitoringAccess, now: Now,
               indicator: str = "", rij: int = -1, reeks: str = "") -> Response:
    """List the cases behind one number of the dashboard (teamleiders)."""
    f = services.filters_from(request.query_params, scope, session, now.date())
    cases = services.list_cases(session, scope, f, indicator, rij, reeks, now)
    title = INDICATORS[indicator].__doc__ or indicator
    return render(request, "monitoring/zaken.html", _context(
        request, scope, session, now, title="Zaken achter een cijfer", cases=cases, indicator_title=title,
        reeks=reeks, back="/monitoring?" + _query_string(request)))


@router.get("/monitoring/team")
def team_page(request: Request, session: SessionDep, scope: MonitoringAccess, now: Now) -> Response:
    """Show the team's week: caseload, legal deadlines at risk, incidents, letters waiting."""
    week = services.team_week(session, scope, now)
    return render(request, "monitoring/team.html", _context(
        request, scope, session, now, title="Team deze week", week=week, risk_days=services.RISK_DAYS,
        labels=catalog.TASK_LABELS))


@router.get("/monitoring/export")
def export_page(request: Request, session: SessionDep, scope: MonitoringAccess, now: Now) -> Response:
    """Show the export tables and their documented columns, with download links."""
    return render(request, "monitoring/export.html", _context(
        request, scope, session, now, title="Export", tables=export.TABLES, qs=_query_string(request)))


@router.get("/monitoring/export.csv")
def export_csv(request: Request, session: SessionDep, scope: MonitoringAccess, now: Now,
               tabel: str = "zaken") -> Response:
    """Download one table as CSV."""
    f = services.filters_from(request.query_params, scope, session, now.date())
    if tabel not in export.TABLES:
        raise Invalid("Onbekende tabel", field_errors={"tabel": "kies uit " + ", ".join(export.TABLES)})
    body = export.to_csv(session, tabel, f, scope.settings)
    return Response(body.encode("utf-8-sig"), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="regie-{tabel}-{f.van}-{f.tot}.csv"'})


@router.get("/monitoring/export.xlsx")
def export_xlsx(request: Request, session: SessionDep, scope: MonitoringAccess, now: Now) -> Response:
    """Download every table as one XLSX workbook (with a sheet documenting the columns)."""
    f = services.filters_from(request.query_params, scope, session, now.date())
    body = export.to_xlsx(session, list(export.TABLES), f, scope.settings)
    return Response(body, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="regie-monitoring-{f.van}-{f.tot}.xlsx"'})


@router.get("/monitoring/evaluatie.pdf")
def evaluation_pdf(request: Request, session: SessionDep, scope: MonitoringAccess, now: Now) -> Response:
    """Make the evaluation pack (PDF) for the chosen period: every figure with its chart and table."""
    from engine.monitoring.pdf import html_to_pdf

    f = services.filters_from(request.query_params, scope, session, now.date())
    figures = dashboard(session, f, scope.settings)
    html = request.app.state.templates.get_template("monitoring/evaluatie.html").render(
        figures=[(fig, svg_chart(fig)) for fig in figures], filters=f, now=now, user=scope.user,
        doelgroepen=catalog.DOELGROEPEN, leerroutes=catalog.LEERROUTES)
    pdf = html_to_pdf(html)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="evaluatie-inburgering-{f.van}-{f.tot}.pdf"'})


@router.get("/monitoring/prognose")
def forecast_page(request: Request, session: SessionDep, scope: MonitoringAccess, now: Now) -> Response:
    """Show the capacity forecast form, and the forecast when asked for."""
    from engine.forecast.service import run_forecast
    from engine.forecast.simulate import METRIC_LABELS

    query = request.query_params
    result, spec, notes, timings, errors = None, None, [], {}, {}
    if query.get("bereken"):
        overrides, errors = _forecast_overrides(query)
        if not errors:
            try:
                result, spec, notes, timings = run_forecast(session, gemeente=scope.user.gemeente,
                                                            today=now.date(), overrides=overrides)
            except Invalid as exc:
                errors = exc.field_errors or {"prognose": exc.message}
    return render(request, "monitoring/prognose.html", _context(
        request, scope, session, now, title="Prognose werklast", result=result, spec=spec, notes=notes,
        timings=timings, errors=errors, labels=METRIC_LABELS), status_code=422 if errors else 200)


def _forecast_overrides(query) -> tuple[dict, dict[str, str]]:
    overrides: dict = {}
    errors: dict[str, str] = {}
    for name, key, kind, low, high in (("maanden", "months", int, 1, 60), ("runs", "runs", int, 1, 500),
                                       ("seed", "seed", int, 0, 10**9)):
        text = (query.get(name) or "").strip()
        if text:
            try:
                value = kind(text)
                if not low <= value <= high:
                    raise ValueError
                overrides[key] = value
            except ValueError:
                errors[name] = f"Kies een heel getal van {low} tot {high}."
    instroom = {}
    for name, doelgroep in (("statushouders", "asielstatushouder"), ("gezinsmigranten", "gezinsmigrant")):
        text = (query.get(name) or "").strip().replace(",", ".")
        if text:
            try:
                instroom[doelgroep] = float(text)
                if instroom[doelgroep] < 0 or instroom[doelgroep] > 5000:
                    raise ValueError
            except ValueError:
                errors[name] = "Vul een aantal per maand in (0 tot 5000)."
    if len(instroom) == 2:
        overrides["instroom"] = instroom
    elif instroom:
        errors["statushouders" if "asielstatushouder" not in instroom else "gezinsmigranten"] = \
            "Vul beide aantallen in, of geen van beide (dan telt de historie)."
    if query.get("landelijk"):
        overrides["landelijk"] = True
    return overrides, errors


# -- the satisfaction questionnaire (klantmanagers, after MB, MAP or PVT) -------------------

def _case_for_questionnaire(session, user, case_id: str) -> Case:
    if not permissions.has_role(user, "consulent", "teamleider"):
        raise Forbidden("Alleen klantmanagers nemen de vragenlijst af.")
    case = session.get(Case, case_id)
    if case is None or case.gemeente != user.gemeente:
        raise NotFound("Dit dossier bestaat niet")
    return case


@router.get("/zaken/{case_id}/tevredenheid")
def questionnaire(case_id: str, request: Request, session: SessionDep, runtime: Runtime, user: WebUser,
                  now: Now) -> Response:
    """Show the satisfaction questionnaire for a case."""
    from api.tasks.forms_html import render_form_html

    case = _case_for_questionnaire(session, user, case_id)
    form = runtime.engine.form_definition(session, FORM_ID)
    form_html = render_form_html(form, values={"onderdeel": request.query_params.get("onderdeel", "")}, errors={},
                                 context={}, now=now) if form else None
    return render(request, "monitoring/tevredenheid.html", {"title": "Vragenlijst tevredenheid", "user": user,
                                                            "case": case, "form_html": form_html})


@router.post("/zaken/{case_id}/tevredenheid")
def save_questionnaire(case_id: str, request: Request, session: SessionDep, runtime: Runtime, user: WebUser,
                       now: Now, posted: FormDep) -> Response:
    """Store the answers (validated against the form) and go back to the case."""
    from api.tasks.forms_html import render_form_html
    from api.tasks.pages import submitted_values

    case = _case_for_questionnaire(session, user, case_id)
    form = runtime.engine.form_definition(session, FORM_ID)
    submitted = submitted_values(form, posted) if form is not None else {}
    try:
        record_answers(session=session, form=form, case=case, submitted=submitted, actor=user.username, now=now)
    except Invalid as exc:
        form_html = render_form_html(form, values=submitted, errors=exc.field_errors, context={}, now=now)
        return render(request, "monitoring/tevredenheid.html", {"title": "Vragenlijst tevredenheid", "user": user,
                                                                "case": case, "form_html": form_html},
                      status_code=422)
    flash(request, "Dank u wel. De antwoorden zijn bewaard.")
    return RedirectResponse(f"/zaken/{case.id}", status_code=303)
