"""JSON bodies of the case API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from api.letters.schemas import LetterOut, letter_out
from api.schemas import Schema
from api.tasks.schemas import TaskOut
from engine.casefile.dossier import mask_bsn


class CaseOut(Schema):
    """A case (klantreis) summary; the BSN is masked."""

    id: str
    case_number: str
    gemeente: str
    naam: str | None
    doelgroep: str | None
    leerroute: str | None
    klantmanager: str | None = None
    team_id: int | None = None
    status: str
    version: int
    created_at: datetime
    updated_at: datetime
    bsn_masked: str | None = None

    @classmethod
    def of(cls, case, *, show_bsn: bool = True) -> "CaseOut":
        """Build from a Case row; `show_bsn=False` (a partner) leaves even the masked BSN out."""
        out = cls.model_validate(case)
        out.bsn_masked = mask_bsn(case.bsn) if show_bsn else None
        return out


class KlantmanagerIn(BaseModel):
    """Who becomes responsible for the case, and why."""

    klantmanager: str | None = Field(None, max_length=100, description="user name; empty = nobody")
    reden: str = Field(min_length=3, max_length=500)


class TeamIn(BaseModel):
    """The team that takes the case over, and why."""

    team_id: int = Field(ge=1, le=2_147_483_647)
    reden: str = Field(min_length=3, max_length=500)


class StartCaseIn(BaseModel):
    """Start a klantreis."""

    process_id: str = Field(min_length=1, max_length=100)
    data: dict[str, Any] = {}
    business_key: str | None = Field(default=None, max_length=100)
    team_id: int | None = Field(default=None, ge=1, le=2_147_483_647,
                                description="the team that works the case; empty = the gemeente's default team")


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
    team: str | None = None


class DiagramOut(BaseModel):
    """The case's diagrams and which elements are active, completed or failed."""

    diagrams: dict[str, str]
    active: list[str]
    completed: list[str]
    incidents: list[str]


class MessageIn(BaseModel):
    """A message for a case, addressed by case id or BSN."""

    name: str = Field(min_length=1, max_length=200)
    message_id: str = Field(min_length=1, max_length=200)
    case_id: str | None = Field(default=None, max_length=36)
    bsn: str | None = Field(default=None, max_length=9)
    payload: dict[str, Any] = {}


class MessageOut(BaseModel):
    """What happened to a message: processed, duplicate or refused (stored in every case)."""

    status: str
    message_id: str
    case_id: str | None = None
    reason: str | None = None


def dossier_out(found) -> DossierOut:
    """Turn the dossier read model into its JSON shape."""
    return DossierOut(
        case=CaseOut.of(found.case, show_bsn=any(f.label == "BSN" for f in found.person)),
        person=[FactOut.model_validate(f) for f in found.person],
        traject=[FactOut.model_validate(f) for f in found.traject],
        violations=found.violations,
        open_tasks=[TaskOut.model_validate(t) for t in found.open_tasks],
        incidents=[IncidentOut.model_validate(i) for i in found.incidents],
        notes=[NoteOut.model_validate(n) for n in found.notes],
        timeline=[AuditOut.model_validate(e) for e in found.timeline],
        letters=[letter_out(x) for x in found.letters],
        team=found.team,
    )
