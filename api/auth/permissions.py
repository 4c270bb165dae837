"""The workplace's questions to the access model (engine/access): roles, tasks, visible cases."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.access import need_to_know, roles
from engine.casefile import dossier
from engine.db.models import Case, User, UserTask
from engine.errors import Invalid


def has_role(user: User, *names: str) -> bool:
    """Tell whether `user` has one of the roles `names` (prefer `may` for what a role may do)."""
    return bool(set(names) & set(user.roles or []))


def may(user: User, capability: str) -> bool:
    """Tell whether `user` has `capability` (engine/access/roles.py)."""
    return roles.may(user, capability)



def may_work_on(user: User, task: UserTask) -> bool:
    """Tell whether `user` may work on the task: it is theirs, or offered to a group their role may
    do (a teamleider only within the groups a teamleider may do; a partner never gets handhaving)."""
    if not roles.may(user, "tasks.work"):
        return False
    if task.assignee == user.username:
        return roles.may_do_task(user, task.candidate_groups or [], task.candidate_users or [])
    if roles.may(user, "tasks.team") and set(task.candidate_groups or []) & set(roles.grants_of(user).task_groups):
        return True
    return roles.may_do_task(user, task.candidate_groups or [], task.candidate_users or [])


def visible_case(*, session: Session, user: User, case_id: str) -> Case:
    """Return the case if the user may see it (need-to-know), else 404."""
    return need_to_know.get_case(session=session, user=user, case_id=case_id)


def visible_task(*, session: Session, user: User, task_id: str) -> UserTask:
    """Return the open task if the user may see its case, else 404 (409 when completed)."""
    return need_to_know.get_task(session=session, user=user, task_id=task_id, fallback=dossier.get_task)


def refuse_bsn_in_url(text: str) -> None:
    """Refuse a search text that looks like a BSN: BSNs are searched by POST only."""
    digits = text.strip()
    if len(digits) == 9 and digits.isdigit():
        raise Invalid(
            "Zoek op BSN met het zoekformulier.",
            field_errors={"q": "Een BSN hoort niet in een webadres. Gebruik het BSN-zoekveld."},
        )
