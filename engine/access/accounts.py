"""Local user accounts: argon2 password hashes, roles, groups and login.

Brute-force protection is throttling with growing delays per account and per client address
(engine/access/throttle.py), never a hard lock that anyone could trigger against a colleague.
Roles and what they may do are data in engine/access/roles.py.
"""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.access import tenancy, throttle
from engine.access.models import Membership, TeamGemeente, TeamMember
from engine.access.passwords import MIN_PASSWORD_LENGTH, password_problem
from engine.access.roles import ROLES as ROLE_DEFINITIONS, grants
from engine.db.models import Gemeente, User
from engine.errors import AppError, Invalid

ROLES = frozenset(ROLE_DEFINITIONS)
"""Roles a user can have; what each may do is in engine/access/roles.py."""

__all__ = ["MIN_PASSWORD_LENGTH", "ROLES", "LoginThrottled", "authenticate", "create_user", "set_password"]


class LoginThrottled(AppError):
    """Too many wrong passwords lately for this account or address: wait `retry_after` seconds."""

    status = 429

    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(1, int(retry_after + 0.999))
        super().__init__(f"Te veel mislukte pogingen. Probeer het over {self.retry_after} seconden opnieuw.")


_hasher = PasswordHasher()
# Verified against when the username is unknown, so timing does not reveal which names exist.
_DUMMY_HASH = _hasher.hash("regie-dummy-password-for-timing")


def hash_password(password: str) -> str:
    """Return the argon2id hash of `password`."""
    return _hasher.hash(password)


def create_user(
    *,
    session: Session,
    username: str,
    password: str,
    display_name: str,
    gemeente: str,
    roles: list[str] | tuple[str, ...],
    groups: list[str] | tuple[str, ...] = (),
    gemeente_naam: str | None = None,
) -> User:
    """Create an active local user; adds the gemeente (tenant) when it does not exist yet."""
    username = username.strip()
    problems: dict[str, str] = {}
    if not username:
        problems["username"] = "Vul een gebruikersnaam in."
    elif session.execute(select(User.id).where(User.username == username)).first():
        problems["username"] = "Deze gebruikersnaam bestaat al."
    problem = password_problem(password, username)
    if problem:
        problems["password"] = problem
    if len(username) > 100:
        problems["username"] = "Een gebruikersnaam heeft hoogstens 100 tekens."
    unknown = sorted(set(roles) - ROLES)
    if unknown or not roles:
        problems["roles"] = "Kies een of meer rollen: " + ", ".join(sorted(ROLES)) + "."
    if problems:
        raise Invalid("De gebruiker kan niet worden aangemaakt.", field_errors=problems)
    if session.get(Gemeente, gemeente) is None:
        session.add(Gemeente(code=gemeente, naam=gemeente_naam or gemeente.title(), settings={}))
    user = User(
        username=username,
        display_name=display_name,
        gemeente=gemeente,
        password_hash=hash_password(password),
        roles=list(roles),
        groups=list(groups),
        active=True,
        failed_logins=0,
        locked_until=None,
    )
    session.add(user)
    session.flush()
    if grants(user.roles).case_scope == "team":
        tenancy.join_default(session, user)  # a new klantmanager starts in the gemeente's default team
    return user


def authenticate(*, session: Session, username: str, password: str, now: datetime | None = None,
                 address: str | None = None) -> User | None:
    """Return the active user with this password, or None; LoginThrottled while a delay runs.

    `now` is accepted for callers that pass the case clock, and ignored: throttling always runs
    on the real clock. `address` is the client address, throttled on its own.
    """
    username = (username or "").strip()[:200]
    wait = throttle.wait_seconds(session, account=username, address=address)
    if wait > 0:
        _verify(_DUMMY_HASH, password)
        raise LoginThrottled(wait)
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.active or not _verify(user.password_hash, password):
        if user is None or not user.active:
            _verify(_DUMMY_HASH, password)
        throttle.record_failure(session, account=username, address=address)
        return None
    throttle.record_success(session, account=username)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return user


def set_password(*, session: Session, user: User, password: str) -> None:
    """Give `user` a new password and end their sessions."""
    problem = password_problem(password, user.username)
    if problem:
        raise Invalid("Dit wachtwoord kan niet.", field_errors={"password": problem})
    user.password_hash = hash_password(password)
    session.flush()
    from engine.access import sessions

    sessions.revoke_all(session, user_id=user.id, actor="password-change")


def get_user(*, session: Session, user_id: int) -> User | None:
    """Return the active user with this id, or None."""
    user = session.get(User, user_id)
    return user if user is not None and user.active else None


def colleagues(*, session: Session, gemeente: str) -> list[User]:
    """Return the active users who work for one gemeente (home, membership or a regional team that
    serves it), by display name (for reassigning)."""
    members = select(Membership.user_id).where(Membership.gemeente == gemeente)
    regional = (select(TeamMember.user_id).join(TeamGemeente, TeamGemeente.team_id == TeamMember.team_id)
                .where(TeamGemeente.gemeente == gemeente))
    stmt = (
        select(User)
        .where(or_(User.gemeente == gemeente, User.id.in_(members), User.id.in_(regional)), User.active.is_(True))
        .order_by(User.display_name)
    )
    return list(session.execute(stmt).scalars())


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
