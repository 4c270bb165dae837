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
from engine.deploy.camunda_idioms import camunda_idiom_hint, expression_problem_nl
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
    return f" (regel {el.sourceline})" if getattr(el, "sourceline", None) else ""


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
            where = f" (positie {p.position})" if p.position is not None else ""
            hint = camunda_idiom_hint(text.strip())
            message = (f"{what}: {hint}" if hint else
                       f"{what} {text.strip()!r} klopt niet: {expression_problem_nl(p.message)}{where}")
            if p.severity == "error":
                self.error(el, message)
            else:
                self.warn(el, message)


def validate_bpmn(filename: str, root: etree._Element, index: DeploymentIndex) -> list[Problem]:
    """Return every problem in one parsed BPMN document."""
    c = _Checker(filename, index)
    if root.nsmap and ZEEBE_NS in root.nsmap.values():
        c.error(root, "Dit is een Camunda 8-diagram (Zeebe); Regie voert Camunda 7-diagrammen uit "
                      "(in Camunda Modeler: File > New File > BPMN diagram (Camunda 7))")
        return c.problems
    processes = root.findall(_B + "process")
    if not processes:
        c.error(root, "Het bestand bevat geen bpmn:process")
    for process in processes:
        _check_process(c, process)
    if root.find("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNDiagram") is None:
        c.warn(root, "Het bestand heeft geen tekening (BPMNDiagram): Camunda Modeler kan het niet tonen")
    return c.problems


def _check_process(c: _Checker, process: etree._Element) -> None:
    pid = process.get("id")
    if process.get("isExecutable", "true") != "true":
        c.warn(process, f"Proces {pid!r} is niet uitvoerbaar (isExecutable=false): het wordt bewaard, niet uitgevoerd")
    reserved = RESERVED_IDS | {f"{pid}.EndJoin"}
    for el in process.iter():
        if not isinstance(el.tag, str):
            continue
        name = _local(el)
        if el.get("id") in reserved and name in FLOW_NODES:
            c.error(el, f"De id {el.get('id')!r} is gereserveerd voor de engine; geef het element een andere id "
                        "(bijvoorbeeld StartEvent_1)")
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
        c.error(flow, f"Voorwaardetaal {lang!r} zou een script uitvoeren; gebruik JUEL ${{...}} of FEEL")
        return
    if cond.get(_C + "resource"):
        c.error(flow, "Een voorwaarde uit een extern bestand kan niet; schrijf de expressie in het diagram")
        return
    text = (cond.text or "").strip()
    if not text:
        c.error(flow, "De voorwaarde is leeg")
        return
    c.expression(flow, text, kind="condition", what="Voorwaarde", language=lang)


def _check_flow_node(c: _Checker, el: etree._Element, name: str) -> None:
    _check_extensions(c, el, name)
    if name == "scriptTask":
        c.error(el, "Een script task voert tekst uit als programmacode en wordt geweigerd; gebruik een expressie "
                    "bij een gateway of input/output, een DMN-beslissing (business rule task) of een service task")
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
        c.error(el, "Een event subprocess werkt niet goed in deze engine; hang boundary events aan "
                    "een embedded subprocess")
    elif name == "complexGateway":
        c.error(el, "Een complex gateway kan niet; gebruik een exclusive, inclusive of parallel gateway")
    elif name == "adHocSubProcess":
        c.error(el, "Een ad-hoc subprocess kan niet in Camunda 7-diagrammen")
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
            c.error(el, f"camunda:{cname} voert Java- of scriptcode uit en kan niet; maak van de stap "
                        "een service task of een expressie")
        elif cname == "inputOutput":
            if name not in IO_ELEMENTS:
                c.error(el, "Input/output kan alleen bij een user task, service task of business rule task")
            for param in child:
                if isinstance(param.tag, str):
                    _check_parameter(c, el, param)
        elif cname == "formData":
            c.error(el, "Gegenereerde formulieren (camunda:formData) kunnen niet; koppel een Camunda Form "
                        "(Form type: Camunda Forms, Form reference = de formulier-id in forms/)")
        elif cname == "connector":
            c.error(el, "Connectors kunnen niet; gebruik een service task met Implementation External en een topic")
        elif cname == "field":
            c.error(el, "camunda:field hoort bij Java-delegates, en die kunnen niet")


def _check_parameter(c: _Checker, el: etree._Element, param: etree._Element) -> None:
    pname = param.get("name") or ""
    if not pname:
        c.error(el, "Een input/output-parameter heeft geen naam")
    values = [v for v in param if isinstance(v.tag, str)]
    if values and _local(values[0]) == "script":
        c.error(el, f"Parameter {pname!r} is een script; gebruik een expressie (${{...}} of =FEEL)")
        return
    texts = [param.text] if not values else [v.text for v in values[0].iter() if isinstance(v.tag, str)]
    for text in texts:
        if text and ("${" in text or "#{" in text or text.strip().startswith("=")):
            c.expression(el, text.strip(), kind="expression", what=f"Parameter {pname!r}")


def _check_service_task(c: _Checker, el: etree._Element) -> None:
    for attr in ("class", "expression", "delegateExpression"):
        if el.get(_C + attr):
            c.error(el, f"camunda:{attr} roept Java-code aan, en die bestaat hier niet; zet Implementation op "
                        f"External en kies een topic ({', '.join(sorted(c.index.topics))})")
            return
    if el.get(_C + "type") != "external":
        c.error(el, "Een service task heeft Implementation = External met een topic nodig "
                    f"({', '.join(sorted(c.index.topics))})")
        return
    topic = el.get(_C + "topic")
    if not topic:
        c.error(el, "De externe service task heeft geen topic")
    elif topic not in c.index.topics:
        c.error(el, f"Onbekend topic {topic!r}; bekende topics: {', '.join(sorted(c.index.topics))}")


def _check_business_rule_task(c: _Checker, el: etree._Element) -> None:
    if el.get(_C + "class") or el.get(_C + "expression") or el.get(_C + "delegateExpression") or el.get(_C + "type"):
        c.error(el, "Een business rule task moet Implementation = DMN gebruiken")
        return
    ref = el.get(_C + "decisionRef")
    if not ref:
        c.error(el, "Een business rule task heeft camunda:decisionRef nodig (de id van de beslissing)")
        return
    if ref not in c.index.decision_ids:
        c.error(el, f"Beslissing {ref!r} zit niet in deze deployment en is ook niet eerder gedeployed")
    binding = el.get(_C + "decisionRefBinding") or "latest"
    if binding not in BINDINGS:
        c.error(el, f"decisionRefBinding {binding!r} kan niet; gebruik latest of deployment")
    mapping = el.get(_C + "mapDecisionResult") or "resultList"
    if mapping not in MAP_DECISION_RESULT:
        c.error(el, f"mapDecisionResult {mapping!r} is onbekend; kies uit {', '.join(sorted(MAP_DECISION_RESULT))}")
    if not el.get(_C + "resultVariable"):
        c.warn(el, "Geen camunda:resultVariable: de uitkomst van de beslissing wordt niet bewaard (zoals in Camunda 7)")


def _check_user_task(c: _Checker, el: etree._Element) -> None:
    for attr in ("assignee", "candidateGroups", "candidateUsers"):
        c.expression(el, el.get(_C + attr), kind="text", what=f"camunda:{attr}")
    for attr in ("dueDate", "followUpDate"):
        value = (el.get(_C + attr) or "").strip()
        if value and looks_like_iso_timer(value):
            # A bare date stays that date; a bare duration (P5D) counts from the task's creation.
            if value.upper().startswith("R"):
                c.error(el, f"camunda:{attr} {value!r} is een herhaling; een termijn is één datum, of een duur "
                            "zoals P5D die telt vanaf het moment dat de taak klaarstaat")
        elif value:
            c.expression(el, value, kind="expression", what=f"camunda:{attr}")
    priority = el.get(_C + "priority")
    if priority and not priority.strip().isdigit():
        c.expression(el, priority, kind="expression", what="camunda:priority")
    form_ref = el.get(_C + "formRef")
    form_key = el.get(_C + "formKey")
    if form_key:
        if form_key.startswith("camunda-forms:"):
            return
        c.error(el, f"Form key {form_key!r} wijst naar een embedded of extern formulier, dat Regie niet kan "
                    "tonen; kies Form type 'Camunda Forms' met een form reference")
    if form_ref:
        binding = el.get(_C + "formRefBinding") or "latest"
        if binding not in BINDINGS:
            c.error(el, f"formRefBinding {binding!r} kan niet; gebruik latest of deployment")
        if "${" not in form_ref and form_ref not in c.index.form_ids:
            c.error(el, f"Formulier {form_ref!r} zit niet in deze deployment en is ook niet eerder gedeployed")
    if not (el.get(_C + "candidateGroups") or el.get(_C + "assignee") or el.get(_C + "candidateUsers")):
        c.warn(el, "De user task heeft geen assignee of candidate group: hij staat bij niemand in de groepsinbox")


def _check_call_activity(c: _Checker, el: etree._Element) -> None:
    called = el.get("calledElement")
    if not called:
        c.error(el, "Een call activity heeft een called element nodig (de id van het proces)")
    elif called not in c.index.process_ids:
        c.error(el, f"Aangeroepen proces {called!r} zit niet in deze deployment en is ook niet eerder gedeployed")
    binding = el.get(_C + "calledElementBinding") or "latest"
    if binding not in BINDINGS:
        c.error(el, f"calledElementBinding {binding!r} kan niet; gebruik latest of deployment")
    if el.get(_C + "caseRef"):
        c.error(el, "CMMN-cases kunnen niet")
    ext = el.find(_B + "extensionElements")
    if ext is None:
        return
    for child in ext:
        if isinstance(child.tag, str) and _local(child) in ("in", "out") and etree.QName(child).namespace == CAMUNDA_NS:
            if child.get("businessKey") is not None and _local(child) == "in":
                continue
            if child.get("variables") != "all":
                c.error(el, f"camunda:{_local(child)} met losse variabelen kan niet: het aangeroepen proces "
                            "deelt alle variabelen van de zaak (kies 'all' bij in en out)")


def _check_gateway(c: _Checker, el: etree._Element) -> None:
    process = el.getparent()
    flows = [f for f in process.findall(_B + "sequenceFlow") if f.get("sourceRef") == el.get("id")]
    if len(flows) < 2:
        return
    default = el.get("default")
    for flow in flows:
        if flow.get("id") != default and flow.find(_B + "conditionExpression") is None:
            c.error(flow, f"Pijl {flow.get('id')!r} vertrekt uit gateway {el.get('id')!r} zonder voorwaarde "
                          "en is niet de default flow")


def _check_event_gateway(c: _Checker, el: etree._Element) -> None:
    process = el.getparent()
    targets = [f.get("targetRef") for f in process.findall(_B + "sequenceFlow") if f.get("sourceRef") == el.get("id")]
    timers = 0
    for target in targets:
        node = process.find(f"*[@id='{target}']")
        if node is not None and node.find(_B + "timerEventDefinition") is not None:
            timers += 1
    if timers > 1:
        c.error(el, "Twee timers achter één event-based gateway krijgen in deze engine dezelfde tijd "
                    "(de eerste gaat verloren); gebruik boundary timers aan een taak")


def _check_event_definitions(c: _Checker, el: etree._Element, name: str) -> None:
    for timer in el.findall(_B + "timerEventDefinition"):
        for kind in ("timeDate", "timeDuration", "timeCycle"):
            node = timer.find(_B + kind)
            if node is None:
                continue
            text = (node.text or "").strip()
            if not text:
                c.error(el, f"De {kind} van de timer is leeg")
            elif not looks_like_iso_timer(text):
                c.expression(el, text, kind="timer", what=f"Timer {kind}")
        if all(timer.find(_B + k) is None for k in ("timeDate", "timeDuration", "timeCycle")):
            c.error(el, "De timer heeft geen datum, duur of herhaling")
    for message in el.findall(_B + "messageEventDefinition"):
        ref = message.get("messageRef")
        if ref:
            root = el.getroottree().getroot()
            msg = root.find(f"{_B}message[@id='{ref}']")
            if msg is None or not msg.get("name"):
                c.error(el, f"Bericht {ref!r} bestaat niet of heeft geen naam")
        elif name != "sendTask":
            c.error(el, "Het message event heeft geen bericht (kies of maak een global message)")
        if name in ("intermediateThrowEvent", "endEvent"):
            if message.get(_C + "type") or message.get(_C + "class") or el.get(_C + "type"):
                c.error(el, "Een message throw event met een implementatie kan niet; gebruik een service "
                            "task met een topic om berichten buiten de zaak te sturen")
            elif not message.get(_C + "expression"):
                c.error(el, "Een message throw event heeft in deze engine camunda:expression nodig (de inhoud van het bericht)")
    for cond in el.findall(_B + "conditionalEventDefinition"):
        expr = cond.find(_B + "condition")
        if expr is not None:
            c.expression(el, (expr.text or "").strip(), kind="condition", what="Voorwaarde")


def errors_of(problems: Iterable[Problem]) -> list[Problem]:
    """Return only the problems that refuse a deploy."""
    return [p for p in problems if p.severity == "error"]
