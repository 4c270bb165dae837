"""Beheer use cases: the pages and the JSON API both call these (tenant = the user's gemeente)."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import Session

from engine.access import need_to_know
from engine.beheer import incidents, migrations, queues, search, versions
from engine.db.models import User


def incident_list(*, session: Session, user: User, where: incidents.IncidentFilter,
                  now: datetime) -> list[incidents.IncidentRow]:
    """Return the open incidents of the user's gemeente and audit the cases shown."""
    rows = incidents.list_incidents(session=session, gemeente=user.gemeente, where=where, now=now)
    incidents.record_reads(session=session, rows=rows, actor=user.username, gemeente=user.gemeente, now=now,
                           what="beheer:storingen")
    return rows


def retry(*, session: Session, runtime, user: User, incident_ids: list[int]) -> list[incidents.RetryOutcome]:
    """Retry incidents of the user's gemeente and return the true outcome of each."""
    return incidents.retry_incidents(runtime.engine, session=session, incident_ids=incident_ids,
                                     actor=user.username, gemeente=user.gemeente)


def migrate(*, session: Session, runtime, user: User, definition_id: str, dry_run: bool) -> migrations.BulkMigration:
    """Move (or dry-run moving) the gemeente's running cases of one version to the newest version."""
    return migrations.migrate_version(runtime.engine, session=session, gemeente=user.gemeente,
                                      definition_id=definition_id, actor=user.username, dry_run=dry_run)


def find_cases(*, session: Session, user: User, text: str, bsn: str, status: str,
               now: datetime) -> list[search.CaseHit]:
    """Search the gemeente's cases (BSN from a POST body only) and audit every case shown."""
    query = search.parse_search(text=text, bsn=bsn, status=status)
    return search.search_cases(session=session, gemeente=user.gemeente, search=query, actor=user.username, now=now)


def process_versions(*, session: Session, user: User) -> list[versions.ProcessVersions]:
    """Return the deployed processes with their versions and the gemeente's running cases."""
    return versions.process_versions(session=session, gemeente=user.gemeente)


def version_diff(*, session: Session, old_id: str, new_id: str) -> versions.VersionDiff:
    """Return what changed between two versions of a process."""
    return versions.diff_versions(session=session, old_id=old_id, new_id=new_id)


def review_queue(*, session: Session, user: User, now: datetime) -> list[queues.ReviewItem]:
    """Return the letters waiting for review in the user's gemeente, of the cases the user may see (their teams)."""
    return queues.letters_in_review(session=session, gemeente=user.gemeente, actor=user.username, now=now,
                                    visible=need_to_know.case_filter(session, user))


def outbox(*, session: Session, user: User, status: str, now: datetime) -> list[queues.OutboxRow]:
    """Return the gemeente's outbox messages, narrowed by status."""
    return queues.outbox(session=session, gemeente=user.gemeente, status=status, actor=user.username, now=now)


def outbox_counts(*, session: Session, user: User) -> dict[str, int]:
    """Return the gemeente's outbox messages per status."""
    return queues.outbox_counts(session=session, gemeente=user.gemeente)


def workers(*, session: Session) -> list[queues.WorkerRow]:
    """Return the workers and the age of their heartbeat (wall-clock time, not the demo clock)."""
    return queues.workers(session=session, now=datetime.now(timezone.utc))
