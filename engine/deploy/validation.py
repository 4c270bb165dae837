"""Deploy-time checks: refuse what the engine cannot run, naming file, element and reason.

SpiffWorkflow would parse many Camunda Modeler constructs and then run them
wrongly or not at all (ENGINE-NOTES.md). Each rule here turns such a construct
into a `Problem` before anything is stored. Errors refuse the deploy; warnings
are reported with a successful deploy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from lxml import etree

from engine.bpmn.scripting import looks_like_iso_timer
from engine.errors import Problem
from engine.expressions import validate_expression

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
_B = "{" + BPMN_NS + "}"
_C = "{" + CAMUNDA_NS + "}"

# Task-spec names SpiffWorkflow uses itself; an element with such an id is silently
# replaced by the built-in spec (the process then does nothing).
RESERVED_IDS = frozenset({"Start", "End", "Root"})
IO_ELEMENTS = frozenset({"userTask", "serviceTask", "businessRuleTask"})
MAP_DECISION_RESULT = frozenset({"singleEntry", "singleResult", "collectEntries", "resultList"})
BINDINGS = frozenset({"latest", "deployment"})
FLOW_NODES = frozenset({
    "task", "userTask", "manualTask", "serviceTask", "scriptTask", "businessRuleTask", "sendTask",
    "receiveTask", "callActivity", "subProcess", "transaction", "startEvent", "endEvent",
    "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "exclusiveGateway",
    "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway", "adHocSubProcess",
})


@dataclass
class DeploymentIndex:
    """What a deploy can refer to: this deployment's files plus what is already deployed."""

    topics: set[str]
    process_ids: set[str] = field(default_factory=set)
    decision_ids: set[str] = field(default_factory=set)
    form_ids: set[str] = field(default_factory=set)


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _line(el: etree._Element) -> str:
    return f" (line {el.sourceline})" if getattr(el, "sourceline", None) else ""


class _Checker:
    def __init__(self, filename: str, index: DeploymentIndex) -> None:
        self.filename = filename
        self.index = index
        self.problems: list[Problem] = []

    def error(self, el: etree._Element | None, message: str) -> None:
        element_id = el.get("id") if el is not None else None
        self.problems.append(Problem(self.filename, element_id, message + (_line(el) if el is not None else "")))

    def warn(self, el: etree._Element | None, message: str) -> None:
        element_id = el.get("id") if el is not None else None
        self.problems.append(Problem(self.filename, element_id, message, severity="warning"))

    def expression(self, el: etree._Element, text: str | None, *, kind: str, what: str,
                   language: str | None = None) -> None:
        if text is None or not text.strip():
            return
        for p in validate_expression(text.strip(), kind=kind, language=language):
            where = f" at position {p.position}" if p.position is not None else ""
            message = f"{what} {text.strip()!r}: {p.message}{where}"
            if p.severity == "error":
                self.error(el, message)
            else:
                self.warn(el, message)


def validate_bpmn(filename: str, root: etree._Element, index: DeploymentIndex) -> list[Problem]:
    """Return every problem in one parsed BPMN document."""
    c = _Checker(filename, index)
    if root.nsmap and ZEEBE_NS in root.nsmap.values():
        c.error(root, "This is a Camunda 8 (Zeebe) diagram; Regie runs Camunda 7 diagrams "
                      "(in Camunda Modeler: File > New File > BPMN diagram (Camunda 7))")
        return c.problems
    processes = root.findall(_B + "process")
    if not processes:
        c.error(root, "The file contains no bpmn:process")
    for process in processes:
        _check_process(c, process)
    if root.find("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNDiagram") is None:
        c.warn(root, "The file has no diagram layout (BPMNDiagram): Camunda Modeler cannot show it")
    return c.problems


def _check_process(c: _Checker, process: etree._Element) -> None:
    pid = process.get("id")
    if process.get("isExecutable", "true") != "true":
        c.warn(process, f"Process {pid!r} is not executable (isExecutable=false): it is stored, not run")
    reserved = RESERVED_IDS | {f"{pid}.EndJoin"}
    for el in process.iter():
        if not isinstance(el.tag, str):
            continue
        name = _local(el)
        if el.get("id") in reserved and name in FLOW_NODES:
            c.error(el, f"The id {el.get('id')!r} is reserved by the engine; give the element another id "
                        "(for example StartEvent_1)")
        if etree.QName(el).namespace != BPMN_NS:
            continue
        if name in FLOW_NODES:
            _check_flow_node(c, el, name)
        elif name == "sequenceFlow":
            cond = el.find(_B + "conditionExpression")
            if cond is not None:
                _check_condition(c, el, cond)


def _language(el: etree._Element) -> str | None:
    lang = (el.get("language") or "").strip().lower()
    return lang or None


def _check_condition(c: _Checker, flow: etree._Element, cond: etree._Element) -> None:
    lang = _language(cond)
    if lang not in (None, "juel", "feel"):
        c.error(flow, f"Condition language {lang!r} would run a script; use JUEL ${{...}} or FEEL")
        return
    if cond.get(_C + "resource"):
        c.error(flow, "A condition from an external resource is not supported; write the expression")
        return
    text = (cond.text or "").strip()
    if not text:
        c.error(flow, "The condition is empty")
        return
    c.expression(flow, text, kind="condition", what="Condition", language=lang)


def _check_flow_node(c: _Checker, el: etree._Element, name: str) -> None:
    _check_extensions(c, el, name)
    if name == "scriptTask":
        c.error(el, "Script tasks run analyst text as code and are refused; use an expression in a "
                    "gateway or input/output mapping, a DMN decision (business rule task) or a service task")
    elif name == "serviceTask":
        _check_service_task(c, el)
    elif name == "sendTask":
        # Camunda 7 implements a send task exactly like a service task.
        _check_service_task(c, el)
    elif name == "businessRuleTask":
        _check_business_rule_task(c, el)
    elif name == "userTask":
        _check_user_task(c, el)
    elif name == "callActivity":
        _check_call_activity(c, el)
    elif name == "subProcess" and el.get("triggeredByEvent") == "true":
        c.error(el, "Event subprocesses do not run correctly in this engine; attach boundary events to "
                    "an embedded subprocess instead")
    elif name == "complexGateway":
        c.error(el, "Complex gateways are not supported; use exclusive, inclusive or parallel gateways")
    elif name == "adHocSubProcess":
        c.error(el, "Ad-hoc subprocesses are not supported in Camunda 7 diagrams")
    elif name == "eventBasedGateway":
        _check_event_gateway(c, el)
    elif name == "exclusiveGateway" or name == "inclusiveGateway":
        _check_gateway(c, el)
    _check_event_definitions(c, el, name)


def _check_extensions(c: _Checker, el: etree._Element, name: str) -> None:
    ext = el.find(_B + "extensionElements")
    if ext is None:
        return
    for child in ext:
        if not isinstance(child.tag, str):
            continue
        cname = _local(child)
        if etree.QName(child).namespace != CAMUNDA_NS:
            continue
        if cname in ("executionListener", "taskListener"):
            c.error(el, f"camunda:{cname} runs Java or script code and is not supported; model the step "
                        "as a service task or an expression")
        elif cname == "inputOutput":
            if name not in IO_ELEMENTS:
                c.error(el, "Input/output mappings are supported on user, service and business rule tasks only")
            for param in child:
                if isinstance(param.tag, str):
                    _check_parameter(c, el, param)
        elif cname == "formData":
            c.error(el, "Generated task forms (camunda:formData) are not supported; link a Camunda Form "
                        "(Form type: Camunda Forms, Form reference = the form id in forms/)")
        elif cname == "connector":
            c.error(el, "Connectors are not supported; use a service task with Implementation External and a topic")
        elif cname == "field":
            c.error(el, "camunda:field injection belongs to Java delegates, which are not supported")


def _check_parameter(c: _Checker, el: etree._Element, param: etree._Element) -> None:
    pname = param.get("name") or ""
    if not pname:
        c.error(el, "An input/output parameter has no name")
    values = [v for v in param if isinstance(v.tag, str)]
    if values and _local(values[0]) == "script":
        c.error(el, f"Parameter {pname!r} is a script; use an expression (${{...}} or =FEEL)")
        return
    texts = [param.text] if not values else [v.text for v in values[0].iter() if isinstance(v.tag, str)]
    for text in texts:
        if text and ("${" in text or "#{" in text or text.strip().startswith("=")):
            c.expression(el, text.strip(), kind="expression", what=f"Parameter {pname!r}")


def _check_service_task(c: _Checker, el: etree._Element) -> None:
    for attr in ("class", "expression", "delegateExpression"):
        if el.get(_C + attr):
            c.error(el, f"camunda:{attr} calls Java code, which does not exist here; set Implementation to "
                        f"External and choose a topic ({', '.join(sorted(c.index.topics))})")
            return
    if el.get(_C + "type") != "external":
        c.error(el, "A service task needs Implementation = External with a topic "
                    f"({', '.join(sorted(c.index.topics))})")
        return
    topic = el.get(_C + "topic")
    if not topic:
        c.error(el, "The external service task has no topic")
    elif topic not in c.index.topics:
        c.error(el, f"Unknown topic {topic!r}; known topics: {', '.join(sorted(c.index.topics))}")


def _check_business_rule_task(c: _Checker, el: etree._Element) -> None:
    if el.get(_C + "class") or el.get(_C + "expression") or el.get(_C + "delegateExpression") or el.get(_C + "type"):
        c.error(el, "A business rule task must use Implementation = DMN")
        return
    ref = el.get(_C + "decisionRef")
    if not ref:
        c.error(el, "A business rule task needs camunda:decisionRef (the decision id)")
        return
    if ref not in c.index.decision_ids:
        c.error(el, f"Decision {ref!r} is not in this deployment and not deployed before")
    binding = el.get(_C + "decisionRefBinding") or "latest"
    if binding not in BINDINGS:
        c.error(el, f"decisionRefBinding {binding!r} is not supported; use latest or deployment")
    mapping = el.get(_C + "mapDecisionResult") or "resultList"
    if mapping not in MAP_DECISION_RESULT:
        c.error(el, f"mapDecisionResult {mapping!r} is unknown; use one of {sorted(MAP_DECISION_RESULT)}")
    if not el.get(_C + "resultVariable"):
        c.warn(el, "No camunda:resultVariable: the decision result is discarded (as in Camunda 7)")


def _check_user_task(c: _Checker, el: etree._Element) -> None:
    for attr in ("assignee", "candidateGroups", "candidateUsers"):
        c.expression(el, el.get(_C + attr), kind="text", what=f"camunda:{attr}")
    for attr in ("dueDate", "followUpDate"):
        value = el.get(_C + attr)
        if value and not looks_like_iso_timer(value):
            c.expression(el, value, kind="expression", what=f"camunda:{attr}")
    priority = el.get(_C + "priority")
    if priority and not priority.strip().isdigit():
        c.expression(el, priority, kind="expression", what="camunda:priority")
    form_ref = el.get(_C + "formRef")
    form_key = el.get(_C + "formKey")
    if form_key:
        if form_key.startswith("camunda-forms:"):
            return
        c.error(el, f"Form key {form_key!r} points at an embedded or external form, which Regie cannot "
                    "show; use Form type 'Camunda Forms' with a form reference")
    if form_ref:
        binding = el.get(_C + "formRefBinding") or "latest"
        if binding not in BINDINGS:
            c.error(el, f"formRefBinding {binding!r} is not supported; use latest or deployment")
        if "${" not in form_ref and form_ref not in c.index.form_ids:
            c.error(el, f"Form {form_ref!r} is not in this deployment and not deployed before")
    if not (el.get(_C + "candidateGroups") or el.get(_C + "assignee") or el.get(_C + "candidateUsers")):
        c.warn(el, "The user task has no assignee or candidate group: it appears in nobody's group inbox")


def _check_call_activity(c: _Checker, el: etree._Element) -> None:
    called = el.get("calledElement")
    if not called:
        c.error(el, "A call activity needs a called element (process id)")
    elif called not in c.index.process_ids:
        c.error(el, f"Called process {called!r} is not in this deployment and not deployed before")
    binding = el.get(_C + "calledElementBinding") or "latest"
    if binding not in BINDINGS:
        c.error(el, f"calledElementBinding {binding!r} is not supported; use latest or deployment")
    if el.get(_C + "caseRef"):
        c.error(el, "CMMN cases are not supported")
    ext = el.find(_B + "extensionElements")
    if ext is None:
        return
    for child in ext:
        if isinstance(child.tag, str) and _local(child) in ("in", "out") and etree.QName(child).namespace == CAMUNDA_NS:
            if child.get("businessKey") is not None and _local(child) == "in":
                continue
            if child.get("variables") != "all":
                c.error(el, f"camunda:{_local(child)} with single variables is not supported: the called process "
                            "shares all case variables (use 'all' variables in and out)")


def _check_gateway(c: _Checker, el: etree._Element) -> None:
    process = el.getparent()
    flows = [f for f in process.findall(_B + "sequenceFlow") if f.get("sourceRef") == el.get("id")]
    if len(flows) < 2:
        return
    default = el.get("default")
    for flow in flows:
        if flow.get("id") != default and flow.find(_B + "conditionExpression") is None:
            c.error(flow, f"Flow {flow.get('id')!r} leaves gateway {el.get('id')!r} without a condition "
                          "and is not the default flow")


def _check_event_gateway(c: _Checker, el: etree._Element) -> None:
    process = el.getparent()
    targets = [f.get("targetRef") for f in process.findall(_B + "sequenceFlow") if f.get("sourceRef") == el.get("id")]
    timers = 0
    for target in targets:
        node = process.find(f"*[@id='{target}']")
        if node is not None and node.find(_B + "timerEventDefinition") is not None:
            timers += 1
    if timers > 1:
        c.error(el, "Two timers behind one event-based gateway share one due time in this engine "
                    "(the earlier one is lost); use boundary timers on a task instead")


def _check_event_definitions(c: _Checker, el: etree._Element, name: str) -> None:
    for timer in el.findall(_B + "timerEventDefinition"):
        for kind in ("timeDate", "timeDuration", "timeCycle"):
            node = timer.find(_B + kind)
            if node is None:
                continue
            text = (node.text or "").strip()
            if not text:
                c.error(el, f"The timer's {kind} is empty")
            elif not looks_like_iso_timer(text):
                c.expression(el, text, kind="timer", what=f"Timer {kind}")
        if all(timer.find(_B + k) is None for k in ("timeDate", "timeDuration", "timeCycle")):
            c.error(el, "The timer has no date, duration or cycle")
    for message in el.findall(_B + "messageEventDefinition"):
        ref = message.get("messageRef")
        if ref:
            root = el.getroottree().getroot()
            msg = root.find(f"{_B}message[@id='{ref}']")
            if msg is None or not msg.get("name"):
                c.error(el, f"Message {ref!r} is not defined or has no name")
        elif name != "sendTask":
            c.error(el, "The message event has no message (choose or create a global message)")
        if name in ("intermediateThrowEvent", "endEvent"):
            if message.get(_C + "type") or message.get(_C + "class") or el.get(_C + "type"):
                c.error(el, "Message throw events with an implementation are not supported; use a service "
                            "task with a topic to send messages outside the case")
            elif not message.get(_C + "expression"):
                c.error(el, "A message throw event needs camunda:expression (the payload) in this engine")
    for cond in el.findall(_B + "conditionalEventDefinition"):
        expr = cond.find(_B + "condition")
        if expr is not None:
            c.expression(el, (expr.text or "").strip(), kind="condition", what="Condition")


def errors_of(problems: Iterable[Problem]) -> list[Problem]:
    """Return only the problems that refuse a deploy."""
    return [p for p in problems if p.severity == "error"]
