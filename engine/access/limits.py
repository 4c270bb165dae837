"""Limits on what a user or system puts into a case: field lengths, sizes and depth.

Refusals name the field (422), so overlong input never reaches a column that is too short for it
(a 500 on PostgreSQL) and never fills the case state with megabytes.
"""

from __future__ import annotations

from typing import Any, Mapping

from engine.errors import Invalid

COLUMN_LIMITS = {"bsn": 9, "naam": 200, "doelgroep": 40, "leerroute": 20, "consulent": 100}
"""Case variables that are copied into a column of that width."""
MAX_TEXT = 10_000
MAX_KEYS = 500
MAX_DEPTH = 6
MAX_LIST = 1_000


def check_case_data(data: Mapping[str, Any], *, prefix: str = "data") -> None:
    """Refuse case data with a value too long for its column or too big overall (Invalid, per field)."""
    problems: dict[str, str] = {}
    if not isinstance(data, Mapping):
        raise Invalid("De gegevens moeten een object zijn.", field_errors={prefix: "Geef een object."})
    if len(data) > MAX_KEYS:
        problems[prefix] = f"Hoogstens {MAX_KEYS} velden."
    for key, value in data.items():
        name = f"{prefix}.{key}"
        limit = COLUMN_LIMITS.get(key)
        if limit is not None and value is not None and len(str(value)) > limit:
            problems[name] = f"Hoogstens {limit} tekens."
        elif key == "bsn" and value is not None and not (str(value).isdigit() and len(str(value)) in (8, 9)):
            problems[name] = "Een BSN heeft 9 cijfers."
        else:
            problem = _too_big(value, 1)
            if problem:
                problems[name] = problem
    if problems:
        raise Invalid("Sommige gegevens zijn te lang of te groot.", field_errors=problems)


def _too_big(value: Any, depth: int) -> str | None:
    if depth > MAX_DEPTH:
        return f"Hoogstens {MAX_DEPTH} niveaus diep."
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return f"Hoogstens {MAX_TEXT} tekens."
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_LIST:
            return f"Hoogstens {MAX_LIST} items."
        return next((p for p in (_too_big(v, depth + 1) for v in value) if p), None)
    if isinstance(value, Mapping):
        if len(value) > MAX_KEYS:
            return f"Hoogstens {MAX_KEYS} velden."
        return next((p for p in (_too_big(v, depth + 1) for v in value.values()) if p), None)
    return None


# -- letters ------------------------------------------------------------------------------
# A letter is filled from case data (typed by people, or computed by analysts' decisions and
# scripts) by a template jurists edit. These bound what one letter may cost, so neither can make
# a 100 MB letter or keep a worker busy for minutes; a refusal becomes an incident on the case
# that names the letter and the limit (engine/letters/render.py).
LETTER_MAX_VALUE = 5_000
"""Characters of any single value put into a letter (about one and a half pages of text)."""
LETTER_MAX_ITEMS = 500
"""Items of any list put into a letter, and repetitions of one `range()` in a template."""
LETTER_MAX_OUTPUT = 3_000_000
"""Characters of document XML one letter may produce (a real letter is well under 300 000)."""
LETTER_MAX_SECONDS = 5.0
"""Seconds of template rendering for one letter."""


class LetterLimit(Exception):
    """A letter goes over one of the limits above; the message names the limit in Dutch."""


def check_letter_values(values: Mapping[str, Any]) -> None:
    """Refuse (LetterLimit) a value too long, or a list too long, before anything is rendered."""
    problems = []
    for name, value in values.items():
        problem = _letter_value_problem(value, 1)
        if problem:
            problems.append(f"veld '{name}' {problem}")
    if problems:
        raise LetterLimit("; ".join(sorted(problems)))


def _letter_value_problem(value: Any, depth: int) -> str | None:
    if depth > MAX_DEPTH:
        return f"is te diep genest (hoogstens {MAX_DEPTH} niveaus)"
    if isinstance(value, str):
        return f"is te lang (hoogstens {LETTER_MAX_VALUE} tekens)" if len(value) > LETTER_MAX_VALUE else None
    if isinstance(value, Mapping):
        items = list(value.values())
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
    else:
        return None
    if len(items) > LETTER_MAX_ITEMS:
        return f"heeft te veel items (hoogstens {LETTER_MAX_ITEMS})"
    return next((p for p in (_letter_value_problem(v, depth + 1) for v in items) if p), None)
