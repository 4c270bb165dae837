"""The klantmanager of a case: the one person responsible for it, set and changed with a reason.

Tasks go to groups and people come and go; the case owner answers for the whole klantreis
(the gemeente's regie). Every change is an audit row with who, from whom, to whom and why.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine import audit
from engine.access.accounts import colleagues
from engine.access.need_to_know import sees_case
from engine.db.models import Case, User
from engine.errors import Forbidden, Invalid
from engine.running.runner import CaseStepper

OWNER_ROLES = frozenset({"consulent", "teamleider"})   # who can be a case's klantmanager
REASON_MAX = 500


def owner_candidates(session: Session, *, gemeente: str, case: Case | None = None) -> list[User]:
    """The active people of a gemeente who can own a case, by name; for a given case only those
    who see it (its team, need-to-know)."""
    users = [u for u in colleagues(session=session, gemeente=gemeente) if OWNER_ROLES & set(u.roles or [])]
    if case is not None:
        users = [u for u in users if sees_case(session, u, case)]
    return users


def set_klantmanager(session: Session, *, engine: CaseStepper, case_id: str, actor: User, username: str | None,
                     reason: str, now: datetime) -> Case:
    """Make `username` (or nobody) the case's klantmanager; locks the case row first.

    A teamleider assigns anyone; a klantmanager hands their own case over; a consulent takes
    a case that has nobody. The reason is required and kept in the audit log.
    """
    case = engine.lock_case(session, case_id, gemeente=actor.gemeente)
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if len(reason) < 3:
        errors["reden"] = "Schrijf kort waarom de klantmanager verandert."
    elif len(reason) > REASON_MAX:
        errors["reden"] = f"Gebruik hoogstens {REASON_MAX} tekens."
    new_owner = None
    if username:
        new_owner = next((u for u in owner_candidates(session, gemeente=case.gemeente, case=case)
                          if u.username == username), None)
        if new_owner is None:
            errors["klantmanager"] = "Kies een klantmanager of teamleider van het team van dit dossier."
    if errors:
        raise Invalid("De klantmanager is niet gewijzigd", field_errors=errors)
    roles = set(actor.roles or [])
    may = ("teamleider" in roles or case.klantmanager == actor.username
           or (case.klantmanager is None and username == actor.username and "consulent" in roles))
    if not may:
        raise Forbidden("Alleen de teamleider of de huidige klantmanager wijzigt de klantmanager.")
    if case.klantmanager == username:
        return case
    audit.record(session=session, actor=actor.username, action="klantmanager", at=now, case=case,
                 detail={"van": case.klantmanager, "naar": username, "reden": reason})
    case.klantmanager = username
    case.updated_at = now
    session.flush()
    return case
