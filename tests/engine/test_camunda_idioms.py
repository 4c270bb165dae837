"""What Camunda Modeler users write: bare durations as deadlines, Java idioms refused with the Regie way."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.errors import DeployRefused
from tests.engine.conftest import FIXTURES, fixture_files

from .helpers import open_tasks, start

DUE = "camunda:dueDate=\"${dateAdd(datum_plicht, 'P10W')}\""
FOLLOW_UP = "camunda:followUpDate=\"${dateAdd(datum_plicht, 'P8W')}\""


def _basic(due: str | None = None, follow_up: str | None = None, condition: str | None = None) -> bytes:
    xml = (FIXTURES / "basic.bpmn").read_text()
    if due is not None:
        xml = xml.replace(DUE, f'camunda:dueDate="{due}"')
    if follow_up is not None:
        xml = xml.replace(FOLLOW_UP, f'camunda:followUpDate="{follow_up}"')
    if condition is not None:
        xml = xml.replace('${leerroute == "Z"}', condition)
    return xml.encode()


def _deploy(rt, bpmn: bytes):
    with rt.session_factory.begin() as session:
        return rt.engine.deploy(session=session, files=[("basic.bpmn", bpmn), *fixture_files("intake.form")],
                                actor="analist")


def _refusals(rt, bpmn: bytes) -> dict[str, str]:
    with pytest.raises(DeployRefused) as info:
        _deploy(rt, bpmn)
    assert info.value.message.startswith("Deploy geweigerd: basic.bpmn [")
    return {p.element_id: p.message for p in info.value.problems if p.severity == "error"}


def test_a_bare_duration_deadline_counts_from_the_task_s_creation(runtime):
    _deploy(runtime, _basic(due="P5D", follow_up="PT4H"))
    case_id = start(runtime, data={"datum_plicht": "2026-01-05", "consulent": "anna"})
    task = open_tasks(runtime, case_id)[0]
    assert task.due_at - task.created_at == timedelta(days=5)
    assert task.follow_up_at - task.created_at == timedelta(hours=4)


def test_a_bare_date_deadline_stays_that_date(runtime):
    _deploy(runtime, _basic(due="2026-03-01"))
    task = open_tasks(runtime, start(runtime, data={"datum_plicht": "2026-01-05", "consulent": "anna"}))[0]
    assert task.due_at.date().isoformat() in ("2026-03-01", "2026-02-28"), "end of that day, local time"
    assert task.due_at - task.created_at > timedelta(days=40)


def test_a_repeating_deadline_is_refused_in_dutch(runtime):
    problems = _refusals(runtime, _basic(due="R3/P1D"))
    assert "camunda:dueDate 'R3/P1D' is een herhaling" in problems["Task_Intake"]
    assert "P5D" in problems["Task_Intake"]


@pytest.mark.parametrize(("due", "alternative"), [
    ("${dateTime().plusDays(5).toDate()}", "${dateAdd(now(), 'P5D')}"),
    ("${dateTime().minusWeeks(2)}", "${dateSubtract(now(), 'P2W')}"),
    ("${dateTime()}", "now()"),
    ("${now().getTime()}", "dateAdd(d, 'P5D')"),
])
def test_a_camunda_date_idiom_is_refused_naming_the_regie_function(runtime, due, alternative):
    problems = _refusals(runtime, _basic(due=due))
    message = problems["Task_Intake"]
    assert message.startswith("camunda:dueDate: ") and "Camunda 7" in message and "kent Regie niet" in message
    assert alternative in message


def test_execution_get_variable_is_refused_naming_the_variable(runtime):
    problems = _refusals(runtime, _basic(condition="${execution.getVariable('leerroute') == 'Z'}"))
    assert "gebruik de variabele zelf: ${leerroute}" in problems["Flow_Z"]


def test_other_expression_problems_are_dutch_with_the_position(runtime):
    problems = _refusals(runtime, _basic(condition='${onbekend(leerroute)}'))
    assert "Voorwaarde '${onbekend(leerroute)}' klopt niet: onbekende functie 'onbekend' (bekend: " in problems["Flow_Z"]
    assert "(positie 2)" in problems["Flow_Z"]
