"""Server-side login sessions: the browser's cookie carries only a random token; the row says who,
in which gemeente, since when. Logout and a beheerder revoke the row; idle and absolute timeouts
end it, on the real clock (the demo's settable case clock never keeps a session alive)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine import audit
from engine.access.models import LoginSession
from engine.access.throttle import wall_clock
from engine.db.models import User
from engine.errors import NotFound

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=10)
TOUCH_EVERY = timedelta(seconds=60)
"""last_seen_at is written at most once a minute (fewer writes on busy pages)."""


def _key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(session: Session, *, user: User, gemeente: str, method: str = "password") -> str:
    """Open a session for `user` and return the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = wall_clock()
    session.add(LoginSession(id=_key(token), user_id=user.id, gemeente=gemeente, created_at=now, last_seen_at=now,
                             method=method))
    session.flush()
    return token


def record_login(session: Session, user: User, *, method: str, now) -> None:
    """Audit a successful login with its method (`password` or `oidc`), under the user's gemeente."""
    audit.record(session=session, actor=user.username, action="login", at=now, gemeente=user.gemeente,
                 detail={"method": method})


def resolve(session: Session, token: str | None) -> LoginSession | None:
    """Return the live session of this token, or None (unknown, revoked, idle or too old)."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    row = session.get(LoginSession, _key(token))
    if row is None or row.revoked_at is not None:
        return None
    now = wall_clock()
    if now - row.last_seen_at > IDLE_TIMEOUT or now - row.created_at > ABSOLUTE_TIMEOUT:
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
        session.flush()
    return row


def end(session: Session, token: str | None, *, actor: str) -> None:
    """Revoke the session of this token (logout)."""
    if token and isinstance(token, str) and len(token) <= 100:
        session.execute(update(LoginSession).where(LoginSession.id == _key(token), LoginSession.revoked_at.is_(None))
                        .values(revoked_at=wall_clock(), revoked_by=actor))


def revoke(session: Session, *, session_id: str, actor, now) -> LoginSession:
    """A beheerder ends someone's session (of a user in the beheerder's gemeente); audited."""
    row = session.get(LoginSession, session_id)
    owner = session.get(User, row.user_id) if row is not None else None
    if row is None or owner is None or owner.gemeente != actor.gemeente:
        raise NotFound("Deze sessie bestaat niet.")
    if row.revoked_at is None:
        row.revoked_at = wall_clock()
        row.revoked_by = actor.username
        session.flush()
    audit.record(session=session, actor=actor.username, action="session_revoke", at=now, gemeente=actor.gemeente,
                 detail={"user": owner.username})
    return row


def revoke_all(session: Session, *, user_id: int, actor: str) -> int:
    """End every session of a user (password change, account blocked); returns how many."""
    result = session.execute(update(LoginSession).where(LoginSession.user_id == user_id,
                                                        LoginSession.revoked_at.is_(None))
                             .values(revoked_at=wall_clock(), revoked_by=actor))
    return result.rowcount or 0


def live_sessions(session: Session, *, gemeente: str) -> list[tuple[LoginSession, User]]:
    """Return the live sessions of the users of a gemeente, newest first (for the beheerder)."""
    now = wall_clock()
    rows = session.execute(
        select(LoginSession, User).join(User, User.id == LoginSession.user_id)
        .where(User.gemeente == gemeente, LoginSession.revoked_at.is_(None),
               LoginSession.created_at > now - ABSOLUTE_TIMEOUT, LoginSession.last_seen_at > now - IDLE_TIMEOUT)
        .order_by(LoginSession.created_at.desc())
    ).all()
    return [(s, u) for s, u in rows]


def switch_gemeente(session: Session, row: LoginSession, gemeente: str) -> None:
    """Make `gemeente` the session's working gemeente (the caller checked membership)."""
    row.gemeente = gemeente
    session.flush()
