"""The queues a beheerder watches: letters waiting for review, the outbox, the workers.

Workers write their heartbeat to a `workers` table that the worker itself owns;
this module only reads it, and shows nothing when that table does not exist yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.db.models import Case
from engine.letters.models import Letter
from engine.outbox.handlers import OutboxMessage
from engine.running.models import WorkerHeartbeat
from engine.running.worker import HEALTHY_WITHIN, list_workers

OUTBOX_STATUSES = {"": "alle", "queued": "in de wachtrij", "sent": "verstuurd", "failed": "mislukt"}
LIMIT = 200


@dataclass(frozen=True)
class ReviewItem:
    """A letter waiting for a second pair of eyes, with its case."""

    letter: Letter
    case_number: str
    naam: str | None


@dataclass(frozen=True)
class OutboxRow:
    """One message for an outside party and the case it belongs to."""

    message: OutboxMessage
    case_number: str


@dataclass(frozen=True)
class WorkerRow:
    """One worker process as it last reported itself, and how long ago that was."""

    worker: WorkerHeartbeat
    age: timedelta

    @property
    def stuck(self) -> bool:
        """No heartbeat for longer than the health check allows."""
        return self.age > HEALTHY_WITHIN


def letters_in_review(*, session: Session, gemeente: str, actor: str, now: datetime,
                      visible=None) -> list[ReviewItem]:
    """Return the gemeente's letters waiting for review, oldest first, of the cases `visible` (a
    condition on Case from engine/access/need_to_know.py) keeps; audit the read of each case."""
    stmt = (
        select(Letter, Case.case_number, Case.naam)
        .join(Case, Case.id == Letter.case_id)
        .where(Letter.gemeente == gemeente, Case.gemeente == gemeente, Letter.status == "ter_controle")
        .order_by(Letter.created_at, Letter.id)
        .limit(LIMIT)
    )
    if visible is not None:
        stmt = stmt.where(visible)
    rows = session.execute(stmt).all()
    for case_id in dict.fromkeys(letter.case_id for letter, _, _ in rows):
        audit.record(session=session, actor=actor, action="view", at=now, case_id=case_id, gemeente=gemeente,
                     detail={"what": "beheer:brieven"})
    return [ReviewItem(letter=letter, case_number=number, naam=naam) for letter, number, naam in rows]


def outbox(*, session: Session, gemeente: str, status: str, actor: str, now: datetime) -> list[OutboxRow]:
    """Return the gemeente's outbox messages (newest first), narrowed by status; audit the cases read."""
    stmt = (
        select(OutboxMessage, Case.case_number)
        .join(Case, Case.id == OutboxMessage.case_id)
        .where(OutboxMessage.gemeente == gemeente)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(LIMIT)
    )
    if status:
        stmt = stmt.where(OutboxMessage.status == status)
    rows = session.execute(stmt).all()
    for case_id in dict.fromkeys(m.case_id for m, _ in rows):
        audit.record(session=session, actor=actor, action="view", at=now, case_id=case_id, gemeente=gemeente,
                     detail={"what": "beheer:uitgaand"})
    return [OutboxRow(message=m, case_number=number) for m, number in rows]


def outbox_counts(*, session: Session, gemeente: str) -> dict[str, int]:
    """Return how many outbox messages the gemeente has per status."""
    from sqlalchemy import func

    return dict(session.execute(
        select(OutboxMessage.status, func.count()).where(OutboxMessage.gemeente == gemeente)
        .group_by(OutboxMessage.status)
    ).all())


def workers(*, session: Session, now: datetime) -> list[WorkerRow]:
    """Every worker that ran, most recently heard from first, with the age of its heartbeat."""
    return [WorkerRow(worker, now - worker.last_heartbeat) for worker in list_workers(session)]
