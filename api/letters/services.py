"""Use cases for letters: list, download, and the four-eyes review before sending."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from api.auth.permissions import visible_case
from engine import audit
from engine.access import need_to_know, roles
from engine.casefile import dossier
from engine.db.models import Case, User
from engine.errors import Conflict, Forbidden, Invalid, NotFound
from engine.letters import archive as letter_archive
from engine.letters import flow as letter_flow
from engine.letters.models import Letter

LETTER_FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def case_letters(*, session: Session, case: Case) -> list[Letter]:
    """Return the letters of a case."""
    return letter_archive.list_letters(session=session, case_id=case.id)


def letters_of_case(*, session: Session, user: User, case_id: str, now: datetime) -> list[Letter]:
    """Return the letters of a case of the user's gemeente, and audit the read."""
    case = visible_case(session=session, user=user, case_id=case_id)
    if need_to_know.hides(user, "letters", session, case):
        raise Forbidden("De brieven van deze inburgeraar zijn niet met uw organisatie gedeeld.")
    dossier.record_view(session=session, case=case, actor=user.username, now=now, what="letters")
    return case_letters(session=session, case=case)


def letter_file(*, session: Session, user: User, letter_id: str, fmt: str, now: datetime) -> tuple[bytes, str, str]:
    """Return a letter's bytes, media type and file name, as DOCX or (when made) PDF/A; audit the download."""
    if not letter_id.isdigit() or fmt not in LETTER_FORMATS:
        raise NotFound("Deze brief bestaat niet.")
    letter = letter_archive.get_letter(session=session, letter_id=int(letter_id), gemeente=user.gemeente)
    if letter is None:
        raise NotFound("Deze brief bestaat niet.")
    content = letter.docx if fmt == "docx" else letter.pdf
    if content is None:
        raise NotFound("Van deze brief is (nog) geen PDF gemaakt.")
    case = visible_case(session=session, user=user, case_id=letter.case_id)
    if need_to_know.hides(user, "letters", session, case):
        raise NotFound("Deze brief bestaat niet.")
    audit.record(session=session, actor=user.username, action="download", at=now, case=case,
                 detail={"what": f"letter:{letter.id}", "format": fmt})
    return content, LETTER_FORMATS[fmt], f"{letter.kenmerk}.{fmt}"


def _letter_to_review(session: Session, user: User, letter_id: int) -> Letter:
    letter = letter_archive.get_letter(session=session, letter_id=letter_id, gemeente=user.gemeente)
    if letter is None:
        raise NotFound("Deze brief bestaat niet.")
    roles.require(user, "letters.review")
    visible_case(session=session, user=user, case_id=letter.case_id)
    if letter.created_by == user.username:
        raise Forbidden("Vier ogen: een collega controleert de brief die u hebt laten maken.")
    if letter.status != "ter_controle":
        raise Conflict("Deze brief wacht niet (meer) op controle.")
    return letter


def approve_letter(*, session: Session, runtime, user: User, letter_id: int, now: datetime) -> Letter:
    """Approve a letter waiting for review; the case then continues past its letter step."""
    letter = _letter_to_review(session, user, letter_id)
    letter_flow.approve(runtime.engine, session=session, letter_id=letter.id, actor=user.username,
                        gemeente=user.gemeente)
    return letter


def reject_letter(*, session: Session, runtime, user: User, letter_id: int, reason: str, now: datetime) -> Letter:
    """Send a letter back with the reason; its step becomes an incident until the data is right."""
    letter = _letter_to_review(session, user, letter_id)
    if not reason.strip():
        raise Invalid("Geef een reden.", field_errors={"reason": "Schrijf waarom de brief niet goed is."})
    letter_flow.send_back(runtime.engine, session=session, letter_id=letter.id, actor=user.username, reason=reason,
                          gemeente=user.gemeente)
    return letter


def postal_letters(*, session: Session, user: User, day: date) -> list[Letter]:
    """List the letters approved for the post on `day` and not yet printed (teamleider, beheerder)."""
    from engine.letters.print_batch import letters_to_print

    roles.require(user, "letters.export")
    return letters_to_print(session=session, gemeente=user.gemeente, day=day)


def make_print_batch(*, session: Session, user: User, day: date, now: datetime) -> bytes:
    """Return one PDF of the day's postal letters and mark them sent (teamleider, beheerder)."""
    from engine.letters.archive import LetterError
    from engine.letters.print_batch import print_batch

    letters = postal_letters(session=session, user=user, day=day)
    try:
        content = print_batch(session=session, gemeente=user.gemeente, day=day, actor=user.username, now=now)
    except LetterError as exc:
        raise Conflict(str(exc)) from None
    for letter in letters:  # an export of special data: attributable per dossier (AVG art. 15)
        audit.record(session=session, actor=user.username, action="export", at=now, case_id=letter.case_id,
                     gemeente=user.gemeente, detail={"what": f"printbatch:{day.isoformat()}:letter:{letter.id}"})
    return content


def pdf_available() -> bool:
    """Tell whether PDF/A copies can be made here (LibreOffice installed)."""
    from engine.letters.pdf import pdf_available as available

    return available()
