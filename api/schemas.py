"""Request and response bodies of the JSON API (documented in /api/docs)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from engine.dossier import mask_bsn


class Schema(BaseModel):
    """Base: read attributes from ORM rows and dataclasses."""

    model_config = ConfigDict(from_attributes=True)


class UserOut(Schema):
    """The logged-in person."""

    username: str
    display_name: str
    gemeente: str
    roles: list[str]
    groups: list[str]
    csrf_token: str | None = None


class TaskOut(Schema):
    """An open user task."""

    id: str
    case_id: str
    name: str
    element_id: str
    process_id: str
    assignee: str | None
    candidate_groups: list[str]
    candidate_users: list[str]
    due_at: datetime | None
    legal_deadline: datetime | None
    follow_up_at: datetime | None
    priority: int
    form_ref: str | None
    created_at: datetime


class InboxRowOut(Schema):
    """A row of the inbox."""

    task_id: str
    name: str
    case_id: str
    case_number: str
    naam: str | None
    assignee: str | None
    candidate_groups: list[str]
    due_at: datetime | None
    legal_deadline: datetime | None
    created_at: datetime
    overdue: bool
    due_this_week: bool
    legal_overdue: bool


class InboxOut(Schema):
    """One page of the inbox."""

    view: str
    page: int
    has_next: bool
    rows: list[InboxRowOut]


class SearchIn(BaseModel):
    """Search by name part or case number (`text`) or exact BSN (`bsn`); sent in the body."""

    text: str = ""
    bsn: str = Field(default="", max_length=9)
    page: int = 1


class CaseOut(Schema):
    """A case (klantreis) summary; the BSN is masked."""

    id: str
    case_number: str
    gemeente: str
    naam: str | None
    doelgroep: str | None
    leerroute: str | None
    status: str
    version: int
    created_at: datetime
    updated_at: datetime
    bsn_masked: str | None = None

    @classmethod
    def of(cls, case) -> "CaseOut":
        """Build from a Case row."""
        out = cls.model_validate(case)
        out.bsn_masked = mask_bsn(case.bsn)
        return out


class StartCaseIn(BaseModel):
    """Start a klantreis."""

    process_id: str
    data: dict[str, Any] = {}
    business_key: str | None = None


class FactOut(Schema):
    """A labelled dossier value."""

    label: str
    value: Any
    kind: str


class NoteIn(BaseModel):
    """A new note."""

    text: str = Field(max_length=10_000)


class NoteOut(Schema):
    """A note on a case."""

    id: int
    author: str
    author_name: str
    text: str
    created_at: datetime


class AuditOut(Schema):
    """An audit row."""

    id: int
    at: datetime
    actor: str
    action: str
    element_id: str | None
    detail: dict[str, Any]


class IncidentOut(Schema):
    """An unresolved failure of a case."""

    id: int
    element_id: str | None
    kind: str
    message: str
    created_at: datetime


class LetterOut(BaseModel):
    """A letter of a case, with its download addresses."""

    id: int
    kenmerk: str
    template: str
    status: str
    dagtekening: date
    sha256: str
    created_at: datetime
    docx_url: str
    pdf_url: str | None = None


class DossierOut(BaseModel):
    """The case with everything the consultant needs beside a task."""

    case: CaseOut
    person: list[FactOut]
    traject: list[FactOut]
    violations: list[dict[str, Any]]
    open_tasks: list[TaskOut]
    incidents: list[IncidentOut]
    notes: list[NoteOut]
    timeline: list[AuditOut]
    letters: list[LetterOut]


class DiagramOut(BaseModel):
    """The case's diagrams and which elements are active, completed or failed."""

    diagrams: dict[str, str]
    active: list[str]
    completed: list[str]
    incidents: list[str]


class CompleteIn(BaseModel):
    """The submitted form of a task; `expected_version` guards against stale forms."""

    data: dict[str, Any] = {}
    expected_version: int | None = None


class DraftIn(BaseModel):
    """Unfinished form values."""

    data: dict[str, Any] = {}


class DraftOut(Schema):
    """A saved draft."""

    task_id: str
    data: dict[str, Any]
    saved_at: datetime


class AssignIn(BaseModel):
    """Give a task to a colleague, with a reason."""

    assignee: str
    reason: str = Field(min_length=1, max_length=500)


class BulkAssignIn(AssignIn):
    """Give many tasks to a colleague at once (teamleider)."""

    task_ids: list[str] = Field(min_length=1, max_length=200)


class MessageIn(BaseModel):
    """A message for a case, addressed by case id or BSN."""

    name: str
    message_id: str
    case_id: str | None = None
    bsn: str | None = Field(default=None, max_length=9)
    payload: dict[str, Any] = {}


class RejectIn(BaseModel):
    """Why a letter is not right."""

    reason: str = Field(max_length=1000)


class MessageOut(BaseModel):
    """What happened to a message: processed, duplicate or refused (stored in every case)."""

    status: str
    message_id: str
    case_id: str | None = None
    reason: str | None = None


class OkOut(BaseModel):
    """A plain acknowledgement."""

    ok: bool = True
    count: int | None = None


def letter_out(letter) -> LetterOut:
    """Describe a Letter row with its download addresses."""
    return LetterOut(
        id=letter.id,
        kenmerk=letter.kenmerk,
        template=letter.template,
        status=letter.status,
        dagtekening=letter.dagtekening,
        sha256=letter.docx_sha256,
        created_at=letter.created_at,
        docx_url=f"/api/letters/{letter.id}/docx",
        pdf_url=f"/api/letters/{letter.id}/pdf" if letter.pdf_sha256 else None,
    )


def dossier_out(found) -> DossierOut:
    """Turn the dossier read model into its JSON shape."""
    return DossierOut(
        case=CaseOut.of(found.case),
        person=[FactOut.model_validate(f) for f in found.person],
        traject=[FactOut.model_validate(f) for f in found.traject],
        violations=found.violations,
        open_tasks=[TaskOut.model_validate(t) for t in found.open_tasks],
        incidents=[IncidentOut.model_validate(i) for i in found.incidents],
        notes=[NoteOut.model_validate(n) for n in found.notes],
        timeline=[AuditOut.model_validate(e) for e in found.timeline],
        letters=[letter_out(x) for x in found.letters],
    )
