"""Local user accounts: argon2 password hashes, roles, groups and login lockout.

Lockout policy (BIO / OWASP ASVS 2.2.1, brute-force protection):
after `MAX_FAILED_LOGINS` wrong passwords in a row an account is locked for
`LOCKOUT_DURATION`; a correct password during the lockout is refused too.
A successful login resets the counter.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import Gemeente, User
from engine.errors import Invalid

MAX_FAILED_LOGINS = 5
"""Wrong passwords in a row that lock an account."""

LOCKOUT_DURATION = timedelta(minutes=15)
"""How long a locked account stays locked."""

ROLES = frozenset({"consulent", "teamleider", "beheerder", "beleid"})
"""Roles a user can have: consulent works cases, teamleider also sees and reassigns the
whole team's tasks, beheerder retries incidents and may use the API with HTTP basic,
beleid (beleidsmedewerker) reads the monitoring figures and nothing else."""

MIN_PASSWORD_LENGTH = 10

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
    if len(password) < MIN_PASSWORD_LENGTH:
        problems["password"] = f"Een wachtwoord heeft minstens {MIN_PASSWORD_LENGTH} tekens."
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
    return user


def is_locked(user: User, now: datetime) -> bool:
    """Tell whether the account is locked at `now`."""
    return user.locked_until is not None and user.locked_until > now


def authenticate(*, session: Session, username: str, password: str, now: datetime) -> User | None:
    """Return the active, unlocked user with this password, or None; counts failures."""
    user = session.execute(select(User).where(User.username == username.strip())).scalar_one_or_none()
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        return None
    if is_locked(user, now):
        return None
    if not _verify(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT_DURATION
            user.failed_logins = 0
        session.flush()
        return None
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return user


def set_password(*, session: Session, user: User, password: str) -> None:
    """Give `user` a new password and lift any lockout."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            "Het wachtwoord is te kort.",
            field_errors={"password": f"Een wachtwoord heeft minstens {MIN_PASSWORD_LENGTH} tekens."},
        )
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.flush()


def get_user(*, session: Session, user_id: int) -> User | None:
    """Return the active user with this id, or None."""
    user = session.get(User, user_id)
    return user if user is not None and user.active else None


def colleagues(*, session: Session, gemeente: str) -> list[User]:
    """Return the active users of one gemeente, by display name (for reassigning)."""
    stmt = (
        select(User)
        .where(User.gemeente == gemeente, User.active.is_(True))
        .order_by(User.display_name)
    )
    return list(session.execute(stmt).scalars())


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
