"""Sending an approved letter: its dagtekening is the day it is sent.

A letter that waited in review is rendered again with today's date when it is approved
on a later day: the bezwaar deadline (Awb 6:7, 6:8) and, for a PIP, the
inburgeringstermijn (Wet 11) follow the real date. Both versions stay in the archive;
the earlier one gets status `vervangen`, the sent one is `goedgekeurd`. A sent
beschikking is recorded with its legal status (engine/legal/beschikking.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from sqlalchemy.orm import Session

from engine.letters.archive import archive_letter, audit, next_sequence
from engine.letters.handler import letter_date
from engine.letters.models import Letter
from engine.letters.render import render_letter
from engine.letters.templates import TemplateStore


def redated(*, session: Session, letter: Letter, case_data: Mapping[str, Any], case_number: str, actor: str,
            now: datetime) -> Letter:
    """Return the letter to send today: `letter` itself, or a new version dated today.

    Raises HandlerError when the data no longer passes the letter's checks on today's date.
    """
    dagtekening = letter_date(now)
    if letter.dagtekening == dagtekening:
        return letter
    sequence = next_sequence(session=session, case_id=letter.case_id)
    rendered = render_letter(store=TemplateStore.default(), template=letter.template,
                             data={**case_data, **_rendered_values(letter)}, gemeente=letter.gemeente,
                             kenmerk=f"{case_number}-{sequence:02d}", dagtekening=dagtekening)
    fresh = archive_letter(session=session, case_id=letter.case_id, gemeente=letter.gemeente, sequence=sequence,
                           kenmerk=f"{case_number}-{sequence:02d}", rendered=rendered, kanaal=letter.kanaal,
                           status="ter_controle", task_id=letter.task_id, element_id=letter.element_id,
                           actor=actor, now=now)
    fresh.case_variables = {**letter.case_variables, "laatste_brief_id": fresh.id,
                            f"{letter.template}_verzonden_op": dagtekening.isoformat(), **rendered.variables}
    letter.status = "vervangen"
    session.flush()
    audit(session=session, letter=letter, action="letter_redated", actor=actor, now=now, vervangen_door=fresh.id)
    return fresh


def _rendered_values(letter: Letter) -> dict[str, Any]:
    skip = {"dagtekening", "kenmerk", "bezwaar_uiterlijk"}
    return {k: v for k, v in letter.data.items() if k not in skip}
