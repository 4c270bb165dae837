"""The partner portal over HTTP: need-to-know, validation (422 with field and reason), hours reaching
the running case as uren_gemeld, signals becoming the klantmanager's task, the case section, the report."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from engine.audit import AuditEntry
from engine.config import PROJECT_ROOT
from engine.db.models import Case, Message, UserTask
from engine.monitoring.models import MonitoringCase
from engine.partners.hours import AFSCHALEN_MIN_UREN, Z_ROUTE_LESUREN, Z_ROUTE_PARTICIPATIE_UREN
from engine.partners.models import PartnerSignaal, PartnerUren
from tests.api.conftest import Browser

from .conftest import NOORD, NOW, ZUID, link, open_tasks, start_leerroute


def diagram_thresholds(bpmn: bytes) -> dict[str, set[int]]:
    """Read the hour numbers the leerroute diagram decides with (for the test that keeps the copies equal)."""
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    found: dict[str, set[int]] = {"uren_cursus": set(), "uren_participatie": set()}
    for flow in ET.fromstring(bpmn).iterfind(".//bpmn:sequenceFlow", ns):
        cond = flow.find("bpmn:conditionExpression", ns)
        if cond is None or not cond.text:
            continue
        for name, number in re.findall(r"(uren_cursus|uren_participatie)\s*(?:>=|&gt;=)\s*(\d+)", cond.text):
            found[name].add(int(number))
    return found


@pytest.fixture
def app(klantreis):
    return create_app(klantreis)


@pytest.fixture
def login(app):
    clients = []

    def _login(username: str) -> Browser:
        browser = Browser(TestClient(app))
        clients.append(browser.client)
        assert browser.login(username).status_code == 303
        return browser
    yield _login
    for client in clients:
        client.close()


def _hours(browser, case_id, **form):
    data = {"week": "2026-W09", "module": "taal", "uren": "10", "sessies_gepland": "3", "sessies_aanwezig": "3", **form}
    return browser.post(f"/partner/{case_id}/uren", data)


def test_a_partner_sees_only_its_own_current_links(klantreis, login):
    mine = start_leerroute(klantreis, naam="Amina Yusuf")
    theirs = start_leerroute(klantreis, naam="Dawit Tesfay")
    ended = start_leerroute(klantreis, naam="Hamid Rahimi")
    unlinked = start_leerroute(klantreis, naam="Sara Haddad")
    link(klantreis, mine, NOORD)
    link(klantreis, theirs, ZUID)
    link(klantreis, ended, NOORD, valid_until=NOW.date() - timedelta(days=1))
    pia = login("pia")
    home = pia.get("/partner")
    assert home.status_code == 200
    assert "Amina Yusuf" in home.text
    for other in ("Dawit Tesfay", "Hamid Rahimi", "Sara Haddad"):
        assert other not in home.text
    assert "123456782" not in home.text, "never the BSN"
    assert "B1-route" in home.text and "Afschalen naar A2 mogelijk vanaf 600 lesuren" in home.text
    for case_id in (theirs, ended, unlinked):
        assert pia.get(f"/partner/{case_id}").status_code == 404
        assert _hours(pia, case_id).status_code == 404
        assert pia.post(f"/partner/{case_id}/signaal", {"categorie": "zorgen", "tekst": "Komt niet meer"}).status_code == 404
    assert login("yara").get("/partner").text.count("Dawit Tesfay") >= 1
    assert "Amina Yusuf" not in login("yara").get("/partner").text
    # a klantmanager has no portal
    assert login("anna").get("/partner").status_code == 403


@pytest.mark.parametrize("form, field, reason", [
    ({"uren": "-1"}, "uren", "niet negatief"),
    ({"uren": "41"}, "uren", "Meer dan 40 uur"),
    ({"uren": "2.25"}, "uren", "hele of halve uren"),
    ({"uren": "veel"}, "uren", "Vul een getal in"),
    ({"week": "2026-W11"}, "week", "nog niet begonnen"),
    ({"week": "2025-W40"}, "week", "nog niet aan deze inburgeraar gekoppeld"),
    ({"week": "gisteren"}, "week", "Kies een week"),
    ({"module": "koken"}, "module", "Kies een onderdeel"),
    ({"sessies_gepland": "2", "sessies_aanwezig": "3"}, "sessies_aanwezig", "niet meer lessen"),
    ({"sessies_gepland": "21"}, "sessies_gepland", "Meer dan 20 lessen"),
    ({"notitie": "BSN 123456782 belde"}, "notitie", "geen BSN"),
])
def test_wrong_hours_are_refused_with_field_and_reason(klantreis, login, form, field, reason):
    case_id = start_leerroute(klantreis)
    link(klantreis, case_id)
    pia = login("pia")
    response = _hours(pia, case_id, **form)
    assert response.status_code == 422
    assert re.search(rf'<p class="regie-field-error" id="{field}-fout">[^<]*{reason}', response.text), response.text[-3000:]
    assert "123456782" not in response.text
    with klantreis.session_factory() as session:
        assert session.scalar(select(PartnerUren.id)) is None


def test_this_week_is_allowed_and_a_correction_replaces_the_week(klantreis, login):
    case_id = start_leerroute(klantreis)
    link(klantreis, case_id)
    pia = login("pia")
    assert _hours(pia, case_id, week="2026-W10", uren="6").status_code == 303
    assert _hours(pia, case_id, week="2026-W10", uren="8", notitie="Goede vooruitgang bij spreken").status_code == 303
    with klantreis.session_factory() as session:
        rows = session.scalars(select(PartnerUren)).all()
        assert [(r.week, str(r.uren), r.notitie) for r in rows] == [(date(2026, 3, 2), "8.0", "Goede vooruitgang bij spreken")]
        corrections = [a.detail for a in session.scalars(select(AuditEntry).where(AuditEntry.action == "partner_uren"))]
        assert corrections[-1]["correctie_van"]["uren"] == "6.0"


def test_hours_reaching_600_make_afschalen_possible_in_the_same_transaction(klantreis, login):
    case_id = start_leerroute(klantreis, uren_cursus=570)   # typed by the klantmanager before the portal
    link(klantreis, case_id)
    pia = login("pia")
    assert _hours(pia, case_id, week="2026-W08", uren="16").status_code == 303
    assert _hours(pia, case_id, week="2026-W09", module="knm", uren="13.5").status_code == 303
    assert "Task_Afschalen" not in open_tasks(klantreis, case_id), "599.5 hours: not yet"
    assert _hours(pia, case_id, week="2026-W09", module="participatie", uren="4").status_code == 303
    assert "Task_Afschalen" not in open_tasks(klantreis, case_id), "participation hours are not course hours"
    assert _hours(pia, case_id, week="2026-W10", uren="0.5").status_code == 303
    assert "Task_Afschalen" in open_tasks(klantreis, case_id)
    with klantreis.session_factory() as session:
        variables = klantreis.engine.case_variables(session=session, case=session.get(Case, case_id))
        assert variables["uren_cursus"] == 600 and variables["uren_participatie"] == 4
        assert [m.status for m in session.scalars(select(Message).where(Message.case_id == case_id)
                                                  .order_by(Message.id))] == ["processed"] * 4
    # the klantmanager decides on the 600 hours without retyping them; the PIP amendment follows
    anna = login("anna")
    with klantreis.session_factory() as session:
        task = session.scalars(select(UserTask).where(UserTask.case_id == case_id,
                                                      UserTask.element_id == "Task_Afschalen")).one()
    done = anna.api("POST", f"/api/tasks/{task.id}/complete", json={"data": {
        "voldoende_inspanning": True, "afschalen": True, "afgeschaalde_onderdelen": "Schrijven",
        "wijziging": "Schrijven op A2", "wijziging_motivering": "600 lesuren gevolgd met goede inzet"}})
    assert done.status_code == 200, done.text
    assert "Task_PipBijstellen" in open_tasks(klantreis, case_id)
    # a registration while the case does not wait for hours is kept; the next one carries the totals
    assert _hours(pia, case_id, week="2026-W10", module="knm", uren="2").status_code == 303
    with klantreis.session_factory() as session:
        last = session.scalars(select(PartnerUren).order_by(PartnerUren.id.desc())).first()
        assert last.bericht == "refused"


def test_a_signal_becomes_a_task_for_the_case_owner_with_its_category(klantreis, login):
    case_id = start_leerroute(klantreis, klantmanager="bert")
    link(klantreis, case_id)
    pia = login("pia")
    assert pia.post(f"/partner/{case_id}/signaal", {"categorie": "zorgen", "tekst": "  "}).status_code == 422
    response = pia.post(f"/partner/{case_id}/signaal", {"categorie": "zorgen", "tekst": "Amina is al twee weken moe en stil."})
    assert response.status_code == 303
    with klantreis.session_factory() as session:
        signal = session.scalars(select(PartnerSignaal)).one()
        task = session.scalars(select(UserTask).where(UserTask.case_id == signal.signaal_case_id)).one()
        assert (task.name, task.assignee, task.candidate_groups) == ("Signaal partner: zorgen", "bert", ["consulent"])
        assert session.get(Case, signal.signaal_case_id).bsn is None
        # the signal's case is work, not another inburgeraar in the monitoring
        assert session.get(MonitoringCase, signal.signaal_case_id) is None
        assert session.get(MonitoringCase, case_id) is not None
    bert = login("bert")
    inbox = bert.get("/")
    assert "Signaal partner: zorgen" in inbox.text and "Amina Yusuf" in inbox.text
    page = bert.get(f"/taken/{task.id}")
    assert "Amina is al twee weken moe en stil." in page.text and NOORD in page.text


def test_without_a_klantmanager_the_signal_is_offered_to_the_klantmanagers(klantreis, login):
    case_id = start_leerroute(klantreis, klantmanager=None)
    link(klantreis, case_id)
    response = login("pia").post(f"/partner/{case_id}/signaal", {"categorie": "klaar_voor_examen",
                                                                  "tekst": "Klaar voor het examen lezen."})
    assert response.status_code == 303
    with klantreis.session_factory() as session:
        signal = session.scalars(select(PartnerSignaal)).one()
        task = session.scalars(select(UserTask).where(UserTask.case_id == signal.signaal_case_id)).one()
        assert (task.name, task.assignee) == ("Signaal partner: klaar voor examen", None)
    assert "Signaal partner: klaar voor examen" in login("anna").get("/?view=groups").text


def test_the_klantmanager_sees_hours_attendance_and_signals_on_the_case(klantreis, login):
    case_id = start_leerroute(klantreis, uren_cursus=100)
    link(klantreis, case_id)
    pia = login("pia")
    _hours(pia, case_id, week="2026-W09", uren="12", sessies_gepland="4", sessies_aanwezig="3",
           notitie="Spreekt al veel beter")
    pia.post(f"/partner/{case_id}/signaal", {"categorie": "afwezigheid", "tekst": "Maandag en dinsdag niet geweest."})
    page = login("anna").get(f"/zaken/{case_id}")
    assert "Uren en signalen van partners" in page.text
    assert "Spreekt al veel beter" in page.text and "Maandag en dinsdag niet geweest." in page.text
    assert "<strong>112</strong>" in page.text and "aanwezig bij 75% van de lessen" in page.text
    assert "Uren bij DUO opvragen" in page.text
    # the partner's own view of the case never shows that section, nor may it ask DUO
    assert "Uren en signalen van partners" not in pia.get(f"/zaken/{case_id}").text
    assert pia.post(f"/zaken/{case_id}/duo-uren").status_code == 403


def test_the_monthly_report_per_provider_and_its_csv_are_audited(klantreis, login):
    a = start_leerroute(klantreis, naam="Amina Yusuf")
    b = start_leerroute(klantreis, naam="Dawit Tesfay")
    link(klantreis, a, NOORD)
    link(klantreis, b, ZUID)
    pia, yara = login("pia"), login("yara")
    _hours(pia, a, week="2026-W06", uren="10", sessies_gepland="4", sessies_aanwezig="4")
    _hours(pia, a, week="2026-W07", module="participatie", uren="6", sessies_gepland="2", sessies_aanwezig="1")
    _hours(yara, b, week="2026-W08", uren="8", sessies_gepland="4", sessies_aanwezig="2")
    pia.post(f"/partner/{a}/signaal", {"categorie": "afwezigheid", "tekst": "Twee lessen gemist deze week."})
    bo = login("bo")
    page = bo.get("/partners/rapportage?maand=2026-02")
    assert page.status_code == 200 and NOORD in page.text and ZUID in page.text
    assert "Amina" not in page.text, "figures only"
    csv = bo.get("/partners/rapportage.csv?maand=2026-02")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().split("\r\n")
    header = lines[0].split(";")
    noord = dict(zip(header, next(line for line in lines if line.startswith(NOORD)).split(";")))
    assert (noord["uren_cursus"], noord["uren_participatie"], noord["aanwezigheid_procent"]) == ("10", "6", "83")
    zuid = dict(zip(header, next(line for line in lines if line.startswith(ZUID)).split(";")))
    assert (zuid["uren_cursus"], zuid["aanwezigheid_procent"], zuid["signalen_afwezigheid"]) == ("8", "50", "0")
    # the signal was sent in March (the clock), so February shows none and March one
    assert noord["signalen_afwezigheid"] == "0"
    march = bo.get("/partners/rapportage.csv?maand=2026-03").text
    assert f"{NOORD};2026-03;1;0;0;0;0;0;;1;0;0;0" in march
    future = bo.get("/partners/rapportage?maand=2026-04")  # the future: told, the current month shown
    assert future.status_code == 200 and "Deze maand is nog niet begonnen." in future.text
    with klantreis.session_factory() as session:
        assert [a.detail["vorm"] for a in session.scalars(select(AuditEntry).where(
            AuditEntry.action == "partner_rapportage"))] == ["html", "csv", "csv", "html"]
    assert login("anna").get("/partners/rapportage").status_code == 403


def test_the_displayed_thresholds_are_the_diagrams():
    found = diagram_thresholds((PROJECT_ROOT / "processes" / "leerroute.bpmn").read_bytes())
    assert found["uren_cursus"] == {AFSCHALEN_MIN_UREN, Z_ROUTE_LESUREN}
    assert found["uren_participatie"] == {Z_ROUTE_PARTICIPATIE_UREN}


def test_the_demo_taalaanbieder_has_linked_people_with_hours(klantreis, login):
    from engine.partners.demo import DEMO_TAALAANBIEDER, load_partner_demo

    cases = [start_leerroute(klantreis, naam=naam) for naam in ("Amina Yusuf", "Dawit Tesfay")]
    with klantreis.session_factory.begin() as session:  # the demo plays its cases from weeks ago
        for case_id in cases:
            session.get(Case, case_id).created_at = NOW - timedelta(weeks=6)
    made = load_partner_demo(klantreis, cases, NOW, gemeente="demo", password="geheim-wachtwoord-1", linked_by="tess")
    assert made == 2 * 4 * 2
    home = login(DEMO_TAALAANBIEDER[0]).get("/partner")
    assert "Amina Yusuf" in home.text and "Dawit Tesfay" in home.text
    assert "Uren tot nu toe" in home.text and "40 lesuren" in home.text   # 4 weeks of 8 + 2
