"""A DUO simulator for the demo, training and tests: DUO's resources from a local store.

`/v1/...` serves the official resources; every request is checked against DUO's OpenAPI
documents first and refused (400) when it does not match, and a PIP is refused (403
with DUO's reasons) when it breaks README-DUO's rules. `/_sim/...` is for trainers and
tests (not DUO's): add a person, make a gebeurtenis happen (the store changes and the
notification goes to Regie's Notificatie API), switch an outage on, read the log.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from api.simulators.duo.store import SIM_DUO_OIN, SIM_GEMEENTE_OIN, SIM_GEMEENTECODE, SimError, SimStore
from engine.contract.openapi import Exchange, path_matches
from engine.duo.client import SPECS, duo_contract

log = logging.getLogger(__name__)
SPEC_NAMES = sorted(p.name.removesuffix(".openapi.yml") for p in SPECS.glob("*.openapi.yml"))


@dataclass
class SimSettings:
    """Where the simulator sends notifications and which gemeenten it knows."""

    notify_url: str = "http://127.0.0.1:8000/duo/v1/notificaties"
    token: str = "duo-sim-token"
    duo_oin: str = SIM_DUO_OIN
    gemeenten: dict[str, str] = field(default_factory=lambda: {SIM_GEMEENTE_OIN: SIM_GEMEENTECODE})
    retry_seconds: float = 2.0


def _operation(path: str, method: str):
    """Return (contract, path template) of the DUO document that has this operation."""
    for name in SPEC_NAMES:
        contract = duo_contract(name)
        for template, item in contract.document["paths"].items():
            if method in item and path_matches(template, path):
                return contract, template
    return None, None


def _pip_refusals(person: dict, pip: dict, bron: str) -> list[str]:
    """Return README-DUO's reasons to refuse this PIP (empty when DUO registers it)."""
    reasons = []
    dagtekening = pip["dagtekeningPip"]
    if dagtekening < person["inburgeringsplicht"].get("begindatum", dagtekening):
        reasons.append("De datum dagtekening ligt voor de start van de inburgeringsplicht")
    if dagtekening < person.get("vestigingsdatum", dagtekening):
        reasons.append("De datum dagtekening ligt voor de vestiging bij de gemeente")
    history = person["pip_historie"]
    if history and (dagtekening < history[0]["pip"]["dagtekeningPip"]
                    or dagtekening < history[-1]["pip"]["dagtekeningPip"]):
        reasons.append("De datum dagtekening ligt voor die van het eerste of het actuele PIP")
    niveau, route = pip.get("niveau"), pip["leerroute"]
    if niveau == "A2" and route == "O":
        reasons.append("Niveau A2 kan niet met de onderwijsroute")
    if niveau == "B1" and route == "Z":
        reasons.append("Niveau B1 kan niet met de Z-route")
    if niveau == "A2" and route == "B" and not history:
        reasons.append("Niveau A2 kan niet met de B1-route in het eerste PIP")
    if "geschatteIntensiteitB1Route" in pip and (route != "B" or person["doelgroep"]["indeling"] != "Asielstatushouder"):
        reasons.append("Geschatte intensiteit alleen bij de B1-route en een asielmigrant")
    if person.get("gemeente_oin") != bron:
        reasons.append("De persoon is niet relevant voor deze gemeente")
    return reasons


class Notifier:
    """Sends notifications to Regie; keeps and retries the ones Regie did not acknowledge."""

    def __init__(self, settings: SimSettings) -> None:
        self.settings = settings
        self.queue: list[tuple[dict, dict]] = []
        self.lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def send(self, headers: dict, body: dict) -> int | None:
        """Post one notification; on no answer or 5xx keep it for a retry; return Regie's status."""
        try:
            response = httpx.post(self.settings.notify_url, headers=headers, json=body, timeout=10)
        except httpx.HTTPError:
            status = None
        else:
            status = response.status_code
        if status is None or status >= 500:
            with self.lock:
                self.queue.append((headers, body))
            self._ensure_retrying()
        return status

    def _ensure_retrying(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._retry_loop, daemon=True, name="duo-sim-notifier")
            self._thread.start()

    def _retry_loop(self) -> None:
        while True:
            time.sleep(self.settings.retry_seconds)
            with self.lock:
                waiting, self.queue = self.queue, []
            if not waiting:
                return
            for headers, body in waiting:
                self.send(headers, body)


def create_sim_app(store: SimStore, settings: SimSettings | None = None) -> FastAPI:
    """Build the simulator app around a store."""
    settings = settings or SimSettings()
    notifier = Notifier(settings)
    app = FastAPI(title="DUO-simulator (Regie)", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store, app.state.settings, app.state.notifier = store, settings, notifier

    @app.middleware("http")
    async def contract(request: Request, call_next):
        """Check every /v1 request against DUO's documents before a route sees it."""
        path = request.url.path
        if not path.startswith("/v1/"):
            return await call_next(request)
        resource = path.removeprefix("/v1")
        contract_doc, template = _operation(resource, request.method.lower())
        if contract_doc is None:
            store.log({"method": request.method, "resource": "?", "status": 404, "problems": ["onbekende resource"]})
            return Response(status_code=404)
        version = {"API-Version": contract_doc.version}
        body = await request.body()
        headers = {k: v for k, v in request.headers.items() if k in ("bron", "doel", "berichtid")}
        problems = contract_doc.request_problems(Exchange(
            method=request.method, path=resource, headers=headers, body=body or None,
            content_type=request.headers.get("content-type", "application/json").split(";")[0]))
        entry = {"method": request.method, "resource": template, "spec": contract_doc.path.name, "problems": problems,
                 "at": datetime.now(timezone.utc).isoformat()}
        if problems:
            entry["status"] = 400
            store.log(entry)
            return JSONResponse([{"fouttekst": p[:200]} for p in problems[:20]], status_code=400, headers=version)
        if store.data.get("storing"):
            entry["status"] = 503
            store.log(entry)
            return Response(status_code=503, headers=version)
        if headers["doel"] != settings.duo_oin or headers["bron"] not in settings.gemeenten:
            entry["status"] = 403
            store.log(entry)
            return JSONResponse([{"fouttekst": "Bron of doel is niet bekend bij DUO"}], status_code=403, headers=version)
        response = await call_next(request)
        response.headers.update(version)
        entry["status"] = response.status_code
        store.log(entry)
        return response

    def person_or_404(bsn: str, request: Request) -> dict | None:
        person = store.persoon(bsn)
        if person is None or person["gemeente_oin"] != request.headers["bron"]:
            return None
        return person

    def read(bsn: str, request: Request, pick) -> Response:
        person = person_or_404(bsn, request)
        value = pick(person) if person is not None else None
        if value is None:
            return Response(status_code=404)
        return JSONResponse(value)

    @app.get("/v1/personen/{bsn}/inburgeringsplicht")
    def inburgeringsplicht(bsn: str, request: Request):
        """Return the Inburgeringsplicht."""
        return read(bsn, request, lambda p: p["inburgeringsplicht"])

    @app.get("/v1/personen/{bsn}/doelgroep")
    def doelgroep(bsn: str, request: Request):
        """Return the doelgroep."""
        return read(bsn, request, lambda p: p["doelgroep"])

    @app.get("/v1/personen/{bsn}/lbt/resultaten")
    def lbt(bsn: str, request: Request):
        """Return the leerbaarheidstoets results."""
        return read(bsn, request, lambda p: p["lbt"])

    @app.get("/v1/personen/{bsn}/inburgeringstermijn")
    def termijn(bsn: str, request: Request):
        """Return the inburgeringstermijn (404 before it started)."""
        return read(bsn, request, lambda p: p["termijn"])

    @app.get("/v1/personen/{bsn}/examens/resultaten")
    def examens(bsn: str, request: Request):
        """Return the exam results."""
        return read(bsn, request, lambda p: p["examens"])

    @app.get("/v1/personen/{bsn}/vrijstellingen")
    def vrijstellingen(bsn: str, request: Request):
        """Return the vrijstellingen."""
        return read(bsn, request, lambda p: p["vrijstellingen"])

    @app.get("/v1/personen/{bsn}/PIP")
    def pip_lezen(bsn: str, request: Request):
        """Return the current PIP (this or a previous gemeente's)."""
        person = store.persoon(bsn)
        if person is None or person["pip"] is None:
            return Response(status_code=404)
        return JSONResponse(person["pip"])

    @app.post("/v1/personen/{bsn}/PIP")
    async def pip_aanleveren(bsn: str, request: Request):
        """Register a PIP, or refuse it with README-DUO's reasons."""
        pip = json.loads(await request.body())
        with store.lock:
            person = store.persoon(bsn)
            if person is None:
                return Response(status_code=404)
            reasons = _pip_refusals(person, pip, request.headers["bron"])
            if reasons:
                return JSONResponse([{"fouttekst": r} for r in reasons], status_code=403)
            registered = {"gemeentecode": settings.gemeenten[request.headers["bron"]], "pip": pip}
            person["pip"] = registered
            person["pip_historie"].append(registered)
            store.save()
        return Response(status_code=201)

    @app.get("/v1/personen/{bsn}/uren")
    def gevolgde_uren(bsn: str, request: Request):
        """The GevolgdeUren per gemeente (404 while DUO has none for this person)."""
        return read(bsn, request, lambda p: p.get("uren") or None)

    @app.put("/v1/personen/{bsn}/{resultaat}")
    async def resultaat(bsn: str, resultaat: str, request: Request):
        """Replace the MAP, PVT or Z-route result (PUT replaces the whole resource)."""
        with store.lock:
            person = person_or_404(bsn, request)
            if person is None:
                return Response(status_code=404)
            if person["pip"] is None:
                return JSONResponse([{"fouttekst": "Uw gemeente heeft geen actueel PIP voor deze persoon"}],
                                    status_code=403)
            person[resultaat] = json.loads(await request.body())
            store.save()
        return Response(status_code=200)

    # -- for trainers and tests (not DUO's API) ------------------------------------------------
    @app.get("/_sim/health")
    def health():
        """Tell that the simulator runs."""
        return {"status": "ok", "personen": len(store.data["personen"])}

    @app.post("/_sim/personen", status_code=201)
    async def add_persoon(request: Request):
        """Add a person (DUO's plicht and doelgroep, the BRP data)."""
        spec = await request.json()
        try:
            store.add_persoon(spec)
        except (KeyError, ValueError) as exc:
            return JSONResponse({"detail": f"veld ontbreekt of klopt niet: {exc}"}, status_code=422)
        return {"status": "aangemaakt"}

    @app.post("/_sim/gebeurtenissen")
    async def gebeurtenis(request: Request):
        """Let a gebeurtenis happen for a person and notify Regie (or return the notification)."""
        spec = await request.json()
        try:
            bsn = spec.get("bsn") or store.by_name(spec.get("naam", ""))
            moment = spec.get("registratieDatumTijd") or datetime.now(timezone.utc).isoformat(timespec="seconds")
            store.apply(spec["gebeurtenisId"], bsn, spec.get("data") or {}, moment[:10])
        except (SimError, KeyError, ValueError) as exc:
            return JSONResponse({"detail": str(exc)}, status_code=422)
        person = store.persoon(bsn)
        headers = {"bron": settings.duo_oin, "doel": person["gemeente_oin"], "berichtId": str(uuid.uuid4()),
                   "authorization": f"Bearer {settings.token}"}
        body = {"registratieDatumTijd": moment, "gebeurtenisId": spec["gebeurtenisId"], "bsn": bsn}
        if spec.get("deliver", True) is False:
            return {"headers": headers, "body": body}
        status = await _in_thread(notifier.send, headers, body)
        return {"berichtId": headers["berichtId"], "regie_status": status}

    @app.put("/_sim/uren")
    async def uren(request: Request):
        """Set the hours DUO knows for a person in its gemeente (a trainer's or test's command)."""
        spec = await request.json()
        try:
            store.set_uren(str(spec["bsn"]), cursus=spec.get("cursus"), participatie=spec.get("participatie"),
                           bekend_tot=spec.get("bekend_tot"))
        except (KeyError, ValueError, SimError) as exc:
            return JSONResponse({"detail": f"veld ontbreekt of klopt niet: {exc}"}, status_code=422)
        return {"status": "bijgewerkt"}

    @app.put("/_sim/storing")
    async def storing(request: Request):
        """Switch a simulated DUO outage on or off (every /v1 call answers 503)."""
        store.data["storing"] = bool((await request.json()).get("aan"))
        return {"storing": store.data["storing"]}

    @app.get("/_sim/log")
    def request_log():
        """Return the requests Regie made, with the contract problems found (no BSNs)."""
        return store.log_entries

    return app


async def _in_thread(func, *args):
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(func, *args)
