"""Web pages: the task page (form beside the dossier), submit, drafts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from api.auth import permissions
from api.deps import FormDep, Now, Runtime, SessionDep, WebUser
from api.security import CSRF_FIELD, flash
from api.tasks import services as task_services
from api.tasks.forms_html import render_form_html
from api.templating import render
from engine.errors import Conflict, Invalid
from engine.forms import default_values
from engine.forms.model import MULTI_TYPES

router = APIRouter()
TECHNICAL_FIELDS = frozenset({CSRF_FIELD, "action", "case_version", "next"})


def submitted_values(form_definition, posted: FormData) -> dict[str, Any]:
    """Return the posted values of the form's fields (lists for multi-choice fields)."""
    if form_definition is None:
        return {}
    values: dict[str, Any] = {}
    for component in form_definition.fields:
        if component.type in MULTI_TYPES:
            values[component.key] = [str(v) for v in posted.getlist(component.key)]
        elif component.key in posted:
            values[component.key] = str(posted.get(component.key))
    return values


def _task_page(request: Request, session, view: task_services.TaskView, user, now, *, values=None, errors=None,
               problem: str | None = None, status_code: int = 200) -> Response:
    if values is None:
        values = view.draft.data if view.draft is not None else (
            default_values(view.form, view.variables, now=now) if view.form is not None else {}
        )
    form_html = (
        render_form_html(view.form, values=values, errors=errors or {}, context=view.variables, now=now)
        if view.form is not None
        else None
    )
    context = {
        "title": view.task.name,
        "user": user,
        "now": now,
        "task": view.task,
        "case": view.case,
        "dossier": view.dossier,
        "form_html": form_html,
        "draft": view.draft,
        "problem": problem,
        "has_errors": bool(errors),
        "mine": view.task.assignee == user.username,
        "is_teamleider": permissions.may(user, "tasks.assign"),
        "is_beheerder": permissions.may(user, "incidents.retry"),
        "may_work": permissions.may_work_on(user, view.task),
        "may_review": permissions.may(user, "letters.review"),
        "compact_timeline": True,
        "colleagues": (task_services.colleagues(session=session, user=user, tasks=[view.task])
                       if permissions.may(user, "tasks.assign") else []),
    }
    return render(request, "task.html", context, status_code=status_code)


@router.get("/taken/{task_id}")
def task_page(task_id: str, request: Request, session: SessionDep, runtime: Runtime, user: WebUser,
              now: Now) -> Response:
    """Show the task's form beside the case dossier (a saved draft is filled in)."""
    view = task_services.task_view(session=session, runtime=runtime, user=user, task_id=task_id, now=now)
    return _task_page(request, session, view, user, now)


@router.post("/taken/{task_id}")
def submit_task(task_id: str, request: Request, session: SessionDep, runtime: Runtime, user: WebUser,
                now: Now, posted: FormDep) -> Response:
    """Complete the task, or save or discard a draft; refused input comes back with the values kept."""
    action = str(posted.get("action") or "complete")
    try:
        view = task_services.task_view(session=session, runtime=runtime, user=user, task_id=task_id, now=now)
    except Conflict as exc:
        typed = {k: ", ".join(str(v) for v in posted.getlist(k)) for k in posted if k not in TECHNICAL_FIELDS}
        context = {"title": "Taak al afgerond", "user": user, "message": exc.message, "typed": typed}
        return render(request, "stale.html", context, status_code=409)
    values = submitted_values(view.form, posted)
    if action == "draft":
        task_services.save_draft(session=session, user=user, task_id=task_id, data=values, now=now)
        flash(request, "Uw concept is opgeslagen. U kunt later verder.")
        return RedirectResponse(f"/taken/{task_id}", status_code=303)
    if action == "discard":
        task_services.discard_draft(session=session, user=user, task_id=task_id)
        flash(request, "Het concept is weggegooid.")
        return RedirectResponse(f"/taken/{task_id}", status_code=303)
    version = str(posted.get("case_version") or "")
    try:
        case = task_services.complete(session=session, runtime=runtime, user=user, task_id=task_id, data=values,
                                 expected_version=int(version) if version.isdigit() else None)
    except Invalid as exc:
        errors = exc.field_errors or {"": exc.message}
        return _task_page(request, session, view, user, now, values=values, errors=errors, status_code=422)
    except Conflict as exc:
        session.refresh(view.case)
        return _task_page(request, session, view, user, now, values=values, problem=exc.message, status_code=409)
    flash(request, f"'{view.task.name}' is afgerond.")
    return RedirectResponse(_next_page(session, user, case), status_code=303)


@router.post("/taken/{task_id}/zichtbaarheid")
def form_visibility(task_id: str, session: SessionDep, runtime: Runtime, user: WebUser, now: Now,
                    posted: FormDep) -> JSONResponse:
    """Tell the page script which conditional form parts to hide for the values typed so far."""
    form = runtime.engine.form_for_task(session=session, task_id=task_id, gemeente=user.gemeente)
    values = submitted_values(form, posted)
    flags = task_services.form_visibility(session=session, runtime=runtime, user=user, task_id=task_id, values=values,
                                     now=now)
    return JSONResponse({"hidden": flags})


def _next_page(session, user, case) -> str:
    """Go to the case's next task the user may do, else back to the inbox."""
    for task in task_services.open_tasks_of(session=session, user=user, case_id=case.id):
        if permissions.may_work_on(user, task) and task.assignee in (None, user.username):
            return f"/taken/{task.id}"
    return "/"
