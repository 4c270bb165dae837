"""Deploy warnings reach Camunda Modeler: held back once (Modeler logs a failed deploy's message), then accepted."""

from __future__ import annotations

from engine.db.models import AuditEntry, ProcessDefinition
from tests.engine.conftest import FIXTURES
from tests.engine_rest.test_modeler_requests import _auth, _modeler_deploy, client  # noqa: F401 - shared fixture

TYPO = (FIXTURES / "basic.bpmn").read_bytes().replace(b'${leerroute == "Z"}', b'${leerrout == "Z"}')
FORM = [("intake.form", (FIXTURES / "intake.form").read_bytes())]


def _versions(runtime) -> int:
    with runtime.session_factory() as session:
        return session.query(ProcessDefinition).count()


def test_warnings_come_back_in_dutch_first_and_the_same_deploy_again_goes_through(client, runtime):
    first = _modeler_deploy(client, "basic.bpmn", TYPO, FORM)
    assert first.status_code == 400
    message = first.json()["message"]
    assert message.startswith("Nog niet gedeployed: 1 waarschuwing.")
    assert "Variabele 'leerrout' wordt hier gebruikt" in message and "(bedoelt u 'leerroute'?)" in message
    assert "| bestand basic.bpmn | element Flow_Z" in message
    assert _versions(runtime) == 0, "nothing stored yet"
    assert client.get("/engine-rest/deployment?maxResults=10", headers=_auth()).json() == []

    second = _modeler_deploy(client, "basic.bpmn", TYPO, FORM)
    assert second.status_code == 200, second.text
    assert second.json()["warnings"] and _versions(runtime) == 1
    with runtime.session_factory() as session:
        assert session.query(AuditEntry).filter_by(action="deploy_warned", actor="bea").count() == 1


def test_a_changed_diagram_is_held_back_again(client, runtime):
    assert _modeler_deploy(client, "basic.bpmn", TYPO, FORM).status_code == 400
    changed = TYPO.replace(b'name="Nazorg"', b'name="Nazorgcontact"')
    assert _modeler_deploy(client, "basic.bpmn", changed, FORM).status_code == 400, "other content, new warning"


def test_other_clients_get_the_warnings_with_their_deploy(client, runtime):
    files = [("basic.bpmn", ("basic.bpmn", TYPO, "text/xml")), ("intake.form", ("intake.form", FORM[0][1], "x"))]
    response = client.post("/engine-rest/deployment/create", data={"deployment-name": "intake"}, files=files,
                           headers=_auth())
    assert response.status_code == 200
    assert any("Variabele 'leerrout'" in w for w in response.json()["warnings"])


def test_a_refused_deploy_keeps_the_prefix_modeler_recognises_and_is_dutch(client):
    response = _modeler_deploy(client, "bad_script.bpmn", (FIXTURES / "bad_script.bpmn").read_bytes(), [])
    message = response.json()["message"]
    assert message.startswith("ENGINE-09005 Could not parse BPMN process. Fouten:\n")
    assert "| bestand bad_script.bpmn | element Script_Boete" in message
    assert "script task voert tekst uit als programmacode" in message
