"""Deploy BPMN, DMN and form files: validate, version by content, store.

A process definition's version is identified by the hash of its serialized spec
(what actually runs, layout excluded): re-deploying unchanged files is a no-op, a
changed process gets a new version, running cases stay on theirs. Decisions and
forms are versioned by file content and bound `latest` at run time, as in Camunda 7.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit
from engine.bpmn.parser import RegieParser
from engine.bpmn.scripting import RegieScriptEngine
from engine.bpmn.serialization import dump_state, serialize_spec
from engine.db.models import (
    DecisionDefinition,
    Deployment,
    FormVersion,
    ProcessDefinition,
    Resource,
)
from engine.deploy.validation import DeploymentIndex, errors_of, validate_bpmn
from engine.deploy.variable_check import find_unknown_variables
from engine.dmn import DmnError, load_dmn
from engine.errors import DeployRefused, Problem
from engine.forms import FormError, parse_form, validate_form_definition

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@dataclass
class DeployResult:
    """What a deploy did."""

    deployment: Deployment
    duplicate: bool
    definitions: list[ProcessDefinition] = field(default_factory=list)
    new_definitions: list[ProcessDefinition] = field(default_factory=list)
    decisions: list[DecisionDefinition] = field(default_factory=list)
    forms: list[FormVersion] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def kind_of(filename: str) -> str | None:
    """Return 'bpmn', 'dmn' or 'form' for a deployable file name, else None."""
    lower = filename.lower()
    if lower.endswith((".bpmn", ".bpmn20.xml")):
        return "bpmn"
    if lower.endswith((".dmn", ".dmn11.xml")):
        return "dmn"
    if lower.endswith(".form"):
        return "form"
    return None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _parse_xml(name: str, content: bytes, problems: list[Problem]) -> etree._Element | None:
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        return etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        problems.append(Problem(name, None, f"Geen geldige XML: {exc.msg} (regel {exc.lineno})"))
        return None


def _executable_ids(root: etree._Element) -> list[str]:
    return [p.get("id") for p in root.findall(f"{{{BPMN_NS}}}process") if p.get("isExecutable", "true") == "true"]


def latest_row(session: Session, model, key_column, key: str, tenant: str | None = None, *, exact: bool = False):
    """Return the newest version of a process, decision or form for a tenant (gemeente).

    Camunda 7's tenant model: a gemeente uses its own newest version; when it has none, the
    newest version of the shared base deployment (tenant NULL). `exact` looks only at the
    tenant's own versions (deploy's "unchanged, no new version" check). Version numbers count
    up across tenants, so a definition's version names one deployment everywhere.
    """
    stmt = (select(model).join(Deployment, Deployment.id == model.deployment_id)
            .where(key_column == key).order_by(model.version.desc()).limit(1))
    own = session.execute(stmt.where(Deployment.tenant.is_(None) if tenant is None else Deployment.tenant == tenant)
                          ).scalar_one_or_none()
    if own is not None or exact or tenant is None:
        return own
    return session.execute(stmt.where(Deployment.tenant.is_(None))).scalar_one_or_none()


def latest_definition(session: Session, process_id: str, tenant: str | None = None, *,
                      exact: bool = False) -> ProcessDefinition | None:
    """Return the newest version of a process for a tenant (or the shared base), or None."""
    return latest_row(session, ProcessDefinition, ProcessDefinition.process_id, process_id, tenant, exact=exact)


def _latest_bpmn_resources(session: Session) -> dict[str, Resource]:
    """Return, per process id, the BPMN resource of its latest version."""
    latest = (
        select(ProcessDefinition.process_id, func.max(ProcessDefinition.version).label("v"))
        .group_by(ProcessDefinition.process_id)
        .subquery()
    )
    rows = session.execute(
        select(ProcessDefinition).join(
            latest,
            (ProcessDefinition.process_id == latest.c.process_id) & (ProcessDefinition.version == latest.c.v),
        )
    ).scalars()
    out: dict[str, Resource] = {}
    for definition in rows:
        rid = definition.extras.get("diagrams", {}).get(definition.process_id)
        if rid is not None:
            out[definition.process_id] = session.get(Resource, rid)
    return out


def deploy(
    *,
    session: Session,
    files: Iterable[tuple[str, bytes]],
    actor: str,
    topics: set[str],
    now: datetime,
    source: str = "cli",
    name: str = "",
    tenant: str | None = None,
) -> DeployResult:
    """Validate and store a set of files; raise DeployRefused naming every problem."""
    files = sorted(((n.rsplit("/", 1)[-1], c) for n, c in files), key=lambda f: f[0])
    problems: list[Problem] = []
    bpmn: dict[str, etree._Element] = {}
    dmn: dict[str, Any] = {}
    forms: dict[str, Any] = {}
    if not files:
        raise DeployRefused([Problem("(none)", None, "Er zijn geen bestanden om te deployen")])
    for fname, content in files:
        kind = kind_of(fname)
        if kind is None:
            problems.append(Problem(fname, None, "Dit soort bestand kan niet; deploy .bpmn-, .dmn- of .form-bestanden"))
        elif kind == "bpmn":
            root = _parse_xml(fname, content, problems)
            if root is not None:
                bpmn[fname] = root
        elif kind == "dmn":
            try:
                dmn[fname] = load_dmn(content, filename=fname)
            except DmnError as exc:
                problems.append(Problem(fname, getattr(exc, "element_id", None), str(exc)))
        else:
            try:
                form = parse_form(content, filename=fname)
            except FormError as exc:
                problems.extend(Problem(fname, p.component_id, p.message) for p in exc.problems)
                continue
            form_problems = validate_form_definition(form, filename=fname)
            problems.extend(Problem(fname, p.component_id, p.message) for p in form_problems)
            forms[fname] = form

    index = _build_index(session, topics, bpmn, dmn, forms)
    for fname, root in bpmn.items():
        problems.extend(validate_bpmn(fname, root, index))
    specs = {}
    if not errors_of(problems):
        specs = _build_specs(session, bpmn, problems)
    if errors_of(problems):
        raise DeployRefused(problems)
    problems.extend(find_unknown_variables(bpmn=bpmn, dmn=dmn, forms=forms, session=session))

    content_hash = _sha(b"".join(_sha(n.encode()).encode() + _sha(c).encode() for n, c in files))
    existing = session.execute(
        select(Deployment).where(Deployment.content_hash == content_hash).order_by(Deployment.deployed_at.desc())
    ).scalars().first()
    if existing is not None:
        return _duplicate_result(session, existing, bpmn, problems)

    deployment = Deployment(
        id=str(uuid.uuid4()), name=name or "deployment", source=source, content_hash=content_hash,
        deployed_at=now, deployed_by=actor, tenant=tenant,
    )
    session.add(deployment)
    resources: dict[str, Resource] = {}
    for fname, content in files:
        res = Resource(deployment_id=deployment.id, name=fname, kind=kind_of(fname) or "other",
                       content=content, sha256=_sha(content))
        session.add(res)
        resources[fname] = res
    session.flush()
    result = DeployResult(deployment=deployment, duplicate=False, warnings=[p for p in problems if p.severity != "error"])
    _store_decisions(session, deployment, dmn, resources, result)
    _store_forms(session, deployment, forms, resources, result)
    _store_definitions(session, deployment, bpmn, specs, resources, result, now)
    audit.record(
        session=session, actor=actor, action="deploy", at=now,
        detail={
            "deployment": deployment.id, "files": [f for f, _ in files], "source": source,
            "new_versions": [d.id for d in result.new_definitions],
        },
    )
    session.flush()
    return result


def _build_index(session, topics, bpmn, dmn, forms) -> DeploymentIndex:
    index = DeploymentIndex(topics=set(topics))
    index.process_ids = set(session.execute(select(ProcessDefinition.process_id).distinct()).scalars())
    index.decision_ids = set(session.execute(select(DecisionDefinition.decision_id).distinct()).scalars())
    index.form_ids = set(session.execute(select(FormVersion.form_id).distinct()).scalars())
    for root in bpmn.values():
        index.process_ids.update(p.get("id") for p in root.findall(f"{{{BPMN_NS}}}process"))
    for model in dmn.values():
        index.decision_ids.update(model.decisions)
    for form in forms.values():
        index.form_ids.add(form.id)
    return index


def _build_specs(session: Session, bpmn: dict[str, etree._Element], problems: list[Problem]) -> dict:
    parser = RegieParser()
    own_ids: set[str] = set()
    for fname, root in bpmn.items():
        own_ids.update(p.get("id") for p in root.findall(f"{{{BPMN_NS}}}process"))
        try:
            parser.add_bpmn_xml(etree.ElementTree(root), filename=fname)
        except ValidationException as exc:
            problems.append(Problem(fname, getattr(exc, "id", None), f"SpiffWorkflow kan dit niet lezen: {exc}"))
    deployed: dict[str, int] = {}
    for pid, res in _latest_bpmn_resources(session).items():
        if pid in own_ids or res is None:
            continue
        root = etree.fromstring(res.content)
        ids = {p.get("id") for p in root.findall(f"{{{BPMN_NS}}}process")}
        if ids & own_ids:
            continue
        own_ids.update(ids)
        deployed.update({i: res.id for i in ids})
        parser.add_bpmn_xml(etree.ElementTree(root), filename=res.name)
    specs = {}
    for fname, root in bpmn.items():
        for pid in _executable_ids(root):
            try:
                spec = parser.get_spec(pid)
                subs = parser.get_subprocess_specs(pid)
                data = serialize_spec(spec, subs)
                workflow = BpmnWorkflow(spec, subs, script_engine=RegieScriptEngine())
                json.dumps(dump_state(workflow))
                json.dumps(data)
            except ValidationException as exc:
                problems.append(Problem(getattr(exc, "file_name", None) or fname, getattr(exc, "id", None),
                                        f"SpiffWorkflow kan dit niet lezen: {exc}"))
                continue
            except Exception as exc:  # a spec that cannot be stored must not deploy
                problems.append(Problem(fname, pid, f"Het proces kan niet worden bewaard: {exc}"))
                continue
            files_of: dict[str, str | int] = {pid: fname}
            for sub_id in subs:
                if sub_id in deployed:
                    files_of[sub_id] = deployed[sub_id]
                for other, other_root in bpmn.items():
                    if any(p.get("id") == sub_id for p in other_root.findall(f"{{{BPMN_NS}}}process")):
                        files_of[sub_id] = other
            specs[pid] = (data, files_of, spec.name or pid)
    return specs


def _duplicate_result(session, deployment, bpmn, problems) -> DeployResult:
    result = DeployResult(deployment=deployment, duplicate=True, warnings=[p for p in problems if p.severity != "error"])
    for root in bpmn.values():
        for pid in _executable_ids(root):
            definition = latest_definition(session, pid)
            if definition is not None:
                result.definitions.append(definition)
    return result


def _next_version(session: Session, column, key_column, key: str) -> int:
    current = session.execute(select(func.max(column)).where(key_column == key)).scalar()
    return (current or 0) + 1


def _store_decisions(session, deployment, dmn, resources, result) -> None:
    for fname, model in dmn.items():
        res = resources[fname]
        for decision_id, decision in model.decisions.items():
            latest = latest_row(session, DecisionDefinition, DecisionDefinition.decision_id, decision_id,
                                deployment.tenant, exact=True)
            if latest is not None and session.get(Resource, latest.resource_id).sha256 == res.sha256:
                result.decisions.append(latest)
                continue
            row = DecisionDefinition(
                decision_id=decision_id, name=getattr(decision, "name", None) or decision_id,
                version=_next_version(session, DecisionDefinition.version, DecisionDefinition.decision_id, decision_id),
                resource_id=res.id, deployment_id=deployment.id,
            )
            session.add(row)
            result.decisions.append(row)


def _store_forms(session, deployment, forms, resources, result) -> None:
    for fname, form in forms.items():
        res = resources[fname]
        latest = latest_row(session, FormVersion, FormVersion.form_id, form.id, deployment.tenant, exact=True)
        if latest is not None and session.get(Resource, latest.resource_id).sha256 == res.sha256:
            result.forms.append(latest)
            continue
        row = FormVersion(
            form_id=form.id, version=_next_version(session, FormVersion.version, FormVersion.form_id, form.id),
            resource_id=res.id, deployment_id=deployment.id,
        )
        session.add(row)
        result.forms.append(row)


def _store_definitions(session, deployment, bpmn, specs, resources, result, now) -> None:
    for pid, (data, files_of, pname) in specs.items():
        spec_hash = _sha(json.dumps(data, sort_keys=True, default=str).encode())
        latest = latest_definition(session, pid, deployment.tenant, exact=True)
        if latest is not None and latest.content_hash == spec_hash:
            result.definitions.append(latest)
            continue
        version = _next_version(session, ProcessDefinition.version, ProcessDefinition.process_id, pid)
        diagrams = {p: resources[f].id if isinstance(f, str) else f for p, f in files_of.items()}
        definition = ProcessDefinition(
            id=f"{pid}:{version}:{deployment.id[:8]}", process_id=pid, name=pname, version=version,
            content_hash=spec_hash, deployment_id=deployment.id, spec=data,
            extras={"diagrams": diagrams}, created_at=now,
        )
        session.add(definition)
        result.definitions.append(definition)
        result.new_definitions.append(definition)
