"""`regie forecast`: next year's workload, per month with P10/P50/P90."""

from __future__ import annotations

import json
import sys
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from engine.errors import AppError

console = Console()


def _routemix(text: Optional[str]) -> dict[str, float] | None:
    if not text:
        return None
    mix = {}
    for part in text.split(","):
        route, _, share = part.partition("=")
        try:
            mix[route.strip()] = float(share) / 100
        except ValueError:
            raise typer.BadParameter(f"'{part}': schrijf route=procent, bijvoorbeeld B1=55,onderwijs=20,Z=25",
                                     param_hint="--routemix") from None
    return mix


def forecast(
    gemeente: str = typer.Option("demo", help="Gemeente code."),
    maanden: int = typer.Option(12, help="Months of instroom to simulate."),
    statushouders: Optional[float] = typer.Option(None, help="Expected asielstatushouders per month."),
    gezinsmigranten: Optional[float] = typer.Option(None, help="Expected gezinsmigranten per month."),
    routemix: Optional[str] = typer.Option(None, help="Route mix in percent, e.g. B1=55,onderwijs=20,Z=25."),
    runs: int = typer.Option(50, help="Number of seeded runs."),
    seed: int = typer.Option(1, help="Random seed (same seed, same figures)."),
    landelijk: bool = typer.Option(False, help="A national year: 18,000 inburgeraars, route mix 65/20/15."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Simulate next year's workload through the deployed klantreis and print it per month."""
    from engine.forecast.service import run_forecast
    from engine.running.runtime import build_runtime

    rt = build_runtime()
    overrides: dict = {"months": maanden, "runs": runs, "seed": seed, "landelijk": landelijk,
                       "routemix": _routemix(routemix)}
    try:
        with rt.session_factory() as session:
            today = rt.clock.now(session).date()
            if statushouders is not None or gezinsmigranten is not None:
                from engine.forecast.history import inputs_from_history
                from engine.monitoring.settings import monitoring_settings
                from engine.db.models import Gemeente

                tenant = session.get(Gemeente, gemeente)
                base, _ = inputs_from_history(session, gemeenten=(gemeente,), today=today,
                                              settings=monitoring_settings(tenant.settings if tenant else {}))
                overrides["instroom"] = {
                    "asielstatushouder": statushouders if statushouders is not None
                    else base.instroom["asielstatushouder"],
                    "gezinsmigrant": gezinsmigranten if gezinsmigranten is not None else base.instroom["gezinsmigrant"]}
            result, spec, notes, timings = run_forecast(session, gemeente=gemeente, today=today, overrides=overrides)
    except AppError as exc:
        detail = "".join(f"\n  {k}: {v}" for k, v in exc.field_errors.items())
        Console(stderr=True).print(f"[red]Fout:[/red] {exc.message}{detail}")
        raise typer.Exit(1) from None
    if as_json:
        sys.stdout.write(json.dumps({"months": result.months, "percentiles": result.percentiles, "runs": result.runs,
                                     "cases_per_run": result.cases_per_run, "timings": timings, "notes": notes,
                                     "input": {"instroom": spec.instroom, "routemix": spec.routemix,
                                               "kansen": spec.kansen}}) + "\n")
        return
    from engine.forecast.simulate import METRIC_LABELS

    table = Table(title=f"Prognose {gemeente}: P50 (P10-P90) per maand, {result.runs} runs, "
                        f"gemiddeld {result.cases_per_run:.0f} nieuwe zaken per run")
    table.add_column("maand")
    shown = ("nieuw", "open", "intakes", "pips", "voortgangsgesprekken", "brieven", "boetes", "consulent_uren",
             "kosten")
    for metric in shown:
        table.add_column(METRIC_LABELS[metric], justify="right")
    for i, month in enumerate(result.months):
        table.add_row(month, *(f"{result.percentiles[m][i][1]:,.0f} ({result.percentiles[m][i][0]:,.0f}-"
                               f"{result.percentiles[m][i][2]:,.0f})" for m in shown))
    console.print(table)
    for note in notes:
        console.print(f"- {note}", markup=False)
    console.print(f"Tijd: paden {timings['bibliotheek_s']} s, simulatie {timings['simulatie_s']} s "
                  f"(invoer: instroom {spec.instroom}, routemix {spec.routemix}, kansen {spec.kansen})", markup=False)


def register(app: typer.Typer) -> None:
    """Add `regie forecast` and `regie monitoring` to the command line."""
    from engine.monitoring.cli import monitoring_app

    app.command("forecast")(forecast)
    app.add_typer(monitoring_app, name="monitoring", help="Monitoring: exports and demo history.")
