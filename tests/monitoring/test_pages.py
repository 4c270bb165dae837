"""The monitoring pages: who sees what, click-through, filters, exports, the questionnaire and the PDF."""

from __future__ import annotations

import csv
import io
import re
import shutil

import pytest
from sqlalchemy import func, select

from engine.db.models import AuditEntry, Case
from engine.monitoring.export import TABLES
from engine.monitoring.ggm import GGM_COLUMNS

PERIOD = "van=2026-01-01&tot=2027-12-31"


def test_beleid_sees_the_figures_but_no_case_links(login):
    page = login("bram").get(f"/monitoring?{PERIOD}")
    assert page.status_code == 200
    for title in ("Instroom per maand", "Routemix tegen de verwachting", "Handhaving", "Kosten per route",
                  "Klanttevredenheid", "Uitstroom per route", "PIP op tijd"):
        assert title in page.text
    assert 'id="table-instroom"' in page.text and 'id="chart-instroom"' in page.text
    assert "/monitoring/zaken?" not in page.text
    assert login("bram").get(f"/monitoring/zaken?{PERIOD}&indicator=routemix&rij=0&reeks=Aantal").status_code == 403


def test_teamleider_clicks_through_to_the_cases_and_each_listing_is_audited(login, population):
    browser = login("tess")
    page = browser.get(f"/monitoring?{PERIOD}")
    links = re.findall(r'href="(/monitoring/zaken\?[^"]+indicator=handhaving[^"]+)"', page.text)
    assert links, "the fine count links to its cases"
    listing = browser.get(links[0].replace("&amp;", "&"))
    assert listing.status_code == 200
    numbers = re.findall(r"INB-2026-\d{6}", listing.text)
    assert len(numbers) == 1
    with population.session_factory() as session:
        audited = session.execute(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "view_list", AuditEntry.actor == "tess")).scalar()
        assert audited == 1


def test_a_teamleider_sees_behind_a_number_only_the_cases_of_their_teams(login, population):
    """Need-to-know in the click-through: a case of another team is a row of figures, without its
    number, name or link, and its listing is not a read of that dossier."""
    from engine.access.teams import create_team

    browser = login("tess")
    page = browser.get(f"/monitoring?{PERIOD}")
    link = re.findall(r'href="(/monitoring/zaken\?[^"]+indicator=handhaving[^"]+)"', page.text)[0].replace("&amp;", "&")
    number = re.findall(r"INB-2026-\d{6}", browser.get(link).text)[0]
    with population.session_factory.begin() as session:
        case = session.execute(select(Case).where(Case.case_number == number)).scalar_one()
        other = create_team(session, actor="test", gemeente=case.gemeente, name="Team Elders",
                            gemeenten=[case.gemeente], manageable=[case.gemeente], now=population.clock.now(session))
        case.team_id = other.id
    listing = browser.get(link)
    assert listing.status_code == 200
    assert number not in listing.text and "dossier van een ander team" in listing.text
    assert f"/zaken/{case.id}" not in listing.text
    with population.session_factory() as session:
        audited = session.execute(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "view_list", AuditEntry.actor == "tess", AuditEntry.case_id == case.id)).scalar()
    assert audited == 1, "only the first listing, while the case was in tess's team, read it"


def test_a_consulent_has_no_monitoring_and_beleid_no_case_files(login, population):
    assert login("anna").get("/monitoring").status_code == 403
    with population.session_factory() as session:
        case_id = session.execute(select(Case.id)).scalars().first()
    assert login("bram").get(f"/zaken/{case_id}").status_code == 403


def test_a_wrong_filter_is_refused_naming_the_field(login):
    page = login("bram").get("/monitoring?van=gisteren&leerroute=C")
    assert page.status_code == 422
    assert "van:" in page.text and "leerroute:" in page.text


def test_another_gemeente_sees_its_own_empty_figures(login):
    page = login("olaf").get(f"/monitoring/export.csv?tabel=zaken&{PERIOD}")
    assert page.status_code == 200
    assert len(page.text.strip().splitlines()) == 1, "only the header: no demo cases for Amersfoort"


def test_team_week_is_for_the_teamleider(login):
    page = login("tess").get("/monitoring/team")
    assert page.status_code == 200 and "Caseload per klantmanager" in page.text
    assert login("bram").get("/monitoring/team").status_code == 403


@pytest.mark.parametrize("table", list(TABLES))
def test_csv_export_has_exactly_the_documented_columns(login, table):
    response = login("bram").get(f"/monitoring/export.csv?tabel={table}&{PERIOD}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [c.name for c in TABLES[table][1]]
    assert all(len(row) == len(rows[0]) for row in rows[1:])
    if table in ("zaken", "ggm"):
        assert len(rows) == 1 + 6, "one row per inburgeraar of the population"
        assert not any(re.fullmatch(r"\d{9}", value) for row in rows for value in row), "no BSN in an export"


def test_ggm_export_maps_the_statushouder(login):
    response = login("bram").get(f"/monitoring/export.csv?tabel=ggm&{PERIOD}")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    amina = next(r for r in rows if r["PIP.datumVaststelling"] == "2026-03-02")
    assert amina["Inburgeringsplichtige.doelgroep"] == "asielstatushouder"
    assert amina["Leerroute.soortLeerroute"] == "B1-route"
    assert amina["PIP.datumStartInburgeringstermijn"] == "2026-03-03"
    assert amina["B1-route.examenResultaat"] == "ja"
    assert amina["Voortgangsmeting.aantal"] == "4"
    assert [c.name for c in GGM_COLUMNS][0] == "Inburgeringsplichtige.identificatie"


def test_xlsx_export_has_a_sheet_per_table_and_the_column_documentation(login):
    from openpyxl import load_workbook

    response = login("bram").get(f"/monitoring/export.xlsx?{PERIOD}")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["kolommen", *TABLES]
    assert [c.value for c in workbook["zaken"][1]] == [c.name for c in TABLES["zaken"][1]]


def test_questionnaire_is_validated_and_counted(login, population):
    with population.session_factory() as session:
        case_id = session.execute(select(Case.id).order_by(Case.case_number)).scalars().first()
    browser = login("tess")
    assert f"/zaken/{case_id}/tevredenheid" in browser.get(f"/zaken/{case_id}").text, "linked from the case page"
    assert browser.get(f"/zaken/{case_id}/tevredenheid").status_code == 200
    refused = browser.post(f"/zaken/{case_id}/tevredenheid", {"onderdeel": "pvt"})
    assert refused.status_code == 422 and "tevredenheid_totaal" in refused.text
    saved = browser.post(f"/zaken/{case_id}/tevredenheid", {"onderdeel": "pvt", "tevredenheid_totaal": "4",
                                                          "nuttig": "ja", "begrijpelijk": "een_beetje"})
    assert saved.status_code == 303
    csv_text = browser.get("/monitoring/export.csv?tabel=tevredenheid").content.decode("utf-8-sig")
    assert ";pvt;4;" in csv_text


@pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("soffice")), reason="no chromium or soffice")
def test_evaluation_pack_is_a_pdf_with_the_figures(login):
    from pypdf import PdfReader

    response = login("bram").get(f"/monitoring/evaluatie.pdf?{PERIOD}")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Instroom per maand" in text and "Handhaving" in text


def test_a_regional_team_sees_the_gemeenten_it_works_for(login, population):
    from engine.db.models import Gemeente

    with population.session_factory.begin() as session:
        session.get(Gemeente, "amersfoort").settings = {"monitoring": {"regio": ["demo"]}}
    browser = login("olaf")
    both = browser.get(f"/monitoring/export.csv?tabel=zaken&{PERIOD}").content.decode("utf-8-sig")
    assert len(both.strip().splitlines()) == 1 + 6
    page = browser.get(f"/monitoring?{PERIOD}")
    assert 'id="f-gemeente"' in page.text, "a regional team can narrow the figures to one gemeente"
    own = browser.get(f"/monitoring/export.csv?tabel=zaken&gemeente=amersfoort&{PERIOD}").content.decode("utf-8-sig")
    assert len(own.strip().splitlines()) == 1
    assert browser.get(f"/monitoring?gemeente=utrecht&{PERIOD}").status_code == 422
