"""Variables behave as Camunda 7 process variables across parallel branches."""

from __future__ import annotations

import pytest

from tests.engine.conftest import fixture_files

from .helpers import complete, open_tasks, start


@pytest.fixture
def parallel(runtime):
    with runtime.session_factory.begin() as session:
        runtime.engine.deploy(session=session, files=fixture_files("parallel.bpmn"), actor="test")
    return runtime


def _variables(rt, case_id):
    with rt.session_factory() as session:
        case = rt.engine.get_case(session=session, case_id=case_id)
        return rt.engine.case_variables(session=session, case=case)


def _task(rt, case_id, element):
    return next(t for t in open_tasks(rt, case_id) if t.element_id == element)


def test_a_value_set_in_one_branch_is_not_reset_by_the_other_at_the_join(parallel):
    case_id = start(parallel, process_id="parallel", data={"leerroute": "B1", "uren": 0})
    complete(parallel, _task(parallel, case_id, "Task_A").id, {"leerroute": "Z"})
    complete(parallel, _task(parallel, case_id, "Task_B").id, {"uren": 120})
    assert [t.element_id for t in open_tasks(parallel, case_id)] == ["Task_C"]
    variables = _variables(parallel, case_id)
    assert variables["leerroute"] == "Z" and variables["uren"] == 120


def test_a_value_set_in_one_branch_is_visible_in_the_other_at_once(parallel):
    case_id = start(parallel, process_id="parallel", data={"leerroute": "B1"})
    complete(parallel, _task(parallel, case_id, "Task_B").id, {"uren": 40})
    with parallel.session_factory() as session:
        case = parallel.engine.get_case(session=session, case_id=case_id)
        workflow = parallel.engine.load(session, case)
        task_a = next(t for t in workflow.get_tasks() if t.task_spec.bpmn_id == "Task_A")
        assert task_a.data["uren"] == 40


def test_policy_defaults_then_gemeente_settings_then_start_data(runtime):
    from engine.db.models import Gemeente

    with runtime.session_factory.begin() as session:
        runtime.engine.deploy(session=session, files=fixture_files("parallel.bpmn"), actor="test")
        session.get(Gemeente, "andere").settings = {"variabelen": {"boete_statushouders": True, "brugklas": False}}
    default = _variables(runtime, start(runtime, process_id="parallel", data={}))
    assert default["boete_statushouders"] is False
    own = _variables(runtime, start(runtime, process_id="parallel", gemeente="andere", data={"brugklas": True}))
    assert own["boete_statushouders"] is True and own["brugklas"] is True
