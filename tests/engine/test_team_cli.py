"""`regie team`: teams, members and case moves from the command line, checked and audited."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from engine.access import accounts
from engine.config import Settings
from engine.db.models import AuditEntry, Case
from engine.running.runtime import build_runtime
from tests.engine.conftest import FIXTURES
from tests.engine.test_cli import cli  # noqa: F401 (the fixture)


def test_teams_are_made_filled_and_a_case_moved_from_the_command_line(cli):  # noqa: F811
    rt = build_runtime(Settings())
    with rt.session_factory.begin() as session:
        for name, roles in (("anna", ["consulent"]), ("bert", ["consulent"])):
            accounts.create_user(session=session, username=name, password="geheim-wachtwoord-1",
                                 display_name=name.title(), gemeente="demo", roles=roles, groups=["consulent"])
    rt.db.dispose()
    created = cli("team", "create", "Team Zuid", "--gemeente", "demo")
    team_id = re.search(r"Team (\d+) Team Zuid gemaakt", created).group(1)
    cli("team", "add", team_id, "bert", "--leidt")
    assert "Kies een collega" in cli("team", "add", team_id, "niemand", code=1)
    listed = cli("team", "list", "--gemeente", "demo")
    assert "Standaardteam" in listed and "Team Zuid" in listed and "bert  Bert  teamleider" in listed
    assert "teams en teamleden beheren" in cli("team", "create", "Eigen team", "--actor", "anna", code=1)

    cli("deploy", str(FIXTURES / "basic.bpmn"), str(FIXTURES / "intake.form"))
    out = cli("start", "basic", "--data", json.dumps({"datum_plicht": "2026-01-05", "consulent": "anna"}))
    case_id = re.search(r"\(([0-9a-f-]{36})\)", out).group(1)
    assert "reden" in cli("team", "move", case_id, team_id, "--reden", "", code=1)
    assert "nu van Team Zuid" in cli("team", "move", case_id, team_id, "--reden", "verhuisd")
    cli("team", "remove", team_id, "bert")
    rt = build_runtime(Settings())
    with rt.session_factory() as session:
        assert session.get(Case, case_id).team_id == int(team_id)
        actions = [a.action for a in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()]
    rt.db.dispose()
    assert {"team_create", "team_member_add", "team", "team_member_remove"} <= set(actions)
