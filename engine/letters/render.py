"""Render one letter: validate its data, compute its dates, fill the DOCX, refuse leftovers.

The Dutch letter is the legal one; a summary page in the inburgeraar's language is
appended when a summary template exists. Beschikkingen get the one shared
rechtsmiddelenclausule (`letters/onderdelen/bezwaarclausule.docx`) as a subdocument.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, Mapping

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import TemplateError
from jinja2.exceptions import SecurityError

from engine.access import limits
from engine.access.limits import LetterLimit
from engine.letters import rules
from engine.letters.composing import CachedDocxTemplate, composed_template
from engine.letters.derive import as_amount, case_variables, derive, pip_refusals
from engine.letters.formatting import as_date, letter_environment, render_budget
from engine.letters.templates import BEZWAARCLAUSULE, LetterSpec, TemplateStore
from engine.letters.languages import NO_SUMMARY
from engine.running.handlers import HandlerError

LEFTOVER = re.compile(rb"\{\{|\{%|\{#")


@dataclass
class RenderedLetter:
    """A filled letter ready to archive, with everything needed to prove how it was made."""

    template: str
    docx: bytes
    template_version: str
    part_versions: dict[str, str]
    snapshot: dict[str, Any]
    dagtekening: date
    beschikking: bool
    taal: str
    variables: dict[str, Any] = field(default_factory=dict)


def render_letter(
    *,
    store: TemplateStore,
    template: str,
    data: Mapping[str, Any],
    gemeente: str,
    kenmerk: str,
    dagtekening: date,
) -> RenderedLetter:
    """Validate `data` against the letter's schema and render the DOCX (no database)."""
    spec = store.spec(template)
    values = validated_values(spec, data)
    pip_refusals(template, data, dagtekening)
    derived = derive(template, values, dagtekening)
    huisstijl, logo, huisstijl_sha = store.huisstijl(gemeente)
    context: dict[str, Any] = {
        **{name: None for name in spec.schema.get("properties", {})},
        "tolk_nodig": False,
        **values,
        **derived,
        "dagtekening": dagtekening,
        "kenmerk": kenmerk,
        "gemeente": huisstijl,
    }
    try:
        limits.check_letter_values({**values, **derived})
    except LetterLimit as exc:
        raise HandlerError(f"Brief {template}: {exc}") from None
    parts = {"huisstijl": huisstijl_sha}
    taal = str(values.get("taal") or "nl").lower()

    clause = summary = None
    if spec.beschikking:
        _require_clause(spec)
        clause = store.read(BEZWAARCLAUSULE)
        parts["bezwaarclausule"] = clause.sha256
        context["bezwaar_uiterlijk"] = rules.bezwaar_uiterlijk(dagtekening)
    if taal not in NO_SUMMARY:
        summary = store.summary(template, taal)
        if summary is not None:
            parts[f"samenvatting.{taal}"] = summary.sha256

    tpl = CachedDocxTemplate(io.BytesIO(composed_template(spec.template, clause, summary)))
    context["gemeente_logo"] = (
        InlineImage(tpl, io.BytesIO(logo.content), width=Mm(huisstijl.get("logo_breedte_mm", 45)))
        if logo else ""
    )
    _render(template, tpl, context)

    out = io.BytesIO()
    tpl.save(out)
    docx = out.getvalue()
    if len(docx) > limits.LETTER_MAX_OUTPUT * 2:
        raise HandlerError(f"Brief {template}: de brief wordt te groot (hoogstens {limits.LETTER_MAX_OUTPUT * 2} bytes)")
    refuse_leftovers(template, docx)
    snapshot = json_safe({**values, **derived, "dagtekening": dagtekening, "kenmerk": kenmerk})
    if "bezwaar_uiterlijk" in context:
        snapshot["bezwaar_uiterlijk"] = context["bezwaar_uiterlijk"].isoformat()
    return RenderedLetter(
        template=template,
        docx=docx,
        template_version=spec.template.sha256,
        part_versions=parts,
        snapshot=snapshot,
        dagtekening=dagtekening,
        beschikking=spec.beschikking,
        taal=taal,
        variables=case_variables(template, values, derived, dagtekening),
    )


def validated_values(spec: LetterSpec, data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the declared fields of `data`, typed, or raise HandlerError naming every bad field."""
    properties: dict[str, Any] = spec.schema.get("properties", {})
    instance = {k: _plain(v) for k, v in data.items() if k in properties and v is not None and v != ""}
    problems: dict[str, str] = {}
    for error in spec.validator.iter_errors(instance):
        if error.validator in ("required", "dependentRequired"):
            for name in _missing_names(error):
                problems.setdefault(name, "ontbreekt")
        else:
            name = str(error.absolute_path[0]) if error.absolute_path else "?"
            problems.setdefault(name, _reason(error.validator, error.validator_value))
    if problems:
        listed = "; ".join(f"veld '{name}' {reason}" for name, reason in sorted(problems.items()))
        raise HandlerError(f"Brief {spec.name}: {listed}")
    values: dict[str, Any] = {}
    for name, value in instance.items():
        if properties[name].get("format") == "date":
            value = as_date(value)
        elif "bedrag" in name:
            value = as_amount(data[name])  # the original: a Decimal must not pass through float
        values[name] = value
    return values


def _plain(value: Any) -> Any:
    # Case data may hold FEEL numbers (Decimal) and dates; JSON Schema knows neither.
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _missing_names(error: Any) -> list[str]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    if error.validator == "required":
        return [name for name in error.validator_value if name not in instance]
    return [name for needed in error.validator_value.values() for name in needed if name not in instance]


def _reason(validator: str, expected: Any) -> str:
    # Never echo the value: it may be personal data and ends up in incidents.
    if validator == "format" and expected == "date":
        return "is geen datum (JJJJ-MM-DD)"
    if validator == "enum":
        return "moet een van deze waarden zijn: " + ", ".join(map(str, expected))
    if validator == "type":
        return f"heeft het verkeerde type (verwacht {expected})"
    return f"is ongeldig ({validator})"


def _require_clause(spec: LetterSpec) -> None:
    if not _has_clause_placeholder(spec.template.sha256, spec.template.content):
        raise HandlerError(f"Brief {spec.name}: sjabloon is een beschikking zonder {{{{p bezwaarclausule }}}}")


@lru_cache(maxsize=256)
def _has_clause_placeholder(sha: str, content: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return b"bezwaarclausule" in package.read("word/document.xml")


def _render(template: str, tpl: DocxTemplate, context: dict[str, Any]) -> None:
    try:
        with render_budget():
            tpl.render(context, jinja_env=letter_environment())
    except LetterLimit as exc:
        raise HandlerError(f"Brief {template}: {exc}") from None
    except SecurityError as exc:
        raise HandlerError(f"Brief {template}: sjabloon doet iets wat niet mag ({exc})") from None
    except TemplateError as exc:
        raise HandlerError(f"Brief {template}: fout in het sjabloon ({exc.message})") from None


def refuse_leftovers(template: str, docx: bytes) -> None:
    """Raise HandlerError when the rendered DOCX still holds `{{`, `{%` or `{#`."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        for name in package.namelist():
            if name.startswith("word/") and name.endswith(".xml") and LEFTOVER.search(package.read(name)):
                raise HandlerError(f"Brief {template}: niet-ingevulde sjablooncode in {name}")


def json_safe(value: Any) -> Any:
    """Return `value` with dates as ISO strings and Decimals as strings, for a JSON column."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
