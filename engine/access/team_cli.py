"""`regie team`: teams and their members from the command line (the beheerder's /beheer/teams).

Every write goes through the access model (engine/access/cli.py: the operator, or `--actor`'s roles)
and through engine/access/teams.py, so it is checked and audited as on the web page.
"""

from __future__ import annotations

import typer
from rich.console import Console
from sqlalchemy import select

from engine.access import cli as access_cli
from engine.access import teams
from engine.db.models import Gemeente
from engine.errors import AppError

team_app = typer.Typer(help="Teams: who works which cases.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)
ACTOR_HELP = "Who does this (recorded in the audit log)."


def _run(action) -> None:
    """Run `action(runtime, session, now)` in one transaction; an AppError is printed and exits 1."""
    from engine.running.runtime import build_runtime

    rt = build_runtime()
    try:
        with rt.session_factory.begin() as session:
            action(rt, session, rt.clock.now(session))
    except AppError as exc:
        detail = "".join(f"\n  {k}: {v}" for k, v in exc.field_errors.items())
        err.print(f"[red]Fout:[/red] {exc.message}{detail}")
        raise typer.Exit(1)
    finally:
        rt.db.dispose()


def _all_gemeenten(session) -> list[str]:
    return list(session.execute(select(Gemeente.code)).scalars())


@team_app.command("list")
def list_teams(gemeente: str = typer.Option("demo", help="Gemeente code."),
               actor: str = typer.Option("beheerder", help=ACTOR_HELP)) -> None:
    """Show the teams that serve a gemeente, with the gemeenten they serve and their members."""
    def action(rt, session, now):
        access_cli.require(session, actor, "teams.manage")
        for team in teams.describe(session, [gemeente]):
            kind = " (standaardteam)" if team.is_default else ""
            console.print(f"{team.id}  {team.name}{kind}  werkt voor: {', '.join(team.gemeenten)}")
            for m in team.members:
                console.print(f"    {m.username}  {m.display_name}{'  teamleider' if m.leads else ''}")
    _run(action)


@team_app.command("create")
def create(name: str, gemeente: str = typer.Option("demo", help="The gemeente that keeps the team."),
           ook: list[str] = typer.Option([], "--ook", help="Another gemeente the team serves (regional; repeatable)."),
           actor: str = typer.Option("beheerder", help=ACTOR_HELP)) -> None:
    """Create a team; with --ook a regional team that serves more gemeenten."""
    def action(rt, session, now):
        access_cli.require(session, actor, "teams.manage")
        team = teams.create_team(session, actor=actor, gemeente=gemeente, name=name, gemeenten=ook,
                                 manageable=_all_gemeenten(session), now=now)
        console.print(f"Team {team.id} {team.name} gemaakt.")
    _run(action)


@team_app.command("add")
def add(team_id: int, username: str, leidt: bool = typer.Option(False, "--leidt", help="As the team's teamleider."),
        actor: str = typer.Option("beheerder", help=ACTOR_HELP)) -> None:
    """Put a colleague into a team (or change whether they lead it)."""
    def action(rt, session, now):
        access_cli.require(session, actor, "teams.manage")
        team = teams.get_team(session, team_id, _all_gemeenten(session))
        teams.add_member(session, actor=actor, team=team, username=username, leads=leidt, now=now)
        console.print(f"{username} zit in {team.name}.")
    _run(action)


@team_app.command("remove")
def remove(team_id: int, username: str, actor: str = typer.Option("beheerder", help=ACTOR_HELP)) -> None:
    """Take a colleague out of a team: they no longer see its cases."""
    def action(rt, session, now):
        access_cli.require(session, actor, "teams.manage")
        team = teams.get_team(session, team_id, _all_gemeenten(session))
        teams.remove_member(session, actor=actor, team=team, username=username, now=now)
        console.print(f"{username} is uit {team.name} gehaald.")
    _run(action)


@team_app.command("move")
def move(case_id: str, team_id: int, reden: str = typer.Option(..., help="Why the case goes to this team."),
         actor: str = typer.Option("beheerder", help=ACTOR_HELP)) -> None:
    """Give a case to another team, with a reason (audited)."""
    def action(rt, session, now):
        access_cli.require(session, actor, "case.team")
        who = access_cli.cli_actor(session, actor)
        case = teams.move_case(session, engine=rt.engine, case_id=case_id, actor=who, team_id=team_id,
                               reason=reden, now=now)
        console.print(f"Dossier {case.case_number} is nu van {teams.team_name(session, case.team_id)}.")
    _run(action)


def register(app: typer.Typer) -> None:
    """Mount `regie team` on the main command."""
    app.add_typer(team_app, name="team")
