"""Read DMN TCK test-case XML (inputs and expected results) and compare results per TCK rules."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from lxml import etree

from engine.expressions.feel_text import (
    parse_feel_datetime,
    parse_feel_duration,
    parse_feel_time,
)
from engine.expressions.temporal import parse_date

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
RELATIVE_TOLERANCE = Decimal("1e-12")
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


@dataclass
class TckCase:
    """One TCK test case: a model, inputs and the expected value per result node."""

    folder: str
    model: Path
    case_id: str
    inputs: dict[str, Any]
    expected: dict[str, Any]
    errors: set[str]

    @property
    def key(self) -> str:
        return f"{self.folder}:{self.case_id}"


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def read_value(element: Any) -> Any:
    """Return the value inside an inputNode, component, item or expected element."""
    for child in element:
        name = _local(child)
        if name == "value":
            return _scalar(child)
        if name == "list":
            return [read_value(item) for item in child if _local(item) == "item"]
        if name == "component":
            return {c.get("name"): read_value(c) for c in element if _local(c) == "component"}
    return None


def _scalar(element: Any) -> Any:
    if element.get(XSI_NIL) == "true":
        return None
    kind = (element.get(XSI_TYPE) or "xsd:string").split(":")[-1]
    text = element.text or ""
    if kind in ("decimal", "double", "int", "integer", "long", "float"):
        try:
            return Decimal(text.strip())
        except InvalidOperation:
            return None
    if kind == "boolean":
        return text.strip() == "true"
    if kind == "date":
        return parse_date(text)
    if kind == "dateTime":
        return parse_feel_datetime(text)
    if kind == "time":
        return parse_feel_time(text)
    if kind == "duration":
        return parse_feel_duration(text)
    return text


def discover(root: Path) -> list[TckCase]:
    """Return every test case of every TCK folder under root, in folder order."""
    cases = []
    for test_file in sorted(root.glob("*/*-test-*.xml")):
        tree = etree.parse(str(test_file))
        model_name = next((e.text for e in tree.getroot() if _local(e) == "modelName"), None)
        model = test_file.parent / (model_name or "")
        for case in tree.getroot():
            if _local(case) != "testCase":
                continue
            inputs = {node.get("name"): read_value(node) for node in case if _local(node) == "inputNode"}
            expected, errors = {}, set()
            for node in case:
                if _local(node) != "resultNode":
                    continue
                if node.get("errorResult") == "true":
                    errors.add(node.get("name"))
                holder = next((e for e in node if _local(e) == "expected"), None)
                expected[node.get("name")] = read_value(holder) if holder is not None else None
            cases.append(TckCase(test_file.parent.name, model, case.get("id") or "", inputs, expected, errors))
    return cases


def same(actual: Any, expected: Any) -> bool:
    """Compare per TCK rules: decimals to the expected precision, lists, contexts, null."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, Decimal):
        if not isinstance(actual, Decimal) or isinstance(actual, bool):
            return False
        if actual == expected:
            return True
        # An expected value with 12+ significant digits is a rounded non-terminating result
        # (the reference tools compute powers in binary doubles): accept 1e-12 relative error.
        digits = len(expected.as_tuple().digits)
        return digits >= 12 and abs(actual - expected) <= abs(expected) * RELATIVE_TOLERANCE
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and all(map(same, actual, expected))
    if isinstance(expected, dict):
        return isinstance(actual, dict) and set(actual) == set(expected) and all(same(actual[k], expected[k]) for k in expected)
    return type(actual) is type(expected) and actual == expected
