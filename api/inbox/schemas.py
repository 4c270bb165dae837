"""JSON bodies of the inbox API."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from api.schemas import Schema


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
    element_id: str
    priority: int
    priority_label: str
    follow_up_at: datetime | None
    follow_up_reached: bool
    klantmanager: str | None
    klantmanager_name: str | None
    leerroute: str | None
    doelgroep: str | None
    cohort_name: str | None
    cohort_start: date | None


class InboxTotalsOut(Schema):
    """Open tasks per view with the same task and case filters; a count above `cap` means "more than cap"."""

    mine: int
    groups: int
    team: int | None
    overdue: int
    followup: int
    current: int
    cap: int


class InboxOut(Schema):
    """One page of the inbox (totals only when asked with totals=true)."""

    view: str
    page: int
    has_next: bool
    rows: list[InboxRowOut]
    totals: InboxTotalsOut | None = None


class SearchIn(BaseModel):
    """Search by name part or case number (`text`) or exact BSN (`bsn`); sent in the body."""

    text: str = Field(default="", max_length=200)
    bsn: str = Field(default="", max_length=9)
    page: int = Field(default=1, ge=1, le=10_000)
