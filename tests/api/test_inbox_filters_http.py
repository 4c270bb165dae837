"""The inbox filters over HTTP: the JSON API and the page take them from the URL, and refuse bad values per field."""

from __future__ import annotations

from engine.db.models import Case
from engine.db.session import transaction
from tests.api.conftest import start_case


def _two_cases(runtime):
    """Amina on the B1-route with klantmanager anna, Yonas on the Z-route without one."""
    first, _ = start_case(runtime, leerroute="B1")
    second, _ = start_case(runtime, naam="Yonas Tesfaye", leerroute="Z")
    with transaction(runtime.session_factory) as session:
        session.get(Case, first).klantmanager = "anna"
    return first, second


def test_the_api_filters_by_route_and_klantmanager_and_counts(login, runtime):
    _two_cases(runtime)
    tess = login("tess")
    everything = tess.get("/api/tasks?view=team&totals=true").json()
    assert len(everything["rows"]) == 2 and everything["totals"]["team"] == everything["totals"]["current"] == 2
    b1 = tess.get("/api/tasks?view=team&route=B1&totals=true").json()
    assert [r["naam"] for r in b1["rows"]] == ["Amina Yusuf"]
    assert b1["rows"][0]["klantmanager_name"] == "Anna de Vries" and b1["rows"][0]["leerroute"] == "B1"
    assert b1["rows"][0]["priority_label"] == "normaal" and b1["rows"][0]["follow_up_at"] is None
    assert b1["totals"]["team"] == b1["totals"]["current"] == 1
    nobody = tess.get("/api/tasks?view=team&klantmanager=-").json()
    assert [r["naam"] for r in nobody["rows"]] == ["Yonas Tesfaye"]
    assert tess.get("/api/tasks?view=team").json()["totals"] is None, "counted only on request"


def test_the_api_refuses_bad_filter_values_with_field_and_reason(login, runtime):
    _two_cases(runtime)
    anna = login("anna")
    for url, field, reason in [("/api/tasks?route=A2", "route", "B1-route"),
                               ("/api/tasks?doelgroep=toerist", "doelgroep", "asielstatushouder"),
                               ("/api/tasks?task=Task_Bestaat_Niet", "task", "taak"),
                               ("/api/tasks?klantmanager=niemand", "klantmanager", "klantmanager"),
                               ("/api/tasks?cohort=12345", "cohort", "brugklasgroep"),
                               ("/api/tasks?cohort=abc", "query.cohort", ""),
                               ("/api/tasks?filter=later", "query.filter", "")]:
        response = anna.get(url)
        assert response.status_code == 422, url
        errors = response.json()["field_errors"]
        assert field in errors and reason in errors[field], (url, errors)


def test_the_page_filters_from_the_url_and_explains_a_bad_value(login, runtime):
    _two_cases(runtime)
    tess = login("tess")
    page = tess.get("/?view=team&route=Z")
    assert page.status_code == 200
    assert "Yonas Tesfaye" in page.text and "Amina Yusuf" not in page.text
    assert "<strong>1</strong> taak in deze lijst" in page.text and "leerroute Z-route" in page.text
    assert "Klantmanager: nog niemand" in page.text
    mine_page = tess.get("/?view=team&klantmanager=anna")
    assert "Amina Yusuf" in mine_page.text and "Yonas Tesfaye" not in mine_page.text
    assert "Klantmanager: Anna de Vries" in mine_page.text
    bad = tess.get("/?view=team&route=A2")
    assert bad.status_code == 422 and "Kies de B1-route, de onderwijsroute of de Z-route." in bad.text
    assert tess.get("/?cohort=abc").status_code == 422
