"""Login sessions and CSRF tokens.

The login session lives on the server (engine/access/sessions.py: revocable, idle and absolute
timeouts); the signed cookie (itsdangerous via Starlette's SessionMiddleware: HttpOnly,
SameSite=Lax, Secure when `settings.secure_cookies`) holds only its random token, the CSRF
token and flash messages; never a BSN. Every POST form carries the CSRF
token in a hidden field; the JSON API, when called with the session cookie, needs it in
the `X-CSRF-Token` header.
"""

from __future__ import annotations

import hmac
import secrets

from sqlalchemy.orm import Session
from starlette.requests import Request

from engine.access import sessions as login_sessions
from engine.db.models import User

SESSION_COOKIE = "regie_session"
SESSION_MAX_AGE = 8 * 60 * 60
"""A working day: after eight hours the consultant logs in again."""

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def csrf_token(request: Request) -> str:
    """Return the session's CSRF token, creating one when there is none."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def csrf_valid(request: Request, given: str | None) -> bool:
    """Tell whether `given` equals the session's CSRF token (constant-time)."""
    expected = request.session.get("csrf")
    return bool(expected and given and hmac.compare_digest(str(expected), str(given)))


def log_in(request: Request, session: Session, user: User, method: str = "password") -> None:
    """Start a fresh server-side session for `user` (new token and CSRF token, so a planted
    session is useless); the cookie holds only the token."""
    request.session.clear()
    request.session["sid"] = login_sessions.start(session, user=user, gemeente=user.gemeente, method=method)
    request.session["csrf"] = secrets.token_urlsafe(32)


def log_out(request: Request, session: Session, actor: str) -> None:
    """End the session on the server (the cookie no longer works anywhere) and clear the cookie."""
    login_sessions.end(session, session_token(request), actor=actor)
    request.session.clear()


def session_token(request: Request) -> str | None:
    """Return the session token from the signed cookie, or None."""
    token = request.session.get("sid")
    return token if isinstance(token, str) else None


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """Queue a short message for the next page (no personal data in it)."""
    request.session.setdefault("flash", [])
    request.session["flash"] = [*request.session["flash"], {"kind": kind, "text": message}]


def pop_flashes(request: Request) -> list[dict[str, str]]:
    """Take the queued messages for the page being rendered."""
    return request.session.pop("flash", []) if "flash" in request.session else []
