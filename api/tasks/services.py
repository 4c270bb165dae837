"""Task use cases: view, claim, unclaim, assign, complete, drafts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.permissions import may, may_work_on, visible_case, visible_task
from api.cases.services import case_dossier
from engine.access import accounts, limits, need_to_know, roles, tenancy
from engine.casefile import dossier, notes
from engine.db.models import Case, User, UserTask
from engine.errors import Conflict, Forbidden, Invalid, NotFound
from engine.forms import form_data
from engine.forms.conditions import hidden_ids

MAX_BULK = 200


@dataclass
class TaskView:
    """What the task page needs: the task, its case, the dossier, the form and a draft."""

    task: UserTask
    case: Case
    dossier: dossier.Dossier
    form: Any
    draft: notes.TaskDraft | None
    variables: dict[str, Any]


def task_view(*, session: Session, runtime, user: User, task_id: str, now: datetime) -> TaskView:
    """Return everything the task page shows, and audit the read of the case."""
    task = visible_task(session=session, user=user, task_id=task_id)
    found = case_dossier(session=session, runtime=runtime, user=user, case_id=task.case_id, now=now, what="task")
    form = runtime.engine.form_for_task(session=session, task_id=task.id)
    draft = notes.get_draft(session=session, task_id=task.id, username=user.username)
    return TaskView(task=task, case=found.case, dossier=found, form=form, draft=draft, variables=found.variables)


def form_visibility(
    *, session: Session, runtime, user: User, task_id: str, values: dict[str, Any], now: datetime
) -> list[bool]:
    """Return, in page order, whether each conditional part of the task's form is hidden for these values."""
    task = get_task(session=session, user=user, task_id=task_id)
    form = runtime.engine.form_for_task(session=session, task_id=task.id)
    if form is None:
        return []
    case = visible_case(session=session, user=user, case_id=task.case_id)
    context = runtime.engine.case_variables(session=session, case=case)
    hidden = hidden_ids(form, form_data(form, values, context), now=now)
    flags: list[bool] = []

    def visit(component) -> None:
        """Collect the hidden flag of every conditional component, depth first (page order)."""
        if component.hide:
            flags.append(id(component) in hidden)
        for child in component.children:
            visit(child)

    for top in form.components:
        visit(top)
    return flags


def get_task(*, session: Session, user: User, task_id: str) -> UserTask:
    """Return an open task of the user's gemeente."""
    return visible_task(session=session, user=user, task_id=task_id)


def claim(*, session: Session, runtime, user: User, task_id: str) -> UserTask:
    """Take a task: it becomes mine; refused when someone else has it already."""
    task = get_task(session=session, user=user, task_id=task_id)
    if not may_work_on(user, task):
        raise Forbidden("Deze taak is niet voor uw groep.")
    if task.assignee and task.assignee != user.username:
        raise Conflict("Deze taak is al opgepakt door een collega.")
    if task.assignee != user.username:
        runtime.engine.claim_task(session=session, task_id=task.id, user=user.username, actor=user.username)
    return task


def unclaim(*, session: Session, runtime, user: User, task_id: str) -> UserTask:
    """Give a task back to its group."""
    task = get_task(session=session, user=user, task_id=task_id)
    if task.assignee != user.username and not may(user, "tasks.assign"):
        raise Forbidden("Alleen wie de taak heeft, of de teamleider, kan hem vrijgeven.")
    if task.assignee is not None:
        runtime.engine.claim_task(session=session, task_id=task.id, user=None, actor=user.username)
    return task


def assign(
    *, session: Session, runtime, user: User, task_ids: list[str], assignee: str, reason: str
) -> list[UserTask]:
    """Give one or more tasks to a colleague (teamleider), with a reason that is audited; only to
    someone whose role may do each task's candidate group."""
    roles.require(user, "tasks.assign")
    reason = reason.strip()
    problems: dict[str, str] = {}
    if not task_ids:
        problems["task_ids"] = "Kies een of meer taken."
    elif len(task_ids) > MAX_BULK:
        problems["task_ids"] = f"Kies hoogstens {MAX_BULK} taken tegelijk."
    if not reason:
        problems["reason"] = "Schrijf waarom u de taken toewijst."
    target = session.execute(
        select(User).where(User.username == assignee[:100], User.active.is_(True))
    ).scalar_one_or_none()
    if target is None or user.gemeente not in tenancy.gemeenten_of(session, target):
        problems["assignee"] = "Kies een collega uit uw gemeente."
    if problems:
        raise Invalid("Toewijzen lukt niet.", field_errors=problems)
    tasks = [get_task(session=session, user=user, task_id=task_id) for task_id in dict.fromkeys(task_ids)]
    for task in tasks:
        refusal = need_to_know.assignment_refusal(session, target, task, session.get(Case, task.case_id))
        if refusal:
            raise Invalid("Toewijzen lukt niet.", field_errors={"assignee": refusal})
    for task in tasks:
        runtime.engine.claim_task(
            session=session, task_id=task.id, user=target.username, actor=user.username, reason=reason
        )
    return tasks


def complete(
    *,
    session: Session,
    runtime,
    user: User,
    task_id: str,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> Case:
    """Complete a task with the submitted form data; an unassigned task is claimed first."""
    limits.check_case_data(data)
    task = get_task(session=session, user=user, task_id=task_id)
    if not may_work_on(user, task):
        raise Forbidden("Deze taak is niet voor uw groep.")
    if task.assignee and task.assignee != user.username and not may(user, "tasks.assign"):
        raise Conflict("Deze taak is van een collega. Vraag de teamleider om hem aan u toe te wijzen.")
    # A savepoint, so a refused submission leaves nothing half-written in this transaction.
    with session.begin_nested():
        if task.assignee is None:
            runtime.engine.claim_task(session=session, task_id=task.id, user=user.username, actor=user.username)
        case = runtime.engine.complete_task(
            session=session, task_id=task.id, data=data, actor=user.username, expected_version=expected_version
        )
    notes.delete_drafts(session=session, task_id=task_id)
    return case


def save_draft(*, session: Session, user: User, task_id: str, data: dict[str, Any], now: datetime) -> notes.TaskDraft:
    """Keep the unfinished form of a task for this user."""
    limits.check_case_data(data)
    task = get_task(session=session, user=user, task_id=task_id)
    case = visible_case(session=session, user=user, case_id=task.case_id)
    return notes.save_draft(session=session, task_id=task.id, case=case, username=user.username, data=data, now=now)


def get_draft(*, session: Session, user: User, task_id: str) -> notes.TaskDraft:
    """Return the user's draft of a task, or NotFound."""
    task = get_task(session=session, user=user, task_id=task_id)
    draft = notes.get_draft(session=session, task_id=task.id, username=user.username)
    if draft is None:
        raise NotFound("Er is geen concept voor deze taak.")
    return draft


def discard_draft(*, session: Session, user: User, task_id: str) -> None:
    """Delete the user's draft of a task."""
    task = get_task(session=session, user=user, task_id=task_id)
    notes.delete_drafts(session=session, task_id=task.id, username=user.username)


def colleagues(*, session: Session, user: User, tasks: list[UserTask] | None = None) -> list[User]:
    """Return the colleagues the tasks may be assigned to: people of the gemeente whose role may do
    every task's candidate group and who see its case (the case's team; need_to_know decides).
    Without tasks: everyone who may do klantmanager tasks."""
    found = accounts.colleagues(session=session, gemeente=user.gemeente)
    if tasks:
        cases = {t.case_id: session.get(Case, t.case_id) for t in tasks}
        return [c for c in found
                if all(need_to_know.assignment_refusal(session, c, t, cases[t.case_id]) is None for t in tasks)]
    return [c for c in found if roles.may_do_group(c, "consulent")]


def open_tasks_of(*, session: Session, user: User, case_id: str) -> list[UserTask]:
    """Return the open tasks of a case of the user's gemeente, oldest first."""
    stmt = (
        select(UserTask)
        .where(UserTask.case_id == case_id, UserTask.gemeente == user.gemeente)
        .order_by(UserTask.created_at)
    )
    return list(session.execute(stmt).scalars())
