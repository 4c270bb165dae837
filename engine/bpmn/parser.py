"""RegieParser: SpiffWorkflow's CamundaParser, keeping what Camunda Modeler writes.

SpiffWorkflow 3.2 drops most `camunda:*` attributes (ENGINE-NOTES.md). Every task
parser here stores them in `task_spec.extensions`, which SpiffWorkflow serializes
with the spec, so they survive a save/restore:

    extensions = {
        "properties": {name: value},            # camunda:properties
        "camunda": {attr: value},               # assignee, candidateGroups, dueDate, formRef, topic, ...
        "inputOutput": {"inputs": [...], "outputs": [...]},
        "callIn": [...], "callOut": [...],       # camunda:in / camunda:out on call activities
        "listeners": [...],                      # execution/task listeners (refused at deploy)
        "documentation": "...",
    }
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.event_parsers import ReceiveTaskParser, SendTaskParser
from SpiffWorkflow.bpmn.parser.util import one
from SpiffWorkflow.bpmn.specs.defaults import ReceiveTask, SendTask
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.event_parsers import (
    CamundaBoundaryEventParser,
    CamundaEndEventParser,
    CamundaEventDefinitionParser,
    CamundaIntermediateCatchEventParser,
    CamundaIntermediateThrowEventParser,
    CamundaStartEventParser,
)
from SpiffWorkflow.camunda.parser.task_spec import (
    CallActivityParser,
    CamundaTaskParser,
    ScriptTaskParser,
    SubWorkflowParser,
    UserTaskParser,
)

from engine.bpmn.specs import (
    DecisionTask,
    ExternalServiceTask,
    RegieMessageEventDefinition,
)

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
_C = "{" + CAMUNDA_NS + "}"

# camunda:* attributes kept on any element where Camunda Modeler can set them.
KEPT_ATTRIBUTES = (
    "assignee", "candidateUsers", "candidateGroups", "dueDate", "followUpDate", "priority",
    "formKey", "formRef", "formRefBinding", "formRefVersion", "type", "topic", "class",
    "expression", "delegateExpression", "resultVariable", "decisionRef", "decisionRefBinding",
    "decisionRefVersion", "mapDecisionResult", "asyncBefore", "asyncAfter", "calledElementBinding",
    "calledElementVersion", "taskPriority", "jobPriority", "initiator", "formHandlerClass",
)


def _parameter_value(param: etree._Element) -> dict[str, Any]:
    """Describe one camunda:inputParameter/outputParameter as plain data."""
    children = [c for c in param if isinstance(c.tag, str)]
    if not children:
        return {"kind": "text", "value": param.text or ""}
    child = children[0]
    tag = etree.QName(child).localname
    if tag == "list":
        return {"kind": "list", "items": [_parameter_value(v) for v in child]}
    if tag == "map":
        return {
            "kind": "map",
            "entries": [{"key": e.get("key"), **_parameter_value(e)} for e in child],
        }
    if tag == "script":
        return {"kind": "script", "value": child.text or "", "language": child.get("scriptFormat")}
    return {"kind": tag, "value": child.text or ""}


def read_extensions(node: etree._Element) -> dict[str, Any]:
    """Collect every camunda:* setting of one BPMN element as JSON-friendly data."""
    ext: dict[str, Any] = {
        "camunda": {a: node.get(_C + a) for a in KEPT_ATTRIBUTES if node.get(_C + a) is not None},
        "properties": {},
    }
    doc = node.find("{http://www.omg.org/spec/BPMN/20100524/MODEL}documentation")
    if doc is not None and doc.text:
        ext["documentation"] = doc.text.strip()
    elements = node.find("{http://www.omg.org/spec/BPMN/20100524/MODEL}extensionElements")
    if elements is None:
        return ext
    for child in elements:
        if not isinstance(child.tag, str):
            continue
        tag = etree.QName(child)
        if tag.namespace != CAMUNDA_NS:
            ext.setdefault("foreign", []).append(tag.text)
            continue
        name = tag.localname
        if name == "properties":
            for prop in child:
                if isinstance(prop.tag, str) and prop.get("name") is not None:
                    ext["properties"][prop.get("name")] = prop.get("value") or ""
        elif name == "inputOutput":
            io: dict[str, list] = {"inputs": [], "outputs": []}
            for param in child:
                if not isinstance(param.tag, str):
                    continue
                kind = "inputs" if etree.QName(param).localname == "inputParameter" else "outputs"
                io[kind].append({"name": param.get("name"), **_parameter_value(param)})
            ext["inputOutput"] = io
        elif name in ("in", "out"):
            ext.setdefault("callIn" if name == "in" else "callOut", []).append(dict(child.attrib))
        elif name in ("executionListener", "taskListener"):
            ext.setdefault("listeners", []).append({"kind": name, **dict(child.attrib)})
        elif name == "formData":
            ext["formData"] = True
        else:
            ext.setdefault("other", []).append(name)
    return ext


class ExtensionsMixin:
    """Replace SpiffWorkflow's extension reading with the complete one."""

    def parse_extensions(self, node=None):  # noqa: D102 - SpiffWorkflow hook
        return read_extensions(node if node is not None else self.node)

    def parse_message_event(self, message_event):  # noqa: D102 - SpiffWorkflow hook
        message_ref = message_event.get("messageRef")
        if message_ref:
            message = one(self.doc_xpath('.//bpmn:message[@id="%s"]' % message_ref))
            name = message.get("name")
            correlations = self.get_message_correlations(message_ref)
        else:
            name = message_event.getparent().get("name")
            correlations = {}
        payload = self.attribute("expression", "camunda", message_event)
        result_var = self.attribute("resultVariable", "camunda", message_event)
        return RegieMessageEventDefinition(name, correlations, payload, result_var)


class RegieTaskParser(ExtensionsMixin, CamundaTaskParser):
    """Plain, manual tasks."""


class RegieUserTaskParser(ExtensionsMixin, UserTaskParser):
    """User tasks: assignee, candidates, due dates, formKey/formRef kept."""


class RegieScriptTaskParser(ExtensionsMixin, ScriptTaskParser):
    """Script tasks parse (so deploy can name them) but are refused by validation."""


class RegieSubWorkflowParser(ExtensionsMixin, SubWorkflowParser):
    """Embedded subprocesses and transactions."""


class RegieCallActivityParser(ExtensionsMixin, CallActivityParser):
    """Call activities: camunda:in/out kept for validation."""


class RegieServiceTaskParser(ExtensionsMixin, CamundaTaskParser):
    """Service tasks become ExternalServiceTask, executed by a handler per topic."""


class RegieBusinessRuleTaskParser(ExtensionsMixin, CamundaTaskParser):
    """Business rule tasks evaluated by Regie's own DMN engine (engine.dmn)."""

    @staticmethod
    def get_decision_ref(node):  # noqa: D102 - SpiffWorkflow hook
        return node.get(_C + "decisionRef")

    def create_task(self):  # noqa: D102 - SpiffWorkflow hook
        if self.node.get(_C + "decisionRef") is None:
            self.raise_validation_exception(
                "A business rule task needs camunda:decisionRef (Implementation = DMN)"
            )
        return self.spec_class(self.spec, self.bpmn_id, **self.bpmn_attributes)


class RegieSendTaskParser(ExtensionsMixin, CamundaEventDefinitionParser, SendTaskParser):
    """Send tasks: in Camunda 7 implemented like a service task (External + topic)."""

    def create_task(self):  # noqa: D102 - SpiffWorkflow hook
        if self.node.get(_C + "type") == "external":
            return ExternalServiceTask(self.spec, self.bpmn_id, **self.bpmn_attributes)
        return SendTaskParser.create_task(self)


class RegieReceiveTaskParser(ExtensionsMixin, CamundaEventDefinitionParser, ReceiveTaskParser):
    """Receive tasks with Camunda message definitions (serializable)."""

    def create_task(self):  # noqa: D102 - SpiffWorkflow hook
        return ReceiveTaskParser.create_task(self)


def _with_extensions(parser_cls):
    return type(parser_cls.__name__.replace("Camunda", "Regie"), (ExtensionsMixin, parser_cls), {})


class RegieParser(CamundaParser):
    """The parser every deploy uses; see the module docstring for what it keeps."""

    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (RegieUserTaskParser, CamundaParser.OVERRIDE_PARSER_CLASSES[full_tag("userTask")][1]),
        full_tag("task"): (RegieTaskParser, CamundaParser.OVERRIDE_PARSER_CLASSES[full_tag("task")][1]),
        full_tag("manualTask"): (RegieTaskParser, CamundaParser.OVERRIDE_PARSER_CLASSES[full_tag("manualTask")][1]),
        full_tag("scriptTask"): (RegieScriptTaskParser, CamundaParser.OVERRIDE_PARSER_CLASSES[full_tag("scriptTask")][1]),
        full_tag("subProcess"): (RegieSubWorkflowParser, CamundaParser.OVERRIDE_PARSER_CLASSES[full_tag("subProcess")][1]),
        full_tag("transaction"): (RegieSubWorkflowParser, CamundaParser.OVERRIDE_PARSER_CLASSES[full_tag("transaction")][1]),
        full_tag("callActivity"): (RegieCallActivityParser, CamundaParser.OVERRIDE_PARSER_CLASSES[full_tag("callActivity")][1]),
        full_tag("serviceTask"): (RegieServiceTaskParser, ExternalServiceTask),
        full_tag("businessRuleTask"): (RegieBusinessRuleTaskParser, DecisionTask),
        full_tag("sendTask"): (RegieSendTaskParser, SendTask),
        full_tag("receiveTask"): (RegieReceiveTaskParser, ReceiveTask),
        full_tag("startEvent"): (_with_extensions(CamundaStartEventParser), CamundaParser.OVERRIDE_PARSER_CLASSES[full_tag("startEvent")][1]),
        full_tag("endEvent"): (_with_extensions(CamundaEndEventParser), CamundaParser.OVERRIDE_PARSER_CLASSES[full_tag("endEvent")][1]),
        full_tag("intermediateCatchEvent"): (_with_extensions(CamundaIntermediateCatchEventParser), CamundaParser.OVERRIDE_PARSER_CLASSES[full_tag("intermediateCatchEvent")][1]),
        full_tag("intermediateThrowEvent"): (_with_extensions(CamundaIntermediateThrowEventParser), CamundaParser.OVERRIDE_PARSER_CLASSES[full_tag("intermediateThrowEvent")][1]),
        full_tag("boundaryEvent"): (_with_extensions(CamundaBoundaryEventParser), CamundaParser.OVERRIDE_PARSER_CLASSES[full_tag("boundaryEvent")][1]),
    }

    def get_engine(self, decision_ref, node):  # noqa: D102 - never use Spiff's DMN engine
        raise RuntimeError("Regie evaluates decisions with engine.dmn, not SpiffWorkflow's DMN engine")
