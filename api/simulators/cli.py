"""`regie duo-sim`: run the DUO (and BRP) simulator, and play DUO from the command line.

    regie duo-sim serve                      # DUO on http://127.0.0.1:8001/v1, BRP on /brp
    regie duo-sim serve --background         # the same, detached (make run); pid in var/duo-sim.pid
    regie duo-sim stuur SS131 --naam "Amina Yusuf" --uitslag haalbaar
    regie duo-sim stuur SS199 --naam "Amina Yusuf" --onderdeel KNM --resultaat Geslaagd
    regie duo-sim stuur SS120 --bsn-file bsn.txt
    regie duo-sim storing aan | uit          # every DUO call answers 503
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

import httpx
import typer

from engine.config import PROJECT_ROOT

app = typer.Typer(help="DUO-simulator: DUO's resources from a local store; notifications to Regie.", add_completion=False,
                  no_args_is_help=True)
DEFAULT_PORT = 8001
DEFAULT_STORE = PROJECT_ROOT / "var" / "duo-sim.json"
PID_FILE = PROJECT_ROOT / "var" / "duo-sim.pid"
SIM_URL = typer.Option(f"http://127.0.0.1:{DEFAULT_PORT}", "--sim", help="URL of the running simulator.")


def create_app(store_path: Path | None, notify_url: str, token: str):
    """Build the simulator: DUO at /v1 and /_sim, the BRP at /brp, over one store."""
    from api.simulators.brp.app import create_brp_app
    from api.simulators.duo.app import SimSettings, create_sim_app
    from api.simulators.duo.store import SimStore

    store = SimStore(store_path)
    duo = create_sim_app(store, SimSettings(notify_url=notify_url, token=token))
    duo.mount("/brp", create_brp_app(store))
    return duo


def healthy(url: str) -> bool:
    """Tell whether a simulator answers at `url`."""
    try:
        return httpx.get(f"{url}/_sim/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@app.command()
def serve(host: str = "127.0.0.1", port: int = DEFAULT_PORT,
          store: Path = typer.Option(DEFAULT_STORE, help="JSON file of the simulator's persons."),
          regie: str = typer.Option("http://127.0.0.1:8000/duo/v1/notificaties", help="Regie's Notificatie URL."),
          token: str = typer.Option("duo-sim-token", envvar="REGIE_DUO_TOKEN", help="Token sent to Regie."),
          background: bool = typer.Option(False, help="Start detached and return once it answers.")) -> None:
    """Serve the simulator."""
    url = f"http://{host}:{port}"
    if background:
        if healthy(url):
            typer.echo(f"DUO-simulator draait al op {url}")
            return
        PID_FILE.parent.mkdir(parents=True, exist_ok=True)
        logfile = open(PID_FILE.with_suffix(".log"), "ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "api.simulators.cli", "serve", "--host", host, "--port", str(port),
             "--store", str(store), "--regie", regie, "--token", token],
            stdout=logfile, stderr=logfile, start_new_session=True, cwd=PROJECT_ROOT, env=dict(os.environ))
        PID_FILE.write_text(str(process.pid))
        for _ in range(100):
            if healthy(url):
                typer.echo(f"DUO-simulator gestart op {url} (pid {process.pid}, stoppen: kill {process.pid})")
                return
            time.sleep(0.1)
        typer.echo("De DUO-simulator start niet; zie var/duo-sim.log", err=True)
        raise typer.Exit(1)
    import uvicorn

    uvicorn.run(create_app(store, regie, token), host=host, port=port, log_level="warning")


def _post(url: str, path: str, body: dict, method: str = "post") -> dict:
    try:
        response = httpx.request(method.upper(), f"{url}{path}", json=body, timeout=30)
    except httpx.HTTPError as exc:
        typer.echo(f"De simulator op {url} antwoordt niet ({type(exc).__name__})", err=True)
        raise typer.Exit(1) from None
    if response.status_code >= 400:
        typer.echo(f"Geweigerd: {response.json().get('detail', response.text)}", err=True)
        raise typer.Exit(1)
    return response.json()


@app.command()
def stuur(gebeurtenis: str = typer.Argument(..., help="GebeurtenisId, e.g. SS131, SS199, SS120, SS109."),
          naam: Optional[str] = typer.Option(None, help="Name of the person in the simulator."),
          bsn_file: Optional[Path] = typer.Option(None, help="File holding the BSN (kept out of shell history)."),
          uitslag: Optional[str] = typer.Option(None, help="SS131: haalbaar, niet_haalbaar or onbekend."),
          onderdeel: Optional[str] = typer.Option(None, help="SS199: KNM, LE, LU, SC or SP."),
          resultaat: Optional[str] = typer.Option(None, help="SS199: Geslaagd, Gezakt or Geen."),
          data: Optional[str] = typer.Option(None, help="Other values as a JSON object."),
          sim: str = SIM_URL) -> None:
    """Make a gebeurtenis happen at 'DUO' and notify Regie."""
    values = json.loads(data) if data else {}
    if uitslag:
        values["uitslag"] = uitslag
    if onderdeel:
        values["onderdeel"] = onderdeel
    if resultaat:
        values["resultaat"] = resultaat
    body: dict = {"gebeurtenisId": gebeurtenis.upper(), "data": values}
    if bsn_file:
        body["bsn"] = bsn_file.read_text(encoding="utf-8").strip()
    elif naam:
        body["naam"] = naam
    else:
        typer.echo("Geef --naam of --bsn-file", err=True)
        raise typer.Exit(1)
    answer = _post(sim, "/_sim/gebeurtenissen", body)
    typer.echo(f"{gebeurtenis.upper()} verstuurd (berichtId {answer['berichtId']}); Regie antwoordde "
               f"{answer['regie_status'] or 'niet (wordt opnieuw geprobeerd)'}")


@app.command()
def storing(stand: str = typer.Argument(..., help="aan or uit"), sim: str = SIM_URL) -> None:
    """Switch a DUO outage on or off."""
    answer = _post(sim, "/_sim/storing", {"aan": stand == "aan"}, method="put")
    typer.echo("Storing aan: DUO antwoordt 503" if answer["storing"] else "Storing uit")


def main(args: list[str] | None = None) -> None:
    """Run the simulator command line."""
    app(args=args, prog_name="regie duo-sim")


if __name__ == "__main__":
    main()
