"""Who may see the monitoring, for which gemeenten, and whether they may open the cases behind a number.

The one dependency every monitoring page uses (`MonitoringAccess`), so the central access
model decides it in one place: capability `monitoring.read` sees the figures (beleid read-only,
teamleider, beheerder); `tasks.team` (the teamleider) also sees the team's week and the cases
behind a number. A regional team sees the gemeenten listed in its
own gemeente's `monitoring.regio` setting as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from api.deps import SessionDep, WebUser
from engine.access import roles
from engine.db.models import Gemeente, User
from engine.errors import Forbidden
from engine.monitoring.settings import MonitoringSettings, monitoring_settings



@dataclass(frozen=True)
class MonitoringScope:
    """What the current user may see in the monitoring."""

    user: User
    gemeenten: tuple[str, ...]
    settings: MonitoringSettings
    may_open_cases: bool
    may_see_team: bool


def scope_for(session: Session, user: User) -> MonitoringScope:
    """Return the user's monitoring scope, or refuse with 403."""
    if not roles.may(user, "monitoring.read"):
        raise Forbidden("Sturingsinformatie is voor beleidsmedewerkers, teamleiders en beheerders.")
    own = session.get(Gemeente, user.gemeente)
    settings = monitoring_settings(own.settings if own else {})
    regio = [code for code in settings["regio"] if isinstance(code, str) and session.get(Gemeente, code)]
    return MonitoringScope(user=user, gemeenten=tuple(dict.fromkeys([user.gemeente, *regio])), settings=settings,
                           may_open_cases=roles.may(user, "tasks.team") and roles.may(user, "case.read"),
                           may_see_team=roles.may(user, "tasks.team"))


def monitoring_scope(session: SessionDep, user: WebUser) -> MonitoringScope:
    """The dependency: the logged-in user's monitoring scope."""
    return scope_for(session, user)


MonitoringAccess = Annotated[MonitoringScope, Depends(monitoring_scope)]
