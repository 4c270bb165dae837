"""Login sessions and CSRF tokens.

The session lives in a signed cookie (itsdangerous via Starlette's SessionMiddleware:
HttpOnly, SameSite=Lax, Secure when `settings.secure_cookies`). It holds only the user
id, the CSRF token and flash messages; never a BSN. Every POST form carries the CSRF
token in a hidden field; the JSON API, when called with the session cookie, needs it in
the `X-CSRF-Token` header.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request

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


def log_in(request: Request, user: User) -> None:
    """Start a fresh session for `user` (new CSRF token, so a planted session is useless)."""
    request.session.clear()
    request.session["uid"] = user.id
    request.session["csrf"] = secrets.token_urlsafe(32)


def log_out(request: Request) -> None:
    """End the session."""
    request.session.clear()


def session_user_id(request: Request) -> int | None:
    """Return the logged-in user's id from the session cookie, or None."""
    uid = request.session.get("uid")
    return uid if isinstance(uid, int) else None


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """Queue a short message for the next page (no personal data in it)."""
    request.session.setdefault("flash", [])
    request.session["flash"] = [*request.session["flash"], {"kind": kind, "text": message}]


def pop_flashes(request: Request) -> list[dict[str, str]]:
    """Take the queued messages for the page being rendered."""
    return request.session.pop("flash", []) if "flash" in request.session else []
