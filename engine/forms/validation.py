"""Deploy-time refusal of forms Regie cannot run exactly as the analyst drew them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .conditions import feel_problems, is_feel
from .model import (
    CHOICE_TYPES,
    INPUT_TYPES,
    MULTI_TYPES,
    Component,
    FormDefinition,
    FormProblem,
)

FORM_PROPERTIES = frozenset(
    {
        "components", "type", "id", "schemaVersion", "exporter", "executionPlatform",
        "executionPlatformVersion", "versionTag",
    }
)
BASE_PROPERTIES = frozenset({"id", "type", "layout", "properties", "conditional"})
INPUT_PROPERTIES = BASE_PROPERTIES | {
    "key", "label", "description", "defaultValue", "validate", "readonly", "disabled"
}
TYPE_PROPERTIES: dict[str, frozenset[str]] = {
    "textfield": INPUT_PROPERTIES | {"appearance"},
    "textarea": INPUT_PROPERTIES,
    "number": INPUT_PROPERTIES | {"appearance", "decimalDigits", "increment", "serializeToString"},
    "datetime": INPUT_PROPERTIES
    | {"subtype", "dateLabel", "timeLabel", "use24h", "timeSerializingFormat", "timeInterval", "disallowPassedDates"},
    "select": INPUT_PROPERTIES | {"values", "searchable"},
    "radio": INPUT_PROPERTIES | {"values"},
    "checkbox": INPUT_PROPERTIES,
    "checklist": INPUT_PROPERTIES | {"values"},
    "taglist": INPUT_PROPERTIES | {"values"},
    "text": BASE_PROPERTIES | {"text"},
    "group": BASE_PROPERTIES | {"label", "components", "showOutline", "verticalAlignment", "path"},
    "spacer": BASE_PROPERTIES | {"height"},
    "separator": BASE_PROPERTIES,
    "button": BASE_PROPERTIES | {"label", "action"},
}
VALIDATE_PROPERTIES: dict[str, frozenset[str]] = {
    "textfield": frozenset({"required", "minLength", "maxLength", "pattern", "validationType"}),
    "textarea": frozenset({"required", "minLength", "maxLength"}),
    "number": frozenset({"required", "min", "max"}),
    "datetime": frozenset({"required", "min", "max"}),
}
UNSUPPORTED_TYPES = {
    "dynamiclist": "a dynamic list repeats fields a variable number of times; Regie's case variables are flat",
    "iframe": "an iframe shows another website inside the task; that is not allowed in the consultant app",
    "html": "raw HTML cannot be shown safely; use a text component",
    "image": "images are not supported; describe it in a text component",
    "table": "tables need a data source; show the data in a text component",
    "filepicker": "file uploads are not supported in task forms; upload documents in the case file",
    "documentPreview": "document previews are not supported; the case file shows the documents",
    "expression": "computed expression fields are not supported; compute the value in the process",
    "multipage": "multi-page forms are not supported; split the work over user tasks",
    "page": "multi-page forms are not supported; split the work over user tasks",
}
PROPERTY_REASONS = {
    "valuesKey": "options from a process variable are not supported; list the options in the form (Static)",
    "valuesExpression": "options from an expression are not supported; list the options in the form (Static)",
    "path": "a group path nests data in an object; Regie's case variables are flat, leave Path empty",
    "components": "only a group can contain other components",
}
VALIDATION_TYPES = ("", "email", "phone", "custom")
KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def validate_form_definition(form: FormDefinition, *, filename: str = "") -> list[FormProblem]:
    """Return every reason to refuse this form at deploy (empty when Regie can run it)."""
    file = filename or form.filename
    problems: list[FormProblem] = []

    def add(component: Component | None, message: str) -> None:
        problems.append(FormProblem(file, component.name if component else form.id, message))

    for name in form.raw:
        if name not in FORM_PROPERTIES:
            add(None, f"form property '{name}' is not supported by Regie, so it would be ignored; remove it")
    seen_keys: dict[str, Component] = {}
    seen_ids: dict[str, Component] = {}
    for component in form.walk():
        _check_component(component, add)
        if component.id:
            if component.id in seen_ids:
                add(component, f"id '{component.id}' is used twice; every component needs its own id")
            seen_ids.setdefault(component.id, component)
        key = component.key
        if component.is_input and key:
            if key in seen_keys:
                add(
                    component,
                    f"key '{key}' is also used by {seen_keys[key].name}; two fields would write the same "
                    "case variable",
                )
            seen_keys.setdefault(key, component)
    return problems


def _check_component(component: Component, add) -> None:
    kind = component.type
    if kind in UNSUPPORTED_TYPES:
        add(component, f"component type '{kind}' is not supported: {UNSUPPORTED_TYPES[kind]}")
        return
    if kind not in TYPE_PROPERTIES:
        add(component, f"component type '{kind}' is unknown to Regie, so it cannot be shown or checked")
        return
    allowed = TYPE_PROPERTIES[kind]
    for name in component.raw:
        if name not in allowed:
            reason = PROPERTY_REASONS.get(name, "it is not supported by Regie, so it would be ignored")
            add(component, f"property '{name}' on a {kind} component: {reason}")
    _check_expressions(component, add)
    if kind == "button" and component.raw.get("action", "submit") != "submit":
        add(component, "a reset button is not supported; Regie shows its own buttons")
    if kind == "text" and "{{" in str(component.raw.get("text", "")):
        add(component, "templating with {{ }} is not supported in text; write a FEEL expression (=...) instead")
    if kind == "group" and component.raw.get("path"):
        add(component, f"property 'path': {PROPERTY_REASONS['path']}")
    appearance = component.raw.get("appearance")
    if appearance is not None:
        if not isinstance(appearance, Mapping) or set(appearance) - {"prefixAdorner", "suffixAdorner"}:
            add(component, "appearance may only contain prefixAdorner and suffixAdorner (text before/after the input)")
    if kind in INPUT_TYPES:
        _check_input(component, add)


def _check_expressions(component: Component, add) -> None:
    conditional = component.raw.get("conditional")
    if conditional is not None:
        if not isinstance(conditional, Mapping) or set(conditional) - {"hide"}:
            add(component, "conditional may only contain 'hide' (a FEEL condition)")
        elif component.hide is not None:
            if not is_feel(component.hide):
                add(component, "conditional.hide must be a FEEL expression that starts with '='")
            for message in feel_problems(component.hide) if is_feel(component.hide) else []:
                add(component, f"conditional.hide does not parse: {message}")
    for name in ("label", "description", "text", "dateLabel", "timeLabel", "defaultValue", "readonly", "disabled"):
        value = component.raw.get(name)
        if is_feel(value):
            for message in feel_problems(value):
                add(component, f"{name} expression does not parse: {message}")
    for name in ("min", "max", "minLength", "maxLength"):
        value = component.validate.get(name)
        if is_feel(value):
            for message in feel_problems(value):
                add(component, f"validate.{name} expression does not parse: {message}")


def _check_input(component: Component, add) -> None:
    kind = component.type
    key = component.raw.get("key")
    if not isinstance(key, str) or not key:
        add(component, f"the {kind} field has no key, so its value would not be saved")
    elif not KEY_PATTERN.match(key):
        add(
            component,
            f"key '{key}' must be one case-variable name (letters, digits, _); dotted paths are not supported",
        )
    if not component.label.strip():
        where = "dateLabel/timeLabel" if kind == "datetime" else "label"
        add(
            component,
            f"the {kind} field has no {where}; without it the consultant and a screen reader "
            "cannot tell what to fill in",
        )
    for name in ("readonly", "disabled"):
        value = component.raw.get(name)
        if value is not None and not isinstance(value, bool) and not is_feel(value):
            add(component, f"{name} must be true, false or a FEEL expression (=...)")
    _check_validate(component, add)
    if kind in CHOICE_TYPES:
        _check_values(component, add)
    if kind == "datetime":
        _check_datetime(component, add)
    if kind == "number":
        _check_number(component, add)
    if "defaultValue" in component.raw and not is_feel(component.raw["defaultValue"]):
        message = _default_problem(component, component.raw["defaultValue"])
        if message:
            add(component, f"defaultValue: {message}")


def _check_validate(component: Component, add) -> None:
    validate = component.raw.get("validate")
    if validate is None:
        return
    if not isinstance(validate, Mapping):
        add(component, "validate must be an object")
        return
    allowed = VALIDATE_PROPERTIES.get(component.type, frozenset({"required"}))
    for name, value in validate.items():
        if name not in allowed:
            add(
                component, f"validate.{name} is not supported on a {component.type} field, so it would not be checked"
            )
    if "required" in validate and not isinstance(validate["required"], bool):
        add(component, "validate.required must be true or false")
    if validate.get("validationType") not in VALIDATION_TYPES + (None,):
        kind = validate["validationType"]
        add(component, f"validate.validationType '{kind}' is not supported (use email or phone)")
    pattern = validate.get("pattern")
    if pattern not in (None, ""):
        try:
            re.compile(str(pattern))
        except re.error as exc:
            add(component, f"validate.pattern is not a valid regular expression ({exc})")
    lengths = [_static_int(component, validate, name, add) for name in ("minLength", "maxLength")]
    if None not in lengths and lengths[0] > lengths[1]:
        add(component, "validate.minLength is larger than validate.maxLength, so nothing can be entered")
    if component.type == "number":
        bounds = [_static_decimal(component, validate, name, add) for name in ("min", "max")]
        if None not in bounds and bounds[0] > bounds[1]:
            add(component, "validate.min is larger than validate.max, so no number is allowed")


def _static_int(component: Component, validate: Mapping, name: str, add) -> int | None:
    value = validate.get(name)
    if value in (None, "") or is_feel(value):
        return None
    try:
        number = int(str(value))
    except ValueError:
        add(component, f"validate.{name} must be a whole number")
        return None
    if number < 0:
        add(component, f"validate.{name} cannot be negative")
    return number


def _static_decimal(component: Component, validate: Mapping, name: str, add) -> Decimal | None:
    value = validate.get(name)
    if value in (None, "") or is_feel(value) or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        add(component, f"validate.{name} must be a number")
        return None


def _check_values(component: Component, add) -> None:
    values = component.raw.get("values")
    if not isinstance(values, list) or not values:
        add(component, f"the {component.type} field has no options; add static options under 'Options'")
        return
    seen = set()
    for item in values:
        if not isinstance(item, Mapping) or "value" not in item:
            add(component, "every option needs a label and a value")
            continue
        value = item["value"]
        if not isinstance(value, (str, int, float, bool)) or value == "":
            add(component, f"option {item.get('label')!r} has an empty or complex value")
        marker = str(value)
        if marker in seen:
            add(component, f"option value '{marker}' occurs twice, so the choices cannot be told apart")
        seen.add(marker)


def _check_datetime(component: Component, add) -> None:
    if component.raw.get("subtype", "date") not in ("date", "time", "datetime"):
        add(component, f"datetime subtype '{component.raw.get('subtype')}' is unknown (use date, time or datetime)")
    interval = component.raw.get("timeInterval")
    if interval is not None and (not isinstance(interval, int) or not 1 <= interval <= 60):
        add(component, "timeInterval must be a whole number of minutes from 1 to 60")
    for name in ("min", "max"):
        value = component.validate.get(name)
        if value not in (None, "") and not is_feel(value):
            if component.subtype != "date" or not _is_iso_date(value):
                add(component, f"validate.{name} on a date must be a date YYYY-MM-DD or a FEEL expression")


def _check_number(component: Component, add) -> None:
    digits = component.raw.get("decimalDigits")
    if digits is not None and (not isinstance(digits, int) or isinstance(digits, bool) or digits < 0):
        add(component, "decimalDigits must be a whole number of 0 or more")
    increment = component.raw.get("increment")
    if increment not in (None, ""):
        try:
            ok = Decimal(str(increment)) > 0
        except InvalidOperation:
            ok = False
        if not ok:
            add(component, "increment must be a number larger than 0")


def _default_problem(component: Component, value: Any) -> str | None:
    kind = component.type
    options = {str(v) for _, v in component.options}
    if kind == "checkbox":
        return None if isinstance(value, bool) else "a checkbox default must be true or false"
    if kind in MULTI_TYPES:
        if not isinstance(value, list) or not all(str(v) in options for v in value):
            return "must be a list of option values"
        return None
    if kind in CHOICE_TYPES:
        return None if value in (None, "") or str(value) in options else f"'{value}' is not one of the options"
    if kind == "number":
        if value in (None, "") or (isinstance(value, (int, float)) and not isinstance(value, bool)):
            return None
        try:
            Decimal(str(value))
        except InvalidOperation:
            return f"'{value}' is not a number"
        return None
    if kind == "datetime" and component.subtype == "date" and value not in (None, ""):
        return None if _is_iso_date(value) else "a date default must be written as YYYY-MM-DD"
    if kind in ("textfield", "textarea") and not isinstance(value, (str, type(None))):
        return "a text default must be text"
    return None


def _is_iso_date(value: Any) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
