"""The web app's one Jinja environment (autoescaping) and its Dutch display filters."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import Response

from api.security import CSRF_FIELD, csrf_token, pop_flashes
from engine.access import roles

TEMPLATES_DIR = Path(__file__).parent / "templates"
LOCAL_TZ = ZoneInfo("Europe/Amsterdam")
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december"]
ACTIONS = {
    "partner_uren": "uren geregistreerd door partner",
    "partner_signaal": "signaal van partner",
    "duo_uren_opgevraagd": "uren bij DUO opgevraagd",
    "view": "bekeken",
    "start": "zaak gestart",
    "complete": "taak afgerond",
    "claim": "taak opgepakt",
    "unclaim": "taak vrijgegeven",
    "assign": "taak toegewezen",
    "note_added": "notitie toegevoegd",
    "message": "bericht ontvangen",
    "message_refused": "bericht geweigerd",
    "timer": "termijn verstreken",
    "service": "automatische stap uitgevoerd",
    "wait": "wacht op controle",
    "notify": "melding verstuurd",
    "incident": "storing",
    "retry": "storing opnieuw geprobeerd",
    "letter_created": "brief gemaakt",
    "letter_approved": "brief goedgekeurd",
    "letter_rejected": "brief afgekeurd",
    "letter_sent": "brief verstuurd",
    "migrate": "zaak overgezet naar nieuwe versie",
    "migrate_refused": "overzetten naar nieuwe versie geweigerd",
    "deploy": "nieuwe versie van het proces",
    "duo_ontvangen": "ontvangen door DUO",
    "duo_notificatie": "notificatie van DUO ontvangen",
    "duo_gebeurtenis": "gebeurtenis van DUO",
    "coa_klantprofiel": "klantprofiel van het COA ontvangen",
}


def datum(value: date | datetime | None) -> str:
    """Format a date the Dutch way: 3 maart 2026."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(LOCAL_TZ).date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def datumtijd(value: datetime | None) -> str:
    """Format a moment the Dutch way: 3 maart 2026, 14:05."""
    if value is None:
        return "—"
    local = value.astimezone(LOCAL_TZ)
    return f"{datum(local.date())}, {local:%H:%M}"


def days_left(value: datetime | None, now: datetime) -> str:
    """Say in words how far a deadline is: 'nog 3 dagen', 'vandaag', '2 dagen te laat'."""
    if value is None:
        return ""
    days = (value.astimezone(LOCAL_TZ).date() - now.astimezone(LOCAL_TZ).date()).days
    if days == 0:
        return "vandaag"
    if days == 1:
        return "morgen"
    if days > 0:
        return f"nog {days} dagen"
    return "1 dag te laat" if days == -1 else f"{-days} dagen te laat"


def iso_date(value: datetime | None) -> str:
    """Return a machine-readable date for <time datetime>."""
    return value.astimezone(LOCAL_TZ).date().isoformat() if value else ""


def action_label(action: str) -> str:
    """Translate an audit action code to Dutch."""
    return ACTIONS.get(action, action.replace("_", " "))


def build_templates() -> Jinja2Templates:
    """Build the autoescaping environment once, with the Dutch filters."""
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.filters.update(datum=datum, datumtijd=datumtijd, iso_date=iso_date, action_label=action_label)
    env.globals.update(days_left=days_left, CSRF_FIELD=CSRF_FIELD, may=roles.may)
    env.filters["groepnaam"] = roles.group_name
    from engine.partners.hours import format_hours

    env.filters["uren"] = format_hours
    return templates


def render(request: Request, name: str, context: dict[str, Any], *, status_code: int = 200) -> Response:
    """Render a page with the CSRF token, the flash messages and the current user."""
    full = {"csrf_token": csrf_token(request), "flashes": pop_flashes(request), **context}
    response = request.app.state.templates.TemplateResponse(request, name, full, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response
