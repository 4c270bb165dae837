"""Gemeenten a user works in, and acting as a user inside one of them.

A user has a home gemeente (users.gemeente) and may belong to more (access_memberships), as in
regional cooperation where three gemeenten share one team: through a membership, or through a
regional team (engine/access/teams.py) that serves those gemeenten. The user works in one gemeente at a
time and switches explicitly; every read and write then happens, and is audited, under that
gemeente. Deployments belong to a gemeente too (Camunda's tenant id): see engine/deploy.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import audit
from engine.access.roles import grants_of
from engine.access.models import Membership, Team, TeamGemeente, TeamMember
from engine.db.models import Gemeente, User
from engine.errors import Invalid


def gemeenten_of(session: Session, user: User) -> list[str]:
    """Return the codes of the gemeenten the user may work in, home gemeente first: memberships,
    and every gemeente a team of the user serves (a regional team)."""
    home = user.__dict__.get("home_gemeente") or user.gemeente
    members = select(Membership.gemeente).where(Membership.user_id == user.id)
    served = (select(TeamGemeente.gemeente).join(TeamMember, TeamMember.team_id == TeamGemeente.team_id)
              .where(TeamMember.user_id == user.id))
    extra = sorted(set(session.execute(members).scalars()) | set(session.execute(served).scalars()))
    return [home, *[g for g in extra if g != home]]


DEFAULT_TEAM_NAME = "Standaardteam"
"""The team a gemeente's new cases and people start in (the teams migration uses the same name)."""


def default_team(session: Session, gemeente: str, *, now: datetime | None = None) -> Team:
    """Return the gemeente's default team (engine/access/teams.py), creating it the first time."""
    query = select(Team).where(Team.gemeente == gemeente, Team.is_default.is_(True))
    team = session.execute(query).scalar_one_or_none()
    if team is not None:
        return team
    # Two first cases of a gemeente may start at once: the loser's insert hits the unique
    # (gemeente, name) constraint inside its savepoint and reads the winner's team instead.
    try:
        with session.begin_nested():
            team = Team(gemeente=gemeente, name=DEFAULT_TEAM_NAME, is_default=True,
                        created_at=now or datetime.now(timezone.utc), created_by="regie")
            session.add(team)
            session.flush()
            session.add(TeamGemeente(team_id=team.id, gemeente=gemeente))
            session.flush()
    except IntegrityError:
        team = session.execute(query).scalar_one()
    return team


def join_default(session: Session, user: User, gemeente: str | None = None, *, now: datetime | None = None) -> None:
    """Put a person into the default team of their gemeente (or of `gemeente`): where a new
    klantmanager, or one who starts working for another gemeente, begins."""
    team = default_team(session, gemeente or user.gemeente, now=now)
    if session.get(TeamMember, (team.id, user.id)) is None:
        session.add(TeamMember(team_id=team.id, user_id=user.id, leads=False))
        session.flush()


def add_membership(session: Session, *, user: User, gemeente: str, organisation: str | None = None) -> Membership:
    """Let `user` work in `gemeente` too (or record the organisation a partner acts for). A
    klantmanager or teamleider joins that gemeente's default team, as the teams migration did."""
    if session.get(Gemeente, gemeente) is None:
        raise Invalid("Onbekende gemeente.", field_errors={"gemeente": f"Gemeente {gemeente!r} bestaat niet."})
    row = session.execute(select(Membership).where(Membership.user_id == user.id, Membership.gemeente == gemeente)
                          ).scalar_one_or_none()
    if row is None:
        row = Membership(user_id=user.id, gemeente=gemeente, organisation=organisation)
        session.add(row)
    elif organisation is not None:
        row.organisation = organisation
    session.flush()
    if grants_of(user).case_scope == "team":
        join_default(session, user, gemeente)
    return row


def act_in(session: Session, user: User, gemeente: str, *, today: date | None = None) -> User:
    """Return `user` acting in `gemeente` for this request: detached from the session so the
    working gemeente is never written back to the account row."""
    allowed = gemeenten_of(session, user)
    home = user.gemeente
    if gemeente not in allowed:
        gemeente = home
    session.expunge(user)
    user.__dict__["home_gemeente"] = home
    user.gemeente = gemeente
    if today is not None:
        user.access_today = today
    return user


def check_switch(session: Session, user: User, gemeente: str, now: datetime) -> None:
    """Refuse a switch to a gemeente the user does not belong to; audit an allowed switch under
    the gemeente switched to."""
    if gemeente not in gemeenten_of(session, user):
        raise Invalid("U werkt niet voor deze gemeente.", field_errors={"gemeente": "Kies een van uw gemeenten."})
    audit.record(session=session, actor=user.username, action="switch_gemeente", at=now, gemeente=gemeente,
                 detail={"from": user.gemeente})
