"""The append-only audit log: every read and write of a case, attributable to someone."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import insert
from sqlalchemy.orm import Session

from engine.db.models import AuditEntry, Case

_INSERT = insert(AuditEntry.__table__)
SENSITIVE_KEYS = frozenset({"bsn", "gezondheid", "mentale_gezondheid", "gezondheid_toelichting"})


def redact(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return `data` with BSNs and health data replaced by a marker, for logs and audit rows."""
    if not data:
        return {}
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in SENSITIVE_KEYS or "gezondheid" in key or key.endswith("_bsn"):
            out[key] = "[afgeschermd]"
        elif isinstance(value, Mapping):
            out[key] = redact(value)
        else:
            out[key] = value
    return out


def record(
    *,
    session: Session,
    actor: str,
    action: str,
    at: datetime,
    case: Case | None = None,
    case_id: str | None = None,
    gemeente: str | None = None,
    element_id: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Append one audit row (in the caller's transaction, written at once)."""
    # A plain INSERT on the session's connection: audit rows are never read back
    # as objects in the command that writes them, so the unit of work can skip them.
    session.connection().execute(_INSERT, {
        "at": at,
        "actor": actor,
        "gemeente": case.gemeente if case is not None else gemeente,
        "case_id": case.id if case is not None else case_id,
        "action": action,
        "element_id": element_id,
        "detail": dict(detail or {}),
    })
