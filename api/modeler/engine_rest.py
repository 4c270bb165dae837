"""The part of Camunda 7's REST API that Camunda Modeler's Deploy and Start buttons call.

Endpoint URL for the analyst: `http://<host>/engine-rest`. Requests (from
camunda-modeler's CamundaAPI): `GET /deployment?maxResults=0` (connection check),
`GET /version`, `POST /deployment/create` (multipart: deployment-name,
deployment-source, enable-duplicate-filtering, tenant-id, one file part per
diagram/form/decision) and `POST /process-definition/{id}/start` (JSON
businessKey + typed variables). Only a beheerder may call it: HTTP basic with a
local account, or a bearer token from REGIE_ENGINE_REST_TOKEN. A refused deploy
answers 400 in Camunda's ParseException shape, whose `message` Modeler shows.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from engine.access import accounts, roles
from engine.db.session import transaction
from engine.deploy.deployment import kind_of
from engine.errors import AppError, DeployRefused
from api.modeler import warnings as deploy_warnings

router = APIRouter(tags=["Camunda Modeler (engine-rest)"])
CAMUNDA_VERSION = "7.21.0"
PARSE_ERROR_PREFIX = "ENGINE-09005 Could not parse BPMN process."


def _error(status: int, kind: str, message: str, details: Any = None) -> JSONResponse:
    body: dict[str, Any] = {"type": kind, "message": message, "code": None}
    if details is not None:
        body["details"] = details
    headers = {"WWW-Authenticate": 'Basic realm="Regie engine-rest"'} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def _beheerder(request: Request) -> tuple[str, str] | JSONResponse:
    """Return (actor, gemeente) of the caller, or the 401/403 response."""
    runtime = request.app.state.runtime
    header = request.headers.get("authorization", "")
    token = getattr(runtime.settings, "engine_rest_token", "") or ""
    if header.lower().startswith("bearer "):
        given = header.split(" ", 1)[1].strip()
        if token and hmac.compare_digest(given.encode(), token.encode()):
            return ("beheerder:token", getattr(runtime.settings, "engine_rest_gemeente", "demo"))
        return _error(401, "AuthenticationException", "Onbekend token.")
    if not header.lower().startswith("basic "):
        return _error(401, "AuthenticationException", "Log in met een beheerdersaccount.")
    try:
        username, password = base64.b64decode(header.split(" ", 1)[1], validate=True).decode().split(":", 1)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return _error(401, "AuthenticationException", "Ongeldige inloggegevens.")
    with transaction(runtime.session_factory) as session:
        try:
            user = accounts.authenticate(session=session, username=username, password=password,
                                         address=request.client.host if request.client else None)
        except accounts.LoginThrottled as exc:
            return _error(429, "AuthenticationException", exc.message)
        if user is None:
            return _error(401, "AuthenticationException", "Ongeldige inloggegevens.")
        if not roles.may(user, "deploy"):
            return _error(403, "AuthorizationException", "Alleen een beheerder mag deployen en starten.")
        return (user.username, user.gemeente)


def _definition_json(definition) -> dict[str, Any]:
    return {
        "id": definition.id, "key": definition.process_id, "name": definition.name, "version": definition.version,
        "deploymentId": definition.deployment_id, "resource": None, "category": "http://bpmn.io/schema/bpmn",
        "description": None, "diagram": None, "suspended": False, "tenantId": None, "versionTag": None,
        "historyTimeToLive": None, "startableInTasklist": True,
    }


def _parse_error(exc: DeployRefused) -> JSONResponse:
    errors = [p for p in exc.problems if p.severity == "error"]
    lines = deploy_warnings.problem_lines(errors)
    details: dict[str, Any] = {}
    for p in exc.problems:
        entry = details.setdefault(p.file, {"errors": [], "warnings": []})
        entry["errors" if p.severity == "error" else "warnings"].append(
            {"message": p.message, "line": None, "column": None, "mainElementId": p.element_id,
             "elementIds": [p.element_id] if p.element_id else []})
    # The English prefix stays: Camunda Modeler recognises a refused diagram by it.
    return _error(400, "ParseException", f"{PARSE_ERROR_PREFIX} Fouten:\n{lines}", details)


@router.get("/version")
def version(request: Request):
    """Tell Camunda Modeler which Camunda 7 REST API this speaks."""
    caller = _beheerder(request)
    if isinstance(caller, JSONResponse):
        return caller
    return {"version": CAMUNDA_VERSION}


@router.get("/deployment")
def deployments(request: Request, maxResults: int = 50):
    """List deployments (Camunda Modeler uses ?maxResults=0 as its connection check)."""
    from sqlalchemy import select

    from engine.db.models import Deployment

    caller = _beheerder(request)
    if isinstance(caller, JSONResponse):
        return caller
    if maxResults <= 0:
        return []
    with transaction(request.app.state.runtime.session_factory) as session:
        _actor, gemeente = caller
        rows = session.execute(select(Deployment).where(Deployment.tenant == gemeente)
                               .order_by(Deployment.deployed_at.desc()).limit(min(maxResults, 500))).scalars()
        return [{"id": d.id, "name": d.name, "source": d.source, "tenantId": d.tenant,
                 "deploymentTime": d.deployed_at.isoformat(timespec="milliseconds")} for d in rows]


@router.post("/deployment/create")
async def create_deployment(request: Request):
    """Deploy the diagram and its attachments exactly as Camunda Modeler sends them."""
    caller = _beheerder(request)
    if isinstance(caller, JSONResponse):
        return caller
    form = await request.form()
    files: list[tuple[str, bytes]] = []
    fields: dict[str, str] = {}
    for key, value in form.multi_items():
        if hasattr(value, "read"):
            name = value.filename or key
            if kind_of(name) is None:
                return _error(400, "InvalidRequestException",
                              f"{name}: alleen .bpmn, .dmn en .form bestanden kunnen worden gedeployed")
            files.append((name, await value.read()))
        else:
            fields[key] = str(value)
    if not files:
        return _error(400, "InvalidRequestException", "Er zit geen bestand in de deployment")
    runtime = request.app.state.runtime
    actor, gemeente = caller
    tenant = fields.get("tenant-id") or gemeente
    if tenant != gemeente:
        return _error(403, "AuthorizationException",
                      f"U mag alleen voor uw eigen gemeente ({gemeente}) deployen, niet voor tenant {tenant[:32]!r}.")

    def work():
        with transaction(runtime.session_factory) as session:
            result = runtime.engine.deploy(session=session, files=files, actor=actor,
                                           source=fields.get("deployment-source", "engine-rest")[:100],
                                           name=fields.get("deployment-name", "")[:200],
                                           tenant=tenant)
            d = result.deployment
            if deploy_warnings.held_back(session=session, source=d.source, actor=actor, warnings=result.warnings,
                                         duplicate=result.duplicate, content_hash=d.content_hash,
                                         now=runtime.clock.now(session)):
                raise deploy_warnings.WarningsFirst(result.warnings, d.content_hash)  # rolls the deploy back
            return {
                "id": d.id, "name": d.name, "source": d.source, "tenantId": d.tenant,
                "deploymentTime": d.deployed_at.isoformat(timespec="milliseconds"), "links": [],
                "deployedProcessDefinitions": {x.id: _definition_json(x) for x in result.definitions},
                "deployedCaseDefinitions": None,
                "deployedDecisionDefinitions": {
                    str(x.id): {"id": str(x.id), "key": x.decision_id, "name": x.name, "version": x.version,
                                "deploymentId": x.deployment_id} for x in result.decisions} or None,
                "deployedDecisionRequirementsDefinitions": None,
                "warnings": [str(w) for w in result.warnings],
            }

    def remember(held):
        with transaction(runtime.session_factory) as session:
            deploy_warnings.remember_warned(session=session, actor=actor, held=held, now=runtime.clock.now(session))

    try:
        return await run_in_threadpool(work)
    except deploy_warnings.WarningsFirst as held:
        await run_in_threadpool(remember, held)
        return _error(400, "InvalidRequestException", deploy_warnings.warnings_message(held),
                      {"warnings": [str(w) for w in held.warnings]})
    except DeployRefused as exc:
        return _parse_error(exc)
    except AppError as exc:
        return _error(exc.status, "InvalidRequestException", exc.message)


def _plain_variables(variables: Any) -> dict[str, Any]:
    """Turn Camunda's typed variables ({name: {value, type}}) into plain case data."""
    if not isinstance(variables, dict):
        raise ValueError("variables must be an object")
    plain = {}
    for name, typed in variables.items():
        if not isinstance(typed, dict) or "value" not in typed:
            raise ValueError(f"variable {name!r} needs a value")
        value, kind = typed.get("value"), (typed.get("type") or "").lower()
        if kind == "json" and isinstance(value, str):
            value = json.loads(value)
        elif kind in ("integer", "long", "short") and value is not None:
            value = int(value)
        elif kind == "boolean" and isinstance(value, str):
            value = value.lower() == "true"
        plain[name] = value
    return plain


@router.post("/process-definition/{definition_id}/start")
async def start_instance(definition_id: str, request: Request):
    """Start a case of this definition (Camunda Modeler's Start Instance button)."""
    caller = _beheerder(request)
    if isinstance(caller, JSONResponse):
        return caller
    try:
        body = await request.json()
        variables = _plain_variables(body.get("variables") or {})
    except (ValueError, AttributeError) as exc:
        return _error(400, "InvalidRequestException", f"Ongeldige startgegevens: {exc}")
    runtime = request.app.state.runtime
    actor, gemeente = caller

    def work():
        from engine.db.models import Deployment, ProcessDefinition

        with transaction(runtime.session_factory) as session:
            definition = session.get(ProcessDefinition, definition_id[:120])
            deployment = session.get(Deployment, definition.deployment_id) if definition is not None else None
            if definition is None or deployment.tenant not in (None, gemeente):
                raise AppError(f"Procesdefinitie {definition_id} bestaat niet")
            case = runtime.engine.start_case(session=session, process_id=definition.process_id, gemeente=gemeente,
                                             data=variables, actor=actor, business_key=body.get("businessKey"),
                                             definition_id=definition.id)
            return {"id": case.id, "definitionId": case.definition_id, "businessKey": case.business_key,
                    "caseInstanceId": None, "ended": case.status != "active", "suspended": False,
                    "tenantId": None, "links": []}

    try:
        return await run_in_threadpool(work)
    except AppError as exc:
        status = 404 if "bestaat niet" in exc.message else exc.status
        detail = exc.message + "".join(f"; {k}: {v}" for k, v in exc.field_errors.items())
        return _error(status, "InvalidRequestException", detail)
