"""JSON API for cases: start, search, dossier, diagram, audit, notes, letters, messages, incidents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.auth import permissions
from api.cases import services as case_services
from api.cases.schemas import (
    KlantmanagerIn,
    AuditOut,
    CaseOut,
    DiagramOut,
    DossierOut,
    MessageIn,
    MessageOut,
    NoteIn,
    NoteOut,
    StartCaseIn,
    TeamIn,
    dossier_out,
)
from api.deps import CurrentUser, Now, Runtime, SessionDep
from api.inbox import services as inbox_services
from api.inbox.schemas import SearchIn
from api.letters.schemas import LetterOut, RejectIn, letter_out
from api.letters import services as letter_service

router = APIRouter(tags=["zaken"])


@router.post("/cases", response_model=CaseOut, status_code=201)
def start_case(body: StartCaseIn, session: SessionDep, runtime: Runtime, user: CurrentUser) -> CaseOut:
    """Start a klantreis in your gemeente."""
    case = case_services.start_case(
        session=session,
        runtime=runtime,
        user=user,
        process_id=body.process_id,
        data=body.data,
        business_key=body.business_key,
        team_id=body.team_id,
    )
    return CaseOut.of(case)


@router.get("/cases", response_model=list[CaseOut])
def find_cases(q: Annotated[str, Query(max_length=200)], session: SessionDep, user: CurrentUser,
               now: Now) -> list[CaseOut]:
    """Find cases by name part or case number (search by BSN with POST /cases/search)."""
    permissions.refuse_bsn_in_url(q)
    show_bsn = permissions.may(user, "case.search_bsn")
    return [CaseOut.of(c, show_bsn=show_bsn)
            for c in inbox_services.search_cases(session=session, user=user, now=now, text=q)]


@router.post("/cases/search", response_model=list[CaseOut])
def search_cases(body: SearchIn, session: SessionDep, user: CurrentUser, now: Now) -> list[CaseOut]:
    """Find cases by name, case number or exact BSN (in the body)."""
    show_bsn = permissions.may(user, "case.search_bsn")
    return [CaseOut.of(c, show_bsn=show_bsn)
            for c in inbox_services.search_cases(session=session, user=user, now=now, text=body.text, bsn=body.bsn)]


@router.get("/cases/{case_id}", response_model=DossierOut)
def get_case(case_id: str, session: SessionDep, runtime: Runtime, user: CurrentUser, now: Now) -> DossierOut:
    """Return the case dossier (the read is audited)."""
    found = case_services.case_dossier(session=session, runtime=runtime, user=user, case_id=case_id, now=now, what="api")
    return dossier_out(found)


@router.get("/cases/{case_id}/diagram", response_model=DiagramOut)
def get_diagram(case_id: str, session: SessionDep, runtime: Runtime, user: CurrentUser, now: Now) -> DiagramOut:
    """Return the case's BPMN diagrams with active, completed and failed element ids."""
    state = case_services.diagram(session=session, runtime=runtime, user=user, case_id=case_id, now=now)
    return DiagramOut(
        diagrams=dict(state.diagrams),
        active=sorted(state.active),
        completed=sorted(state.completed),
        incidents=sorted(state.incidents),
    )


@router.get("/cases/{case_id}/audit", response_model=list[AuditOut])
def get_audit(case_id: str, session: SessionDep, user: CurrentUser, now: Now) -> list[AuditOut]:
    """Return the case's audit log, reads included (teamleider, beheerder)."""
    entries = case_services.case_audit(session=session, user=user, case_id=case_id, now=now)
    return [AuditOut.model_validate(e) for e in entries]


@router.get("/cases/{case_id}/notes", response_model=list[NoteOut])
def list_notes(case_id: str, session: SessionDep, user: CurrentUser, now: Now) -> list[NoteOut]:
    """Return the case's notes, newest first."""
    found = case_services.case_notes(session=session, user=user, case_id=case_id, now=now)
    return [NoteOut.model_validate(n) for n in found]


@router.post("/cases/{case_id}/notes", response_model=NoteOut, status_code=201)
def add_note(case_id: str, body: NoteIn, session: SessionDep, user: CurrentUser, now: Now) -> NoteOut:
    """Add a note to the case."""
    note = case_services.add_note(session=session, user=user, case_id=case_id, text=body.text, now=now)
    return NoteOut.model_validate(note)


@router.put("/cases/{case_id}/klantmanager", response_model=CaseOut)
def set_klantmanager(case_id: str, body: KlantmanagerIn, session: SessionDep, runtime: Runtime, user: CurrentUser,
                     now: Now) -> CaseOut:
    """Make someone responsible for the case (teamleider; or the current klantmanager hands over)."""
    case = case_services.set_klantmanager(session=session, runtime=runtime, user=user, case_id=case_id,
                                          username=body.klantmanager, reason=body.reden, now=now)
    return CaseOut.of(case)


@router.put("/cases/{case_id}/team", response_model=CaseOut)
def move_team(case_id: str, body: TeamIn, session: SessionDep, runtime: Runtime, user: CurrentUser,
              now: Now) -> CaseOut:
    """Give the case to another team with a reason (teamleider); who is outside it no longer sees it."""
    case = case_services.move_team(session=session, runtime=runtime, user=user, case_id=case_id,
                                   team_id=body.team_id, reason=body.reden, now=now)
    return CaseOut.of(case)


@router.get("/cases/{case_id}/letters", response_model=list[LetterOut])
def list_letters(case_id: str, session: SessionDep, user: CurrentUser, now: Now) -> list[LetterOut]:
    """Return the case's letters with download addresses."""
    found = letter_service.letters_of_case(session=session, user=user, case_id=case_id, now=now)
    return [letter_out(x) for x in found]


@router.get("/letters/{letter_id}/{fmt}", response_class=Response)
def download_letter(letter_id: str, fmt: str, session: SessionDep, user: CurrentUser, now: Now) -> Response:
    """Download a letter as DOCX or PDF (the download is audited)."""
    content, media_type, filename = letter_service.letter_file(session=session, user=user, letter_id=letter_id,
                                                               fmt=fmt, now=now)
    disposition = f'attachment; filename="{filename}"'
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})


@router.post("/letters/{letter_id}/approve", response_model=LetterOut)
def approve_letter(letter_id: int, session: SessionDep, runtime: Runtime, user: CurrentUser, now: Now) -> LetterOut:
    """Approve a letter waiting for review (four eyes); the case continues."""
    return letter_out(letter_service.approve_letter(session=session, runtime=runtime, user=user, letter_id=letter_id,
                                                    now=now))


@router.post("/letters/{letter_id}/reject", response_model=LetterOut)
def reject_letter(letter_id: int, body: RejectIn, session: SessionDep, runtime: Runtime, user: CurrentUser, now: Now) -> LetterOut:
    """Reject a letter waiting for review, with the reason."""
    return letter_out(letter_service.reject_letter(session=session, runtime=runtime, user=user, letter_id=letter_id,
                                                   reason=body.reason, now=now))


@router.post("/messages", response_model=MessageOut)
def send_message(body: MessageIn, session: SessionDep, runtime: Runtime, user: CurrentUser) -> MessageOut:
    """Deliver a message (e.g. a DUO event) to a case of your gemeente; a refusal says why."""
    outcome = case_services.send_message(
        session=session,
        runtime=runtime,
        user=user,
        name=body.name,
        message_id=body.message_id,
        case_id=body.case_id,
        bsn=body.bsn,
        payload=body.payload,
    )
    return MessageOut(status=outcome.status, message_id=outcome.message_id, case_id=outcome.case_id,
                      reason=outcome.reason)


@router.post("/incidents/{incident_id}/retry", response_model=CaseOut)
def retry_incident(incident_id: int, session: SessionDep, runtime: Runtime, user: CurrentUser) -> CaseOut:
    """Retry the failed step of a case (beheerder)."""
    return CaseOut.of(case_services.retry_incident(session=session, runtime=runtime, user=user, incident_id=incident_id))
