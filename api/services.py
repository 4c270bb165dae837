"""Use cases of the consultant's workplace; the web pages and the JSON API both call these.

Each function checks the tenant (another gemeente's case or task is NotFound) and the
role, then calls the engine or a read model. None of them commits: the request's
session dependency owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from api import letters as letter_service
from engine import accounts, dossier, inbox, notes
from engine.db.models import Case, ProcessDefinition, User, UserTask
from engine.errors import Conflict, Forbidden, Invalid, NotFound
from engine.forms import form_data
from engine.forms.conditions import hidden_ids

MAX_BULK = 200


def has_role(user: User, *roles: str) -> bool:
    """Tell whether `user` has one of `roles`."""
    return bool(set(roles) & set(user.roles or []))


def may_work_on(user: User, task: UserTask) -> bool:
    """Tell whether the task is offered to `user` (group, name) or the user leads the team."""
    if has_role(user, "teamleider"):
        return True
    offered_groups = set(task.candidate_groups or [])
    return (
        task.assignee == user.username
        or user.username in (task.candidate_users or [])
        or bool(offered_groups & set(user.groups or []))
        or (not offered_groups and not task.candidate_users)
    )


@dataclass
class TaskView:
    """What the task page needs: the task, its case, the dossier, the form and a draft."""

    task: UserTask
    case: Case
    dossier: dossier.Dossier
    form: Any
    draft: notes.TaskDraft | None
    variables: dict[str, Any]


def refuse_bsn_in_url(text: str) -> None:
    """Refuse a search text that looks like a BSN: BSNs are searched by POST only."""
    digits = text.strip()
    if len(digits) == 9 and digits.isdigit():
        raise Invalid(
            "Zoek op BSN met het zoekformulier.",
            field_errors={"q": "Een BSN hoort niet in een webadres. Gebruik het BSN-zoekveld."},
        )


def inbox_page(*, session: Session, user: User, query: inbox.InboxQuery, now: datetime) -> inbox.InboxPage:
    """Return one page of the inbox."""
    return inbox.list_inbox(session=session, user=user, query=query, now=now)


def case_dossier(
    *, session: Session, runtime, user: User, case_id: str, now: datetime, what: str = "case"
) -> dossier.Dossier:
    """Return the dossier of a case of the user's gemeente and audit the read."""
    case = dossier.get_case(session=session, case_id=case_id, gemeente=user.gemeente)
    dossier.record_view(session=session, case=case, actor=user.username, now=now, what=what)
    variables = runtime.engine.case_variables(session=session, case=case)
    return dossier.build_dossier(
        session=session, case=case, variables=variables, letters=letter_service.case_letters(session=session, case=case)
    )


def task_view(*, session: Session, runtime, user: User, task_id: str, now: datetime) -> TaskView:
    """Return everything the task page shows, and audit the read of the case."""
    task = dossier.get_task(session=session, task_id=task_id, gemeente=user.gemeente)
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
    case = dossier.get_case(session=session, case_id=task.case_id, gemeente=user.gemeente)
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
    return dossier.get_task(session=session, task_id=task_id, gemeente=user.gemeente)


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
    if task.assignee != user.username and not has_role(user, "teamleider"):
        raise Forbidden("Alleen wie de taak heeft, of de teamleider, kan hem vrijgeven.")
    if task.assignee is not None:
        runtime.engine.claim_task(session=session, task_id=task.id, user=None, actor=user.username)
    return task


def assign(
    *, session: Session, runtime, user: User, task_ids: list[str], assignee: str, reason: str
) -> list[UserTask]:
    """Give one or more tasks to a colleague (teamleider), with a reason that is audited."""
    if not has_role(user, "teamleider"):
        raise Forbidden("Alleen een teamleider kan taken toewijzen.")
    reason = reason.strip()
    problems: dict[str, str] = {}
    if not task_ids:
        problems["task_ids"] = "Kies een of meer taken."
    elif len(task_ids) > MAX_BULK:
        problems["task_ids"] = f"Kies hoogstens {MAX_BULK} taken tegelijk."
    if not reason:
        problems["reason"] = "Schrijf waarom u de taken toewijst."
    target = session.execute(
        select(User).where(User.username == assignee, User.gemeente == user.gemeente, User.active.is_(True))
    ).scalar_one_or_none()
    if target is None:
        problems["assignee"] = "Kies een collega uit uw gemeente."
    if problems:
        raise Invalid("Toewijzen lukt niet.", field_errors=problems)
    tasks = [get_task(session=session, user=user, task_id=task_id) for task_id in dict.fromkeys(task_ids)]
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
    task = get_task(session=session, user=user, task_id=task_id)
    if not may_work_on(user, task):
        raise Forbidden("Deze taak is niet voor uw groep.")
    if task.assignee and task.assignee != user.username and not has_role(user, "teamleider"):
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
    task = get_task(session=session, user=user, task_id=task_id)
    case = dossier.get_case(session=session, case_id=task.case_id, gemeente=user.gemeente)
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


def add_note(*, session: Session, user: User, case_id: str, text: str, now: datetime) -> notes.CaseNote:
    """Write a note on a case."""
    case = dossier.get_case(session=session, case_id=case_id, gemeente=user.gemeente)
    return notes.add_note(
        session=session, case=case, author=user.username, author_name=user.display_name, text=text, now=now
    )


def case_notes(*, session: Session, user: User, case_id: str, now: datetime) -> list[notes.CaseNote]:
    """Return the notes of a case, newest first, and audit the read."""
    case = dossier.get_case(session=session, case_id=case_id, gemeente=user.gemeente)
    dossier.record_view(session=session, case=case, actor=user.username, now=now, what="notes")
    return notes.list_notes(session=session, case=case)


def case_audit(*, session: Session, user: User, case_id: str, now: datetime) -> list:
    """Return the full audit log of a case (teamleider or beheerder), and audit that read."""
    if not has_role(user, "teamleider", "beheerder"):
        raise Forbidden("Alleen een teamleider of beheerder ziet het volledige logboek.")
    case = dossier.get_case(session=session, case_id=case_id, gemeente=user.gemeente)
    dossier.record_view(session=session, case=case, actor=user.username, now=now, what="audit")
    return dossier.audit_log(session=session, case=case)


def diagram(*, session: Session, runtime, user: User, case_id: str, now: datetime | None = None):
    """Return the diagram state (BPMN XML and marked element ids) of a case; audit the read when `now` is given."""
    case = dossier.get_case(session=session, case_id=case_id, gemeente=user.gemeente)
    if now is not None:
        dossier.record_view(session=session, case=case, actor=user.username, now=now, what="diagram")
    return runtime.engine.diagram_state(session=session, case=case)


def retry_incident(*, session: Session, runtime, user: User, incident_id: int) -> Case:
    """Retry the failed step of a case (beheerder)."""
    if not has_role(user, "beheerder"):
        raise Forbidden("Alleen een beheerder kan een storing opnieuw proberen.")
    incident = dossier.get_incident(session=session, incident_id=incident_id, gemeente=user.gemeente)
    if incident.resolved_at is not None:
        raise Conflict("Deze storing is al opgelost.")
    return runtime.engine.retry_incident(session=session, incident_id=incident.id, actor=user.username)


def start_case(
    *, session: Session, runtime, user: User, process_id: str, data: dict[str, Any], business_key: str | None
) -> Case:
    """Start a klantreis in the user's gemeente."""
    return runtime.engine.start_case(
        session=session,
        process_id=process_id,
        gemeente=user.gemeente,
        data=data,
        actor=user.username,
        business_key=business_key,
    )


def send_message(
    *,
    session: Session,
    runtime,
    user: User,
    name: str,
    message_id: str,
    case_id: str | None,
    bsn: str | None,
    payload: dict[str, Any],
):
    """Deliver a message (e.g. a DUO event) to a case of the user's gemeente."""
    if case_id is not None:
        dossier.get_case(session=session, case_id=case_id, gemeente=user.gemeente)
    return runtime.engine.send_message(
        session=session,
        name=name,
        message_id=message_id,
        actor=user.username,
        case_id=case_id,
        bsn=bsn,
        gemeente=user.gemeente,
        payload=payload,
    )


def colleagues(*, session: Session, user: User) -> list[User]:
    """Return the users of the gemeente a task can be assigned to (consulenten and teamleiders)."""
    return [c for c in accounts.colleagues(session=session, gemeente=user.gemeente)
            if has_role(c, "consulent", "teamleider")]


def diagram_page_data(*, session: Session, runtime, user: User, case_id: str) -> dict[str, Any]:
    """Return what the case page's diagram script needs: the diagrams to draw and the marked elements."""
    state = diagram(session=session, runtime=runtime, user=user, case_id=case_id)
    case = dossier.get_case(session=session, case_id=case_id, gemeente=user.gemeente)
    definition = session.get(ProcessDefinition, case.definition_id)
    return {
        "diagrams": diagrams_to_show(state, definition.process_id if definition is not None else ""),
        "active": list(state.active),
        "completed": list(state.completed),
        "incidents": list(state.incidents),
    }


def diagrams_to_show(state, main_process_id: str) -> list[dict[str, str]]:
    """Return the diagrams worth drawing: the case's own process first, then those the case has been in."""
    marked = set(state.active) | set(state.completed) | set(state.incidents)
    shown: list[dict[str, str]] = []
    seen_xml: set[str] = set()
    ordered = sorted(state.diagrams.items(), key=lambda item: (item[0] != main_process_id, item[0]))
    for process_id, xml in ordered:
        names = _process_names(xml)
        if xml in seen_xml or not (process_id == main_process_id or any(f'id="{e}"' in xml for e in marked)):
            continue
        seen_xml.add(xml)
        shown.append({"id": process_id, "name": names.get(process_id) or process_id, "xml": xml})
    return shown


def _process_names(xml: str) -> dict[str, str]:
    """Map process ids to their names in a BPMN file."""
    try:
        root = etree.fromstring(xml.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return {}
    return {p.get("id"): p.get("name") or "" for p in root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}process")}


def search_cases(*, session: Session, user: User, text: str = "", bsn: str = "") -> list[Case]:
    """Find cases of the user's gemeente by name, case number or exact BSN."""
    return inbox.search_cases(session=session, user=user, text=text, bsn=bsn)




def open_tasks_of(*, session: Session, user: User, case_id: str) -> list[UserTask]:
    """Return the open tasks of a case of the user's gemeente, oldest first."""
    stmt = (
        select(UserTask)
        .where(UserTask.case_id == case_id, UserTask.gemeente == user.gemeente)
        .order_by(UserTask.created_at)
    )
    return list(session.execute(stmt).scalars())
