"""Core tables: gemeenten, users, definitions, cases, their tasks, timers, jobs,
incidents, messages, the audit log and the settable clock.

Every row that belongs to a case carries `gemeente` so tenant filters need no join.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.access import models as _access_models  # noqa: F401 (cases.team_id refers to access_teams)
from engine.db.base import Base, UTCDateTime
from engine.db.state_column import CompactJSON


class Gemeente(Base):
    """A municipality: the tenant. Nobody sees another gemeente's cases."""

    __tablename__ = "gemeenten"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    naam: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class User(Base):
    """A person who works cases (consulent, teamleider, beheerder) in one gemeente."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    gemeente: Mapped[str] = mapped_column(ForeignKey("gemeenten.code"))
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Deployment(Base):
    """One deploy of a set of files (from the CLI or Camunda Modeler)."""

    __tablename__ = "deployments"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(100))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deployed_by: Mapped[str] = mapped_column(String(100))
    tenant: Mapped[str | None] = mapped_column(String(32), nullable=True)


class Resource(Base):
    """A file of a deployment, stored byte for byte (BPMN, DMN, form)."""

    __tablename__ = "resources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    deployment_id: Mapped[str] = mapped_column(ForeignKey("deployments.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64), index=True)


class DecisionDefinition(Base):
    """One version of one DMN decision; business rule tasks bind to the latest."""

    __tablename__ = "decision_definitions"
    __table_args__ = (UniqueConstraint("decision_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    decision_id: Mapped[str] = mapped_column(String(100), index=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id"))
    deployment_id: Mapped[str] = mapped_column(ForeignKey("deployments.id"))


class FormVersion(Base):
    """One version of one Camunda Form (by its form id); user tasks bind to the latest."""

    __tablename__ = "form_versions"
    __table_args__ = (UniqueConstraint("form_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    form_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id"))
    deployment_id: Mapped[str] = mapped_column(ForeignKey("deployments.id"))


class ProcessDefinition(Base):
    """One version of one executable process, with its spec serialized once."""

    __tablename__ = "process_definitions"
    __table_args__ = (UniqueConstraint("process_id", "version"),)
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    deployment_id: Mapped[str] = mapped_column(ForeignKey("deployments.id"))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    extras: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Case(Base):
    """One inburgeraar's klantreis: a running process instance and its summary."""

    __tablename__ = "cases"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_number: Mapped[str] = mapped_column(String(40), unique=True)
    gemeente: Mapped[str] = mapped_column(ForeignKey("gemeenten.code"), index=True)
    definition_id: Mapped[str] = mapped_column(ForeignKey("process_definitions.id"))
    business_key: Mapped[str | None] = mapped_column(String(100), nullable=True)
    bsn: Mapped[str | None] = mapped_column(String(9), nullable=True)
    naam: Mapped[str | None] = mapped_column(String(200), nullable=True)
    doelgroep: Mapped[str | None] = mapped_column(String(40), nullable=True)
    leerroute: Mapped[str | None] = mapped_column(String(20), nullable=True)
    klantmanager: Mapped[str | None] = mapped_column(String(100), nullable=True)  # the case owner (username)
    # the team that works the case (engine/access/teams.py); set at the start, moved with a reason
    team_id: Mapped[int | None] = mapped_column(ForeignKey("access_teams.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    end_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    state: Mapped[dict[str, Any]] = mapped_column(CompactJSON)  # zlib-compressed JSON (state_column.py)
    state_format: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_cases_gemeente_bsn", "gemeente", "bsn"),
        Index("ix_cases_gemeente_naam", "gemeente", "naam"),
        Index("ix_cases_gemeente_klantmanager", "gemeente", "klantmanager"),
        Index("ix_cases_gemeente_team", "gemeente", "team_id"),
    )


class UserTask(Base):
    """An open user task, kept queryable for the inbox (rebuilt on every save)."""

    __tablename__ = "user_tasks"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    gemeente: Mapped[str] = mapped_column(String(32))
    element_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    process_id: Mapped[str] = mapped_column(String(100))
    lane: Mapped[str | None] = mapped_column(String(100), nullable=True)
    assignee: Mapped[str | None] = mapped_column(String(100), nullable=True)
    candidate_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    candidate_users: Mapped[list[str]] = mapped_column(JSON, default=list)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    legal_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    priority: Mapped[int] = mapped_column(Integer, default=50)
    form_ref: Mapped[str | None] = mapped_column(String(200), nullable=True)
    form_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    properties: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_user_tasks_gemeente_assignee_due", "gemeente", "assignee", "due_at"),
        Index("ix_user_tasks_gemeente_due", "gemeente", "due_at"),
        # The inbox's other sorts (legal deadline, newest first), for mine/groups (assignee) and team.
        Index("ix_user_tasks_gemeente_assignee_legal", "gemeente", "assignee", "legal_deadline"),
        Index("ix_user_tasks_gemeente_legal", "gemeente", "legal_deadline"),
        Index("ix_user_tasks_gemeente_assignee_created", "gemeente", "assignee", "created_at"),
        Index("ix_user_tasks_gemeente_created", "gemeente", "created_at"),
        # The inbox's task-type filter by due date, and its "follow-up date reached" filter and count.
        Index("ix_user_tasks_gemeente_element_due", "gemeente", "element_id", "due_at"),
        Index("ix_user_tasks_gemeente_follow_up", "gemeente", "follow_up_at"),
    )


# The inbox's priority sort: most urgent first, then by due date (a descending key, so an index scan serves it).
Index("ix_user_tasks_gemeente_assignee_priority", UserTask.gemeente, UserTask.assignee, UserTask.priority.desc(),
      UserTask.due_at)
Index("ix_user_tasks_gemeente_priority", UserTask.gemeente, UserTask.priority.desc(), UserTask.due_at)


class TaskCandidate(Base):
    """One (task, group or user) pair, so 'my groups' tasks by due date' is an index scan."""

    __tablename__ = "task_candidates"
    task_id: Mapped[str] = mapped_column(
        ForeignKey("user_tasks.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(5), primary_key=True)  # 'group' | 'user'
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    gemeente: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    assigned: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_task_candidates_lookup", "gemeente", "kind", "name", "assigned", "due_at"),
    )


class Timer(Base):
    """A pending timer of a case; the worker fires it once when due."""

    __tablename__ = "timers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Job(Base):
    """A service task waiting to run (or waiting for an external completion)."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(100))
    topic: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), index=True)  # queued | waiting | failed
    wait_reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Incident(Base):
    """A failure the case cannot get past by itself; a beheerder retries it."""

    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    gemeente: Mapped[str] = mapped_column(String(32))
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    element_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    kind: Mapped[str] = mapped_column(String(30))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(100), nullable=True)


class Message(Base):
    """A message sent to a case, kept whether it was processed or refused."""

    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    gemeente: Mapped[str | None] = mapped_column(String(32), nullable=True)
    case_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20))  # processed | refused
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_by: Mapped[str] = mapped_column(String(100))


class AuditEntry(Base):
    """Append-only: who did what to which case, when, with what data."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    gemeente: Mapped[str | None] = mapped_column(String(32), nullable=True)
    case_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(40))
    element_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ClockSetting(Base):
    """The settable clock of a demo or test database (one row, id 1)."""

    __tablename__ = "clock"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    now: Mapped[datetime] = mapped_column(UTCDateTime)
