"""Deploy-time warnings for variables that nothing in the deployment can produce.

A diagram, decision or form that reads a variable no form, message, decision or task
sets fails only when a case gets there, often months later. At deploy time we collect
every name something can produce and warn about each expression that reads another
one. "Earlier" is not checked: a producer anywhere (in this deployment or already
deployed) counts, whatever the order of the steps, so a warning is always worth a look
and silence is not a proof.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from lark import Token, Tree
from lark.exceptions import LarkError
from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.bpmn.scripting import looks_like_iso_timer
from engine.db.models import (
    DecisionDefinition,
    FormVersion,
    Gemeente,
    ProcessDefinition,
    Resource,
)
from engine.dmn import DmnError, DmnModel, load_dmn
from engine.dmn.model import DecisionTable, Logic
from engine.errors import Problem
from engine.expressions import Compiled, ExpressionError, compile_expression
from engine.expressions.feel_builtins import BUILTINS as FEEL_BUILTINS
from engine.expressions.feel_grammar import PARSER as FEEL_PARSER
from engine.forms import FormDefinition, FormError, parse_form
from engine.legal.produces import (
    BESCHIKKING_VARIABLES, BEZWAAR_START_VARIABLES, BEZWAAR_VARIABLES, LEGAL_RULE_VARIABLES,
)
from engine.partners.start_data import SIGNAAL_START_VARIABLES
from engine.running.policy import POLICY_DEFAULTS
from engine.cohorts.handler import BRUGKLAS_VARIABLES

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
_B = "{" + BPMN_NS + "}"
_C = "{" + CAMUNDA_NS + "}"

# The start data of a case. Mirrors DEVELOPERS.md "Case variables": change both together.
CASE_VARIABLES = frozenset({
    "bsn", "voornamen", "achternaam", "naam", "geboortedatum",
    "straat", "huisnummer", "postcode", "woonplaats", "taal", "tolk_nodig", "doelgroep",
    "bijstand", "datum_start_bijstand", "datum_plicht", "datum_brp_inschrijving", "pip_deadline",
    "pip_dagtekening", "termijn_start", "termijn_eind", "leerroute",
    "lbt_uitslag", "lbt_score", "lbt_datum", "uren_cursus", "uren_participatie", "consulent",
})

# Camunda 7 messages cannot declare their payload. What DUO, COA and the gemeente's own
# systems send with each message (the fields the scenarios in tests/scenarios send).
# A catching event may add names with the camunda:property `payload` (comma-separated).
MESSAGE_PAYLOADS: dict[str, frozenset[str]] = {
    "coa_klantprofiel": frozenset({"coa_profiel_ontvangen_op", "coa_locatie", "coa_opleiding", "coa_werkervaring"}),
    "duo_examenuitslag": frozenset({"examen_behaald", "examen_datum"}),
    "duo_lbt_uitslag": frozenset({"lbt_uitslag", "lbt_score", "lbt_datum"}),
    "duo_plicht_beeindigd": frozenset({"reden"}),
    "duo_verhuisd": frozenset({"nieuwe_gemeente"}),
    "pip_bijstellen": frozenset({"wijziging_reden"}),
    "schakelverzoek": frozenset({"nieuwe_leerroute"}),
    "uren_gemeld": frozenset({"uren_cursus", "uren_participatie"}),
}
PAYLOAD_PROPERTY = "payload"

# What the `letter` handler returns besides laatste_brief_id and <template>_verzonden_op
# (engine/letters/handler.py, engine/letters/derive.py case_variables).
LETTER_VARIABLES: dict[str, frozenset[str]] = {
    "pip_beschikking": frozenset({"pip_dagtekening", "termijn_start", "termijn_eind"}),
}
# The `duo` handler returns duo_<bericht>_gemeld_op; `bericht` defaults to pip (engine/outbox/handlers.py).
DUO_DEFAULT_BERICHT = "pip"

DMN_INPUT_NAMES = frozenset({"?", "cellInput"})
FEEL_DEFINED = frozenset(FEEL_BUILTINS) | {"now", "today"}
_JUEL_EMPTY = re.compile(r"\bempty\s*\(?\s*([A-Za-z_]\w*)")
_FEEL_DEFINED_CALL = re.compile(r"\bis defined\s*\(\s*([A-Za-z_]\w*)")
FORM_FEEL_PROPERTIES = ("defaultValue", "label", "description", "text", "readonly", "disabled")


@dataclass
class _Use:
    file: str
    element_id: str | None
    what: str
    text: str
    names: frozenset[str]


@dataclass
class _Scan:
    produced: set[str] = field(default_factory=set)
    uses: list[_Use] = field(default_factory=list)


def find_unknown_variables(
    *,
    bpmn: Mapping[str, etree._Element],
    dmn: Mapping[str, DmnModel],
    forms: Mapping[str, FormDefinition],
    session: Session | None = None,
) -> list[Problem]:
    """Return a warning for every variable read in these files that nothing can produce.

    Producers are the case variables, every form field, input/output parameters, business
    rule result variables, DMN decisions and their outputs, message payloads, what the
    letter and duo handlers return, and the gemeenten's policy variables; with a session,
    also the latest deployed processes, decisions and forms this deployment does not
    replace. Any producer anywhere counts: the order of the steps is not checked. A name
    tested with JUEL `empty` (or FEEL `is defined`) is optional and never reported.
    """
    scan = _Scan(produced=set(CASE_VARIABLES) | set(POLICY_DEFAULTS) | BEZWAAR_START_VARIABLES
                 | SIGNAAL_START_VARIABLES)  # every case starts with the policy
    for fname, root in bpmn.items():
        _scan_bpmn(scan, fname, root)
    for fname, model in dmn.items():
        _scan_dmn(scan, fname, model)
    for fname, form in forms.items():
        _scan_form(scan, fname, form)
    if session is not None:
        _add_deployed(scan.produced, session, bpmn, dmn, forms)
    optional = {name for use in scan.uses for name in _optional_names(use.text)}
    known = scan.produced | optional
    problems: list[Problem] = []
    seen: set[tuple] = set()
    for use in scan.uses:
        for name in sorted(use.names - known):
            key = (use.file, use.element_id, name, use.text)
            if key not in seen:
                seen.add(key)
                message = _message(name, use, scan.produced)
                problems.append(Problem(use.file, use.element_id, message, severity="warning"))
    return problems


def _message(name: str, use: _Use, produced: set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(produced), n=1, cutoff=0.75)
    hint = f" (bedoelt u {close[0]!r}?)" if close else ""
    return (f"Variabele {name!r} wordt hier gebruikt, maar geen formulier, bericht, beslissing of eerdere stap "
            f"vult hem{hint}; {use.what}: {use.text}")


def _optional_names(text: str) -> set[str]:
    return set(_JUEL_EMPTY.findall(text)) | set(_FEEL_DEFINED_CALL.findall(text))


def _names(compiled: Compiled, ignore: Iterable[str] = ()) -> frozenset[str]:
    names = set(compiled.variables) - set(ignore)
    if compiled.language == "feel":
        names -= FEEL_DEFINED
        if "{" in compiled.text and names:
            names -= _feel_context_keys(compiled.text)
    return frozenset(names)


def _feel_context_keys(text: str) -> set[str]:
    """Return the keys of FEEL contexts in text: later entries may read earlier ones."""
    inner = text.strip()
    inner = inner[1:] if inner.startswith("=") else inner
    try:
        tree = FEEL_PARSER.parse(inner, start="start")
    except LarkError:
        return set()
    keys = set()
    for context in tree.find_data("context"):
        for entry in context.children:
            key = entry.children[0] if isinstance(entry, Tree) and entry.children else None
            if isinstance(key, Tree):
                keys.add(" ".join(str(t) for t in key.children))
            elif isinstance(key, Token):
                keys.add(str(key)[1:-1])
    return keys


def _use(scan: _Scan, file: str, element_id: str | None, what: str, text: str | None, *, kind: str = "expression",
         language: str | None = None, ignore: Iterable[str] = ()) -> None:
    if text is None or not text.strip():
        return
    try:
        compiled = compile_expression(text.strip(), kind=kind, language=language)
    except ExpressionError:
        return  # validation reports expressions that do not parse
    names = _names(compiled, ignore)
    if names:
        scan.uses.append(_Use(file, element_id, what, text.strip(), names))


# BPMN -------------------------------------------------------------------------------

def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _properties(el: etree._Element) -> dict[str, str]:
    ext = el.find(_B + "extensionElements")
    props = ext.find(_C + "properties") if ext is not None else None
    if props is None:
        return {}
    return {p.get("name") or "": p.get("value") or "" for p in props.findall(_C + "property")}


def _parameters(el: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    ext = el.find(_B + "extensionElements")
    io = ext.find(_C + "inputOutput") if ext is not None else None
    if io is None:
        return
    for param in io:
        if _local(param) in ("inputParameter", "outputParameter"):
            yield _local(param), param


def _parameter_texts(param: etree._Element) -> list[str]:
    values = [v for v in param if isinstance(v.tag, str)]
    if not values:
        return [param.text or ""]
    return [v.text or "" for v in values[0].iter() if isinstance(v.tag, str)]


def _message_names(root: etree._Element) -> dict[str, str]:
    return {m.get("id"): m.get("name") or "" for m in root.iter(_B + "message")}


def _scan_bpmn(scan: _Scan, fname: str, root: etree._Element, *, uses: bool = True) -> None:
    messages = _message_names(root)
    for el in root.iter():
        if not isinstance(el.tag, str) or etree.QName(el).namespace != BPMN_NS:
            continue
        _bpmn_producers(scan.produced, el, messages)
        if uses:
            _bpmn_uses(scan, fname, el)


def _bpmn_producers(produced: set[str], el: etree._Element, messages: dict[str, str]) -> None:
    name = _local(el)
    for _, param in _parameters(el):
        if param.get("name"):
            produced.add(param.get("name"))
    props = _properties(el)
    if name == "businessRuleTask" and el.get(_C + "resultVariable"):
        produced.add(el.get(_C + "resultVariable"))
    if name == "serviceTask" and el.get(_C + "topic") == "letter" and props.get("template"):
        template = props["template"]
        produced.update({"laatste_brief_id", f"{template}_verzonden_op"} | LETTER_VARIABLES.get(template, frozenset()))
    if name == "serviceTask" and el.get(_C + "topic") == "brugklas":
        produced.update(BRUGKLAS_VARIABLES)
    if name == "serviceTask" and el.get(_C + "topic") == "letter" and props.get("template"):
        produced.update(v.format(template=props["template"]) for v in BESCHIKKING_VARIABLES)
    if name == "serviceTask" and el.get(_C + "topic") == "duo":
        produced.add(f"duo_{props.get('bericht') or DUO_DEFAULT_BERICHT}_gemeld_op")
    if name == "serviceTask" and el.get(_C + "topic") == "legal":
        produced.update(LEGAL_RULE_VARIABLES.get(props.get("regel") or "", frozenset()))
    if name == "serviceTask" and el.get(_C + "topic") == "bezwaar":
        produced.update(BEZWAAR_VARIABLES)
    refs = [m.get("messageRef") for m in el.findall(_B + "messageEventDefinition")]
    if name == "receiveTask":
        refs.append(el.get("messageRef"))
    catches = name in ("startEvent", "intermediateCatchEvent", "boundaryEvent", "receiveTask")
    if not catches:
        return
    for ref in refs:
        if ref:
            produced.update(MESSAGE_PAYLOADS.get(messages.get(ref, ""), frozenset()))
    for definition in el.findall(_B + "messageEventDefinition"):
        if definition.get(_C + "resultVariable"):
            produced.add(definition.get(_C + "resultVariable"))
    if refs and props.get(PAYLOAD_PROPERTY):
        produced.update(n.strip() for n in props[PAYLOAD_PROPERTY].split(",") if n.strip())


def _bpmn_uses(scan: _Scan, fname: str, el: etree._Element) -> None:
    name = _local(el)
    eid = el.get("id")
    if name == "sequenceFlow":
        cond = el.find(_B + "conditionExpression")
        if cond is not None:
            _use(scan, fname, eid, "voorwaarde", cond.text, kind="condition",
                 language=(cond.get("language") or "").strip() or None)
        return
    for attr in ("assignee", "candidateGroups", "candidateUsers"):
        _use(scan, fname, eid, f"camunda:{attr}", el.get(_C + attr), kind="text")
    for attr in ("dueDate", "followUpDate", "priority"):
        value = el.get(_C + attr)
        if value and not looks_like_iso_timer(value) and not value.strip().isdigit():
            _use(scan, fname, eid, f"camunda:{attr}", value)
    deadline = _properties(el).get("legalDeadline")
    if deadline:
        _use(scan, fname, eid, "eigenschap legalDeadline", "${" + deadline.strip() + "}")
    ignore = {"decisionResult"} if name == "businessRuleTask" else set()
    for kind, param in _parameters(el):
        what = f"{'input' if kind == 'inputParameter' else 'output'} parameter {param.get('name')!r}"
        for text in _parameter_texts(param):
            if text and ("${" in text or "#{" in text or text.strip().startswith("=")):
                _use(scan, fname, eid, what, text, ignore=ignore if kind == "outputParameter" else ())
    for timer in el.findall(_B + "timerEventDefinition"):
        for timer_kind in ("timeDate", "timeDuration", "timeCycle"):
            node = timer.find(_B + timer_kind)
            if node is not None and node.text and not looks_like_iso_timer(node.text.strip()):
                _use(scan, fname, eid, f"timer {timer_kind}", node.text, kind="timer")
    for definition in el.findall(_B + "messageEventDefinition"):
        _use(scan, fname, eid, "inhoud van het bericht", definition.get(_C + "expression"))
    for definition in el.findall(_B + "conditionalEventDefinition"):
        cond = definition.find(_B + "condition")
        if cond is not None:
            _use(scan, fname, eid, "voorwaarde", cond.text, kind="condition")


# DMN --------------------------------------------------------------------------------

def _dmn_producers(produced: set[str], model: DmnModel) -> None:
    for decision in model.decisions.values():
        produced.update({decision.id, decision.variable})
        if isinstance(decision.logic, DecisionTable):
            produced.update(out.name for out in decision.logic.outputs if out.name)


def _scan_dmn(scan: _Scan, fname: str, model: DmnModel) -> None:
    _dmn_producers(scan.produced, model)
    functions = {k.name for k in model.knowledge.values()}
    for decision in model.decisions.values():
        _scan_logic(scan, fname, decision.id, decision.logic, functions)
    for knowledge in model.knowledge.values():
        _scan_logic(scan, fname, knowledge.id, knowledge.logic, functions | set(knowledge.parameters))


def _scan_logic(scan: _Scan, fname: str, owner: str, logic: Logic, defined: set[str]) -> None:
    if not isinstance(logic, DecisionTable):
        _compiled_use(scan, fname, owner, "literal expression", logic.expression, defined)
        return
    for clause in logic.inputs:
        _compiled_use(scan, fname, clause.id, "input expression", clause.expression, defined)
    entry_defined = defined | DMN_INPUT_NAMES | {c.input_variable for c in logic.inputs}
    for rule in logic.rules:
        for entry in rule.inputs:
            _compiled_use(scan, fname, rule.id, "input entry", entry, entry_defined)
        for entry in rule.outputs:
            if entry is not None:
                _compiled_use(scan, fname, rule.id, "output entry", entry, entry_defined)


def _compiled_use(scan: _Scan, fname: str, element_id: str, what: str, compiled: Compiled, defined: set[str]) -> None:
    names = _names(compiled, defined | DMN_INPUT_NAMES)
    if names:
        scan.uses.append(_Use(fname, element_id, what, compiled.text.strip(), names))


# Forms ------------------------------------------------------------------------------

def _form_producers(produced: set[str], form: FormDefinition) -> None:
    produced.update(f.key.split(".")[0] for f in form.fields if f.key)


def _scan_form(scan: _Scan, fname: str, form: FormDefinition) -> None:
    _form_producers(scan.produced, form)
    for component in form.walk():
        where = component.id or component.key or None
        if component.hide is not None:
            _use(scan, fname, where, "conditional.hide", component.hide, language="feel")
        for prop in FORM_FEEL_PROPERTIES:
            value = component.raw.get(prop)
            if isinstance(value, str) and value.lstrip().startswith("="):
                _use(scan, fname, where, prop, value, language="feel")


# Already deployed -------------------------------------------------------------------

def _latest(session: Session, model, key) -> list[Any]:
    newest = select(key.label("k"), func.max(model.version).label("v")).group_by(key).subquery()
    query = select(model).join(newest, (key == newest.c.k) & (model.version == newest.c.v))
    return list(session.execute(query).scalars())


def _add_deployed(produced: set[str], session: Session, bpmn, dmn, forms) -> None:
    process_ids = {p.get("id") for root in bpmn.values() for p in root.iter(_B + "process")}
    decision_ids = {d for model in dmn.values() for d in model.decisions}
    form_ids = {form.id for form in forms.values()}
    diagrams: set[int] = set()
    for definition in _latest(session, ProcessDefinition, ProcessDefinition.process_id):
        if definition.process_id not in process_ids:
            diagrams.update((definition.extras or {}).get("diagrams", {}).values())
    for rid in sorted(diagrams):
        resource = session.get(Resource, rid)
        if resource is None:
            continue
        root = etree.fromstring(resource.content, etree.XMLParser(resolve_entities=False, no_network=True))
        if not {p.get("id") for p in root.iter(_B + "process")} & process_ids:
            _scan_bpmn(_Scan(produced=produced), resource.name, root, uses=False)
    decision_resources = {d.resource_id for d in _latest(session, DecisionDefinition, DecisionDefinition.decision_id)
                          if d.decision_id not in decision_ids}
    for rid in sorted(decision_resources):
        resource = session.get(Resource, rid)
        try:
            _dmn_producers(produced, load_dmn(resource.content, filename=resource.name))
        except DmnError:
            continue
    for row in _latest(session, FormVersion, FormVersion.form_id):
        if row.form_id in form_ids:
            continue
        resource = session.get(Resource, row.resource_id)
        try:
            _form_producers(produced, parse_form(resource.content, filename=resource.name))
        except FormError:
            continue
    for settings in session.execute(select(Gemeente.settings)).scalars():
        produced.update(((settings or {}).get("variabelen") or {}).keys())
