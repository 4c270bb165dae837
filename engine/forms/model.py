"""The parsed shape of a Camunda Form: components in a tree, input fields in a flat list."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

INPUT_TYPES = frozenset(
    {"textfield", "textarea", "number", "datetime", "select", "radio", "checkbox", "checklist", "taglist"}
)
CHOICE_TYPES = frozenset({"select", "radio", "checklist", "taglist"})
MULTI_TYPES = frozenset({"checklist", "taglist"})
CONTAINER_TYPES = frozenset({"group"})


@dataclass(frozen=True)
class FormProblem:
    """One reason a form is refused: the file, the component (id or key) and what is wrong."""

    file: str
    component_id: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        component = f"component {self.component_id}: " if self.component_id else ""
        return f"{where}{component}{self.message}"


class FormError(Exception):
    """A form that cannot be read or is refused, with every problem found."""

    def __init__(self, problems: list[FormProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems) or "invalid form")


@dataclass(frozen=True, eq=False)
class Component:
    """One form-js component; `children` holds the components of a group."""

    id: str
    type: str
    raw: Mapping[str, Any]
    children: tuple[Component, ...] = ()

    @property
    def key(self) -> str | None:
        """Return the variable this field binds to (None for layout components)."""
        key = self.raw.get("key")
        return key if isinstance(key, str) and key else None

    @property
    def name(self) -> str:
        """Return the id, or the key when the component has no id, for messages."""
        return self.id or self.key or f"({self.type})"

    @property
    def is_input(self) -> bool:
        """Return whether the component takes a value from the consultant."""
        return self.type in INPUT_TYPES

    @property
    def label(self) -> str:
        """Return the label as written (a datetime keeps its label in dateLabel/timeLabel)."""
        if self.type == "datetime":
            if self.subtype == "time":
                text = self.raw.get("timeLabel") or self.raw.get("label")
            else:
                text = self.raw.get("dateLabel") or self.raw.get("label")
        else:
            text = self.raw.get("label")
        return text if isinstance(text, str) else ""

    @property
    def description(self) -> str:
        """Return the hint text below the field."""
        text = self.raw.get("description")
        return text if isinstance(text, str) else ""

    @property
    def subtype(self) -> str:
        """Return the datetime subtype: date (default), time or datetime."""
        return str(self.raw.get("subtype") or "date")

    @property
    def validate(self) -> Mapping[str, Any]:
        """Return the validate block (empty when absent)."""
        value = self.raw.get("validate")
        return value if isinstance(value, Mapping) else {}

    @property
    def required(self) -> bool:
        """Return whether the field must be filled in (when visible)."""
        return self.validate.get("required") is True

    @property
    def hide(self) -> str | None:
        """Return the FEEL condition that hides this component, if any."""
        conditional = self.raw.get("conditional")
        if isinstance(conditional, Mapping):
            text = conditional.get("hide")
            if isinstance(text, str) and text.strip():
                return text
        return None

    @property
    def options(self) -> list[tuple[str, Any]]:
        """Return the static choices as (label, value) pairs."""
        values = self.raw.get("values")
        if not isinstance(values, list):
            return []
        pairs = []
        for item in values:
            if isinstance(item, Mapping) and "value" in item:
                label = item.get("label")
                pairs.append((label if isinstance(label, str) and label else str(item["value"]), item["value"]))
        return pairs

    def walk(self) -> Iterator[Component]:
        """Yield this component and every descendant, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


Field = Component


@dataclass(frozen=True, eq=False)
class FormDefinition:
    """A parsed Camunda Form: its id, component tree, input fields and the JSON as written."""

    id: str
    components: tuple[Component, ...]
    raw: Mapping[str, Any]
    filename: str = ""
    fields: tuple[Component, ...] = field(default=())

    def walk(self) -> Iterator[Component]:
        """Yield every component in document order."""
        for component in self.components:
            yield from component.walk()

    def field(self, key: str) -> Component | None:
        """Return the input field bound to key, or None."""
        for candidate in self.fields:
            if candidate.key == key:
                return candidate
        return None


def parse_form(source: bytes | str, *, filename: str = "") -> FormDefinition:
    """Read form-js JSON into a FormDefinition; raise FormError when it is not a form."""
    try:
        text = source.decode("utf-8-sig") if isinstance(source, bytes) else source
        data = json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise FormError([FormProblem(filename, "", f"the file is not valid JSON ({exc})")]) from None
    if not isinstance(data, dict):
        raise FormError([FormProblem(filename, "", "a form must be a JSON object with 'components'")])
    problems: list[FormProblem] = []
    form_id = data.get("id")
    if not isinstance(form_id, str) or not form_id.strip():
        problems.append(
            FormProblem(filename, "", "the form has no id; a user task finds its form by this id (camunda:formRef)")
        )
        form_id = ""
    raw_components = data.get("components")
    if not isinstance(raw_components, list):
        problems.append(FormProblem(filename, form_id, "the form has no 'components' list"))
        raw_components = []
    components = tuple(_parse_components(raw_components, filename, problems, path="components"))
    if problems:
        raise FormError(problems)
    fields = tuple(c for top in components for c in top.walk() if c.is_input and c.key)
    return FormDefinition(id=form_id, components=components, raw=data, filename=filename, fields=fields)


def _parse_components(
    items: list[Any], filename: str, problems: list[FormProblem], *, path: str
) -> Iterator[Component]:
    for index, item in enumerate(items):
        where = f"{path}[{index}]"
        if not isinstance(item, dict):
            problems.append(FormProblem(filename, where, "a component must be a JSON object"))
            continue
        kind = item.get("type")
        component_id = item.get("id") if isinstance(item.get("id"), str) else ""
        name = component_id or (item.get("key") if isinstance(item.get("key"), str) else "") or where
        if not isinstance(kind, str) or not kind:
            problems.append(FormProblem(filename, name, "the component has no 'type'"))
            continue
        children: tuple[Component, ...] = ()
        nested = item.get("components")
        if isinstance(nested, list):
            children = tuple(_parse_components(nested, filename, problems, path=f"{name}.components"))
        yield Component(id=component_id, type=kind, raw=item, children=children)
