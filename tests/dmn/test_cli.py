"""`regie dmn eval`: one JSON line in, one JSON line out; exit 1 only when the file does not load."""

import json
from pathlib import Path

from typer.testing import CliRunner

from engine.dmn.cli import dmn_app

FIXTURE = Path(__file__).parent / "fixtures" / "leerroute.dmn"
runner = CliRunner()


def run(args, stdin=""):
    return runner.invoke(dmn_app, args, input=stdin)


def test_eval_prints_one_result_per_input_line():
    lines = "\n".join(
        [
            json.dumps({"leeftijd": 24, "toets": {"score": 640}}),
            json.dumps({"leeftijd": 50, "toets": {"score": 100}}),
            "",
            json.dumps({"leeftijd": 50, "toets": {"score": 450.5}}),
        ]
    )
    result = run(["eval", str(FIXTURE), "--decision", "leerroute"], lines)
    assert result.exit_code == 0, result.output
    outputs = [json.loads(line) for line in result.output.splitlines()]
    assert [o["result"] for o in outputs] == ["onderwijs", "Z", "B1"]
    assert outputs[0]["matched_rules"] == ["r_onderwijs"]


def test_eval_serialises_decimals_and_lists():
    line = json.dumps({"leeftijd": 24, "toets": {"score": 640}, "uren per week": 1.5})
    result = run(["eval", str(FIXTURE), "--decision", "eigen_bijdrage"], line)
    assert json.loads(result.output) == {"result": 48.3, "matched_rules": []}
    result = run(["eval", str(FIXTURE), "-d", "begeleiding"], line)
    assert json.loads(result.output)["result"] == [{"uren": 4, "soort": "intake"}, {"uren": 60, "soort": "taal"}]


def test_bad_lines_give_error_lines_and_exit_zero():
    stdin = "niet json\n[1, 2]\n" + json.dumps({"toets": {"score": 1}}) + "\n"
    result = run(["eval", str(FIXTURE), "--decision", "leerroute"], stdin)
    assert result.exit_code == 0
    errors = [json.loads(line)["error"] for line in result.output.splitlines()]
    assert "line 1 is not valid JSON" in errors[0]
    assert "line 2 is not a JSON object" in errors[1]
    assert "unknown variable 'leeftijd'" in errors[2]


def test_unloadable_file_or_unknown_decision_exits_one(tmp_path):
    broken = tmp_path / "kapot.dmn"
    broken.write_text("<definitions")
    result = run(["eval", str(broken), "--decision", "x"])
    assert result.exit_code == 1
    assert "cannot load kapot.dmn" in result.output
    result = run(["eval", str(FIXTURE), "--decision", "bestaat_niet"])
    assert result.exit_code == 1
    assert "no decision 'bestaat_niet'" in result.output
