"""Teams for the beheerder: /beheer/teams (Dutch page) and /api/teams (JSON)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import CurrentUser, FormDep, Now, SessionDep, WebUser
from api.schemas import OkOut
from api.security import flash
from api.teams import services
from api.teams.schemas import MemberIn, TeamCreateIn, TeamOut
from api.templating import render
from engine.access import accounts
from engine.errors import Invalid, NotFound

router = APIRouter()
api_router = APIRouter(tags=["teams"])

MAX_ID = 2_147_483_647


def _team_out(view) -> TeamOut:
    return TeamOut.model_validate(view)


@api_router.get("/teams", response_model=list[TeamOut])
def list_teams(session: SessionDep, user: CurrentUser) -> list[TeamOut]:
    """The teams that serve the gemeente you work in, with their members."""
    return [_team_out(v) for v in services.team_list(session=session, user=user)]


@api_router.post("/teams", response_model=TeamOut, status_code=201)
def create_team(body: TeamCreateIn, session: SessionDep, user: CurrentUser, now: Now) -> TeamOut:
    """Create a team (regional when it serves more gemeenten)."""
    team = services.create(session=session, user=user, name=body.name, gemeenten=body.gemeenten, now=now)
    return _team_out(next(v for v in services.team_list(session=session, user=user) if v.id == team.id))


@api_router.put("/teams/{team_id}/members/{username}", response_model=OkOut)
def put_member(team_id: int, username: str, body: MemberIn, session: SessionDep, user: CurrentUser,
               now: Now) -> OkOut:
    """Put a colleague into the team, or change whether they lead it."""
    services.add_member(session=session, user=user, team_id=_team_id(team_id), username=username, leads=body.leads,
                        now=now)
    return OkOut()


@api_router.delete("/teams/{team_id}/members/{username}", response_model=OkOut)
def delete_member(team_id: int, username: str, session: SessionDep, user: CurrentUser, now: Now) -> OkOut:
    """Take a colleague out of the team: they no longer see its cases."""
    services.remove_member(session=session, user=user, team_id=_team_id(team_id), username=username, now=now)
    return OkOut()


def _team_id(value: int) -> int:
    if not 1 <= value <= MAX_ID:
        raise NotFound("Dit team bestaat niet.")
    return value


@router.get("/beheer/teams")
def teams_page(request: Request, session: SessionDep, user: WebUser, now: Now) -> Response:
    """Show the teams of the gemeente, their members and forms to change them."""
    views = services.team_list(session=session, user=user)
    people = accounts.colleagues(session=session, gemeente=user.gemeente)
    return render(request, "beheer/teams.html", {
        "title": "Teams", "user": user, "now": now, "teams": views, "people": people,
        "gemeenten": services.own_gemeenten(session=session, user=user)})


@router.post("/beheer/teams")
def create_team_form(request: Request, session: SessionDep, user: WebUser, now: Now, posted: FormDep) -> Response:
    """Create a team from the form."""
    gemeenten = [str(g) for g in posted.getlist("gemeenten")][:20]
    try:
        team = services.create(session=session, user=user, name=str(posted.get("name") or ""), gemeenten=gemeenten,
                               now=now)
    except Invalid as exc:
        flash(request, "; ".join(exc.field_errors.values()) or exc.message, "error")
        return RedirectResponse("/beheer/teams", status_code=303)
    flash(request, f"Team {team.name} is gemaakt.")
    return RedirectResponse("/beheer/teams", status_code=303)


@router.post("/beheer/teams/{team_id}/leden")
def add_member_form(team_id: int, request: Request, session: SessionDep, user: WebUser, now: Now,
                    posted: FormDep) -> Response:
    """Put a colleague into the team (or change whether they lead it)."""
    username = str(posted.get("username") or "")
    try:
        services.add_member(session=session, user=user, team_id=_team_id(team_id), username=username,
                            leads=str(posted.get("leads") or "") == "ja", now=now)
    except Invalid as exc:
        flash(request, "; ".join(exc.field_errors.values()) or exc.message, "error")
        return RedirectResponse("/beheer/teams", status_code=303)
    flash(request, "Het team is bijgewerkt.")
    return RedirectResponse("/beheer/teams", status_code=303)


@router.post("/beheer/teams/{team_id}/leden/verwijderen")
def remove_member_form(team_id: int, request: Request, session: SessionDep, user: WebUser, now: Now,
                       posted: FormDep) -> Response:
    """Take a colleague out of the team."""
    services.remove_member(session=session, user=user, team_id=_team_id(team_id),
                           username=str(posted.get("username") or ""), now=now)
    flash(request, "De collega is uit het team gehaald.")
    return RedirectResponse("/beheer/teams", status_code=303)
