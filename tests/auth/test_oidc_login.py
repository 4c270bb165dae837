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


def _to_callback(regie, client, login="anna"):
    """Log in at the provider and stop at its redirect back to Regie; return the callback URL."""
    response = idp_login(client, _start(regie, client), login, stop_at=regie.redirect_url)
    url = callback_url(response)
    assert url.startswith(regie.redirect_url) and "code=" in url
    return url


def _sessions(regie):
    with transaction(regie.runtime.session_factory) as session:
        return session.execute(select(LoginSession)).scalars().all()


def _refusals(regie):
    return [detail["reason"] for _, detail in _audit(regie, "login_refused")]


def test_a_beheerder_lands_on_the_beheer_page(regie):
    with regie.client() as client:
        home = idp_login(client, _start(regie, client), "bea")
        assert str(home.url) == regie.url + "/beheer" and home.status_code == 200


def test_a_new_person_with_a_mapped_group_gets_an_account_with_exactly_the_mapped_roles(regie):
    with regie.client() as client:
        home = idp_login(client, _start(regie, client), "nadia")
        assert str(home.url) == regie.url + "/" and "Nadia El Amrani" in home.text
    with transaction(regie.runtime.session_factory) as session:
        user = session.execute(select(User).where(User.username == "nadia")).scalar_one()
        assert sorted(user.roles) == ["consulent", "teamleider"]
        assert sorted(user.groups) == ["consulent", "teamleider"]
        assert user.gemeente == "demo"
    provisioned = _audit(regie, "oidc_provisioned")
    assert provisioned == [("nadia", {"roles": ["consulent", "teamleider"], "gemeenten": ["demo"]})]
    # The account has no password: the password form never lets anyone in as nadia.
    with regie.client() as other:
        page = other.get(regie.url + "/login")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        refused = other.post(regie.url + "/login", data={"csrf_token": token, "username": "nadia",
                                                         "password": "!oidc"}, follow_redirects=False)
        assert refused.status_code == 401


def test_the_provider_decides_the_roles_never_one_the_mapping_does_not_give(regie):
    with transaction(regie.runtime.session_factory) as session:
        anna = session.execute(select(User).where(User.username == "anna")).scalar_one()
        anna.roles = ["consulent", "beheerder"]
    with regie.client() as client:
        home = idp_login(client, _start(regie, client), "anna")
        assert str(home.url) == regie.url + "/"
        assert client.get(regie.url + "/beheer", follow_redirects=False).status_code == 403
    with transaction(regie.runtime.session_factory) as session:
        assert session.execute(select(User.roles).where(User.username == "anna")).scalar_one() == ["consulent"]
    assert _audit(regie, "oidc_roles") == [("anna", {"from": ["beheerder", "consulent"], "to": ["consulent"]})]


def test_a_person_without_account_or_mapped_group_gets_a_dutch_403_page_and_is_audited(regie):
    with regie.client() as client:
        refused = idp_login(client, _start(regie, client), "tom")
        assert refused.status_code == 403 and refused.url.path == "/login/oidc/callback"
        assert "Inloggen lukt niet" in refused.text and "geen account in Regie" in refused.text
        assert client.get(regie.url + "/api/me").status_code == 401
    assert _sessions(regie) == []
    refusals = _audit(regie, "login_refused")
    assert [d["reason"] for _, d in refusals] == ["unknown_person"]
    assert "idp-99f1-tom" not in str(refusals) and len(refusals[0][1]["identity"]) == 16


def test_a_known_account_whose_group_maps_onto_no_role_is_refused(regie):
    with transaction(regie.runtime.session_factory) as session:
        from engine.access import accounts

        accounts.create_user(session=session, username="tom", password="geheim-wachtwoord-1", display_name="Tom",
                             gemeente="demo", roles=["consulent"], groups=["consulent"])
    with regie.client() as client:
        refused = idp_login(client, _start(regie, client), "tom")
        assert refused.status_code == 403 and "geen rol in Regie" in refused.text
    assert _refusals(regie) == ["no_role"]
    with transaction(regie.runtime.session_factory) as session:
        assert session.execute(select(OidcIdentity)).first() is None  # a refusal writes nothing but the audit


def test_a_wrong_state_is_refused_and_the_flow_cannot_be_replayed(regie):
    with regie.client() as client:
        url = _to_callback(regie, client)
        wrong = client.get(url.replace("state=", "state=x"))
        assert wrong.status_code == 400 and "Begin opnieuw" in wrong.text
        # The flow was used up by the wrong attempt: the genuine callback no longer works either.
        again = client.get(url)
        assert again.status_code == 400
        assert client.get(regie.url + "/api/me").status_code == 401
    assert _refusals(regie) == ["state", "no_flow"]
    assert _sessions(regie) == []


def test_a_callback_from_another_browser_is_refused(regie):
    with regie.client() as client:
        url = _to_callback(regie, client)
    with regie.client() as attacker:
        assert attacker.get(url).status_code == 400
        assert attacker.get(regie.url + "/api/me").status_code == 401
    assert _refusals(regie) == ["no_flow"]


def test_aborting_at_the_provider_is_refused_politely(regie):
    with regie.client() as client:
        form = _start(regie, client)
        action = form.text.split('action="')[2].split('"')[0]
        refused = client.post(regie.provider.issuer + action)
        assert refused.status_code == 403 and "afgebroken" in refused.text
    assert _refusals(regie) == ["provider_denied"]


def test_logout_ends_the_session_on_the_server(regie):
    with regie.client() as client:
        idp_login(client, _start(regie, client), "anna")
        me = client.get(regie.url + "/api/me").json()
        cookie = client.cookies.get("regie_session")
        out = client.post(regie.url + "/logout", data={"csrf_token": me["csrf_token"]}, follow_redirects=False)
        assert out.status_code == 303 and out.headers["location"] == "/login"
        assert client.get(regie.url + "/api/me").status_code == 401
    with regie.client() as replay:
        replay.cookies.set("regie_session", cookie)
        assert replay.get(regie.url + "/api/me").status_code == 401
    assert [s.revoked_by for s in _sessions(regie)] == ["anna"]


def test_the_callback_is_throttled_per_client_address(regie):
    from engine.access import throttle

    with regie.client() as client:
        for _ in range(throttle.FREE_FAILURES):
            assert client.get(regie.redirect_url + "?code=x&state=y").status_code == 400
        throttled = client.get(regie.redirect_url + "?code=x&state=y")
        assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) >= 1
        assert "te veel mislukte pogingen" in throttled.text.lower()
