"""The rule of every web route: which capability it needs. One entry per route or route prefix.

Keys are `"METHOD /path/{param}"` for one route, or `"/prefix/*"` for every method and path below
a prefix (e.g. `"/beheer/*": "access.roles"`). An exact entry wins over a prefix; the longest
prefix wins among prefixes. A route of the app without a rule is refused (403) and fails
tests/access/test_route_matrix.py, which names the route: add its line here.

Values: a capability id from engine/access/roles.py, or one of
  PUBLIC        anyone, logged in or not (login page, static files, API description)
  LOGGED_IN     any logged-in person or system account (own profile, log out)
  OWN_AUTH      the route authenticates itself and then asks `roles.require` (engine-rest:
                Camunda Modeler's basic auth or token), so the app-wide check lets it through
"""

from __future__ import annotations

PUBLIC = "public"
LOGGED_IN = "logged_in"
OWN_AUTH = "own_auth"

ROUTE_RULES: dict[str, str] = {
    # framework and static
    "GET /api/openapi.json": PUBLIC,
    "GET /api/docs": PUBLIC,
    "/static/*": PUBLIC,
    # log in and out, sessions, gemeente switch (api/auth)
    "GET /login": PUBLIC,
    "POST /login": PUBLIC,
    "GET /login/oidc": PUBLIC,  # OpenID Connect (api/auth/oidc.py): 404 while off
    "GET /login/oidc/callback": PUBLIC,  # throttled per client address, audited
    "POST /logout": LOGGED_IN,
    "GET /api/me": LOGGED_IN,
    "POST /gemeente": LOGGED_IN,
    "POST /api/me/gemeente": LOGGED_IN,
    "GET /api/access/roles": "access.roles",
    "GET /rollen": "access.roles",
    "GET /api/access/sessions": "access.sessions",
    "POST /api/access/sessions/{session_id}/revoke": "access.sessions",
    "GET /inzage": "access.inzage",
    "POST /inzage": "access.inzage",
    "GET /api/cases/{case_id}/inzage": "access.inzage",
    "POST /api/cases/{case_id}/partners": "case.partners",
    "GET /api/cases/{case_id}/partners": "case.partners",
    "POST /api/partner-links/{link_id}/end": "case.partners",
    # inbox and tasks
    "GET /": "tasks.work",
    "POST /zoeken": "case.search",
    "GET /api/tasks": "tasks.work",
    "POST /api/tasks/search": "case.search",
    "POST /api/tasks/assign": "tasks.assign",
    "POST /taken/toewijzen": "tasks.assign",
    "GET /api/tasks/{task_id}": "tasks.work",
    "POST /api/tasks/{task_id}/claim": "tasks.work",
    "POST /api/tasks/{task_id}/unclaim": "tasks.work",
    "POST /api/tasks/{task_id}/assign": "tasks.assign",
    "POST /api/tasks/{task_id}/complete": "tasks.work",
    "GET /api/tasks/{task_id}/draft": "tasks.work",
    "PUT /api/tasks/{task_id}/draft": "tasks.work",
    "DELETE /api/tasks/{task_id}/draft": "tasks.work",
    "GET /api/tasks/{task_id}/assignees": "tasks.assign",
    "POST /taken/{task_id}/claimen": "tasks.work",
    "POST /taken/{task_id}/vrijgeven": "tasks.work",
    "GET /taken/{task_id}": "tasks.work",
    "POST /taken/{task_id}": "tasks.work",
    "POST /taken/{task_id}/zichtbaarheid": "tasks.work",
    # cases
    "POST /api/cases": "case.start",
    "GET /api/cases": "case.search",
    "POST /api/cases/search": "case.search",
    "GET /api/cases/{case_id}": "case.read",
    "GET /api/cases/{case_id}/diagram": "case.read",
    "GET /api/cases/{case_id}/audit": "case.audit",
    "GET /api/cases/{case_id}/notes": "case.notes",
    "POST /api/cases/{case_id}/notes": "case.notes",
    "GET /zaken/{case_id}": "case.read",
    "POST /zaken/{case_id}/notities": "case.notes",
    # letters
    "GET /api/cases/{case_id}/letters": "letters.read",
    "GET /api/letters/{letter_id}/{fmt}": "letters.read",
    "POST /api/letters/{letter_id}/approve": "letters.review",
    "POST /api/letters/{letter_id}/reject": "letters.review",
    "POST /brieven/{letter_id}/goedkeuren": "letters.review",
    "POST /brieven/{letter_id}/afkeuren": "letters.review",
    "GET /post": "letters.export",
    "POST /post/printbatch": "letters.export",
    "POST /api/letters/print-batch": "letters.export",
    # events and incidents
    "POST /api/messages": "messages.send",
    "POST /api/incidents/{incident_id}/retry": "incidents.retry",
    "POST /storingen/{incident_id}/opnieuw": "incidents.retry",
    # Camunda Modeler (checks `deploy` itself after its own authentication)
    "/engine-rest/*": OWN_AUTH,
    # the klantmanager of a case (who may hand over to whom: engine/casefile/ownership.py)
    "PUT /api/cases/{case_id}/klantmanager": "case.owner",
    "POST /zaken/{case_id}/klantmanager": "case.owner",
    # the team of a case (engine/access/teams.py): a teamleider moves it with a reason
    "PUT /api/cases/{case_id}/team": "case.team",
    "POST /zaken/{case_id}/team": "case.team",
    # Pw 18/18b maatregelen on a case (engine/pw)
    "POST /api/cases/{case_id}/pw-maatregelen": "pw.maatregelen",
    "POST /zaken/{case_id}/pw-maatregelen": "pw.maatregelen",
    # brugklas cohorts (api/cohorts)
    "GET /brugklas": "cohorts.read",
    "GET /brugklas/{cohort_id}": "cohorts.read",
    "POST /brugklas": "cohorts.plan",
    "POST /brugklas/instellingen": "cohorts.plan",
    "POST /brugklas/{cohort_id}/sessies": "cohorts.plan",
    "POST /brugklas/{cohort_id}/sessies/{sessie_id}/aanwezigheid": "cohorts.attendance",
    # teams and their members (api/teams): the beheerder of the gemeente
    "GET /beheer/teams": "teams.manage",
    "POST /beheer/teams": "teams.manage",
    "POST /beheer/teams/{team_id}/leden": "teams.manage",
    "POST /beheer/teams/{team_id}/leden/verwijderen": "teams.manage",
    "GET /api/teams": "teams.manage",
    "POST /api/teams": "teams.manage",
    "PUT /api/teams/{team_id}/members/{username}": "teams.manage",
    "DELETE /api/teams/{team_id}/members/{username}": "teams.manage",
    # the partner portal (api/partners): a partner's linked inburgeraars; the case section; the provider report
    "GET /partner": "partners.portal",
    "GET /partner/{case_id}": "partners.portal",
    "POST /partner/{case_id}/uren": "partners.portal",
    "POST /partner/{case_id}/signaal": "partners.portal",
    "POST /zaken/{case_id}/duo-uren": "partners.case",
    "GET /partners/rapportage": "partners.report",
    "GET /partners/rapportage.csv": "partners.report",
    # beheer screens (api/beheer): the beheerder; the review queue for who reviews letters
    "/beheer/*": "beheer",
    "/api/beheer/*": "beheer",
    "POST /beheer/storingen/opnieuw": "incidents.retry",
    "POST /api/beheer/incidents/retry": "incidents.retry",
    "POST /beheer/versies/overzetten": "deploy",
    "POST /api/beheer/migrations": "deploy",
    "GET /beheer/brieven": "letters.review",
    "POST /beheer/brieven/{letter_id}/goedkeuren": "letters.review",
    "POST /beheer/brieven/{letter_id}/terugsturen": "letters.review",
    # DUO's Notificatie API and COA's klantprofiel authenticate the system themselves (token or certificate)
    "POST /duo/v1/notificaties": OWN_AUTH,
    "POST /api/coa/klantprofielen": OWN_AUTH,
    # sturingsinformatie (api/monitoring): figures for who reads monitoring; case lists for the teamleider
    "/monitoring/*": "monitoring.read",
    "GET /monitoring/zaken": "tasks.team",
    "GET /monitoring/team": "tasks.team",
    "GET /zaken/{case_id}/tevredenheid": "tasks.work",
    "POST /zaken/{case_id}/tevredenheid": "tasks.work",
}


def rule_for(method: str, path: str) -> str | None:
    """Return the rule of a route (its method and path template), or None when it has none."""
    exact = ROUTE_RULES.get(f"{method.upper()} {path}")
    if exact is not None:
        return exact
    if method.upper() == "HEAD":
        exact = ROUTE_RULES.get(f"GET {path}")
        if exact is not None:
            return exact
    best: tuple[int, str] | None = None
    for key, rule in ROUTE_RULES.items():
        if key.endswith("/*"):
            prefix = key[:-1]
            if (path + "/").startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), rule)
    return best[1] if best else None
