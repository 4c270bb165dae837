"""OpenID Connect login against a real provider (npm oidc-provider as its own process), over HTTP."""

from __future__ import annotations

from sqlalchemy import select

from engine.access.models import LoginSession, OidcIdentity
from engine.db.models import AuditEntry, User
from engine.db.session import transaction
from tests.auth.conftest import callback_url, idp_login


def _start(regie, client):
    """Regie's login page -> the button -> the provider's login form."""
    page = client.get(regie.url + "/login")
    assert "Inloggen met Test-IdP" in page.text
    form = client.get(regie.url + "/login/oidc")
    assert form.url.host == "127.0.0.1" and str(form.url).startswith(regie.provider.issuer + "/interaction/")
    return form


def _audit(regie, action):
    with transaction(regie.runtime.session_factory) as session:
        return [(a.actor, a.detail) for a in session.execute(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).scalars()]


def test_an_existing_klantmanager_logs_in_and_lands_in_the_inbox_with_a_server_side_session(regie):
    with regie.client() as client:
        home = idp_login(client, _start(regie, client), "anna")
        assert str(home.url) == regie.url + "/"
        assert home.status_code == 200 and "Anna de Vries" in home.text and "Welkom, Anna de Vries." in home.text
        me = client.get(regie.url + "/api/me").json()
        assert me["username"] == "anna"
    with transaction(regie.runtime.session_factory) as session:
        user = session.execute(select(User).where(User.username == "anna")).scalar_one()
        live = session.execute(select(LoginSession).where(LoginSession.user_id == user.id)).scalars().all()
        assert [s.method for s in live] == ["oidc"] and live[0].revoked_at is None
        identity = session.execute(select(OidcIdentity).where(OidcIdentity.user_id == user.id)).scalar_one()
        assert (identity.issuer, identity.subject, identity.claim, identity.linked_by) == (
            regie.provider.issuer, "idp-7f3c-anna", "sub", "username")
    assert ("anna", {"method": "oidc"}) in _audit(regie, "login")
    assert _audit(regie, "oidc_linked")[0][1]["how"] == "username"
