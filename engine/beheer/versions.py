"""Deployed processes, their versions, the running cases per version, and a readable diff.

The diff compares the BPMN of two versions element by element (layout left out):
which steps were added or removed, and which attributes, conditions or Camunda
settings changed, so a beheerder sees what a migration would move cases into.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db.models import Case, Deployment, ProcessDefinition, Resource
from engine.errors import Invalid, NotFound

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
_PREFIXES = {BPMN_NS: "", CAMUNDA_NS: "camunda:"}
# What an element id points at but what says nothing about how the process runs.
_IGNORED_TAGS = frozenset({"incoming", "outgoing", "documentation"})


@dataclass(frozen=True)
class VersionRow:
    """One version of a process with its running cases in the gemeente."""

    definition: ProcessDefinition
    deployed_at: datetime | None
    deployed_by: str | None
    running: int


@dataclass
class ProcessVersions:
    """A process and all its versions, newest first."""

    process_id: str
    name: str
    versions: list[VersionRow]

    @property
    def latest(self) -> ProcessDefinition:
        """Return the newest version."""
        return self.versions[0].definition

    @property
    def running_on_older(self) -> int:
        """Return how many running cases are not on the newest version."""
        return sum(v.running for v in self.versions[1:])


@dataclass(frozen=True)
class ElementChange:
    """One element that differs between two versions."""

    element_id: str
    kind: str
    name: str
    details: tuple[str, ...] = ()


@dataclass
class VersionDiff:
    """What changed from one version of a process to another."""

    old: ProcessDefinition
    new: ProcessDefinition
    added: list[ElementChange] = field(default_factory=list)
    removed: list[ElementChange] = field(default_factory=list)
    changed: list[ElementChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Tell whether nothing that runs differs."""
        return not (self.added or self.removed or self.changed)


def process_versions(*, session: Session, gemeente: str) -> list[ProcessVersions]:
    """Return every deployed process with its versions and the gemeente's running cases per version."""
    running = dict(session.execute(
        select(Case.definition_id, func.count())
        .where(Case.gemeente == gemeente, Case.status == "active")
        .group_by(Case.definition_id)
    ).all())
    rows = session.execute(
        select(ProcessDefinition, Deployment.deployed_at, Deployment.deployed_by)
        .outerjoin(Deployment, Deployment.id == ProcessDefinition.deployment_id)
        .order_by(ProcessDefinition.process_id, ProcessDefinition.version.desc())
    ).all()
    found: dict[str, ProcessVersions] = {}
    for definition, deployed_at, deployed_by in rows:
        entry = found.setdefault(definition.process_id,
                                 ProcessVersions(definition.process_id, definition.name, []))
        entry.versions.append(VersionRow(definition, deployed_at, deployed_by, running.get(definition.id, 0)))
    return list(found.values())


def get_definition(*, session: Session, definition_id: str) -> ProcessDefinition:
    """Return a process version, or NotFound."""
    definition = session.get(ProcessDefinition, definition_id)
    if definition is None:
        raise NotFound("Deze procesversie bestaat niet.")
    return definition


def diff_versions(*, session: Session, old_id: str, new_id: str) -> VersionDiff:
    """Compare two versions of the same process element by element."""
    old = get_definition(session=session, definition_id=old_id)
    new = get_definition(session=session, definition_id=new_id)
    if old.process_id != new.process_id:
        raise Invalid("Kies twee versies van hetzelfde proces.",
                      field_errors={"new": "Deze versie hoort bij een ander proces."})
    before, after = _elements(session, old), _elements(session, new)
    diff = VersionDiff(old=old, new=new)
    for eid in sorted(after.keys() - before.keys()):
        diff.added.append(_change(eid, after[eid]))
    for eid in sorted(before.keys() - after.keys()):
        diff.removed.append(_change(eid, before[eid]))
    for eid in sorted(before.keys() & after.keys()):
        details = _compare(before[eid], after[eid])
        if details:
            diff.changed.append(_change(eid, after[eid], details))
    return diff


def _change(eid: str, el: etree._Element, details: tuple[str, ...] = ()) -> ElementChange:
    return ElementChange(element_id=eid, kind=etree.QName(el).localname, name=el.get("name") or "", details=details)


def _elements(session: Session, definition: ProcessDefinition) -> dict[str, etree._Element]:
    """Return every element with an id in the process's own diagram (and its called processes)."""
    out: dict[str, etree._Element] = {}
    for rid in dict.fromkeys((definition.extras or {}).get("diagrams", {}).values()):
        resource = session.get(Resource, rid)
        if resource is None:
            continue
        root = etree.fromstring(resource.content, etree.XMLParser(resolve_entities=False, no_network=True))
        for process in root.iter(f"{{{BPMN_NS}}}process"):
            for el in process.iter():
                if isinstance(el.tag, str) and el.get("id") and etree.QName(el).namespace == BPMN_NS:
                    out.setdefault(el.get("id"), el)
    return out


def _label(qname: str) -> str:
    q = etree.QName(qname)
    return _PREFIXES.get(q.namespace, "") + q.localname if q.namespace else q.localname


def _attributes(el: etree._Element) -> dict[str, str]:
    return {_label(k): v for k, v in el.attrib.items()}


def _settings(el: etree._Element) -> dict[str, str]:
    """Return the element's child settings (conditions, timers, Camunda extensions) as path -> text."""
    found: dict[str, str] = {}

    def walk(node: etree._Element, path: str) -> None:
        for child in node:
            if not isinstance(child.tag, str):
                continue
            local = etree.QName(child).localname
            if local in _IGNORED_TAGS:
                continue
            if child.get("id") and not local.endswith("EventDefinition"):
                continue  # a nested step (in a subprocess): compared as an element of its own
            key = child.get("name") or child.get("target") or child.get("source") or ""
            here = f"{path}{_label(child.tag)}" + (f"[{key}]" if key else "")
            text = (child.text or "").strip()
            attrs = {k: v for k, v in _attributes(child).items() if k not in ("id", "name")}
            if text or attrs:
                found[here] = " ".join(filter(None, [text, ", ".join(f"{k}={v}" for k, v in sorted(attrs.items()))]))
            walk(child, here + "/")

    walk(el, "")
    return found


def _compare(old: etree._Element, new: etree._Element) -> tuple[str, ...]:
    details: list[str] = []
    if etree.QName(old).localname != etree.QName(new).localname:
        details.append(f"soort: {etree.QName(old).localname} → {etree.QName(new).localname}")
    for label, (a, b) in _differences(_attributes(old), _attributes(new)):
        details.append(_describe(label, a, b))
    for label, (a, b) in _differences(_settings(old), _settings(new)):
        details.append(_describe(label, a, b))
    return tuple(details)


def _differences(a: dict[str, str], b: dict[str, str]):
    for key in sorted(a.keys() | b.keys()):
        if a.get(key) != b.get(key):
            yield key, (a.get(key), b.get(key))


def _describe(label: str, old: str | None, new: str | None) -> str:
    if old is None:
        return f"{label} toegevoegd: {new}"
    if new is None:
        return f"{label} weggehaald (was {old})"
    return f"{label}: {old} → {new}"
