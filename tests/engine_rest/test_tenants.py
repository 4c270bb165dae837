"""Tenant-scoped deployments: each gemeente deploys, lists and runs its own versions (SQLite and
PostgreSQL); a shared base deployment serves a gemeente until it deploys its own."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from engine.access import accounts
from engine.db.models import Deployment, ProcessDefinition
from tests.engine.conftest import FIXTURES
from tests.engine_rest.test_modeler_requests import _auth, _modeler_deploy

BEA = ("bea", "een-lang-wachtwoord-1")  # beheerder of demo
DIRK = ("dirk", "een-lang-wachtwoord-2")  # beheerder of andere
BASIC = (FIXTURES / "basic.bpmn").read_bytes()
FORM = [("intake.form", (FIXTURES / "intake.form").read_bytes())]


@pytest.fixture
def client(runtime):
    with runtime.session_factory.begin() as session:
        for (name, password), gemeente in ((BEA, "demo"), (DIRK, "andere")):
            accounts.create_user(session=session, username=name, password=password, display_name=name,
                                 gemeente=gemeente, roles=["beheerder"])
    with TestClient(create_app(runtime)) as test_client:
        yield test_client


def _deploy(client, user, xml: bytes, tenant: str | None = None):
    data_tenant = {"tenant-id": tenant} if tenant else {}
    files = [("basic.bpmn", ("basic.bpmn", xml, "text/xml"))] + [
        (n, (n, c, "application/octet-stream")) for n, c in FORM]
    return client.post("/engine-rest/deployment/create", files=files, headers=_auth(user),
                       data={"deployment-name": "basis", "deployment-source": "Camunda Modeler", **data_tenant})


def _start(runtime, gemeente: str) -> str:
    with runtime.session_factory.begin() as session:
        case = runtime.engine.start_case(session=session, process_id="basic", gemeente=gemeente,
                                         data={"naam": "Amina", "datum_plicht": "2026-01-05"}, actor="test")
        definition = session.get(ProcessDefinition, case.definition_id)
        return session.get(Deployment, definition.deployment_id).tenant, definition.version


def test_modelers_tenant_id_lands_in_that_tenant_and_no_other(client):
    response = _deploy(client, BEA, BASIC, tenant="demo")
    assert response.status_code == 200 and response.json()["tenantId"] == "demo"
    refused = _deploy(client, BEA, BASIC, tenant="andere")
    assert refused.status_code == 403 and "eigen gemeente" in refused.json()["message"]


def test_two_gemeenten_run_their_own_versions_of_one_process_side_by_side(client, runtime):
    with runtime.session_factory.begin() as session:  # the shared base, deployed by the operator's CLI
        runtime.engine.deploy(session=session, files=[("basic.bpmn", BASIC), *FORM], actor="cli")
    with runtime.session_factory.begin() as session:
        from engine.db.models import Gemeente

        session.add(Gemeente(code="derde", naam="Derde", settings={}))
    demo_xml = BASIC.replace(b'name="Basis"', b'name="Basis demo"')
    other_xml = BASIC.replace(b'name="Basis"', b'name="Basis andere"')
    assert _deploy(client, BEA, demo_xml).json()["tenantId"] == "demo"
    assert _deploy(client, DIRK, other_xml).json()["tenantId"] == "andere"
    demo, other, third = _start(runtime, "demo"), _start(runtime, "andere"), _start(runtime, "derde")
    assert demo[0] == "demo" and other[0] == "andere" and demo[1] != other[1]
    assert third[0] is None, "a gemeente without its own version uses the shared base"
    again = _deploy(client, BEA, demo_xml.replace(b'name="StartEvent_1"', b'name="Begin"'))
    assert again.status_code == 200
    newer = _start(runtime, "demo")
    assert newer[0] == "demo" and newer[1] > demo[1] and _start(runtime, "andere") == other
    listed = client.get("/engine-rest/deployment", headers=_auth(DIRK)).json()
    assert listed and {d["tenantId"] for d in listed} == {"andere"}, "a beheerder lists only their own"


def test_a_definition_of_another_gemeente_cannot_be_started(client):
    body = _deploy(client, BEA, BASIC).json()
    definition_id = next(iter(body["deployedProcessDefinitions"]))
    response = client.post(f"/engine-rest/process-definition/{definition_id}/start", headers=_auth(DIRK),
                           json={"variables": {"naam": {"value": "X", "type": "String"}}})
    assert response.status_code == 404
