"""Teams decide which cases a klantmanager sees, opens, claims and is given (SQLite and PostgreSQL).

Team A is the demo gemeente's default team (anna, tess), team B is "Team Zuid" (bert, tess), and
"Regio Eemland" is a regional team of demo and Amersfoort (rita). Refusals are 404s like every
other need-to-know refusal; assigning outside the case's team is a 422 naming the reason.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import column, select, table, text

from api.app import create_app
from engine.access import accounts, tenancy
from engine.access.models import Team, TeamMember
from engine.config import Settings
from engine.db.migrate import upgrade
from engine.db.models import AuditEntry, Case, User, UserTask
from engine.db.session import make_engine, make_session_factory, transaction
from engine.db.state_column import CompactJSON
from engine.running.runtime import build_runtime
from tests.api.conftest import FIXTURES, NOW, PASSWORD, PERSON, Browser, _handlers

PEOPLE = [
    ("anna", "demo", ["consulent"], ["consulent"]),
    ("bert", "demo", ["consulent"], ["consulent"]),
    ("tess", "demo", ["teamleider", "consulent"], ["consulent", "teamleider"]),
    ("karel", "demo", ["handhaving"], ["handhaving"]),
    ("bea", "demo", ["beheerder"], []),
    ("rita", "demo", ["consulent"], ["consulent"]),
    ("olaf", "amersfoort", ["consulent"], ["consulent"]),
]


@pytest.fixture
def world(database_url):
    """A migrated database (SQLite or PostgreSQL) with the people above and the test process."""
    runtime = build_runtime(Settings(database_url=database_url, clock="database", secret_key="teams-test"),
                            handlers=_handlers())
    with transaction(runtime.session_factory) as session:
        runtime.clock.set(session, NOW)
        for username, gemeente, roles, groups in PEOPLE:
            accounts.create_user(session=session, username=username, password=PASSWORD, display_name=username.title(),
                                 gemeente=gemeente, roles=roles, groups=groups)
        files = [(p.name, p.read_bytes()) for p in sorted(FIXTURES.iterdir()) if p.suffix in (".bpmn", ".form")]
        runtime.engine.deploy(session=session, files=files, actor="test")
    app = create_app(runtime)

    def login(username: str) -> Browser:
        browser = Browser(TestClient(app))
        assert browser.login(username).status_code == 303
        return browser

    yield runtime, login
    runtime.db.dispose()


def _team_b(bea: Browser) -> int:
    """Team Zuid with bert (member) and tess (leads); bert leaves the default team."""
    created = bea.api("POST", "/api/teams", json={"name": "Team Zuid"})
    assert created.status_code == 201, created.text
    team_id = created.json()["id"]
    assert bea.api("PUT", f"/api/teams/{team_id}/members/bert", json={}).status_code == 200
    assert bea.api("PUT", f"/api/teams/{team_id}/members/tess", json={"leads": True}).status_code == 200
    default = next(t for t in bea.get("/api/teams").json() if t["is_default"])
    assert bea.api("DELETE", f"/api/teams/{default['id']}/members/bert").status_code == 200
    return team_id


def _start(browser: Browser, naam: str, team_id: int | None = None, bsn: str = "123456782") -> tuple[str, str]:
    body = {"process_id": "klantreis_test", "data": {**PERSON, "naam": naam, "bsn": bsn}}
    if team_id is not None:
        body["team_id"] = team_id
    response = browser.api("POST", "/api/cases", json=body)
    assert response.status_code == 201, response.text
    case = response.json()
    task = browser.get(f"/api/cases/{case['id']}").json()["open_tasks"][0]["id"]
    return case["id"], task


def test_a_klantmanager_sees_opens_and_claims_only_the_cases_of_their_teams(world):
    runtime, login = world
    bea, tess, anna, bert, karel = (login(u) for u in ("bea", "tess", "anna", "bert", "karel"))
    team_b = _team_b(bea)
    case_a, task_a = _start(tess, "Amina Yusuf")
    case_b, task_b = _start(tess, "Yonas Tesfaye", team_b, bsn="111222333")
    assert tess.get(f"/api/cases/{case_b}").json()["team"] == "Team Zuid"
    assert tess.get(f"/api/cases/{case_a}").json()["team"] == "Standaardteam"

    assert anna.get(f"/api/cases/{case_b}").status_code == 404, "another team's case does not exist for anna"
    assert anna.get(f"/zaken/{case_b}").status_code == 404
    assert anna.api("POST", f"/api/tasks/{task_b}/claim").status_code == 404
    assert anna.get(f"/api/tasks/{task_b}").status_code == 404
    assert [c["id"] for c in anna.get("/api/cases?q=a").json()] == [case_a]
    assert anna.api("POST", "/api/cases/search", json={"bsn": "111222333"}).json() == []
    assert {r["task_id"] for r in anna.get("/api/tasks?view=groups").json()["rows"]} == {task_a}
    assert anna.api("POST", f"/api/tasks/{task_a}/claim").status_code == 200

    assert bert.get(f"/api/cases/{case_a}").status_code == 404
    assert bert.get(f"/api/cases/{case_b}").status_code == 200
    assert {r["task_id"] for r in bert.get("/api/tasks?view=groups").json()["rows"]} == {task_b}
    assert {r["task_id"] for r in tess.get("/api/tasks?view=team").json()["rows"]} == {task_a, task_b}, \
        "the teamleider of both teams sees both"
    for case_id in (case_a, case_b):
        assert karel.get(f"/api/cases/{case_id}").status_code == 200, "handhaving works for the whole gemeente"


def test_assignment_offers_and_accepts_only_people_in_the_case_team(world):
    runtime, login = world
    bea, tess = login("bea"), login("tess")
    team_b = _team_b(bea)
    _, task_b = _start(tess, "Yonas Tesfaye", team_b, bsn="111222333")
    offered = [p["username"] for p in tess.get(f"/api/tasks/{task_b}/assignees").json()]
    assert "bert" in offered and "tess" in offered and "anna" not in offered and "karel" not in offered
    page = tess.get(f"/taken/{task_b}").text
    assert 'value="bert"' in page and 'value="anna"' not in page, "the page offers only the team"
    refused = tess.api("POST", f"/api/tasks/{task_b}/assign", json={"assignee": "anna", "reason": "drukte"})
    assert refused.status_code == 422
    assert "hoort niet bij het team van dit dossier" in refused.json()["field_errors"]["assignee"]
    bulk = tess.api("POST", "/api/tasks/assign", json={"task_ids": [task_b], "assignee": "anna", "reason": "drukte"})
    assert bulk.status_code == 422 and "assignee" in bulk.json()["field_errors"]
    assert tess.api("POST", f"/api/tasks/{task_b}/assign", json={"assignee": "bert", "reason": "drukte"}
                    ).json()["assignee"] == "bert"


def test_moving_a_case_to_another_team_changes_who_sees_it(world):
    runtime, login = world
    bea, tess, anna, bert = (login(u) for u in ("bea", "tess", "anna", "bert"))
    team_b = _team_b(bea)
    case_a, task_a = _start(tess, "Amina Yusuf")
    assert anna.api("POST", f"/api/tasks/{task_a}/claim").status_code == 200
    assert anna.api("PUT", f"/api/cases/{case_a}/team", json={"team_id": team_b, "reden": "verhuisd"}
                    ).status_code == 403, "a klantmanager does not move cases"
    no_reason = tess.api("PUT", f"/api/cases/{case_a}/team", json={"team_id": team_b, "reden": "  x "})
    assert no_reason.status_code == 422 and "reden" in no_reason.json()["field_errors"]
    assert anna.get(f"/api/cases/{case_a}").status_code == 200, "a refused move changes nothing"

    moved = tess.api("PUT", f"/api/cases/{case_a}/team", json={"team_id": team_b, "reden": "verhuisd naar Zuid"})
    assert moved.status_code == 200 and moved.json()["team_id"] == team_b
    assert anna.get(f"/api/cases/{case_a}").status_code == 404
    assert bert.get(f"/api/cases/{case_a}").status_code == 200
    with transaction(runtime.session_factory) as session:
        assert session.get(UserTask, task_a).assignee is None, "anna's task went back to the group"
        row = session.execute(select(AuditEntry).where(AuditEntry.case_id == case_a, AuditEntry.action == "team")
                              ).scalar_one()
        assert row.actor == "tess" and row.detail["reden"] == "verhuisd naar Zuid"
        assert (row.detail["van"], row.detail["naar"]) == ("Standaardteam", "Team Zuid")

    elsewhere = tess.api("PUT", f"/api/cases/{case_a}/team", json={"team_id": 999999, "reden": "proberen"})
    assert elsewhere.status_code == 422 and "team_id" in elsewhere.json()["field_errors"]


def test_a_regional_team_sees_its_cases_in_both_gemeenten(world):
    runtime, login = world
    with transaction(runtime.session_factory) as session:
        bea_row = session.execute(select(User).where(User.username == "bea")).scalar_one()
        tenancy.add_membership(session, user=bea_row, gemeente="amersfoort")
    bea = login("bea")
    refused = bea.api("POST", "/api/teams", json={"name": "Regio Utrecht", "gemeenten": ["utrecht"]})
    assert refused.status_code == 422 and "gemeenten" in refused.json()["field_errors"]
    created = bea.api("POST", "/api/teams", json={"name": "Regio Eemland", "gemeenten": ["amersfoort"]})
    assert created.status_code == 201 and created.json()["gemeenten"] == ["amersfoort", "demo"]
    regional = created.json()["id"]
    assert bea.api("PUT", f"/api/teams/{regional}/members/rita", json={}).status_code == 200
    outsider = bea.api("PUT", f"/api/teams/{regional}/members/karel", json={})
    assert outsider.status_code == 200, "a jurist of demo may join"
    with transaction(runtime.session_factory) as session:
        start = runtime.engine.start_case
        demo_case = start(session=session, process_id="klantreis_test", gemeente="demo", team_id=regional,
                          data={**PERSON, "naam": "Amina Yusuf"}, actor="test").id
        eem_case = start(session=session, process_id="klantreis_test", gemeente="amersfoort", team_id=regional,
                         data={**PERSON, "naam": "Karim Haddad"}, actor="test").id
        local_case = start(session=session, process_id="klantreis_test", gemeente="amersfoort",
                           data={**PERSON, "naam": "Lina Darwish"}, actor="test").id

    rita, anna, olaf = login("rita"), login("anna"), login("olaf")
    assert rita.get(f"/api/cases/{demo_case}").status_code == 200
    assert anna.get(f"/api/cases/{demo_case}").status_code == 404, "not in the regional team"
    assert rita.api("POST", "/api/me/gemeente", json={"gemeente": "amersfoort"}).status_code == 200, \
        "the regional team lets rita work for Amersfoort"
    assert rita.get(f"/api/cases/{eem_case}").status_code == 200
    assert rita.get(f"/api/cases/{local_case}").status_code == 404, "Amersfoort's own team's case"
    assert olaf.get(f"/api/cases/{local_case}").status_code == 200
    assert olaf.get(f"/api/cases/{eem_case}").status_code == 404
    assert anna.api("POST", "/api/me/gemeente", json={"gemeente": "amersfoort"}).status_code == 422


def test_the_beheer_page_lists_teams_and_only_the_beheerder_manages_them(world):
    runtime, login = world
    bea, tess = login("bea"), login("tess")
    team_b = _team_b(bea)
    page = bea.get("/beheer/teams")
    assert page.status_code == 200 and "Team Zuid" in page.text and "Standaardteam" in page.text
    assert bea.post(f"/beheer/teams/{team_b}/leden", {"username": "anna", "leads": "nee"}).status_code == 303
    assert "anna" in [m["username"] for m in bea.get("/api/teams").json()[1]["members"]]
    assert tess.get("/beheer/teams").status_code == 403
    assert tess.api("POST", "/api/teams", json={"name": "Eigen team"}).status_code == 403
    assert bea.api("PUT", f"/api/teams/{team_b}/members/olaf", json={}).status_code == 422, \
        "olaf works for another gemeente"
    with transaction(runtime.session_factory) as session:
        actions = [r.action for r in session.execute(select(AuditEntry).where(AuditEntry.actor == "bea")
                                                     .order_by(AuditEntry.id)).scalars()]
    assert actions.count("team_create") == 1 and "team_member_add" in actions and "team_member_remove" in actions


def test_the_migration_keeps_every_existing_user_and_case_in_a_default_team(database_url):
    db = make_engine(database_url)
    upgrade(db, "i13perf_inbox_indexes")
    with db.begin() as conn:
        conn.execute(text("INSERT INTO gemeenten (code, naam, settings) VALUES ('demo', 'Demo', '{}'), "
                          "('eem', 'Eem', '{}')"))
        conn.execute(text(
            "INSERT INTO users (username, display_name, gemeente, password_hash, roles, groups, active, failed_logins) "
            "VALUES ('anna', 'Anna', 'demo', 'x', '[\"consulent\"]', '[\"consulent\"]', :t, 0), "
            "('rob', 'Rob', 'eem', 'x', '[\"consulent\"]', '[\"consulent\"]', :t, 0)"), {"t": True})
        anna = conn.execute(text("SELECT id FROM users WHERE username = 'anna'")).scalar_one()
        conn.execute(text("INSERT INTO access_memberships (user_id, gemeente) VALUES (:u, 'eem')"), {"u": anna})
        conn.execute(text("INSERT INTO deployments (id, name, source, content_hash, deployed_at, deployed_by) "
                          "VALUES ('d', 'd', 'test', 'h', :at, 'test')"), {"at": NOW})
        conn.execute(text("INSERT INTO process_definitions (id, process_id, name, version, content_hash, "
                          "deployment_id, spec, extras, created_at) VALUES ('p:1', 'p', 'P', 1, 'h', 'd', '{}', '{}', :at)"),
                     {"at": NOW})
        cases = table("cases", *(column(c) for c in ("id", "case_number", "gemeente", "definition_id", "status",
                                                     "state_format", "version", "created_at", "updated_at")),
                      column("state", CompactJSON()))
        for n, gemeente in enumerate(("demo", "eem")):
            conn.execute(cases.insert().values(id=f"case-{gemeente}", case_number=f"INB-{n}", gemeente=gemeente,
                                               definition_id="p:1", status="active", state={}, state_format=1,
                                               version=1, created_at=NOW, updated_at=NOW))
    upgrade(db)
    with make_session_factory(db)() as session:
        teams = {t.gemeente: t for t in session.execute(select(Team)).scalars()}
        assert set(teams) == {"demo", "eem"} and all(t.is_default for t in teams.values())
        members = {(m.team_id, session.get(User, m.user_id).username) for m in session.execute(select(TeamMember)).scalars()}
        assert members == {(teams["demo"].id, "anna"), (teams["eem"].id, "anna"), (teams["eem"].id, "rob")}
        assert {c.id: c.team_id for c in session.execute(select(Case)).scalars()} == {
            "case-demo": teams["demo"].id, "case-eem": teams["eem"].id}
    db.dispose()
