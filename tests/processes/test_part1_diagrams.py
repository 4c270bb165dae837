"""The klantreis diagrams (part 1) follow the diagram conventions of DEVELOPERS.md.

These are the things an analyst opening the files in Camunda Modeler, and the
engine running them, rely on: every user task lands in a group inbox with its
form, letters name a template that exists, every element is drawn, and shapes
do not sit on top of each other.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
PART1 = ["inburgering", "warme_overdracht", "brede_intake", "brugklas", "pip", "pip_bijstellen"]
B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
C = "{http://camunda.org/schema/1.0/bpmn}"
DI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
DC = "{http://www.omg.org/spec/DD/20100524/DC}"
WAYPOINT = "{http://www.omg.org/spec/DD/20100524/DI}waypoint"
GROUPS = {"consulent", "teamleider", "handhaving", "partner_mb"}
FLOW_NODE_TAGS = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "userTask", "serviceTask", "businessRuleTask", "callActivity", "task", "subProcess",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
}
MAX_WIDTH, MAX_HEIGHT = 1900, 950


def _root(name: str) -> etree._Element:
    return etree.parse(str(ROOT / "processes" / f"{name}.bpmn")).getroot()


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _flow_nodes(root: etree._Element) -> list[etree._Element]:
    return [el for el in root.iter() if isinstance(el.tag, str) and el.tag.startswith(B)
            and _local(el) in FLOW_NODE_TAGS]


def _shapes(root: etree._Element) -> dict[str, tuple[float, float, float, float]]:
    bounds = {}
    for shape in root.iter(DI + "BPMNShape"):
        b = shape.find(DC + "Bounds")
        bounds[shape.get("bpmnElement")] = tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))
    return bounds


@pytest.mark.parametrize("name", PART1)
def test_user_tasks_have_a_group_and_an_existing_form(name: str) -> None:
    forms = {json.loads(f.read_text(encoding="utf-8"))["id"] for f in (ROOT / "forms").glob("*.form")}
    for task in _root(name).iter(B + "userTask"):
        tid = task.get("id")
        assert set((task.get(C + "candidateGroups") or "").split(",")) <= GROUPS and task.get(C + "candidateGroups"), tid
        assert task.get(C + "formRef") in forms, f"{tid}: form {task.get(C + 'formRef')!r} is not in forms/"
        assert task.get(C + "formRefBinding") == "latest", tid


@pytest.mark.parametrize("name", PART1)
def test_letters_name_an_existing_template(name: str) -> None:
    for task in _root(name).iter(B + "serviceTask"):
        assert task.get(C + "type") == "external", task.get("id")
        if task.get(C + "topic") != "letter":
            continue
        props = {p.get("name"): p.get("value") for p in task.iter(C + "property")}
        assert (ROOT / "letters" / f"{props.get('template')}.schema.json").exists(), task.get("id")


@pytest.mark.parametrize("name", PART1)
def test_exclusive_gateways_have_a_condition_or_default_on_every_flow(name: str) -> None:
    root = _root(name)
    flows = list(root.iter(B + "sequenceFlow"))
    for gateway in root.iter(B + "exclusiveGateway"):
        outgoing = [f for f in flows if f.get("sourceRef") == gateway.get("id")]
        if len(outgoing) < 2:
            continue
        for flow in outgoing:
            assert flow.get("id") == gateway.get("default") or flow.find(B + "conditionExpression") is not None, \
                flow.get("id")


@pytest.mark.parametrize("name", PART1)
def test_every_element_and_flow_is_drawn_on_one_screen(name: str) -> None:
    root = _root(name)
    shapes = _shapes(root)
    edges = {e.get("bpmnElement"): e for e in root.iter(DI + "BPMNEdge")}
    for node in _flow_nodes(root):
        assert node.get("id") in shapes, f"{node.get('id')} has no shape"
    for flow in root.iter(B + "sequenceFlow"):
        edge = edges.get(flow.get("id"))
        assert edge is not None, f"{flow.get('id')} has no edge"
        assert len(edge.findall(WAYPOINT)) >= 2, flow.get("id")
    xs = [x for x, _, w, _ in shapes.values()] + [x + w for x, _, w, _ in shapes.values()]
    ys = [y for _, y, _, h in shapes.values()] + [y + h for _, y, _, h in shapes.values()]
    assert max(xs) - min(xs) <= MAX_WIDTH and max(ys) - min(ys) <= MAX_HEIGHT


@pytest.mark.parametrize("name", PART1)
def test_shapes_do_not_overlap(name: str) -> None:
    root = _root(name)
    shapes = _shapes(root)
    kinds = {n.get("id"): n for n in _flow_nodes(root)}
    containers = {i for i, n in kinds.items() if _local(n) == "subProcess"}
    hosts = {i: n.get("attachedToRef") for i, n in kinds.items() if _local(n) == "boundaryEvent"}
    ids = [i for i in shapes if i in kinds and i not in containers]
    for n, a in enumerate(ids):
        for b in ids[n + 1:]:
            if hosts.get(a) == b or hosts.get(b) == a:
                continue
            ax, ay, aw, ah = shapes[a]
            bx, by, bw, bh = shapes[b]
            assert not (ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah), f"{a} overlaps {b}"
