"""`regie`: the command line for beheerders, analysts, trainers and CI.

Every command opens one transaction, calls one engine verb, and prints what
happened. Errors print the reason (and file/element for deploys) and exit 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from engine.access import cli as cli_access
from engine.errors import AppError, DeployRefused
from engine.running.transactions import run_in_transaction

app = typer.Typer(help="Regie: Wet inburgering 2021 process automation.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database schema.")
app.add_typer(db_app, name="db")
console = Console()
err = Console(stderr=True)
ACTOR_HELP = "Who does this (recorded in the audit log)."


def _runtime():
    from engine.running.runtime import build_runtime

    return build_runtime()


def _fail(message: str) -> None:
    err.print(f"[red]Fout:[/red] {message}")
    raise typer.Exit(1)


def _json_arg(text: Optional[str], what: str) -> dict:
    if not text:
        return {}
    if text.startswith("@"):
        text = Path(text[1:]).read_text(encoding="utf-8")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(f"{what} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
    if not isinstance(value, dict):
        _fail(f"{what} must be a JSON object")
    return value


def _report_app_error(exc: AppError) -> None:
    if isinstance(exc, DeployRefused):
        err.print("[red]Deploy geweigerd:[/red]")
        for problem in exc.problems:
            colour = "red" if problem.severity == "error" else "yellow"
            err.print(f"  [{colour}]{problem.severity}[/{colour}] {problem}")
        raise typer.Exit(1)
    detail = "".join(f"\n  {k}: {v}" for k, v in exc.field_errors.items())
    _fail(exc.message + detail)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations (also done by every other command)."""
    _runtime()
    console.print("Database is up to date.")


@app.command()
def deploy(paths: list[Path] = typer.Argument(..., help="BPMN, DMN and .form files or folders."),
           actor: str = typer.Option("beheerder", help=ACTOR_HELP),
           tenant: Optional[str] = typer.Option(None, help="Gemeente code; without it the shared base.")) -> None:
    """Deploy diagrams, decisions and forms; refuses with file, element and reason."""
    from engine.deploy.deployment import kind_of

    files = []
    for path in paths:
        candidates = sorted(path.iterdir()) if path.is_dir() else [path]
        for file in candidates:
            if file.is_file() and kind_of(file.name):
                files.append((file.name, file.read_bytes()))
    if not files:
        _fail("no .bpmn, .dmn or .form files found")
    rt = _runtime()
    try:
        with rt.session_factory.begin() as session:
            cli_access.require(session, actor, "deploy")
            result = rt.engine.deploy(session=session, files=files, actor=actor, source="cli", name="regie deploy",
                                      tenant=tenant)
    except AppError as exc:
        _report_app_error(exc)
    for warning in result.warnings:
        console.print(f"[yellow]warning[/yellow] {warning}")
    if result.duplicate:
        console.print("Niets veranderd: deze bestanden zijn al gedeployed.")
    for definition in result.definitions:
        mark = "new" if definition in result.new_definitions else "unchanged"
        console.print(f"{definition.process_id} v{definition.version} ({mark})")


@app.command()
def start(process_id: str, gemeente: str = typer.Option("demo"), data: Optional[str] = typer.Option(
        None, help="JSON object (or @file.json) with the start data."),
          actor: str = typer.Option("beheerder", help=ACTOR_HELP)) -> None:
    """Start a case of the latest version of PROCESS_ID."""
    rt = _runtime()
    try:
        case = run_in_transaction(rt.session_factory, lambda session: rt.engine.start_case(
            session=session, process_id=process_id, gemeente=gemeente, data=_json_arg(data, "--data"), actor=actor))
    except AppError as exc:
        _report_app_error(exc)
    console.print(f"Dossier {case.case_number} gestart ({case.id})")


@app.command()
def tasks(group: Optional[str] = typer.Option(None, help="Only tasks of this candidate group."),
          gemeente: str = typer.Option("demo"), case: Optional[str] = typer.Option(None, help="Case id"),
          as_json: bool = typer.Option(False, "--json", help="One JSON object per task (for scripts).")) -> None:
    """List open user tasks, earliest due first."""
    from sqlalchemy import select

    from engine.db.models import Case, TaskCandidate, UserTask

    rt = _runtime()
    with rt.session_factory() as session:
        query = select(UserTask, Case.case_number).join(Case, Case.id == UserTask.case_id).where(
            UserTask.gemeente == gemeente)
        if group:
            query = query.join(TaskCandidate, TaskCandidate.task_id == UserTask.id).where(
                TaskCandidate.kind == "group", TaskCandidate.name == group)
        if case:
            query = query.where(UserTask.case_id == case)
        rows = session.execute(query.order_by(UserTask.due_at.is_(None), UserTask.due_at).limit(200)).all()
    if as_json:
        for task, number in rows:
            sys.stdout.write(json.dumps({"id": task.id, "case_id": task.case_id, "case_number": number,
                                         "element": task.element_id, "name": task.name,
                                         "groups": task.candidate_groups, "assignee": task.assignee,
                                         "due": task.due_at.isoformat() if task.due_at else None}) + "\n")
        return
    table = Table("dossier", "taak", "groepen", "toegewezen", "deadline")
    table.add_column("task id", no_wrap=True, min_width=36)
    for task, number in rows:
        table.add_row(number, task.name, ",".join(task.candidate_groups), task.assignee or "",
                      f"{task.due_at:%Y-%m-%d}" if task.due_at else "", task.id)
    console.print(table)


@app.command()
def complete(task_id: str, data: Optional[str] = typer.Option(None, help="JSON object or @file.json"),
             actor: str = typer.Option("beheerder", help=ACTOR_HELP)) -> None:
    """Complete an open user task with form data."""
    rt = _runtime()
    try:
        def work(session):
            cli_access.require(session, actor, "tasks.work", task_id=task_id)
            return rt.engine.complete_task(session=session, task_id=task_id, data=_json_arg(data, "--data"),
                                           actor=actor)

        case = run_in_transaction(rt.session_factory, work)
    except AppError as exc:
        _report_app_error(exc)
    console.print(f"Taak afgerond in dossier {case.case_number}")


@app.command()
def message(name: str, message_id: str = typer.Option(..., "--id", help="Unique message id (idempotency)."),
            case: Optional[str] = typer.Option(None, help="Case id"),
            bsn_file: Optional[Path] = typer.Option(None, help="File holding the BSN (kept out of shell history)."),
            gemeente: Optional[str] = typer.Option(None), data: Optional[str] = typer.Option(None),
            actor: str = typer.Option("systeem:duo", help=ACTOR_HELP)) -> None:
    """Send a message to a case by case id or by BSN."""
    bsn = bsn_file.read_text().strip() if bsn_file else None
    rt = _runtime()
    try:
        def work(session):
            cli_access.require_message(session, actor, name)
            return rt.engine.send_message(session=session, name=name, message_id=message_id, actor=actor,
                                          case_id=case, bsn=bsn, gemeente=gemeente, payload=_json_arg(data, "--data"))

        outcome = run_in_transaction(rt.session_factory, work)
    except AppError as exc:
        _report_app_error(exc)
    if outcome.status == "refused":
        _fail(f"bericht geweigerd en bewaard: {outcome.reason}")
    console.print("Al eerder verwerkt: " + outcome.reason if outcome.status == "duplicate" else "Bericht verwerkt")


@app.command()
def advance(to: str = typer.Argument(..., help="ISO duration (P6M, P10W) or date (2026-09-01)")) -> None:
    """Move the demo clock forward, firing every due timer in due-time order."""
    from rich.progress import Progress

    from engine.bpmn.tasktree import parse_until
    from engine.clock import DatabaseClock

    rt = _runtime()
    if not isinstance(rt.clock, DatabaseClock):
        _fail("the clock is the real time (REGIE_CLOCK=system); advance works on a demo or test database")
    with rt.session_factory() as session:
        start_at = rt.clock.now(session)
    try:
        until = parse_until(to, start_at)
    except ValueError as exc:
        _fail(f"cannot read {to!r}: {exc}")
    if until < start_at:
        _fail("the clock only moves forward")
    with Progress(console=err, transient=True) as progress:
        bar = progress.add_task("timers", total=(until - start_at).total_seconds() or 1)
        fired = rt.engine.fire_due_timers(
            session_factory=rt.session_factory, until=until,
            on_fired=lambda f: progress.update(bar, completed=(f.fired_at - start_at).total_seconds()))
    table = Table("vuurde op", "dossier", "timer")
    for item in fired:
        table.add_row(f"{item.fired_at:%Y-%m-%d %H:%M}", item.case_number, item.name or item.element_id)
    console.print(table)
    console.print(f"Klok staat op {until:%Y-%m-%d %H:%M} UTC; {len(fired)} timer(s) afgegaan.")


@app.command("case")
def show_case(case_id: str, actor: str = typer.Option("beheerder", help=ACTOR_HELP)) -> None:
    """Show a case: state, open tasks, timers, incidents and the audit log."""
    from engine.casefile.overview import case_overview

    rt = _runtime()
    try:
        with rt.session_factory.begin() as session:
            overview = case_overview(rt.engine, session=session, case_id=case_id, actor=actor)
    except AppError as exc:
        _report_app_error(exc)
    console.print_json(json.dumps(overview, default=str))


@app.command()
def retry(incident_id: int, actor: str = typer.Option("beheerder", help=ACTOR_HELP)) -> None:
    """Retry the step of an incident and say whether it got through (exit 1 when it did not)."""
    from engine.beheer.incidents import retry_incidents

    rt = _runtime()
    try:
        [outcome] = run_in_transaction(rt.session_factory, lambda session: retry_incidents(
            rt.engine, session=session, incident_ids=[incident_id], actor=actor, gemeente=None))
    except AppError as exc:
        _report_app_error(exc)
    console.print(f"Dossier {outcome.case_number or '-'}: {outcome.message}")
    if not outcome.succeeded:
        raise typer.Exit(1)


@app.command()
def migrate(case_id: str, actor: str = typer.Option("beheerder", help=ACTOR_HELP)) -> None:
    """Move a case to the latest version of its process when that is safe."""
    rt = _runtime()
    try:
        result = run_in_transaction(rt.session_factory, lambda session: rt.engine.migrate_case(
            session=session, case_id=case_id, actor=actor))
    except AppError as exc:
        _report_app_error(exc)
    if result.migrated:
        console.print(f"Gemigreerd van {result.from_definition} naar {result.to_definition}")
    else:
        console.print("Niet nodig: " + "; ".join(result.reasons))


@app.command()
def gemeente(code: str = typer.Argument(..., help="Gemeente code, e.g. 0268 or demo."),
             naam: Optional[str] = typer.Option(None, help="Name (creates the gemeente when new)."),
             zet: list[str] = typer.Option([], "--zet", help="Policy variable as name=json-value, e.g. "
                                           "brugklas_statushouders=false (repeatable)."),
             oin: Optional[str] = typer.Option(None, help="The gemeente's OIN (20 digits): DUO's `doel` and our "
                                               "`bron` in the DUO exchange."),
             actor: str = typer.Option("beheerder", help=ACTOR_HELP)) -> None:
    """Create a gemeente or change its local policy variables; prints the result."""
    from engine import audit
    from engine.db.models import Gemeente
    from engine.running.policy import POLICY_DEFAULTS

    changes = {}
    for item in zet:
        name, sep, raw = item.partition("=")
        if not sep or not name.isidentifier():
            _fail(f"--zet {item!r}: use name=value")
        try:
            changes[name] = json.loads(raw)
        except json.JSONDecodeError:
            changes[name] = raw
    rt = _runtime()
    with rt.session_factory.begin() as session:
        row = session.get(Gemeente, code)
        if row is None:
            if not naam:
                _fail(f"gemeente {code!r} does not exist; give --naam to create it")
            row = Gemeente(code=code, naam=naam, settings={})
            session.add(row)
        elif naam:
            row.naam = naam
        settings = dict(row.settings or {})
        settings["variabelen"] = {**settings.get("variabelen", {}), **changes}
        if oin is not None:
            if len(oin) != 20 or not oin.isdigit():
                _fail(f"--oin {oin!r}: an OIN has 20 digits")
            settings["oin"] = oin
            audit.record(session=session, actor=actor, action="settings", at=rt.clock.now(session), gemeente=code,
                         detail={"oin": oin})
        row.settings = settings
        session.flush()
        if changes:
            audit.record(session=session, actor=actor, action="settings", at=rt.clock.now(session), gemeente=code,
                         detail={"variabelen": changes})
        effective = {**POLICY_DEFAULTS, **settings["variabelen"]}
    console.print(f"{code}: {row.naam}")
    for name, value in sorted(effective.items()):
        origin = "gemeente" if name in settings["variabelen"] else "standaard"
        console.print(f"  {name} = {json.dumps(value)} ({origin})")


@app.command()
def printbatch(out: Path = typer.Argument(..., help="Where to write the PDF."),
               day: Optional[str] = typer.Option(None, help="YYYY-MM-DD; default: today on the clock."),
               gemeente: str = typer.Option("demo"), actor: str = typer.Option("beheerder", help=ACTOR_HELP)) -> None:
    """Write one PDF of the day's approved postal letters for the print street; marks them sent."""
    from datetime import date as _date

    from engine.bpmn.scripting import LOCAL_TZ
    from engine.letters.archive import LetterError
    from engine.letters.print_batch import print_batch

    rt = _runtime()
    try:
        with rt.session_factory.begin() as session:
            now = rt.clock.now(session)
            chosen = _date.fromisoformat(day) if day else now.astimezone(LOCAL_TZ).date()
            pdf = print_batch(session=session, gemeente=gemeente, day=chosen, actor=actor, now=now)
    except (LetterError, ValueError) as exc:
        _fail(str(exc))
    out.write_bytes(pdf)
    console.print(f"Printbatch van {chosen:%Y-%m-%d} geschreven naar {out}")


@app.command()
def scenario(files: list[Path]) -> None:
    """Run YAML scenarios; exit 0 only when every expectation holds."""
    from engine.tools.scenario import run_scenario_files

    failures = run_scenario_files(files, out=console)
    raise typer.Exit(1 if failures else 0)


@app.command()
def worker(once: bool = typer.Option(False, help="Do one round and stop."),
           health: bool = typer.Option(False, help="Exit 0 when a worker on this host beat recently (health check)."),
           max_age: int = typer.Option(300, help="With --health: the oldest heartbeat (seconds) still healthy.")) -> None:
    """Fire due timers and run queued work on the real clock, until stopped."""
    from engine.running.worker import healthy, run_worker

    if health:
        from datetime import timedelta

        rt = _runtime()
        with rt.session_factory() as session:
            if not healthy(session, within=timedelta(seconds=max_age)):
                _fail(f"no worker on this host wrote a heartbeat in the last {max_age} s")
        return
    run_worker(_runtime(), once=once, out=console)


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Serve the web app and API with uvicorn."""
    import uvicorn

    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers)


@app.command()
def demo(reset: bool = typer.Option(False, help="Throw the database away first.")) -> None:
    """Load the demo gemeente: accounts, the klantreis and ~30 inburgeraars."""
    from engine.tools.demo import load_demo

    load_demo(_runtime(), reset=reset, out=console)


@app.command()
def bench(as_json: bool = typer.Option(False, "--json", help="Print one JSON object.")) -> None:
    """Measure the app over HTTP on aged cases (1k-100k, SQLite and PostgreSQL), then the engine alone."""
    from engine.benchmarks.report import run_all

    figures = run_all(out=None if as_json else console)
    if as_json:
        sys.stdout.write(json.dumps(figures) + "\n")


PLUGIN_GROUP = "regie.commands"


def _add_plugin_commands() -> None:
    """Add the commands other parts of this installation declare (entry points `regie.commands`).

    `regie duo-sim` is one: the DUO/BRP simulator is a web app (api/simulators), so the engine does
    not import it; pyproject.toml names it, and it is loaded only when its command runs.
    """
    from importlib.metadata import entry_points

    def command_for(point):
        def run(ctx: typer.Context) -> None:
            point.load()(list(ctx.args))

        run.__doc__ = f"See `regie {point.name} --help`."
        return run

    for point in entry_points(group=PLUGIN_GROUP):
        app.command(point.name, context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
                    add_help_option=False)(command_for(point))


def _mount_optional() -> None:
    _add_plugin_commands()
    from engine.dmn.cli import dmn_app

    app.add_typer(dmn_app, name="dmn", help="Evaluate DMN decisions (for people who edit them).")
    from engine.forecast.cli import register as register_monitoring

    register_monitoring(app)
    from engine.access.team_cli import register as register_teams

    register_teams(app)


def main() -> None:
    """Entry point of the `regie` command."""
    _mount_optional()
    app()
