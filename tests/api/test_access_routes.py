"""Every route of the app has an access rule, and every role gets exactly what its rule says.

The routes are enumerated from FastAPI itself, so a route added anywhere without a line in
engine/access/routes.py fails here with its method and path.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from api.auth.guard import NO_RULE
from engine.access import accounts, roles
from engine.access.routes import LOGGED_IN, OWN_AUTH, PUBLIC, ROUTE_RULES, rule_for
from engine.db.session import transaction
from tests.api.conftest import _basic_client, PASSWORD, Browser

ROLE_ACCOUNTS = {name: f"rol-{name}" for name in roles.ROLES}


def app_routes(app) -> list[tuple[str, str]]:
    """(method, path template) of every route of the app; mounts as `path/*`."""
    found = []
    for context in iter_route_contexts(app.routes):
        methods = sorted((context.methods or set()) - {"HEAD"})
        if not methods:
            found.append(("*", context.path.rstrip("/") + "/*"))
        found.extend((m, context.path) for m in methods)
    return found


def test_every_route_of_the_app_has_an_access_rule(app):
    missing = [f"{method} {path}" for method, path in app_routes(app)
               if rule_for(method if method != "*" else "GET", path.removesuffix("*") + "x" if method == "*" else path)
               is None]
    assert not missing, ("routes without an access rule; add a line per route (or prefix) to "
                         "ROUTE_RULES in engine/access/routes.py:\n  " + "\n  ".join(missing))


def test_every_rule_names_a_known_capability():
    unknown = {key: rule for key, rule in ROUTE_RULES.items()
               if rule not in (PUBLIC, LOGGED_IN, OWN_AUTH) and rule not in roles.CAPABILITIES}
    assert not unknown


@pytest.fixture
def role_clients(app, runtime):
    """One logged-in client per role (system accounts by HTTP basic, people by the login form)."""
    with transaction(runtime.session_factory) as session:
        for name, username in ROLE_ACCOUNTS.items():
            role = roles.ROLES[name]
            accounts.create_user(session=session, username=username, password=PASSWORD, display_name=name,
                                 gemeente="demo", roles=[name], groups=sorted(role.task_groups))
    clients = {}
    for name, username in ROLE_ACCOUNTS.items():
        if roles.ROLES[name].system or name == "beheerder":
            clients[name] = (_basic_client(app, username), "")
        else:
            browser = Browser(TestClient(app))
            assert browser.login(username).status_code == 303, name
            clients[name] = (browser.client, browser.csrf)
    return clients


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_role_on_every_route_gets_what_its_rule_says(app, role_clients):
    wrong = []
    # Log out last: it ends the session the other calls use.
    for method, path in sorted(app_routes(app), key=lambda route: route[1] == "/logout"):
        if method == "*":
            continue
        rule = rule_for(method, path)
        if rule in (PUBLIC, OWN_AUTH):
            continue
        for name, (client, csrf) in role_clients.items():
            response = client.request(method, _url(path), headers={"X-CSRF-Token": csrf},
                                      data={"csrf_token": csrf} if not path.startswith("/api") else None,
                                      follow_redirects=False)
            refused = response.status_code == 403 and "Uw rol geeft geen recht" in response.text
            allowed = rule == LOGGED_IN or rule in roles.ROLES[name].capabilities
            if refused == allowed or (response.status_code == 403 and NO_RULE in response.text):
                wrong.append(f"{name}: {method} {path} -> {response.status_code} (rule {rule})")
    assert not wrong, "\n".join(wrong)


def test_nobody_logged_in_gets_401_or_the_login_page(app):
    client = TestClient(app)
    for method, path in app_routes(app):
        rule = rule_for(method, path) if method != "*" else PUBLIC
        if rule in (PUBLIC, OWN_AUTH):
            continue
        response = client.request(method, _url(path), follow_redirects=False)
        assert response.status_code in (401, 303, 403), f"{method} {path}: {response.status_code}"
        if response.status_code == 303:
            assert response.headers["location"] == "/login"


def test_a_route_without_a_rule_is_refused_and_named(app, monkeypatch):
    from engine.access import routes as route_rules

    browser = Browser(TestClient(app))
    browser.login("anna")
    monkeypatch.delitem(route_rules.ROUTE_RULES, "GET /api/me")
    missing = [f"{m} {p}" for m, p in app_routes(app) if m != "*" and rule_for(m, p) is None]
    assert missing == ["GET /api/me"]
    response = browser.get("/api/me")
    assert response.status_code == 403 and NO_RULE in response.text


def test_developers_md_carries_the_role_capability_table_of_the_code():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "DEVELOPERS.md").read_text(encoding="utf-8")
    assert roles.capability_matrix_markdown() in text, "regenerate the table in DEVELOPERS.md (Access model)"
