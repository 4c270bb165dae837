"""JSON API for tasks: inbox, claim, unclaim, assign, complete, drafts."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from api.auth import permissions
from api.cases.schemas import CaseOut
from api.deps import CurrentUser, Now, Runtime, SessionDep
from api.inbox import services as inbox_services
from api.inbox.schemas import InboxOut, InboxTotalsOut, SearchIn
from api.schemas import OkOut, UserOut
from api.tasks import services as task_services
from api.tasks.schemas import (
    AssigneeOut,
    AssignIn,
    BulkAssignIn,
    CompleteIn,
    DraftIn,
    DraftOut,
    TaskOut,
)
from engine.access import roles
from engine.casefile import inbox
from engine.casefile.inbox import InboxQuery

router = APIRouter(tags=["taken"])


def _inbox_out(page, totals=None) -> InboxOut:
    return InboxOut(view=page.query.view, page=page.query.page, has_next=page.has_next, rows=page.rows,
                    totals=InboxTotalsOut.model_validate(totals) if totals else None)


@router.get("/me", response_model=UserOut)
def me(request: Request, user: CurrentUser) -> UserOut:
    """Return the logged-in person, with the CSRF token a browser client sends on writes."""
    out = UserOut.model_validate(user)
    out.csrf_token = request.session.get("csrf")
    return out


@router.get("/tasks", response_model=InboxOut)
def list_tasks(
    session: SessionDep,
    user: CurrentUser,
    now: Now,
    view: Literal["mine", "groups", "team"] = "mine",
    filter: Literal["", "overdue", "week", "followup"] = "",
    sort: Literal["due", "priority", "legal", "created", "name"] = "due",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    q: Annotated[str, Query(max_length=200)] = "",
    task: Annotated[str, Query(max_length=100, description="task type: a diagram element id")] = "",
    klantmanager: Annotated[str, Query(max_length=100, description="the case owner's username, or - for none")] = "",
    route: Annotated[str, Query(max_length=20, description="B1, onderwijs, Z, or - for none yet")] = "",
    doelgroep: Annotated[str, Query(max_length=40)] = "",
    cohort: Annotated[int | None, Query(ge=1, le=2_147_483_647, description="a brugklas cohort id")] = None,
    totals: bool = False,
) -> InboxOut:
    """List open tasks: mine, my groups' unassigned ones, or the team's (teamleider), filtered; with counts on request."""
    permissions.refuse_bsn_in_url(q)
    query = InboxQuery(view="search" if q else view, filter=filter, sort=sort, page=page, text=q, task=task,
                       klantmanager=klantmanager, route=route, doelgroep=doelgroep, cohort=cohort)
    page_ = inbox_services.inbox_page(session=session, user=user, query=query, now=now)
    counted = inbox.totals(session=session, user=user, query=query, now=now) if totals else None
    return _inbox_out(page_, counted)


@router.post("/tasks/search", response_model=InboxOut)
def search_tasks(body: SearchIn, session: SessionDep, user: CurrentUser, now: Now) -> InboxOut:
    """Find open tasks by name, case number or exact BSN (the BSN goes in the body, never the URL)."""
    query = InboxQuery(view="search", text=body.text, bsn=body.bsn, page=body.page)
    return _inbox_out(inbox_services.inbox_page(session=session, user=user, query=query, now=now))


@router.post("/tasks/assign", response_model=OkOut)
def assign_many(body: BulkAssignIn, session: SessionDep, runtime: Runtime, user: CurrentUser) -> OkOut:
    """Give many tasks to a colleague at once, with a reason (teamleider)."""
    tasks = task_services.assign(
        session=session, runtime=runtime, user=user, task_ids=body.task_ids, assignee=body.assignee, reason=body.reason
    )
    return OkOut(count=len(tasks))


@router.get("/tasks/{task_id}", response_model=TaskOut)
def get_task(task_id: str, session: SessionDep, user: CurrentUser) -> TaskOut:
    """Return one open task."""
    return TaskOut.model_validate(task_services.get_task(session=session, user=user, task_id=task_id))


@router.post("/tasks/{task_id}/claim", response_model=TaskOut)
def claim(task_id: str, session: SessionDep, runtime: Runtime, user: CurrentUser) -> TaskOut:
    """Take a task: it becomes yours."""
    return TaskOut.model_validate(task_services.claim(session=session, runtime=runtime, user=user, task_id=task_id))


@router.post("/tasks/{task_id}/unclaim", response_model=TaskOut)
def unclaim(task_id: str, session: SessionDep, runtime: Runtime, user: CurrentUser) -> TaskOut:
    """Give a task back to its group."""
    return TaskOut.model_validate(task_services.unclaim(session=session, runtime=runtime, user=user, task_id=task_id))


@router.post("/tasks/{task_id}/assign", response_model=TaskOut)
def assign(task_id: str, body: AssignIn, session: SessionDep, runtime: Runtime, user: CurrentUser) -> TaskOut:
    """Give a task to a colleague, with a reason (teamleider)."""
    tasks = task_services.assign(
        session=session, runtime=runtime, user=user, task_ids=[task_id], assignee=body.assignee, reason=body.reason
    )
    return TaskOut.model_validate(tasks[0])


@router.get("/tasks/{task_id}/assignees", response_model=list[AssigneeOut])
def assignees(task_id: str, session: SessionDep, user: CurrentUser) -> list[AssigneeOut]:
    """The colleagues this task may be given to: their role may do its group and they are in the case's team."""
    roles.require(user, "tasks.assign")
    task = task_services.get_task(session=session, user=user, task_id=task_id)
    return [AssigneeOut.model_validate(c) for c in task_services.colleagues(session=session, user=user, tasks=[task])]


@router.post("/tasks/{task_id}/complete", response_model=CaseOut)
def complete(task_id: str, body: CompleteIn, session: SessionDep, runtime: Runtime, user: CurrentUser) -> CaseOut:
    """Complete a task with its form data; 422 with field errors, 409 when the form is stale."""
    case = task_services.complete(
        session=session,
        runtime=runtime,
        user=user,
        task_id=task_id,
        data=body.data,
        expected_version=body.expected_version,
    )
    return CaseOut.of(case)


@router.get("/tasks/{task_id}/draft", response_model=DraftOut)
def get_draft(task_id: str, session: SessionDep, user: CurrentUser) -> DraftOut:
    """Return your saved draft of a task."""
    return DraftOut.model_validate(task_services.get_draft(session=session, user=user, task_id=task_id))


@router.put("/tasks/{task_id}/draft", response_model=DraftOut)
def save_draft(task_id: str, body: DraftIn, session: SessionDep, user: CurrentUser, now: Now) -> DraftOut:
    """Save the unfinished form of a task."""
    draft = task_services.save_draft(session=session, user=user, task_id=task_id, data=body.data, now=now)
    return DraftOut.model_validate(draft)


@router.delete("/tasks/{task_id}/draft", response_model=OkOut)
def discard_draft(task_id: str, session: SessionDep, user: CurrentUser) -> OkOut:
    """Delete your draft of a task."""
    task_services.discard_draft(session=session, user=user, task_id=task_id)
    return OkOut()
