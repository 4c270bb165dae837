"""`regie monitoring` and `regie forecast` on a small database."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from engine.tools.cli import app
from tests.engine.test_cli import cli  # noqa: F401 - the shared CLI fixture

runner = CliRunner()


def test_history_then_export_then_settings(cli, tmp_path):  # noqa: F811
    assert "Synthetische historie geladen" in cli("monitoring", "historie", "--maanden", "6")
    assert "stond er al" in cli("monitoring", "historie")
    out = tmp_path / "zaken.csv"
    cli("monitoring", "export", str(out), "--tabel", "zaken", "--van", "2025-01-01", "--tot", "2026-12-31")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("zaaknummer;gemeente;doelgroep") and len(lines) > 20
    assert all(line.split(";")[0].startswith("SYN-") for line in lines[1:])
    cli("monitoring", "export", str(tmp_path / "x.csv"), "--tabel", "onzin", code=2)

    good = tmp_path / "goed.json"
    good.write_text(json.dumps({"prijs_leerroute": {"B1": 9500}, "regio": ["wassenaar"]}))
    assert "opgeslagen" in cli("monitoring", "instellingen", str(good))
    bad = tmp_path / "fout.json"
    bad.write_text(json.dumps({"prijs_tolk_uur": -5, "kleur": "blauw"}))
    output = cli("monitoring", "instellingen", str(bad), code=1)
    assert "prijs_tolk_uur" in output and "kleur" in output
    broken = tmp_path / "kapot.json"
    broken.write_text('{"prijs_tolk_uur": 60,\n  }')
    assert "kapot.json:2" in cli("monitoring", "instellingen", str(broken), code=1)


def test_forecast_from_the_deployed_klantreis(cli):  # noqa: F811
    cli("deploy", "processes/", "forms/")
    output = cli("forecast", "--json", "--runs", "3", "--maanden", "2", "--statushouders", "4",
                 "--gezinsmigranten", "2", "--seed", "9")
    result = json.loads(output)
    assert result["runs"] == 3 and len(result["months"]) == 2 + 42
    assert result["input"]["instroom"] == {"asielstatushouder": 4.0, "gezinsmigrant": 2.0}
    assert result["percentiles"]["nieuw"][0][1] > 0
    assert json.loads(cli("forecast", "--json", "--runs", "3", "--maanden", "2", "--statushouders", "4",
                          "--gezinsmigranten", "2", "--seed", "9"))["percentiles"] == result["percentiles"]


def test_forecast_refuses_a_bad_route_mix(cli):  # noqa: F811
    result = runner.invoke(app, ["forecast", "--routemix", "B1=abc"])
    assert result.exit_code == 2 and "--routemix" in result.output
