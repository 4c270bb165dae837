"""The `regie` command, as a beheerder or trainer uses it on a demo database."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from engine.tools.cli import _mount_optional, app
from tests.engine.conftest import FIXTURES

runner = CliRunner()


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setenv("REGIE_CLOCK", "database")
    _mount_optional()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output
    run("db", "upgrade")
    from engine.config import Settings
    from engine.db.models import Gemeente
    from engine.running.runtime import build_runtime
    from tests.conftest import T0

    rt = build_runtime(Settings())
    with rt.session_factory.begin() as session:
        session.add(Gemeente(code="demo", naam="Voorbeeldstad", settings={}))
        rt.clock.set(session, T0)
    rt.db.dispose()
    return run


def test_deploy_start_complete_advance_and_inspect(cli):
    out = cli("deploy", str(FIXTURES / "basic.bpmn"), str(FIXTURES / "intake.form"))
    assert "basic v1 (new)" in out
    assert "al gedeployed" in cli("deploy", str(FIXTURES / "basic.bpmn"), str(FIXTURES / "intake.form"))
    out = cli("start", "basic", "--data", json.dumps({"datum_plicht": "2026-01-05", "consulent": "anna"}))
    case_id = re.search(r"\(([0-9a-f-]{36})\)", out).group(1)
    listed = [json.loads(line) for line in cli("tasks", "--group", "consulent", "--json").splitlines()]
    assert [t["element"] for t in listed] == ["Task_Intake"] and listed[0]["case_id"] == case_id
    task_id = listed[0]["id"]
    out = cli("complete", task_id, "--data", '{"leerroute": "X"}', code=1)
    assert "Kies een van de opties" in out
    cli("complete", task_id, "--data", '{"leerroute": "Z"}', "--actor", "anna")
    overview = json.loads(cli("case", case_id))
    incident = overview["incidents"][0]
    assert incident["element"] == "Task_Brief" and "veld 'straat' ontbreekt" in incident["message"]
    assert {"start", "complete", "incident", "view"} <= {a["action"] for a in overview["audit"]}
    assert overview["variables"]["leerroute"] == "Z"
    assert "De stap is opnieuw mislukt" in cli("retry", str(incident["id"]), code=1)
    assert len(json.loads(cli("case", case_id))["incidents"]) == 2, "the same data fails again: a new incident"


def test_advance_fires_due_timers_and_reports_them(cli):
    cli("deploy", str(FIXTURES / "wacht.bpmn"))
    case_id = re.search(r"\(([0-9a-f-]{36})\)", cli("start", "wacht")).group(1)
    assert "0 timer(s) afgegaan" in cli("advance", "P5M")
    out = cli("advance", "2026-08-01")
    assert "1 timer(s) afgegaan" in out and "6 maanden" in out
    assert [t["element"] for t in json.loads(cli("case", case_id))["open_tasks"]] == ["Task_Nazorg"]
    assert "only moves forward" in cli("advance", "2026-01-01", code=1)


def test_refused_deploy_names_file_element_and_reason(cli):
    out = cli("deploy", str(FIXTURES / "bad_script.bpmn"), code=1)
    assert "bad_script.bpmn [Script_Boete]" in out and "script task" in out


def test_a_message_nobody_waits_for_is_refused_and_the_command_fails(cli):
    out = cli("message", "duo_lbt_uitslag", "--id", "SS131-1", "--gemeente", "demo", "--data", "{}", code=1)
    assert "geweigerd en bewaard" in out


def test_bad_json_is_reported_with_its_position(cli):
    out = cli("start", "basic", "--data", "{bad", code=1)
    assert "not valid JSON" in out and "line 1 column 2" in out


def test_gemeente_policy_variables_are_set_and_shown(cli):
    out = cli("gemeente", "demo", "--zet", "brugklas_statushouders=false", "--zet", "boete_statushouders=true")
    assert "brugklas_statushouders = false (gemeente)" in out
    assert "brugklas_gezinsmigranten = false (standaard)" in out
    assert "does not exist" in cli("gemeente", "0999", code=1)
    assert "Nieuwstad" in cli("gemeente", "0999", "--naam", "Nieuwstad")
