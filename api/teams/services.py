"""Team use cases for the beheerder: list, create, add and remove members (all audited)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine.access import roles, teams, tenancy
from engine.access.models import Team
from engine.db.models import User

MAX_USERNAME = 100


def team_list(*, session: Session, user: User) -> list[teams.TeamView]:
    """The teams that serve the gemeente the beheerder works in now."""
    roles.require(user, "teams.manage")
    return teams.describe(session, [user.gemeente])


def own_gemeenten(*, session: Session, user: User) -> list[str]:
    """The gemeenten the beheerder works for: a new team may serve these."""
    return tenancy.gemeenten_of(session, user)


def create(*, session: Session, user: User, name: str, gemeenten: list[str], now: datetime) -> Team:
    """Create a team of the beheerder's current gemeente (regional when it serves more)."""
    roles.require(user, "teams.manage")
    return teams.create_team(session, actor=user.username, gemeente=user.gemeente, name=name,
                             gemeenten=[g[:32] for g in gemeenten], manageable=own_gemeenten(session=session, user=user),
                             now=now)


def add_member(*, session: Session, user: User, team_id: int, username: str, leads: bool, now: datetime) -> None:
    """Put a colleague into a team of the beheerder's gemeenten (or change whether they lead it)."""
    roles.require(user, "teams.manage")
    team = teams.get_team(session, team_id, own_gemeenten(session=session, user=user))
    teams.add_member(session, actor=user.username, team=team, username=username[:MAX_USERNAME], leads=leads, now=now)


def remove_member(*, session: Session, user: User, team_id: int, username: str, now: datetime) -> None:
    """Take a colleague out of a team of the beheerder's gemeenten."""
    roles.require(user, "teams.manage")
    team = teams.get_team(session, team_id, own_gemeenten(session=session, user=user))
    teams.remove_member(session, actor=user.username, team=team, username=username[:MAX_USERNAME], now=now)
