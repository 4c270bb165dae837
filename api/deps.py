"""Request dependencies: the runtime, one transaction per request, the current user, the clock."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Iterator

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from api.security import CSRF_FIELD, CSRF_HEADER, csrf_valid, session_token
from engine.access import accounts, tenancy
from engine.access import sessions as login_sessions
from engine.access.roles import grants_of
from engine.db.models import User
from engine.db.session import transaction
from engine.errors import AppError, Forbidden

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequired(AppError):
    """Nobody is logged in (HTML: go to the login page; API: 401)."""

    status = 401


def get_runtime(request: Request):
    """Return the runtime the app was built with (engine, clock, settings, database)."""
    return request.app.state.runtime


def get_session(request: Request) -> Iterator[Session]:
    """Open the request's one transaction: commit when the route returns, roll back on error."""
    with transaction(request.app.state.runtime.session_factory) as session:
        yield session


Runtime = Annotated[object, Depends(get_runtime)]
# scope="function": commit before the response is sent, so a redirect never outruns its write.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_now(request: Request, session: SessionDep) -> datetime:
    """Return the engine clock's current time."""
    return request.app.state.runtime.clock.now(session)


Now = Annotated[datetime, Depends(get_now)]


def _act(request: Request, session: Session, user: User, gemeente: str, how: str) -> User:
    """Keep the caller for this request, acting in its working gemeente on the case clock's day."""
    today = request.app.state.runtime.clock.now(session).date()
    user = tenancy.act_in(session, user, gemeente, today=today)
    request.state.principal = user
    request.state.auth = how
    return user


def _session_user(request: Request, session: Session) -> User | None:
    """Return the user of the server-side session named by the cookie (None: not logged in)."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    row = login_sessions.resolve(session, session_token(request))
    user = accounts.get_user(session=session, user_id=row.user_id) if row is not None else None
    if user is None:
        return None
    request.state.login_session = row
    return _act(request, session, user, row.gemeente, "session")


def client_address(request: Request) -> str | None:
    """Return the client address, for throttling per address."""
    return request.client.host if request.client is not None else None


def _basic_auth_user(request: Request, header: str) -> int:
    """Check HTTP basic credentials in their own transaction, so failed attempts count."""
    try:
        decoded = base64.b64decode(header.split(" ", 1)[1], validate=True).decode("utf-8")
        username, password = decoded.split(":", 1)
    except (IndexError, ValueError, binascii.Error, UnicodeDecodeError):
        raise LoginRequired("Ongeldige inloggegevens.") from None
    runtime = request.app.state.runtime
    with transaction(runtime.session_factory) as auth_session:
        user = accounts.authenticate(session=auth_session, username=username, password=password,
                                     address=client_address(request))
        user_id = user.id if user is not None else None
        may_use_basic = user is not None and (
            "beheerder" in (user.roles or []) or grants_of(user).system)
    if user_id is None:
        raise LoginRequired("Ongeldige inloggegevens.")
    if not may_use_basic:
        raise Forbidden("Alleen een beheerder of een systeemaccount mag de API met gebruikersnaam en wachtwoord "
                        "gebruiken.")
    return user_id


def principal(request: Request, session: Session) -> User:
    """Return who calls: HTTP basic (beheerder, system account) or the session cookie; 401 when nobody."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        user = accounts.get_user(session=session, user_id=_basic_auth_user(request, header))
        if user is None:
            raise LoginRequired("Ongeldige inloggegevens.")
        return _act(request, session, user, user.gemeente, "basic")
    user = _session_user(request, session)
    if user is None:
        raise LoginRequired("Log eerst in.")
    return user


def api_user(request: Request, session: SessionDep) -> User:
    """Return the API caller: HTTP basic (beheerder, system account) or the session cookie plus CSRF header."""
    user = principal(request, session)
    if getattr(request.state, "auth", "") == "basic":
        return user
    if request.method not in SAFE_METHODS and not csrf_valid(request, request.headers.get(CSRF_HEADER)):
        raise Forbidden("De beveiligingscode (CSRF) ontbreekt of klopt niet.")
    return user


async def check_form_csrf(request: Request) -> None:
    """Refuse a POST form whose hidden CSRF field does not match the session."""
    if request.method not in SAFE_METHODS:
        form = await request.form()
        if not csrf_valid(request, form.get(CSRF_FIELD)):
            raise Forbidden("Het formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens.")


def web_user(request: Request, session: SessionDep, _csrf: Annotated[None, Depends(check_form_csrf)]) -> User:
    """Return the logged-in user of a web page (POST forms checked for CSRF first)."""
    user = _session_user(request, session)
    if user is None or getattr(request.state, "auth", "") != "session":
        raise LoginRequired("Log eerst in.")
    return user


CurrentUser = Annotated[User, Depends(api_user)]
WebUser = Annotated[User, Depends(web_user)]


async def read_form(request: Request) -> FormData:
    """Return the posted form (parsed once, shared with the CSRF check)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(read_form)]


def safe_next(target: str | None, default: str = "/") -> str:
    """Return a local path to go back to (never another site)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
