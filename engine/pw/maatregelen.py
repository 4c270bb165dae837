"""A Pw 18/18b maatregel as Regie records it, and adding one to the case's `pw_maatregelen`.

A maatregel is `{datum, gedraging, besluit, overtreding_datum}`: the day the college decided
to lower the bijstand (Participatiewet 18 lid 2 or 18b), the gedraging it was for (the same
code a violation carries in `overtreding_gedraging`, else its article: '22' or '23'), the
kenmerk of that besluit, and the day of the gedraging. Without `overtreding_datum` the
maatregel is recorded but matches no violation (Wet 27 needs the same gedraging on the same day).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Mapping

from engine.errors import Conflict, Invalid

MESSAGE = "pw_maatregel"
"""The message name that records a maatregel on a case (the Pw system account sends `pw_*`)."""

VARIABLE = "pw_maatregelen"
FIELDS = ("datum", "gedraging", "besluit", "overtreding_datum")
MAX_TEXT = 100


def parse_maatregel(raw: Mapping[str, Any], *, today: date, prefix: str = "") -> dict[str, str | None]:
    """Return the checked maatregel (ISO dates) or raise Invalid naming each wrong field (`prefix` + name)."""
    errors: dict[str, str] = {}
    unknown = sorted(str(k) for k in raw if k not in FIELDS)
    for key in unknown:
        errors[prefix + key] = f"Onbekend veld; gebruik {', '.join(FIELDS)}"
    datum = _day(raw.get("datum"), prefix + "datum", errors, required=True)
    overtreding = _day(raw.get("overtreding_datum"), prefix + "overtreding_datum", errors, required=False)
    if datum is not None and datum > today:
        errors[prefix + "datum"] = "De datum van het besluit ligt in de toekomst"
    if overtreding is not None and overtreding > today:
        errors[prefix + "overtreding_datum"] = "De datum van de gedraging ligt in de toekomst"
    if datum is not None and overtreding is not None and overtreding > datum:
        errors[prefix + "overtreding_datum"] = "De gedraging ligt na het besluit over de maatregel"
    gedraging = _text(raw.get("gedraging"), prefix + "gedraging", errors)
    besluit = _text(raw.get("besluit"), prefix + "besluit", errors)
    if errors:
        raise Invalid("De Pw-maatregel is niet goed ingevuld", field_errors=errors)
    return {"datum": datum.isoformat(), "gedraging": gedraging, "besluit": besluit,
            "overtreding_datum": overtreding.isoformat() if overtreding else None}


def with_maatregel(recorded: Any, maatregel: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the case's maatregelen with `maatregel` added; the same besluit twice is a Conflict."""
    current = [dict(m) for m in (recorded or []) if isinstance(m, Mapping)]
    if any(m.get("besluit") == maatregel["besluit"] for m in current):
        raise Conflict(f"Het besluit {maatregel['besluit']} staat al bij dit dossier")
    return [*current, dict(maatregel)]


def _day(value: Any, field: str, errors: dict[str, str], *, required: bool) -> date | None:
    if value is None or value == "":
        if required:
            errors[field] = "Vul een datum in (JJJJ-MM-DD)"
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[field] = "Geen geldige datum (JJJJ-MM-DD)"
        return None


def _text(value: Any, field: str, errors: dict[str, str]) -> str | None:
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not text:
        errors[field] = "Vul dit veld in"
    elif len(text) > MAX_TEXT:
        errors[field] = f"Maximaal {MAX_TEXT} tekens"
    return text or None
