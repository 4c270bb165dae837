"""Messages: by case id or BSN, processed once per message id, refused ones kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.db.models import AuditEntry, Message
from tests.engine.conftest import fixture_files

from .helpers import open_tasks, start


@pytest.fixture
def lbt(runtime):
    with runtime.session_factory.begin() as session:
        runtime.engine.deploy(session=session, files=fixture_files("lbt.bpmn"), actor="test")
    return runtime


def _send(rt, **kwargs):
    with rt.session_factory.begin() as session:
        return rt.engine.send_message(session=session, actor="systeem:duo", **kwargs)


def test_message_by_bsn_sets_variables_and_moves_the_case(lbt):
    case_id = start(lbt, process_id="lbt", data={"bsn": "123456782", "naam": "Amina"})
    outcome = _send(lbt, name="duo_lbt_uitslag", message_id="SS131-1", bsn="123456782", gemeente="demo",
                    payload={"lbt_uitslag": "haalbaar", "lbt_score": 45})
    assert outcome.status == "processed" and outcome.case_id == case_id
    assert [t.element_id for t in open_tasks(lbt, case_id)] == ["Task_Bespreken"]
    with lbt.session_factory() as session:
        case = lbt.engine.get_case(session=session, case_id=case_id)
        assert lbt.engine.case_variables(session=session, case=case)["lbt_uitslag"] == "haalbaar"


def test_same_message_id_twice_is_processed_once_and_says_so(lbt):
    case_id = start(lbt, process_id="lbt", data={"bsn": "123456782"})
    first = _send(lbt, name="duo_lbt_uitslag", message_id="SS131-7", case_id=case_id, payload={"lbt_score": 1})
    second = _send(lbt, name="duo_lbt_uitslag", message_id="SS131-7", case_id=case_id, payload={"lbt_score": 1})
    assert (first.status, second.status) == ("processed", "duplicate")
    assert "al ontvangen" in second.reason
    with lbt.session_factory() as session:
        assert len(session.execute(select(Message)).scalars().all()) == 1
        assert len(session.execute(select(AuditEntry).where(AuditEntry.action == "message")).scalars().all()) == 1


def test_unknown_correlation_is_refused_and_kept(lbt):
    outcome = _send(lbt, name="duo_lbt_uitslag", message_id="SS131-9", bsn="111222333", payload={})
    assert outcome.status == "refused" and "Geen lopend dossier" in outcome.reason
    with lbt.session_factory() as session:
        kept = session.execute(select(Message)).scalar_one()
        assert kept.status == "refused" and kept.error == outcome.reason
        assert "111222333" not in (kept.error or "")


def test_message_the_case_is_not_waiting_for_is_refused_and_kept(lbt):
    case_id = start(lbt, process_id="lbt", data={})
    outcome = _send(lbt, name="duo_examenuitslag", message_id="SS199-1", case_id=case_id, payload={})
    assert outcome.status == "refused" and "wacht niet" in outcome.reason
    with lbt.session_factory() as session:
        assert session.execute(select(Message.case_id)).scalar_one() == case_id


def test_send_and_receive_tasks_deploy_serialize_and_run(runtime):
    with runtime.session_factory.begin() as session:
        runtime.engine.deploy(session=session, files=fixture_files("send_receive.bpmn"), actor="test")
    case_id = start(runtime, process_id="send_receive", data={})
    outcome = _send(runtime, name="uren_gemeld", message_id="uren-1", case_id=case_id, payload={"uren_cursus": 320})
    assert outcome.status == "processed"
    assert [t.element_id for t in open_tasks(runtime, case_id)] == ["Task_Controle"]
    with runtime.session_factory() as session:
        case = runtime.engine.get_case(session=session, case_id=case_id)
        assert runtime.engine.case_variables(session=session, case=case)["uren_cursus"] == 320


def test_a_non_interrupting_message_boundary_catches_every_message_while_its_activity_runs(runtime):
    with runtime.session_factory.begin() as session:
        runtime.engine.deploy(session=session, files=fixture_files("herhaald.bpmn"), actor="test")
    case_id = start(runtime, process_id="herhaald", data={})
    for number, onderdeel in enumerate(("lezen", "schrijven", "spreken"), 1):
        outcome = _send(runtime, name="duo_examenuitslag", message_id=f"SS199-{number}", case_id=case_id,
                        payload={"examen_onderdeel": onderdeel})
        assert outcome.status == "processed", outcome.reason
    names = sorted(t.element_id for t in open_tasks(runtime, case_id))
    assert names == ["Task_Bekijken"] * 3 + ["Task_Route"]
    route = next(t for t in open_tasks(runtime, case_id) if t.element_id == "Task_Route")
    from .helpers import complete
    complete(runtime, route.id, {})
    late = _send(runtime, name="duo_examenuitslag", message_id="SS199-4", case_id=case_id, payload={})
    assert late.status == "refused" and "wacht niet" in late.reason
