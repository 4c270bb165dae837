"""Camunda Modeler's Deploy and Start Instance buttons, with the exact requests it sends."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from engine.access import accounts
from engine.db.models import Case
from tests.engine.conftest import FIXTURES

BEHEERDER = ("bea", "een-lang-wachtwoord-1")


@pytest.fixture
def client(runtime):
    with runtime.session_factory.begin() as session:
        accounts.create_user(session=session, username=BEHEERDER[0], password=BEHEERDER[1], display_name="Bea",
                             gemeente="demo", roles=["beheerder"])
        accounts.create_user(session=session, username="anna", password="nog-een-wachtwoord-2", display_name="Anna",
                             gemeente="demo", roles=["consulent"])
    with TestClient(create_app(runtime)) as test_client:
        yield test_client


def _auth(user=BEHEERDER) -> dict[str, str]:
    token = base64.b64encode(f"{user[0]}:{user[1]}".encode()).decode()
    return {"authorization": f"Basic {token}", "accept": "application/json"}


def _modeler_deploy(client, diagram: str, diagram_xml: bytes, attachments: list[tuple[str, bytes]], auth=None):
    """POST /deployment/create as CamundaAPI.deployDiagram builds it (FormData)."""
    data = {"deployment-name": "intake", "deployment-source": "Camunda Modeler", "enable-duplicate-filtering": "true"}
    files = [(diagram, (diagram, diagram_xml, "text/xml"))]
    files += [(name, (name, content, "application/octet-stream")) for name, content in attachments]
    return client.post("/engine-rest/deployment/create", data=data, files=files, headers=auth or _auth())


def test_connection_check_and_version(client):
    assert client.get("/engine-rest/deployment?maxResults=0", headers=_auth()).json() == []
    assert client.get("/engine-rest/version", headers=_auth()).json() == {"version": "7.21.0"}


def test_without_credentials_or_as_consulent_is_refused(client):
    assert client.get("/engine-rest/deployment?maxResults=0").status_code == 401
    response = client.get("/engine-rest/version", headers=_auth(("anna", "nog-een-wachtwoord-2")))
    assert response.status_code == 403


def test_deploy_then_start_instance(client, runtime):
    response = _modeler_deploy(client, "basic.bpmn", (FIXTURES / "basic.bpmn").read_bytes(),
                               [("intake.form", (FIXTURES / "intake.form").read_bytes())])
    assert response.status_code == 200, response.text
    body = response.json()
    definition = next(iter(body["deployedProcessDefinitions"].values()))
    assert definition["key"] == "basic" and definition["version"] == 1
    again = _modeler_deploy(client, "basic.bpmn", (FIXTURES / "basic.bpmn").read_bytes(),
                            [("intake.form", (FIXTURES / "intake.form").read_bytes())])
    assert again.json()["id"] == body["id"]
    started = client.post(f"/engine-rest/process-definition/{definition['id']}/start", headers=_auth(),
                          json={"businessKey": "INB-1", "variables": {
                              "naam": {"value": "Amina", "type": "String"},
                              "datum_plicht": {"value": "2026-01-05", "type": "String"},
                              "consulent": {"value": "anna", "type": "String"}}})
    assert started.status_code == 200, started.text
    with runtime.session_factory() as session:
        case = session.get(Case, started.json()["id"])
        assert case.business_key == "INB-1" and case.gemeente == "demo"


def test_refused_deploy_comes_back_in_the_shape_modeler_shows(client):
    response = _modeler_deploy(client, "bad_script.bpmn", (FIXTURES / "bad_script.bpmn").read_bytes(), [])
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "ParseException"
    assert body["message"].startswith("ENGINE-09005 Could not parse BPMN process.")
    assert "Script_Boete" in body["message"] and "bad_script.bpmn" in body["message"]
    errors = body["details"]["bad_script.bpmn"]["errors"]
    assert {e["mainElementId"] for e in errors} >= {"Script_Boete", "Task_Onbekend"}


def test_start_unknown_definition_is_404(client):
    response = client.post("/engine-rest/process-definition/nope:1:x/start", headers=_auth(),
                           json={"variables": {}})
    assert response.status_code == 404 and "bestaat niet" in response.json()["message"]
