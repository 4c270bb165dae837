"""Request dependencies: the runtime, one transaction per request, the current user, the clock."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Iterator

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from api.security import CSRF_FIELD, CSRF_HEADER, csrf_valid, session_user_id
from engine.access import accounts
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


def _session_user(request: Request, session: Session) -> User | None:
    uid = session_user_id(request)
    return accounts.get_user(session=session, user_id=uid) if uid is not None else None


def _basic_auth_user(request: Request, header: str) -> int:
    """Check HTTP basic credentials in their own transaction, so failed attempts count."""
    try:
        decoded = base64.b64decode(header.split(" ", 1)[1], validate=True).decode("utf-8")
        username, password = decoded.split(":", 1)
    except (IndexError, ValueError, binascii.Error, UnicodeDecodeError):
        raise LoginRequired("Ongeldige inloggegevens.") from None
    runtime = request.app.state.runtime
    with transaction(runtime.session_factory) as auth_session:
        now = runtime.clock.now(auth_session)
        user = accounts.authenticate(session=auth_session, username=username, password=password, now=now)
        user_id = user.id if user is not None else None
        is_beheerder = user is not None and "beheerder" in (user.roles or [])
    if user_id is None:
        raise LoginRequired("Ongeldige inloggegevens.")
    if not is_beheerder:
        raise Forbidden("Alleen een beheerder mag de API met gebruikersnaam en wachtwoord gebruiken.")
    return user_id


def api_user(request: Request, session: SessionDep) -> User:
    """Return the API caller: HTTP basic (beheerder) or the session cookie plus CSRF header."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        user = accounts.get_user(session=session, user_id=_basic_auth_user(request, header))
        if user is None:
            raise LoginRequired("Ongeldige inloggegevens.")
        return user
    user = _session_user(request, session)
    if user is None:
        raise LoginRequired("Log eerst in.")
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
    if user is None:
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
