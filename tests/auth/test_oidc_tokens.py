"""The ID token is checked: signature against the provider's keys, audience, expiry, nonce, issuer.

Every token here is a real one from the real provider; a test changes it in transit (tampering,
swapping in a token issued to another client) or lets it age, and Regie must refuse it."""

from __future__ import annotations

import base64
import json
import logging
import time
from datetime import datetime, timedelta, timezone

import httpx
from authlib.oauth2.rfc7636 import create_s256_code_challenge
import pytest
from sqlalchemy import select

from engine.access import oidc
from engine.access.models import LoginSession
from engine.db.models import AuditEntry
from engine.db.session import transaction
from tests.auth.conftest import CLIENTS, idp_login, query_of


def _start(regie, client):
    return client.get(regie.url + "/login/oidc")


def _refusals(regie):
    with transaction(regie.runtime.session_factory) as session:
        return [a.detail["reason"] for a in session.execute(
            select(AuditEntry).where(AuditEntry.action == "login_refused").order_by(AuditEntry.id)).scalars()]


def _no_session(regie):
    with transaction(regie.runtime.session_factory) as session:
        return session.execute(select(LoginSession)).first() is None


def token_for(regie, client_id: str, nonce: str, login: str = "anna") -> dict:
    """Run the code flow at the provider as `client_id` (own PKCE) and return its token response."""
    verifier = "v" * 50
    client = httpx.Client(timeout=20)
    metadata = client.get(regie.provider.issuer + "/.well-known/openid-configuration").json()
    params = {"client_id": client_id, "response_type": "code", "redirect_uri": regie.redirect_url,
              "scope": "openid profile groups", "state": "s" * 20, "nonce": nonce,
              "code_challenge": create_s256_code_challenge(verifier), "code_challenge_method": "S256"}
    form = client.get(metadata["authorization_endpoint"], params=params, follow_redirects=True)
    back = idp_login(client, form, login, stop_at=regie.redirect_url)
    code = query_of(str(back.next_request.url))["code"]
    response = client.post(metadata["token_endpoint"], auth=(client_id, CLIENTS[client_id]),
                           data={"grant_type": "authorization_code", "code": code,
                                 "redirect_uri": regie.redirect_url, "code_verifier": verifier})
    assert response.status_code == 200, response.text
    return response.json()


def _tamper(id_token: str) -> str:
    header, payload, signature = id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "idp-0b3e-bea"  # pretend to be the beheerder
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def _login_with(regie, monkeypatch, change_token=None, validate_now=None, login="anna"):
    """Log in through Regie while the token response is changed in transit (or validated later)."""
    seen = {}
    original_exchange = oidc.OidcClient.exchange

    def exchange(self, code, verifier):
        token = original_exchange(self, code, verifier)
        seen.update(token)
        return change_token(token) if change_token else token

    monkeypatch.setattr(oidc.OidcClient, "exchange", exchange)
    if validate_now is not None:
        original_validate = oidc.OidcClient.validate_id_token
        monkeypatch.setattr(oidc.OidcClient, "validate_id_token",
                            lambda self, token, **kw: original_validate(self, token, **{**kw, "now": validate_now()}))
    with regie.client() as client:
        response = idp_login(client, _start(regie, client), login)
        me = client.get(regie.url + "/api/me")
    return response, me, seen


def test_a_genuine_token_logs_in_and_neither_token_nor_code_reaches_a_log(regie, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    response, me, seen = _login_with(regie, monkeypatch)
    assert response.status_code == 200 and me.json()["username"] == "anna"
    text = caplog.text
    for secret in (seen["id_token"], seen["access_token"], seen["id_token"].split(".")[1]):
        assert secret not in text


def test_a_tampered_id_token_is_refused(regie, monkeypatch):
    response, me, _ = _login_with(regie, monkeypatch, lambda t: {**t, "id_token": _tamper(t["id_token"])})
    assert response.status_code == 400 and "klopt niet" in response.text
    assert me.status_code == 401 and _no_session(regie)
    assert _refusals(regie) == ["id_token_signature"]


def test_an_unsigned_id_token_is_refused(regie, monkeypatch):
    def unsigned(token):
        _, payload, _ = token["id_token"].split(".")
        header = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
        return {**token, "id_token": f"{header}.{payload}."}

    response, me, _ = _login_with(regie, monkeypatch, unsigned)
    assert response.status_code == 400 and me.status_code == 401
    assert _refusals(regie) == ["id_token_signature"]


def test_an_expired_id_token_is_refused(regie, monkeypatch):
    later = lambda: datetime.now(timezone.utc) + timedelta(hours=2)  # noqa: E731 - the token is 2 hours old
    response, me, _ = _login_with(regie, monkeypatch, validate_now=later)
    assert response.status_code == 400 and me.status_code == 401 and _no_session(regie)
    assert _refusals(regie) == ["id_token_exp"]


def test_an_id_token_issued_to_another_client_is_refused(regie, monkeypatch):
    """A real token of `andere-app` (same provider, same person, even the same nonce) swapped in."""
    def swap(token):
        nonce = oidc_nonce_of(token["id_token"])
        other = token_for(regie, "andere-app", nonce)
        return {**token, "id_token": other["id_token"], "access_token": other["access_token"]}

    response, me, _ = _login_with(regie, monkeypatch, swap)
    assert response.status_code == 400 and me.status_code == 401 and _no_session(regie)
    assert _refusals(regie) == ["id_token_aud"]


def oidc_nonce_of(id_token: str) -> str:
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["nonce"]


def test_validation_of_real_tokens_checks_audience_nonce_issuer_and_expiry(regie):
    token = token_for(regie, "regie", "nonce-een")
    config = oidc.config_from(regie.runtime.settings)
    client = oidc.OidcClient(config)
    claims = client.validate_id_token(token["id_token"], nonce="nonce-een", access_token=token["access_token"])
    assert claims["sub"] == "idp-7f3c-anna" and claims["aud"] == "regie"
    refusals = {
        "id_token_nonce": lambda: client.validate_id_token(token["id_token"], nonce="een-andere"),
        "id_token_exp": lambda: client.validate_id_token(
            token["id_token"], nonce="nonce-een", now=datetime.now(timezone.utc) + timedelta(hours=1, minutes=2)),
        "id_token_iat": lambda: client.validate_id_token(
            token["id_token"], nonce="nonce-een", now=datetime.now(timezone.utc) - timedelta(minutes=5)),
        "id_token_signature": lambda: client.validate_id_token(_tamper(token["id_token"]), nonce="nonce-een"),
    }
    for reason, attempt in refusals.items():
        with pytest.raises(oidc.OidcRefused) as refused:
            attempt()
        assert refused.value.reason == reason
    # One minute of clock skew is tolerated on either side of the expiry.
    still = datetime.now(timezone.utc) + timedelta(hours=1, seconds=30)
    assert client.validate_id_token(token["id_token"], nonce="nonce-een", now=still)["sub"] == "idp-7f3c-anna"
    # The same token for a Regie configured as another client, or trusting another issuer: refused.
    other = oidc.OidcClient(oidc.OidcConfig(**{**config.__dict__, "client_id": "andere-app"}))
    with pytest.raises(oidc.OidcRefused) as refused:
        other.validate_id_token(token["id_token"], nonce="nonce-een")
    assert refused.value.reason == "id_token_aud"
    # A token whose iss is not the configured issuer (as if another provider signed it with these keys).
    trusting_other = oidc.OidcClient(oidc.OidcConfig(**{**config.__dict__, "issuer": "https://idp.elders.test"}))
    trusting_other._metadata = (time.monotonic(), client.metadata())
    with pytest.raises(oidc.OidcRefused) as refused:
        trusting_other.validate_id_token(token["id_token"], nonce="nonce-een")
    assert refused.value.reason == "id_token_iss"
    # Discovery: the document must name the configured issuer (here the same server by another name).
    renamed = oidc.OidcClient(oidc.OidcConfig(**{**config.__dict__,
                                                 "issuer": config.issuer.replace("127.0.0.1", "localhost")}))
    with pytest.raises(oidc.OidcRefused) as refused:
        renamed.metadata()
    assert refused.value.reason == "issuer_mismatch"
