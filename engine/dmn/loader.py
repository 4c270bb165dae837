"""Read DMN 1.1-1.5 XML (Camunda Modeler and others) and compile every expression at load."""

from __future__ import annotations

import pathlib
from typing import Any

from lxml import etree

from engine.expressions import Compiled, ExpressionError, compile_expression

from .model import (
    Decision,
    DecisionTable,
    DmnError,
    InputClause,
    InputData,
    KnowledgeModel,
    LiteralExpression,
    Logic,
    OutputClause,
    Rule,
)

CAMUNDA_NS = "http://camunda.org/schema/1.0/dmn"
HIT_POLICIES = ("UNIQUE", "FIRST", "PRIORITY", "ANY", "COLLECT", "RULE ORDER", "OUTPUT ORDER")
AGGREGATIONS = ("SUM", "MIN", "MAX", "COUNT")
_UNSUPPORTED = ("context", "invocation", "relation", "list", "functionDefinition", "conditional", "filter", "iterator")


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: Any, name: str) -> list[Any]:
    return [child for child in element if _local(child) == name]


def _child(element: Any, name: str) -> Any | None:
    found = _children(element, name)
    return found[0] if found else None


def _text(element: Any | None) -> str:
    if element is None:
        return ""
    node = _child(element, "text")
    return (node.text or "") if node is not None else ""


def _href(element: Any) -> str:
    return (element.get("href") or "").lstrip("#")


class _Loader:
    def __init__(self, root: Any, filename: str) -> None:
        self.root = root
        self.file = filename
        self.default_language = root.get("expressionLanguage")

    def fail(self, message: str, element: Any, **extra: Any) -> DmnError:
        return DmnError(message, element_id=element.get("id"), file=self.file, **extra)

    def compile_text(self, element: Any, text: str, kind: str) -> Compiled:
        language = element.get("expressionLanguage") or self.default_language
        if kind == "unary" and language and "juel" not in language.lower():
            language = None
        try:
            return compile_expression(text, kind=kind, language=_language(language, kind, text))
        except ExpressionError as exc:
            raise self.fail(exc.message, element, expression=text, position=exc.position) from None

    def unary(self, element: Any) -> Compiled | None:
        text = _text(element)
        return self.compile_text(element, text, "unary") if text.strip() else None

    def logic(self, owner: Any) -> Logic:
        for child in owner:
            name = _local(child)
            if name == "decisionTable":
                return self.table(child)
            if name == "literalExpression":
                return LiteralExpression(child.get("id") or owner.get("id"), self.compile_text(child, _text(child), "expression"))
            if name in _UNSUPPORTED:
                raise self.fail(f"the boxed expression <{name}> is not supported; use a decision table or a literal expression", child)
        raise self.fail("this element has no decision logic (decision table or literal expression)", owner)

    def table(self, element: Any) -> DecisionTable:
        hit_policy = (element.get("hitPolicy") or "UNIQUE").upper().replace("_", " ")
        if hit_policy not in HIT_POLICIES:
            raise self.fail(f"unknown hit policy {hit_policy!r}", element)
        aggregation = element.get("aggregation")
        if aggregation is not None and (hit_policy != "COLLECT" or aggregation.upper() not in AGGREGATIONS):
            raise self.fail(f"aggregation {aggregation!r} needs hit policy COLLECT and one of {AGGREGATIONS}", element)
        inputs = [self.input_clause(child) for child in _children(element, "input")]
        outputs = [self.output_clause(child, element) for child in _children(element, "output")]
        if not outputs:
            raise self.fail("a decision table needs at least one output", element)
        if aggregation and len(outputs) > 1:
            raise self.fail("an aggregation works on a table with one output", element)
        rules = []
        for rule in _children(element, "rule"):
            entries = _children(rule, "inputEntry")
            results = _children(rule, "outputEntry")
            if len(entries) != len(inputs) or len(results) != len(outputs):
                raise self.fail(
                    f"the rule has {len(entries)} input and {len(results)} output entries; "
                    f"the table has {len(inputs)} inputs and {len(outputs)} outputs",
                    rule,
                )
            rules.append(
                Rule(
                    rule.get("id") or "",
                    [self.compile_text(entry, _text(entry), "unary") for entry in entries],
                    [self.compile_text(entry, _text(entry), "expression") if _text(entry).strip() else None for entry in results],
                )
            )
        return DecisionTable(element.get("id") or "", hit_policy, aggregation and aggregation.upper(), inputs, outputs, rules)

    def input_clause(self, element: Any) -> InputClause:
        expression = _child(element, "inputExpression")
        if expression is None or not _text(expression).strip():
            raise self.fail("an input needs an input expression", element)
        return InputClause(
            element.get("id") or "",
            element.get("label") or _text(expression),
            self.compile_text(expression, _text(expression), "expression"),
            self.unary(_child(element, "inputValues")),
            element.get(f"{{{CAMUNDA_NS}}}inputVariable") or "cellInput",
            expression.get("typeRef"),
        )

    def output_clause(self, element: Any, table: Any) -> OutputClause:
        values = _child(element, "outputValues")
        allowed = self.unary(values) if values is not None else None
        listed: list[Any] = []
        if values is not None and _text(values).strip():
            listed = _listed_values(self, values)
        default = _child(element, "defaultOutputEntry")
        name = element.get("name") or ""
        return OutputClause(
            element.get("id") or "",
            name,
            allowed,
            listed,
            self.compile_text(default, _text(default), "expression") if default is not None and _text(default).strip() else None,
        )


def _listed_values(loader: _Loader, element: Any) -> list[Any]:
    """Evaluate 'a', 'b', 'c' of outputValues into a list (for PRIORITY and OUTPUT ORDER)."""
    from datetime import datetime

    text = _text(element)
    compiled = loader.compile_text(element, f"[{text}]", "expression") if not text.strip().startswith("[") else None
    if compiled is None:
        return []
    try:
        value = compiled.evaluate({}, now=datetime(2000, 1, 1))
    except ExpressionError:
        return []
    return value if isinstance(value, list) else []


def _language(language: str | None, kind: str, text: str) -> str | None:
    if not language:
        return "feel" if kind != "unary" and not text.strip().startswith(("${", "#{")) else None
    lowered = language.lower()
    if "feel" in lowered:
        return "feel"
    if "juel" in lowered:
        return "juel"
    return language


def parse_definitions(source: bytes | str | pathlib.Path, filename: str = "") -> tuple[Any, str]:
    """Parse DMN XML from bytes, XML text or a path (also as text); return (root, file name)."""
    if isinstance(source, str) and not source.lstrip().startswith("<") and pathlib.Path(source).is_file():
        source = pathlib.Path(source)
    if isinstance(source, pathlib.Path):
        filename = filename or source.name
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise DmnError(f"cannot read the file: {exc.strerror}", file=filename) from None
    elif isinstance(source, str):
        data = source.encode("utf-8")
    else:
        data = source
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise DmnError(f"not well-formed XML: {exc}", file=filename) from None
    if _local(root) != "definitions" or "omg.org/spec/DMN" not in (etree.QName(root).namespace or ""):
        raise DmnError("not a DMN file (expected <definitions> in a DMN namespace)", file=filename)
    return root, filename


def read_model(root: Any, filename: str) -> tuple[dict[str, Decision], dict[str, KnowledgeModel], dict[str, InputData]]:
    """Read decisions, knowledge models and input data from a parsed <definitions>."""
    loader = _Loader(root, filename)
    decisions: dict[str, Decision] = {}
    knowledge: dict[str, KnowledgeModel] = {}
    inputs: dict[str, InputData] = {}
    item_types = {item.get("name"): item for item in _children(root, "itemDefinition")}
    for element in _children(root, "inputData"):
        variable = _child(element, "variable")
        type_ref = variable.get("typeRef") if variable is not None else None
        allowed = None
        item = item_types.get(type_ref)
        if item is not None and _child(item, "allowedValues") is not None:
            allowed = loader.unary(_child(item, "allowedValues"))
        inputs[element.get("id") or ""] = InputData(element.get("id") or "", element.get("name") or "", allowed, type_ref)
    for element in _children(root, "businessKnowledgeModel"):
        logic_owner = _child(element, "encapsulatedLogic")
        if logic_owner is None:
            raise loader.fail("a business knowledge model needs encapsulated logic", element)
        knowledge[element.get("id") or ""] = KnowledgeModel(
            element.get("id") or "",
            element.get("name") or "",
            [p.get("name") or "" for p in _children(logic_owner, "formalParameter")],
            loader.logic(logic_owner),
            [_href(r) for req in _children(element, "knowledgeRequirement") for r in _children(req, "requiredKnowledge")],
        )
    for element in _children(root, "decision"):
        variable = _child(element, "variable")
        name = element.get("name") or element.get("id") or ""
        requirements = _children(element, "informationRequirement")
        decisions[element.get("id") or ""] = Decision(
            element.get("id") or "",
            name,
            (variable.get("name") if variable is not None else None) or name,
            loader.logic(element),
            [_href(r) for req in requirements for r in _children(req, "requiredDecision")],
            [_href(r) for req in _children(element, "knowledgeRequirement") for r in _children(req, "requiredKnowledge")],
            [_href(r) for req in requirements for r in _children(req, "requiredInput")],
        )
    return decisions, knowledge, inputs
