"""Web pages: log in and log out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import Now, SessionDep, check_form_csrf
from api.security import flash, log_in, log_out, session_user_id
from api.templating import render
from engine.access import accounts

router = APIRouter()
CsrfChecked = Annotated[None, Depends(check_form_csrf)]
LOGIN_FAILED = (
    "Dat lukte niet. Controleer uw gebruikersnaam en wachtwoord. "
    f"Na {accounts.MAX_FAILED_LOGINS} mislukte pogingen is uw account "
    f"{int(accounts.LOCKOUT_DURATION.total_seconds() // 60)} minuten geblokkeerd."
)


@router.get("/login")
def login_page(request: Request) -> Response:
    """Show the login form."""
    if session_user_id(request) is not None:
        return RedirectResponse("/", status_code=303)
    return render(request, "login.html", {"title": "Inloggen", "username": "", "error": None})


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    now: Now,
    _csrf: CsrfChecked,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    """Check the password; start a session or show the form again with a message."""
    user = accounts.authenticate(session=session, username=username, password=password, now=now)
    if user is None:
        context = {"title": "Inloggen", "username": username, "error": LOGIN_FAILED}
        return render(request, "login.html", context, status_code=401)
    log_in(request, user)
    flash(request, f"Welkom, {user.display_name}.")
    return RedirectResponse("/", status_code=303)


@router.post("/logout")
def logout(request: Request, _csrf: CsrfChecked) -> Response:
    """End the session and go back to the login page."""
    log_out(request)
    return RedirectResponse("/login", status_code=303)
