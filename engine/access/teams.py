"""Teams: which people work which cases.

Every case belongs to one team, chosen at its start (the gemeente's default team, or a team named
explicitly) and moved by a teamleider with a reason. A klantmanager or teamleider sees the cases of
the teams they belong to (need-to-know, engine/access/need_to_know.py decides); a regional team
serves several gemeenten (seed 002: three gemeenten share one beleidsplan and one team) and its
members may work in each of them. A beheerder manages the teams of the gemeenten they work for.
Every change is an audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.access import roles
from engine.access.models import Membership, Team, TeamGemeente, TeamMember
from engine.access.need_to_know import sees_case
from engine.access.tenancy import DEFAULT_TEAM_NAME, default_team, join_default  # noqa: F401 (re-exported)
from engine.db.models import Case, Gemeente, User, UserTask
from engine.errors import Invalid, NotFound

NAME_MAX = 100
REASON_MAX = 500


@dataclass(frozen=True)
class Member:
    """A person in a team, as the beheer page shows them."""

    username: str
    display_name: str
    leads: bool


@dataclass(frozen=True)
class TeamView:
    """A team with the gemeenten it serves and its members."""

    id: int
    name: str
    gemeente: str
    gemeenten: list[str]
    is_default: bool
    members: list[Member]

    @property
    def regional(self) -> bool:
        """Tell whether the team serves more than its own gemeente."""
        return len(self.gemeenten) > 1


def gemeenten_of_team(session: Session, team_id: int) -> list[str]:
    """Return the gemeenten a team serves, sorted."""
    return sorted(session.execute(select(TeamGemeente.gemeente).where(TeamGemeente.team_id == team_id)).scalars())


def serves(session: Session, team_id: int, gemeente: str) -> bool:
    """Tell whether the team works cases of `gemeente`."""
    return session.execute(select(TeamGemeente.team_id).where(TeamGemeente.team_id == team_id,
                                                              TeamGemeente.gemeente == gemeente)).first() is not None


def teams_for(session: Session, gemeente: str) -> list[Team]:
    """Return the teams that serve `gemeente` (a case of it may go to each), default team first."""
    stmt = (select(Team).join(TeamGemeente, TeamGemeente.team_id == Team.id)
            .where(TeamGemeente.gemeente == gemeente).order_by(Team.is_default.desc(), Team.name))
    return list(session.execute(stmt).scalars())


def team_ids_of(session: Session, user_id: int) -> set[int]:
    """Return the ids of the teams a person belongs to."""
    return set(session.execute(select(TeamMember.team_id).where(TeamMember.user_id == user_id)).scalars())


def team_for_start(session: Session, gemeente: str, team_id: int | None, *, now: datetime | None = None) -> Team:
    """Return the team a new case of `gemeente` goes to: the one named, which must serve the
    gemeente, or the gemeente's default team."""
    if team_id is None:
        return default_team(session, gemeente, now=now)
    team = session.get(Team, team_id)
    if team is None or not serves(session, team.id, gemeente):
        raise Invalid("Dit team bestaat niet.", field_errors={"team_id": "Kies een team van deze gemeente."})
    return team


def team_name(session: Session, team_id: int | None) -> str | None:
    """Return a team's name (None for a case without a team)."""
    team = session.get(Team, team_id) if team_id is not None else None
    return team.name if team is not None else None


def describe(session: Session, gemeenten: Iterable[str]) -> list[TeamView]:
    """Return every team that serves one of `gemeenten`, with its gemeenten and members."""
    wanted = list(dict.fromkeys(gemeenten))
    ids = set(session.execute(select(TeamGemeente.team_id).where(TeamGemeente.gemeente.in_(wanted))).scalars())
    teams = session.execute(select(Team).where(Team.id.in_(ids)).order_by(Team.gemeente, Team.is_default.desc(),
                                                                           Team.name)).scalars()
    views = []
    for team in teams:
        members = session.execute(
            select(User.username, User.display_name, TeamMember.leads)
            .join(TeamMember, TeamMember.user_id == User.id).where(TeamMember.team_id == team.id)
            .order_by(User.display_name)).all()
        views.append(TeamView(id=team.id, name=team.name, gemeente=team.gemeente,
                              gemeenten=gemeenten_of_team(session, team.id), is_default=team.is_default,
                              members=[Member(u, d, bool(lead)) for u, d, lead in members]))
    return views


def get_team(session: Session, team_id: int, manageable: Iterable[str]) -> Team:
    """Return a team kept by one of the `manageable` gemeenten, else NotFound."""
    team = session.get(Team, team_id)
    if team is None or team.gemeente not in set(manageable):
        raise NotFound("Dit team bestaat niet.")
    return team


def create_team(session: Session, *, actor: str, gemeente: str, name: str, gemeenten: Iterable[str],
                manageable: Iterable[str], now: datetime) -> Team:
    """Create a team of `gemeente` that serves `gemeenten` (its own always; more for a regional team).
    Every gemeente must be one the beheerder works for (`manageable`)."""
    manageable = set(manageable)
    name = (name or "").strip()
    served = list(dict.fromkeys([gemeente, *[g.strip() for g in gemeenten if g and g.strip()]]))
    problems: dict[str, str] = {}
    if not name:
        problems["name"] = "Geef het team een naam."
    elif len(name) > NAME_MAX:
        problems["name"] = f"Een teamnaam heeft hoogstens {NAME_MAX} tekens."
    elif session.execute(select(Team.id).where(Team.gemeente == gemeente, Team.name == name)).first():
        problems["name"] = "Er is al een team met deze naam."
    outside = [g for g in served if g not in manageable or session.get(Gemeente, g) is None]
    if outside:
        problems["gemeenten"] = "U werkt niet voor gemeente " + ", ".join(sorted(outside)) + "."
    if problems:
        raise Invalid("Het team kan niet worden gemaakt.", field_errors=problems)
    team = Team(gemeente=gemeente, name=name, is_default=False, created_at=now, created_by=actor)
    session.add(team)
    session.flush()
    for code in served:
        session.add(TeamGemeente(team_id=team.id, gemeente=code))
    session.flush()
    for code in served:
        audit.record(session=session, actor=actor, action="team_create", at=now, gemeente=code,
                     detail={"team": team.id, "name": name, "gemeenten": served})
    return team


def add_member(session: Session, *, actor: str, team: Team, username: str, leads: bool, now: datetime) -> TeamMember:
    """Put a person into a team (or change whether they lead it); they must work for one of the
    team's gemeenten, so a team never opens a gemeente's cases to a stranger."""
    user = session.execute(select(User).where(User.username == (username or "").strip()[:100],
                                              User.active.is_(True))).scalar_one_or_none()
    served = gemeenten_of_team(session, team.id)
    if user is None or not set(served) & set(_own_gemeenten(session, user)):
        raise Invalid("Deze persoon kan niet in dit team.", field_errors={
            "username": "Kies een collega die werkt voor " + ", ".join(served) + "."})
    grants = roles.grants_of(user)
    if "tasks.work" not in grants.capabilities or grants.case_scope not in ("team", "gemeente"):
        raise Invalid("Deze persoon kan niet in dit team.", field_errors={
            "username": "Alleen klantmanagers, teamleiders en jurists werken in een team."})
    row = session.get(TeamMember, (team.id, user.id))
    if row is None:
        row = TeamMember(team_id=team.id, user_id=user.id, leads=bool(leads))
        session.add(row)
    else:
        row.leads = bool(leads)
    session.flush()
    audit.record(session=session, actor=actor, action="team_member_add", at=now, gemeente=team.gemeente,
                 detail={"team": team.id, "name": team.name, "user": user.username, "leads": bool(leads)})
    return row


def _own_gemeenten(session: Session, user: User) -> list[str]:
    """The gemeenten a person works for without counting their teams: home and memberships."""
    return [user.gemeente, *session.execute(select(Membership.gemeente).where(Membership.user_id == user.id)).scalars()]


def remove_member(session: Session, *, actor: str, team: Team, username: str, now: datetime) -> None:
    """Take a person out of a team: from now on they no longer see its cases."""
    user = session.execute(select(User).where(User.username == (username or "").strip()[:100])).scalar_one_or_none()
    row = session.get(TeamMember, (team.id, user.id)) if user is not None else None
    if row is None:
        raise NotFound("Deze persoon zit niet in dit team.")
    session.delete(row)
    session.flush()
    audit.record(session=session, actor=actor, action="team_member_remove", at=now, gemeente=team.gemeente,
                 detail={"team": team.id, "name": team.name, "user": user.username})


def move_case(session: Session, *, engine: Any, case_id: str, actor, team_id: int | None, reason: str,
              now: datetime) -> Case:
    """Give a case to another team (teamleider, with a reason); locks the case row first.

    Whoever no longer sees the case loses what they held of it: a klantmanager outside the new
    team stops being its klantmanager, and their open tasks go back to the group. All of it is
    audited in the same transaction.
    """
    roles.require(actor, "case.team")
    case = engine.lock_case(session, case_id, gemeente=getattr(actor, "gemeente", None))
    reason = (reason or "").strip()
    problems: dict[str, str] = {}
    if len(reason) < 3:
        problems["reden"] = "Schrijf kort waarom het dossier naar een ander team gaat."
    elif len(reason) > REASON_MAX:
        problems["reden"] = f"Gebruik hoogstens {REASON_MAX} tekens."
    team = session.get(Team, team_id) if team_id is not None else None
    if team is None or not serves(session, team.id, case.gemeente):
        problems["team_id"] = "Kies een team dat voor de gemeente van dit dossier werkt."
    if problems:
        raise Invalid("Het team is niet gewijzigd.", field_errors=problems)
    if case.team_id == team.id:
        return case
    before = case.team_id
    case.team_id = team.id
    case.updated_at = now
    session.flush()
    detail: dict[str, Any] = {"van": team_name(session, before), "naar": team.name, "team": team.id,
                              "reden": reason}
    if case.klantmanager:
        owner = session.execute(select(User).where(User.username == case.klantmanager)).scalar_one_or_none()
        if owner is None or not sees_case(session, owner, case):
            detail["klantmanager_vervalt"] = case.klantmanager
            case.klantmanager = None
    released = []
    for task in session.execute(select(UserTask).where(UserTask.case_id == case.id,
                                                       UserTask.assignee.is_not(None))).scalars().all():
        holder = session.execute(select(User).where(User.username == task.assignee)).scalar_one_or_none()
        if holder is None or not sees_case(session, holder, case):
            released.append(task.id)
    audit.record(session=session, actor=actor.username, action="team", at=now, case=case,
                 detail={**detail, "taken_terug": len(released)})
    for task_id in released:
        engine.claim_task(session=session, task_id=task_id, user=None, actor=actor.username,
                          reason=f"Dossier naar {team.name}")
    session.flush()
    return case
