"""Role checks shared by the workplace's features (tenant and role before every use case)."""

from __future__ import annotations

from engine.db.models import User, UserTask
from engine.errors import Invalid


def has_role(user: User, *roles: str) -> bool:
    """Tell whether `user` has one of `roles`."""
    return bool(set(roles) & set(user.roles or []))


def may_read_cases(user: User) -> bool:
    """Tell whether `user` may open case files (a beleidsmedewerker sees only the monitoring figures)."""
    return has_role(user, "consulent", "teamleider", "beheerder")


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


def refuse_bsn_in_url(text: str) -> None:
    """Refuse a search text that looks like a BSN: BSNs are searched by POST only."""
    digits = text.strip()
    if len(digits) == 9 and digits.isdigit():
        raise Invalid(
            "Zoek op BSN met het zoekformulier.",
            field_errors={"q": "Een BSN hoort niet in een webadres. Gebruik het BSN-zoekveld."},
        )
