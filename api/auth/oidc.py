"""Web pages: log in through the gemeente's identity provider (OpenID Connect, engine/access/oidc.py).

`GET /login/oidc` starts the authorization code flow (PKCE, state, nonce kept in the signed session
cookie) and sends the browser to the provider; `GET /login/oidc/callback` checks the answer, maps
the person onto a Regie account and starts the same server-side session as a password login.
Refusals are a Dutch page (400/403/502), audited, and count for the client address's throttling.
Both routes answer 404 while OpenID Connect is off.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.auth.routes import home_of
from api.deps import Now, SessionDep, client_address
from api.security import flash, log_in
from api.templating import render
from engine.access import oidc, throttle
from engine.access import sessions as login_sessions
from engine.errors import NotFound

router = APIRouter()
FLOW_KEY = "oidc_flow"

MESSAGES = {
    "again": "Het inloggen is verlopen of niet hier begonnen. Begin opnieuw met de knop op de inlogpagina.",
    "unknown_person": "U bent bij {name} ingelogd, maar u heeft geen account in Regie. Vraag de functioneel "
                      "beheerder van Regie om u toegang te geven.",
    "no_role": "U bent bij {name} ingelogd, maar uw organisatie geeft u geen rol in Regie. Vraag uw "
               "leidinggevende of de functioneel beheerder om toegang.",
    "account_inactive": "Uw account in Regie is geblokkeerd. Neem contact op met de functioneel beheerder.",
    "provider_denied": "Het inloggen bij {name} is afgebroken of niet toegestaan. U bent niet ingelogd.",
    "provider_unreachable": "{name} is nu niet bereikbaar. Probeer het over een paar minuten opnieuw.",
    "bad_answer": "Het antwoord van {name} klopt niet. Daarom bent u niet ingelogd. Probeer het opnieuw. Lukt het "
                  "weer niet? Neem dan contact op met de functioneel beheerder.",
    "throttled": "Er zijn te veel mislukte pogingen om in te loggen. Probeer het over {seconds} seconden opnieuw.",
}
MESSAGE_OF_REASON = {
    "no_flow": "again", "state": "again", "flow_expired": "again", "no_code": "again",
    "unknown_person": "unknown_person", "subject_claim_missing": "unknown_person",
    "no_role": "no_role", "gemeente_not_granted": "no_role", "gemeente_unknown": "no_role",
    "account_inactive": "account_inactive", "provider_denied": "provider_denied",
    "provider_unreachable": "provider_unreachable", "provider_error": "provider_unreachable",
    "issuer_mismatch": "provider_unreachable",
}


def client_of(request: Request) -> oidc.OidcClient:
    """The app's OpenID Connect client, or 404 while the login through an identity provider is off."""
    client = getattr(request.app.state, "oidc_client", None)
    if client is None:
        raise NotFound("Inloggen via een identity provider staat uit.")
    return client


def _refusal(request: Request, client: oidc.OidcClient, key: str, status: int, **values) -> Response:
    text = MESSAGES[key].format(name=client.config.provider_name, **values)
    context = {"title": "Inloggen lukt niet", "message": text}
    return render(request, "oidc_refused.html", context, status_code=status)


@router.get("/login/oidc")
def oidc_start(request: Request) -> Response:
    """Send the browser to the identity provider (authorization code flow with PKCE)."""
    client = client_of(request)
    try:
        url, flow = client.begin()
    except oidc.OidcRefused:
        return _refusal(request, client, "provider_unreachable", 502)
    request.session[FLOW_KEY] = flow.as_dict()
    return RedirectResponse(url, status_code=303)


@router.get("/login/oidc/callback")
def oidc_callback(request: Request, session: SessionDep, now: Now) -> Response:
    """Finish the login: check state, code, ID token and account; start the session or refuse."""
    client = client_of(request)
    address = client_address(request)
    flow = oidc.Flow.from_dict(request.session.pop(FLOW_KEY, None))
    wait = throttle.wait_seconds(session, account="", address=address)
    if wait > 0:
        seconds = max(1, int(wait + 0.999))
        response = _refusal(request, client, "throttled", 429, seconds=seconds)
        response.headers["Retry-After"] = str(seconds)
        return response
    claims = None
    try:
        claims = client.finish(flow, request.query_params)
        user = oidc.account_for(session, client.config, claims, now=now)
    except oidc.OidcRefused as exc:
        throttle.record_failure(session, account="", address=address)
        oidc.record_refusal(session, client.config, exc.reason, claims, now=now)
        return _refusal(request, client, MESSAGE_OF_REASON.get(exc.reason, "bad_answer"), exc.status)
    log_in(request, session, user, method="oidc")
    login_sessions.record_login(session, user, method="oidc", now=now)
    flash(request, f"Welkom, {user.display_name}.")
    return RedirectResponse(home_of(user), status_code=303)
