"""JSON bodies of the task API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from api.schemas import Schema


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


class CompleteIn(BaseModel):
    """The submitted form of a task; `expected_version` guards against stale forms."""

    data: dict[str, Any] = {}
    expected_version: int | None = Field(default=None, ge=0, le=2**31 - 1)


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

    assignee: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=500)


class BulkAssignIn(AssignIn):
    """Give many tasks to a colleague at once (teamleider)."""

    task_ids: list[str] = Field(min_length=1, max_length=200)


class AssigneeOut(Schema):
    """A colleague a task may be given to."""

    username: str
    display_name: str
