"""Web pages: log in and log out (server-side sessions, throttled logins), switch gemeente."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import (
    Now,
    SessionDep,
    WebUser,
    check_form_csrf,
    client_address,
    principal,
)
from api.security import flash, log_in, log_out, session_token
from api.templating import render
from engine.access import accounts, roles, tenancy
from engine.access import sessions as login_sessions
from engine.db.models import User
from engine.errors import Forbidden

router = APIRouter()
CsrfChecked = Annotated[None, Depends(check_form_csrf)]
LOGIN_FAILED = (
    "Dat lukte niet. Controleer uw gebruikersnaam en wachtwoord. "
    "Na een paar mislukte pogingen moet u steeds iets langer wachten voor u het opnieuw kunt proberen."
)
MAX_LOGIN_FIELD = 200


HOMES = (("tasks.work", "/"), ("beheer", "/beheer"), ("monitoring.read", "/monitoring"), ("access.inzage", "/inzage"))


PASSWORD_LOGIN_OFF = "Inloggen met een wachtwoord staat uit. Gebruik de knop om in te loggen via uw organisatie."


def login_context(request: Request, username: str = "", error: str | None = None) -> dict:
    """The login page's context: the password form and, when configured, the identity provider's button."""
    client = getattr(request.app.state, "oidc_client", None)
    return {"title": "Inloggen", "username": username, "error": error,
            "oidc_name": client.config.provider_name if client is not None else None,
            "password_login": client is None or client.config.password_login}


def home_of(user) -> str:
    """The first page a person may open: the inbox, else the beheer, monitoring or inzage screens."""
    return next((path for capability, path in HOMES if roles.may(user, capability)), "/")


@router.get("/login")
def login_page(request: Request, session: SessionDep) -> Response:
    """Show the login form."""
    current = login_sessions.resolve(session, session_token(request))
    if current is not None:
        user = session.get(User, current.user_id)
        return RedirectResponse(home_of(user) if user is not None else "/", status_code=303)
    return render(request, "login.html", login_context(request))


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    _csrf: CsrfChecked,
    now: Now,
    username: Annotated[str, Form(max_length=MAX_LOGIN_FIELD)] = "",
    password: Annotated[str, Form(max_length=MAX_LOGIN_FIELD)] = "",
) -> Response:
    """Check the password; start a session or show the form again with a message (429 while throttled)."""
    if not login_context(request)["password_login"]:
        raise Forbidden(PASSWORD_LOGIN_OFF)
    try:
        user = accounts.authenticate(session=session, username=username, password=password,
                                     address=client_address(request))
    except accounts.LoginThrottled as exc:
        context = login_context(request, username, exc.message)
        response = render(request, "login.html", context, status_code=429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if user is None:
        context = login_context(request, username, LOGIN_FAILED)
        return render(request, "login.html", context, status_code=401)
    log_in(request, session, user)
    login_sessions.record_login(session, user, method="password", now=now)
    flash(request, f"Welkom, {user.display_name}.")
    return RedirectResponse(home_of(user), status_code=303)


@router.post("/logout")
def logout(request: Request, session: SessionDep, _csrf: CsrfChecked) -> Response:
    """End the session on the server and go back to the login page."""
    user = principal(request, session)
    log_out(request, session, actor=user.username)
    return RedirectResponse("/login", status_code=303)


@router.post("/gemeente")
def switch_gemeente(request: Request, session: SessionDep, user: WebUser, now: Now,
                    gemeente: Annotated[str, Form(max_length=32)] = "") -> Response:
    """Work in another of your gemeenten from now on (audited under that gemeente)."""
    tenancy.check_switch(session, user, gemeente, now)
    login_sessions.switch_gemeente(session, request.state.login_session, gemeente)
    flash(request, f"U werkt nu voor gemeente {gemeente}.")
    return RedirectResponse(home_of(user), status_code=303)
