"""`regie monitoring`: exports for the data team and the demo's synthetic history."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from engine.errors import AppError

monitoring_app = typer.Typer(no_args_is_help=True)
console = Console()


def _period(van: Optional[str], tot: Optional[str], today: date) -> tuple[date, date]:
    try:
        start = date.fromisoformat(van) if van else today.replace(year=today.year - 2)
        end = date.fromisoformat(tot) if tot else today
    except ValueError as exc:
        raise typer.BadParameter(f"datum als JJJJ-MM-DD: {exc}", param_hint="--van/--tot") from None
    if end < start:
        raise typer.BadParameter("--tot ligt voor --van", param_hint="--tot")
    return start, end


@monitoring_app.command("export")
def export_command(
    uit: Path = typer.Argument(..., help="File to write: .csv (one table) or .xlsx (all tables)."),
    gemeente: str = typer.Option("demo", help="Gemeente code."),
    tabel: str = typer.Option("zaken", help="For CSV: zaken, gebeurtenissen, tevredenheid, indicatoren, ggm, kis."),
    van: Optional[str] = typer.Option(None, help="First day (YYYY-MM-DD); default two years ago."),
    tot: Optional[str] = typer.Option(None, help="Last day (YYYY-MM-DD); default today."),
) -> None:
    """Write the monitoring facts as CSV or XLSX (columns documented in engine/monitoring/export.py)."""
    from engine.db.models import Gemeente
    from engine.monitoring import export
    from engine.monitoring.indicators import Filters
    from engine.monitoring.settings import monitoring_settings
    from engine.running.runtime import build_runtime

    rt = build_runtime()
    with rt.session_factory() as session:
        tenant = session.get(Gemeente, gemeente)
        if tenant is None:
            raise typer.BadParameter(f"onbekende gemeente {gemeente!r}", param_hint="--gemeente")
        start, end = _period(van, tot, rt.clock.now(session).date())
        filters = Filters((gemeente,), start, end)
        settings = monitoring_settings(tenant.settings)
        try:
            if uit.suffix.lower() == ".xlsx":
                uit.write_bytes(export.to_xlsx(session, list(export.TABLES), filters, settings))
            elif uit.suffix.lower() == ".csv":
                uit.write_text(export.to_csv(session, tabel, filters, settings), encoding="utf-8")
            else:
                raise typer.BadParameter("gebruik .csv of .xlsx", param_hint="UIT")
        except AppError as exc:
            raise typer.BadParameter(exc.message + "".join(f" ({k}: {v})" for k, v in exc.field_errors.items()),
                                     param_hint="--tabel") from None
    console.print(f"Geschreven: {uit}")


@monitoring_app.command("historie")
def history_command(gemeente: str = typer.Option("demo", help="Gemeente code."),
                    maanden: int = typer.Option(24, help="Months of synthetic history.")) -> None:
    """Load synthetic monitoring history (clearly marked) so the demo dashboards have two years to show."""
    from engine.db.models import Gemeente
    from engine.monitoring.history import load_history
    from engine.running.runtime import build_runtime

    rt = build_runtime()
    with rt.session_factory.begin() as session:
        if session.get(Gemeente, gemeente) is None:
            raise typer.BadParameter(f"onbekende gemeente {gemeente!r}", param_hint="--gemeente")
        made = load_history(session, gemeente=gemeente, today=rt.clock.now(session).date(), months=maanden)
    if made:
        console.print(f"Synthetische historie geladen: {made} inburgeraars over {maanden} maanden (gemarkeerd als "
                      "synthetisch).")
    else:
        console.print("Synthetische historie stond er al.")


@monitoring_app.command("instellingen")
def settings_command(bestand: Path = typer.Argument(..., help="JSON file with monitoring settings (prices, minutes, "
                                                                "regio, expected route mix)."),
                     gemeente: str = typer.Option("demo", help="Gemeente code.")) -> None:
    """Check and store a gemeente's monitoring settings (unit prices are policy, not law)."""
    import json

    from engine.db.models import Gemeente
    from engine.monitoring.settings import validate
    from engine.running.runtime import build_runtime

    try:
        values = json.loads(bestand.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        console.print(f"[red]Fout:[/red] {bestand}:{exc.lineno}:{exc.colno}: geen geldige JSON ({exc.msg})")
        raise typer.Exit(1) from None
    if not isinstance(values, dict):
        console.print(f"[red]Fout:[/red] {bestand}:1: verwacht een JSON-object")
        raise typer.Exit(1)
    problems = validate(values)
    if problems:
        for key, problem in problems.items():
            console.print(f"[red]Fout:[/red] {bestand}: {key}: {problem}", markup=True)
        raise typer.Exit(1)
    rt = build_runtime()
    with rt.session_factory.begin() as session:
        tenant = session.get(Gemeente, gemeente)
        if tenant is None:
            raise typer.BadParameter(f"onbekende gemeente {gemeente!r}", param_hint="--gemeente")
        tenant.settings = {**(tenant.settings or {}), "monitoring": values}
    console.print(f"Monitoring-instellingen van {gemeente} opgeslagen ({', '.join(sorted(values))}).")
