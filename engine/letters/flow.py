"""Review before sending: approving or sending back a letter moves its case on.

A letter task with `review=true` waits (an external task) until a consultant acts:
- approve: the letter is dated the day it is sent (a new version when that is a later
  day than the day it was rendered; engine/letters/sending.py) and the case continues;
- send back: the letter is marked rejected and the step becomes an incident with
  the reason; once the data is corrected, retrying the incident renders anew.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from engine import audit
from engine.db.models import Case, Incident, Job
from engine.errors import Conflict, NotFound
from engine.letters.archive import LetterError, get_letter, record_if_beschikking
from engine.letters.models import Letter
from engine.letters.review import approve_letter, reject_letter
from engine.letters.sending import redated
from engine.running.core import RegieEngine
from engine.running.handlers import HandlerError


def approve(engine: RegieEngine, *, session: Session, letter_id: int, actor: str, gemeente: str | None = None) -> Case:
    """Approve a letter under review, dated the day it is sent, and let its case continue."""
    letter, case = _letter_of(engine, session, letter_id, gemeente)
    now = engine.now(session)
    if letter.status == "ter_controle":
        try:
            letter = redated(session=session, letter=letter, case_data=engine.case_variables(session=session, case=case),
                             case_number=case.case_number, actor=actor, now=now)
        except HandlerError as exc:
            raise Conflict(f"De brief kan niet met de datum van vandaag worden verstuurd: {exc}") from exc
    try:
        result = approve_letter(session=session, letter_id=letter.id, actor=actor, now=now)
    except LetterError as exc:
        raise Conflict(str(exc)) from exc
    variables = {**result["variables"], **record_if_beschikking(session=session, letter=letter, now=now)}
    letter.case_variables = variables
    return engine.complete_service_task(session=session, case_id=result["case_id"], task_id=result["task_id"],
                                        data=variables, actor=actor)


def send_back(engine: RegieEngine, *, session: Session, letter_id: int, actor: str, reason: str,
              gemeente: str | None = None) -> Incident:
    """Reject a letter under review; its step becomes an incident carrying the reason."""
    _letter_of(engine, session, letter_id, gemeente)
    now = engine.now(session)
    try:
        result = reject_letter(session=session, letter_id=letter_id, actor=actor, now=now, reason=reason)
    except LetterError as exc:
        raise Conflict(str(exc)) from exc
    case = engine.lock_case(session, result["case_id"])
    session.execute(delete(Job).where(Job.case_id == case.id, Job.task_id == result["task_id"]))
    letter = get_letter(session=session, letter_id=letter_id)
    incident = Incident(case_id=case.id, gemeente=case.gemeente, task_id=result["task_id"],
                        element_id=letter.element_id, kind="letter_rejected",
                        message=f"Brief {letter.template} teruggestuurd: {result['reason']}", created_at=now)
    session.add(incident)
    audit.record(session=session, actor=actor, action="incident", at=now, case=case, element_id=letter.element_id,
                 detail={"kind": "letter_rejected", "letter": letter_id})
    case.updated_at = now
    session.flush()
    return incident


def _letter_of(engine: RegieEngine, session: Session, letter_id: int, gemeente: str | None) -> tuple[Letter, Case]:
    """Return the letter, as it is now, and its case, locked first (the one lock order)."""
    letter = get_letter(session=session, letter_id=letter_id, gemeente=gemeente)
    if letter is None:
        raise NotFound("Deze brief bestaat niet")
    case = engine.lock_case(session, letter.case_id)
    session.refresh(letter)  # a reviewer who was first has changed its status meanwhile
    return letter, case
