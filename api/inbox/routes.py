"""Web pages: the inbox, search (BSN by POST only), claim, unclaim and (bulk) reassign."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.auth import permissions
from api.deps import FormDep, Now, Runtime, SessionDep, WebUser, safe_next
from api.inbox import services as inbox_services
from api.security import flash
from api.tasks import services as task_services
from api.templating import render
from engine.casefile import inbox
from engine.db.models import User
from engine.errors import AppError, Invalid

router = APIRouter()

VIEW_TITLES = {
    "mine": "Mijn taken",
    "groups": "Taken van mijn groep",
    "team": "Alle taken van het team",
    "search": "Zoekresultaten",
}
SORT_LABELS = {
    "due": "Deadline",
    "priority": "Prioriteit",
    "legal": "Wettelijke termijn",
    "created": "Nieuwste eerst",
    "name": "Naam inburgeraar",
}


FILTER_LABELS = {"": "Alle", "overdue": "Te laat", "week": "Deze week", "followup": "Opvolgen"}


def _link(query: inbox.InboxQuery, **changes) -> str:
    """The inbox URL of `query` with `changes` (filters only: never a BSN or search text)."""
    params = query.params(**changes)
    return "/?" + urlencode(params) if params else "/"


def _inbox(request: Request, session, user: User, now, query: inbox.InboxQuery, *, search_bsn: str = "",
           cases=None, errors=None, status_code: int = 200) -> Response:
    page = inbox_services.inbox_page(session=session, user=user, query=query, now=now)
    options = inbox.filter_options(session=session, user=user)
    context = {
        "title": VIEW_TITLES[query.view],
        "user": user,
        "now": now,
        "page": page,
        "query": query,
        "counts": inbox.summary(session=session, user=user, now=now),
        "totals": inbox.totals(session=session, user=user, query=query, now=now),
        "options": options,
        "chosen": _chosen(query, options),
        "route_names": dict(options.routes),
        "doelgroep_names": dict(options.doelgroepen),
        "link": lambda **changes: _link(query, **changes),
        "filters": FILTER_LABELS,
        "sorts": SORT_LABELS,
        "is_teamleider": permissions.may(user, "tasks.assign"),
        "colleagues": task_services.colleagues(session=session, user=user) if permissions.may(user, "tasks.assign") else [],
        "search_has_bsn": bool(search_bsn),
        "cases": cases or [],
        "errors": errors or {},
    }
    return render(request, "inbox.html", context, status_code=status_code)


def _chosen(query: inbox.InboxQuery, options: inbox.FilterOptions) -> list[tuple[str, str]]:
    """The narrowing filters that are set, as (what, chosen value's label), for the page to say."""
    labels = [("Taak", query.task, dict(options.tasks)), ("Klantmanager", query.klantmanager, dict(options.klantmanagers)),
              ("Leerroute", query.route, dict(options.routes)), ("Doelgroep", query.doelgroep, dict(options.doelgroepen)),
              ("Brugklas", query.cohort, {c[0]: c[1] for c in options.cohorts})]
    return [(what, names.get(value, str(value))) for what, value, names in labels if value]


@router.get("/")
def inbox_page(
    request: Request,
    session: SessionDep,
    user: WebUser,
    now: Now,
    view: str = "mine",
    filter: str = "",
    sort: str = "due",
    page: int = 1,
    task: Annotated[str, Query(max_length=100)] = "",
    klantmanager: Annotated[str, Query(max_length=100)] = "",
    route: Annotated[str, Query(max_length=20)] = "",
    doelgroep: Annotated[str, Query(max_length=40)] = "",
    cohort: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    """Show the inbox: my tasks, my groups' tasks or the team's, sorted and filtered (filters in the URL)."""
    view = view if view in VIEW_TITLES and view != "search" else "mine"
    errors = {} if not cohort or cohort.isdigit() else {"cohort": "Deze brugklasgroep bestaat niet."}
    query = inbox.InboxQuery(view=view, filter=filter, sort=sort, page=page, task=task, klantmanager=klantmanager,
                             route=route, doelgroep=doelgroep, cohort=int(cohort) if cohort.isdigit() else None)
    if not errors:
        try:
            inbox.check_query(session=session, user=user, query=query)
        except Invalid as exc:
            errors = exc.field_errors or {"filter": exc.message}
    if errors:
        return _inbox(request, session, user, now, inbox.InboxQuery(view=view), errors=errors, status_code=422)
    return _inbox(request, session, user, now, query)


@router.post("/zoeken")
def search(request: Request, session: SessionDep, user: WebUser, now: Now, form: FormDep) -> Response:
    """Search open tasks and cases by name, case number or exact BSN (posted, never in the URL)."""
    text = str(form.get("text") or "").strip()
    bsn = "".join(ch for ch in str(form.get("bsn") or "") if ch.isdigit())
    page = int(form.get("page") or 1) if str(form.get("page") or "1").isdigit() else 1
    query = inbox.InboxQuery(view="search", text=text, bsn=bsn, page=page)
    try:
        cases = inbox_services.search_cases(session=session, user=user, now=now, text=text, bsn=bsn)
    except AppError as exc:
        fallback = inbox.InboxQuery(view="mine")
        return _inbox(request, session, user, now, fallback, errors=exc.field_errors or {"text": exc.message},
                      status_code=exc.status)
    return _inbox(request, session, user, now, query, search_bsn=bsn, cases=cases)


@router.post("/taken/{task_id}/claimen")
def claim(task_id: str, request: Request, session: SessionDep, runtime: Runtime, user: WebUser) -> Response:
    """Take a task and open it."""
    task_services.claim(session=session, runtime=runtime, user=user, task_id=task_id)
    flash(request, "De taak staat nu op uw naam.")
    return RedirectResponse(f"/taken/{task_id}", status_code=303)


@router.post("/taken/{task_id}/vrijgeven")
def unclaim(task_id: str, request: Request, session: SessionDep, runtime: Runtime, user: WebUser,
            form: FormDep) -> Response:
    """Give a task back to its group."""
    task_services.unclaim(session=session, runtime=runtime, user=user, task_id=task_id)
    flash(request, "De taak is vrijgegeven voor uw groep.")
    return RedirectResponse(safe_next(str(form.get("next") or "")), status_code=303)


@router.post("/taken/toewijzen")
def assign_many(
    request: Request,
    session: SessionDep,
    runtime: Runtime,
    user: WebUser,
    form: FormDep,
    assignee: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Give the chosen tasks to a colleague, with a reason (teamleider)."""
    task_ids = [str(t) for t in form.getlist("task_ids")]
    tasks = task_services.assign(session=session, runtime=runtime, user=user, task_ids=task_ids, assignee=assignee,
                            reason=reason)
    flash(request, "1 taak toegewezen." if len(tasks) == 1 else f"{len(tasks)} taken toegewezen.")
    return RedirectResponse(safe_next(str(form.get("next") or ""), "/?view=team"), status_code=303)
