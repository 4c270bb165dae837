"""The `regie` command's writes through the access model.

The operator at the command line runs on the server with the database credentials and acts as
role `cli` (the beheerder's rights plus every message name, DUO's fallback). When `--actor` names
a person's account, that person's roles decide instead: `regie complete --actor partner` is
refused for a consulent task, as it would be in the web app.
"""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import roles
from engine.db.models import User, UserTask
from engine.errors import Forbidden, NotFound


def cli_actor(session: Session, actor: str):
    """Return the account `actor` names, or the operator (role `cli`) when it names none or a beheerder."""
    user = session.execute(select(User).where(User.username == actor)).scalar_one_or_none()
    if user is not None and "beheerder" not in (user.roles or []):
        return user
    return SimpleNamespace(username=actor, roles=["cli"], groups=[], gemeente=None)


def require(session: Session, actor: str, capability: str, *, task_id: str | None = None) -> None:
    """Refuse a CLI write the actor's roles do not allow (Forbidden names what is missing)."""
    who = cli_actor(session, actor)
    roles.require(who, capability)
    if task_id is not None and "cli" not in who.roles:
        task = session.get(UserTask, task_id)
        if task is None or task.gemeente != who.gemeente:
            raise NotFound("Deze taak bestaat niet.")
        if task.assignee not in (None, who.username) or not roles.may_do_task(
                who, task.candidate_groups or [], task.candidate_users or []):
            raise Forbidden(f"{actor} mag deze taak ({task.name}) niet afronden.")


def require_message(session: Session, actor: str, name: str) -> None:
    """Refuse a message the actor may not send (a person never sends DUO/COA events)."""
    if not roles.may_send_message(cli_actor(session, actor), name):
        raise Forbidden(f"{actor} mag het bericht {name!r} niet sturen.")
