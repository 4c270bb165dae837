"""The service-task handler for topic `letter`: render, archive, send or wait for review."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from engine.letters.archive import archive_letter, letter_for_task, next_sequence, record_if_beschikking
from engine.letters.models import KANALEN
from engine.letters.render import render_letter
from engine.letters.templates import TemplateStore
from engine.running.handlers import HandlerError, ServiceCall, Wait

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


def letter_handler(call: ServiceCall) -> dict | Wait:
    """Render the task's letter from the case data, archive it, and return the case variables."""
    template = call.properties.get("template") or ""
    if not template:
        raise HandlerError("Brief: de servicetaak heeft geen eigenschap 'template'")
    kanaal = call.properties.get("kanaal") or "post"
    if kanaal not in KANALEN:
        raise HandlerError(f"Brief {template}: kanaal moet post of digitaal zijn")
    review = call.properties.get("review") == "true"

    earlier = letter_for_task(session=call.session, case_id=call.case_id, task_id=call.task_id)
    if earlier is not None and earlier.status == "ter_controle":
        return Wait(_wait_reason(template))
    if earlier is not None:
        return dict(earlier.case_variables)

    dagtekening = letter_date(call.now)
    sequence = next_sequence(session=call.session, case_id=call.case_id)
    kenmerk = f"{call.case_number}-{sequence:02d}"
    rendered = render_letter(
        store=TemplateStore.default(),
        template=template,
        data={**call.data, **call.inputs},
        gemeente=call.gemeente,
        kenmerk=kenmerk,
        dagtekening=dagtekening,
    )
    letter = archive_letter(
        session=call.session,
        case_id=call.case_id,
        gemeente=call.gemeente,
        sequence=sequence,
        kenmerk=kenmerk,
        rendered=rendered,
        kanaal=kanaal,
        status="ter_controle" if review else "goedgekeurd",
        task_id=call.task_id,
        element_id=call.element_id,
        actor=call.actor,
        now=call.now,
    )
    letter.case_variables = {
        "laatste_brief_id": letter.id,
        f"{template}_verzonden_op": dagtekening.isoformat(),
        **rendered.variables,
    }
    call.session.flush()
    if review:
        return Wait(_wait_reason(template))
    letter.case_variables = {**letter.case_variables,
                             **record_if_beschikking(session=call.session, letter=letter, now=call.now)}
    return dict(letter.case_variables)


def letter_date(now: datetime) -> date:
    """Return the dagtekening for a letter made at `now`: the date in the Netherlands."""
    aware = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    return aware.astimezone(LOCAL_TIME).date()


def _wait_reason(template: str) -> str:
    return f"Brief {template} wacht op controle"
