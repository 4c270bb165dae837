"""Exports for the gemeente's data team: CSV and XLSX of every monitoring table, a GGM-aligned table
and the Monitor inburgering figures.

Every table's columns are documented here (`TABLES`); the export writes exactly those
columns in that order, and the web app shows the same documentation. No BSN and no name
leaves through an export: the key is Regie's zaaknummer.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Invalid
from engine.monitoring.columns import Column
from engine.monitoring.ggm import GGM_COLUMNS, ggm_rows
from engine.monitoring.indicators import MC, ME, Filters, dashboard
from engine.monitoring.kis import KIS_COLUMNS, kis_rows
from engine.monitoring.models import MonitoringCase, Tevredenheid
from engine.monitoring.settings import MonitoringSettings


TABLES: dict[str, tuple[str, list[Column]]] = {
    "zaken": ("Eén rij per inburgeraar (zaak): kenmerken en mijlpalen.", [
        Column("zaaknummer", "Regie's zaaknummer (INB-jaar-volgnummer); de sleutel, geen BSN"),
        Column("gemeente", "gemeentecode"),
        Column("doelgroep", "asielstatushouder of gezinsmigrant"),
        Column("leerroute", "huidige leerroute: B1, onderwijs of Z"),
        Column("eerste_leerroute", "de eerst gekozen leerroute (verschil: geschakeld)"),
        Column("klantmanager", "gebruikersnaam van de verantwoordelijke klantmanager"),
        Column("tolk_nodig", "ja/nee"),
        Column("bijstand", "ja/nee"),
        Column("gestart_op", "datum waarop de zaak startte"),
        Column("datum_plicht", "melding van de plicht door DUO (SS139)"),
        Column("pip_uiterlijk", "wettelijke uiterste datum van het PIP (Besluit 5.3.1)"),
        Column("pip_dagtekening", "dagtekening van de PIP-beschikking"),
        Column("termijn_start", "start van de inburgeringstermijn (Wet 11)"),
        Column("examen_behaald", "ja/nee/leeg (DUO SS199)"),
        Column("examen_datum", "datum van de examenuitslag"),
        Column("status", "active of completed"),
        Column("geeindigd_op", "datum waarop de zaak eindigde"),
        Column("einde_reden", "waarom de zaak eindigde"),
        Column("synthetisch", "ja: demo-historie, geen echte inburgeraar"),
    ]),
    "gebeurtenissen": ("Eén rij per gebeurtenis: taak afgerond, brief, einde, boete, leerroute.", [
        Column("zaaknummer", "Regie's zaaknummer"),
        Column("gemeente", "gemeentecode"),
        Column("moment", "tijdstip (UTC, ISO 8601)"),
        Column("soort", "taak, brief, dienst, einde, boete of leerroute"),
        Column("element", "element-id in het BPMN-diagram"),
        Column("detail", "briefsjabloon, artikel van de boete of gekozen leerroute"),
        Column("bedrag", "bedrag van de boete in euro's"),
        Column("doelgroep", "doelgroep op het moment van de gebeurtenis"),
        Column("leerroute", "leerroute op het moment van de gebeurtenis"),
        Column("klantmanager", "klantmanager op het moment van de gebeurtenis"),
        Column("synthetisch", "ja: demo-historie"),
    ]),
    "tevredenheid": ("Eén rij per ingevulde vragenlijst klanttevredenheid.", [
        Column("zaaknummer", "Regie's zaaknummer"),
        Column("gemeente", "gemeentecode"),
        Column("moment", "tijdstip van invullen (UTC)"),
        Column("onderdeel", "maatschappelijke_begeleiding, map of pvt"),
        Column("score", "totaaloordeel 1 (slecht) tot 5 (heel goed)"),
        Column("antwoorden", "alle antwoorden (JSON)"),
        Column("synthetisch", "ja: demo-historie"),
    ]),
    "indicatoren": ("De cijfers van het dashboard: één rij per cel.", [
        Column("indicator", "sleutel van de indicator"),
        Column("titel", "titel van de indicator"),
        Column("rij", "rij (maand, doelgroep, route, ...)"),
        Column("reeks", "kolom (reeks in de grafiek)"),
        Column("waarde", "het getal"),
    ]),
    "ggm": ("Eén rij per inburgeraar in de vorm van het Gemeentelijk Gegevensmodel (subdomein Inburgering).",
            GGM_COLUMNS),
    "kis": ("De cijfers die de Monitor inburgering (KIS/Divosa) vraagt, voor zover Regie ze heeft.", KIS_COLUMNS),
}


def _value(value: Any) -> Any:
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def rows(session: Session, table: str, f: Filters, settings: MonitoringSettings) -> Iterator[list[Any]]:
    """Yield the rows of one export table (columns as in TABLES) for the filters."""
    check_table(table)
    if table == "zaken":
        where = [MC.gemeente.in_(f.gemeenten), MC.started_at < f.end]
        query = select(MC.case_number, MC.gemeente, MC.doelgroep, MC.leerroute, MC.eerste_leerroute, MC.consulent,
                       MC.tolk_nodig, MC.bijstand, MC.started_at, MC.datum_plicht, MC.pip_deadline,
                       MC.pip_dagtekening, MC.termijn_start, MC.examen_behaald, MC.examen_datum, MC.status,
                       MC.ended_at, MC.einde_reden, MC.synthetisch).where(*where).order_by(MC.started_at)
        for row in session.execute(query):
            yield [_value(v) for v in row]
    elif table == "gebeurtenissen":
        query = (select(MC.case_number, ME.gemeente, ME.at, ME.kind, ME.element_id, ME.detail, ME.bedrag,
                        ME.doelgroep, ME.leerroute, ME.consulent, ME.synthetisch)
                 .join(MonitoringCase.__table__, MC.case_id == ME.case_id)
                 .where(ME.gemeente.in_(f.gemeenten), ME.at >= f.start, ME.at < f.end).order_by(ME.at, ME.id))
        for row in session.execute(query):
            yield [_value(v) for v in row]
    elif table == "tevredenheid":
        t = Tevredenheid.__table__.c
        query = (select(MC.case_number, t.gemeente, t.at, t.onderdeel, t.score, t.antwoorden, t.synthetisch)
                 .join(MonitoringCase.__table__, MC.case_id == t.case_id)
                 .where(t.gemeente.in_(f.gemeenten), t.at >= f.start, t.at < f.end).order_by(t.at))
        for row in session.execute(query):
            yield [_value(v) for v in row]
    elif table == "indicatoren":
        for figure in dashboard(session, f, settings):
            for i, label in enumerate(figure.labels):
                for series in figure.series:
                    yield [figure.key, figure.title, label, series.name, series.values[i]]
    elif table == "ggm":
        yield from ([_value(v) for v in row] for row in ggm_rows(session, f))
    else:
        yield from ([_value(v) for v in row] for row in kis_rows(session, f, settings))


def check_table(table: str) -> None:
    """Refuse an unknown table name (422 naming the field)."""
    if table not in TABLES:
        raise Invalid("Onbekende tabel", field_errors={"tabel": "kies uit " + ", ".join(TABLES)})


def header(table: str) -> list[str]:
    """Return the column names of an export table."""
    check_table(table)
    return [c.name for c in TABLES[table][1]]


def to_csv(session: Session, table: str, f: Filters, settings: MonitoringSettings) -> str:
    """Return one table as CSV (semicolon-separated, as Dutch spreadsheet programs expect)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header(table))
    writer.writerows(rows(session, table, f, settings))
    return out.getvalue()


def to_xlsx(session: Session, tables: Iterable[str], f: Filters, settings: MonitoringSettings) -> bytes:
    """Return an XLSX workbook with one sheet per table and a sheet documenting every column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    about = workbook.active
    about.title = "kolommen"
    about.append(["tabel", "kolom", "betekenis"])
    for cell in about[1]:
        cell.font = Font(bold=True)
    for table in tables:
        for column in TABLES[table][1]:
            about.append([table, column.name, column.description])
        sheet = workbook.create_sheet(table)
        sheet.append(header(table))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows(session, table, f, settings):
            sheet.append(row)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
