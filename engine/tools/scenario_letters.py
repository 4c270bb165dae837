"""Scenario expectations about letters and refusals: what a letter states, why a form was refused.

`letter:` checks one archived letter: its status, the dates it states (each compared with
the letter's data snapshot and looked up, written the Dutch way, in the document itself:
"6 mei 2026"), and phrases its text must contain (the English summary included).
`expect_refused:` on a `complete` step names the fields the form must refuse.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from engine.letters.formatting import datum
from engine.letters.models import Letter
from engine.tools.scenario_compare import ScenarioError, full_date, same

OWN_KEYS = ("template", "nummer", "status", "text")
TAGS = re.compile(r"<[^>]+>")


def letter_rows(session, case_id: str) -> list[dict[str, Any]]:
    """Return the case's letters (oldest first) with their snapshot and document text."""
    rows = []
    for letter in session.execute(select(Letter).where(Letter.case_id == case_id).order_by(Letter.id)).scalars():
        rows.append({"id": letter.id, "template": letter.template, "status": letter.status,
                     "dagtekening": letter.dagtekening, "data": dict(letter.data or {}),
                     "text": document_text(letter.docx)})
    return rows


def document_text(docx: bytes) -> str:
    """Return the visible text of a DOCX (all parts of word/document.xml), whitespace collapsed."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    xml = re.sub(r"</w:p>|<w:br/>|<w:tab/>", " ", xml)
    return " ".join(html.unescape(TAGS.sub("", xml)).split())


def stated_in_letter(wanted: Any, actual: dict) -> str | None:
    """Check `letter: {template, nummer?, status?, <date field>: date…, text: [...]}` (or a list of them)."""
    for expectation in wanted if isinstance(wanted, list) else [wanted]:
        if not isinstance(expectation, dict) or "template" not in expectation:
            raise ScenarioError("letter: give at least the template, e.g. {template: boetebeschikking}")
        template = expectation["template"]
        letters = [row for row in actual["letter_rows"] if row["template"] == template]
        number = expectation.get("nummer")
        if not letters or (number is not None and not 1 <= number <= len(letters)):
            return f"no {template} letter" + (f" number {number}" if number else "")
        letter = letters[number - 1] if number else letters[-1]
        if "status" in expectation and letter["status"] != expectation["status"]:
            return f"{template} has status {letter['status']!r}, expected {expectation['status']!r}"
        snapshot = {**letter["data"], "dagtekening": letter["dagtekening"].isoformat()}
        for field, value in expectation.items():
            if field in OWN_KEYS:
                continue
            if field not in snapshot:
                return f"{template} has no {field!r} (it has {', '.join(sorted(snapshot))})"
            if not same(value, snapshot[field]):
                return f"{template} {field} is {snapshot[field]}, expected {value}"
            if isinstance(value, (date, datetime)) or _looks_like_date(value):
                written = datum(full_date(value))
                if written not in letter["text"]:
                    return f"{template} does not state {field} as {written!r} in its text"
        for phrase in expectation.get("text") or []:
            if " ".join(str(phrase).split()) not in letter["text"]:
                return f"{template} does not contain {phrase!r}"
    return None


def _looks_like_date(value: Any) -> bool:
    return isinstance(value, str) and bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def refusal_fields(refusal: Any) -> list[str]:
    """Return the field names of an `expect_refused` value (a list of fields or a field: reason map)."""
    if isinstance(refusal, dict):
        return [str(k) for k in refusal]
    if isinstance(refusal, list):
        return [str(k) for k in refusal]
    return [str(refusal)]


def refusal_problem(refusal: Any, field_errors: dict[str, str]) -> str | None:
    """Tell what is wrong with a refusal: a field not refused, or refused for another reason."""
    reasons = refusal if isinstance(refusal, dict) else {name: None for name in refusal_fields(refusal)}
    for name, reason in reasons.items():
        if name not in field_errors:
            return f"refused, but not field {name!r} (refused: {field_errors or 'no field'})"
        if reason and str(reason).lower() not in field_errors[name].lower():
            return f"field {name!r} refused with {field_errors[name]!r}, expected a reason with {reason!r}"
    return None
