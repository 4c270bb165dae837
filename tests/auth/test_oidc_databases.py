"""OpenID Connect login on SQLite and PostgreSQL: link by username, provision, log out."""

from __future__ import annotations

from sqlalchemy import select

from engine.access import accounts
from engine.access.models import LoginSession, OidcIdentity
from engine.db.models import User
from engine.db.session import transaction
from tests.api.conftest import NOW, PASSWORD
from tests.auth.conftest import idp_login, running_regie


def _prepare(runtime):
    with transaction(runtime.session_factory) as session:
        runtime.clock.set(session, NOW)
        accounts.create_user(session=session, username="anna", password=PASSWORD, display_name="Anna de Vries",
                             gemeente="demo", roles=["consulent"], groups=["consulent"])


def test_link_provision_and_logout_on_both_databases(database_url):
    with running_regie(database_url, prepare=_prepare) as regie:
        for person, name in (("anna", "Anna de Vries"), ("nadia", "Nadia El Amrani")):
            with regie.client() as client:
                home = idp_login(client, client.get(regie.url + "/login/oidc"), person)
                assert str(home.url) == regie.url + "/" and name in home.text
                csrf = client.get(regie.url + "/api/me").json()["csrf_token"]
                client.post(regie.url + "/logout", data={"csrf_token": csrf})
                assert client.get(regie.url + "/api/me").status_code == 401
        with regie.client() as again:  # a second login finds the linked identity
            home = idp_login(again, again.get(regie.url + "/login/oidc"), "anna")
            assert str(home.url) == regie.url + "/"
        with transaction(regie.runtime.session_factory) as session:
            linked = session.execute(select(User.username, OidcIdentity.linked_by, OidcIdentity.last_login_at)
                                     .join(OidcIdentity, OidcIdentity.user_id == User.id)
                                     .order_by(User.username)).all()
            assert [(u, how) for u, how, _ in linked] == [("anna", "username"), ("nadia", "provisioned")]
            assert all(at is not None for _, _, at in linked)
            methods = session.execute(select(LoginSession.method, LoginSession.revoked_at.is_(None))).all()
            assert sorted(methods) == [("oidc", False), ("oidc", False), ("oidc", True)]
