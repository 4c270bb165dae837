"""Move the running cases of one version to the newest version, or try it first (dry run).

Each case goes through the same `migrate_case` as `regie migrate`, in its own
savepoint. A dry run rolls every savepoint back, so it proves per case whether
the real migration would succeed, with the reasons when it would not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.db.models import Case
from engine.deploy.deployment import latest_definition
from engine.deploy.migration import MigrationRefused
from engine.errors import AppError, Invalid
from engine.beheer.versions import get_definition

MAX_CASES = 500


@dataclass(frozen=True)
class MigrationCheck:
    """The outcome for one case: safe or not (with reasons), and whether it was moved."""

    case_id: str
    case_number: str
    safe: bool
    migrated: bool
    reasons: tuple[str, ...] = ()


@dataclass
class BulkMigration:
    """What a bulk migration (or its dry run) found."""

    from_definition: str
    to_definition: str
    dry_run: bool
    cases: list[MigrationCheck] = field(default_factory=list)

    @property
    def safe_count(self) -> int:
        """Return how many cases can be (or were) moved."""
        return sum(1 for c in self.cases if c.safe)

    @property
    def unsafe_count(self) -> int:
        """Return how many cases cannot be moved."""
        return sum(1 for c in self.cases if not c.safe)


class _RollBack(Exception):
    """Raised inside a dry run's savepoint to undo the migration it just proved possible."""


def migrate_version(engine, *, session: Session, gemeente: str, definition_id: str, actor: str,
                    dry_run: bool) -> BulkMigration:
    """Migrate (or dry-run) every running case of the gemeente on `definition_id` to the newest version."""
    source = get_definition(session=session, definition_id=definition_id)
    target = latest_definition(session, source.process_id)
    if target is None or target.id == source.id:
        raise Invalid("Deze versie is al de nieuwste.",
                      field_errors={"definition_id": "Kies een oudere versie; de nieuwste heeft niets over te zetten."})
    cases = session.execute(
        select(Case.id, Case.case_number)
        .where(Case.gemeente == gemeente, Case.definition_id == source.id, Case.status == "active")
        .order_by(Case.case_number)
        .limit(MAX_CASES)
    ).all()
    result = BulkMigration(from_definition=source.id, to_definition=target.id, dry_run=dry_run)
    for case_id, number in cases:
        result.cases.append(_one(engine, session, case_id, number, actor, dry_run, target.id))
    return result


def _one(engine, session: Session, case_id: str, number: str, actor: str, dry_run: bool, target: str) -> MigrationCheck:
    reasons: tuple[str, ...] = ()
    safe = True
    try:
        with session.begin_nested():
            engine.migrate_case(session=session, case_id=case_id, actor=actor)
            if dry_run:
                raise _RollBack()
    except _RollBack:
        pass
    except MigrationRefused as exc:
        safe, reasons = False, tuple(exc.reasons)
    except AppError as exc:
        safe, reasons = False, (exc.message,)
    now = engine.now(session)
    case = session.get(Case, case_id)
    if dry_run:
        audit.record(session=session, actor=actor, action="view", at=now, case=case,
                     detail={"what": "beheer:migratie-proef", "to": target, "safe": safe})
    elif not safe:
        audit.record(session=session, actor=actor, action="migrate_refused", at=now, case=case,
                     detail={"to": target, "reasons": list(reasons)})
    return MigrationCheck(case_id=case_id, case_number=number, safe=safe, migrated=safe and not dry_run,
                          reasons=reasons)
