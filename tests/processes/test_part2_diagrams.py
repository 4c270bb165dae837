"""The part-2 diagrams follow the diagram conventions and are laid out for people."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ["leerroute", "voortgang", "ontzorgen", "handhaving", "afronding"]
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC", "di": "http://www.omg.org/spec/DD/20100524/DI"}
C = "{http://camunda.org/schema/1.0/bpmn}"
GROUPS = {"consulent", "teamleider", "handhaving", "partner_mb"}
FLOW_NODES = ("userTask", "serviceTask", "businessRuleTask", "callActivity", "subProcess", "exclusiveGateway",
              "parallelGateway", "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
              "boundaryEvent")


def diagram(name: str):
    return etree.parse(str(ROOT / "processes" / f"{name}.bpmn")).getroot()


def form_ids() -> set[str]:
    return {json.loads(p.read_text())["id"] for p in (ROOT / "forms").glob("*.form")}


@pytest.mark.parametrize("name", PROCESSES)
def test_user_tasks_name_a_group_and_an_existing_form(name):
    forms = form_ids()
    for task in diagram(name).iterfind(".//bpmn:userTask", NS):
        assert task.get(C + "candidateGroups") in GROUPS, task.get("id")
        assert task.get(C + "formRef") in forms, task.get("id")
        assert task.get(C + "formRefBinding") == "latest", task.get("id")


@pytest.mark.parametrize("name", PROCESSES)
def test_letters_use_a_declared_template(name):
    for task in diagram(name).iterfind(".//bpmn:serviceTask", NS):
        assert task.get(C + "type") == "external", task.get("id")
        props = {p.get("name"): p.get("value") for p in task.iterfind(f".//{C}property")}
        if task.get(C + "topic") == "letter":
            assert (ROOT / "letters" / f"{props['template']}.schema.json").exists(), task.get("id")
            schema = json.loads((ROOT / "letters" / f"{props['template']}.schema.json").read_text())
            assert (props.get("review") == "true") == schema.get("x-beschikking", False), task.get("id")


@pytest.mark.parametrize("name", PROCESSES)
def test_exclusive_gateways_have_a_condition_or_default_on_every_way_out(name):
    root = diagram(name)
    flows = {f.get("id"): f for f in root.iterfind(".//bpmn:sequenceFlow", NS)}
    for gateway in root.iterfind(".//bpmn:exclusiveGateway", NS):
        outgoing = [flows[o.text] for o in gateway.iterfind("bpmn:outgoing", NS)]
        if len(outgoing) < 2:
            continue
        for flow in outgoing:
            has_condition = flow.find("bpmn:conditionExpression", NS) is not None
            assert has_condition or gateway.get("default") == flow.get("id"), flow.get("id")


@pytest.mark.parametrize("name", PROCESSES)
def test_no_script_tasks(name):
    assert diagram(name).find(".//bpmn:scriptTask", NS) is None


def bounds(shape):
    b = shape.find("dc:Bounds", NS)
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))


@pytest.mark.parametrize("name", PROCESSES)
def test_every_element_is_drawn_on_one_screen_without_overlapping_shapes(name):
    root = diagram(name)
    shapes = {s.get("bpmnElement"): bounds(s) for s in root.iterfind(".//bpmndi:BPMNShape", NS)}
    edges = {e.get("bpmnElement") for e in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    nodes = [el for tag in FLOW_NODES for el in root.iterfind(f".//bpmn:{tag}", NS)]
    for node in nodes:
        assert node.get("id") in shapes, f"{node.get('id')} has no shape"
    for flow in root.iterfind(".//bpmn:sequenceFlow", NS):
        assert flow.get("id") in edges, f"{flow.get('id')} has no edge"
    for x, y, w, h in shapes.values():
        assert x >= 0 and y >= 0 and x + w <= 1850 and y + h <= 950
    solid = [(node.get("id"), shapes[node.get("id")]) for node in nodes
             if etree.QName(node).localname not in ("boundaryEvent", "subProcess")]
    for i, (a, (ax, ay, aw, ah)) in enumerate(solid):
        for b, (bx, by, bw, bh) in solid[i + 1:]:
            overlap = ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah
            assert not overlap, f"{a} overlaps {b}"
