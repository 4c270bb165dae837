"""Fixtures for letter tests: a temp SQLite database with one case, and realistic case data."""

from __future__ import annotations

import io
import shutil
import uuid
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

import engine.letters.models  # noqa: F401
from engine.db.base import Base
from engine.letters.bench import demo_case
from engine.letters.templates import DEFAULT_ROOT
from engine.running.handlers import ServiceCall

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)  # a Monday; dagtekening 2 maart 2026

PERSOON = {
    "bsn": "123456782",
    "naam": "Amina Yusuf",
    "straat": "Lindelaan",
    "huisnummer": "12a",
    "postcode": "1234 AB",
    "woonplaats": "Voorbeeldstad",
    "taal": "nl",
    "tolk_nodig": True,
    "doelgroep": "asielstatushouder",
}

EXAMPLES: dict[str, dict] = {
    "uitnodiging_brede_intake": {
        "intake_datum": "2026-03-16", "intake_tijd": "10:30", "intake_locatie": "Stadhuis, Stadhuisplein 1",
        "reageren_voor": "2026-03-11", "consulent_naam": "Johan de Boer",
    },
    "waarschuwing_brede_intake": {
        "vorige_intake_datum": "2026-02-16", "intake_datum": "2026-03-18", "intake_tijd": "14:00",
        "intake_locatie": "Stadhuis, Stadhuisplein 1", "reageren_voor": "2026-03-13", "uitnodiging_nummer": 3,
    },
    "intake_afgerond_zonder_medewerking": {"laatste_uitnodiging_datum": "2026-02-02", "aantal_uitnodigingen": 3},
    "pip_beschikking": {
        "leerroute": "B1", "aantal_voortgangsgesprekken": 8, "pvt": True, "map": True, "taalniveau": "B1",
        "begeleiding": "U krijgt een taalmaatje & hulp bij het vinden van vrijwilligerswerk.",
        "motivering": "Uit de leerbaarheidstoets blijkt dat de B1-route haalbaar is.",
    },
    "pip_gewijzigd": {
        "reden": "schakelen", "vorige_leerroute": "B1", "leerroute": "Z", "pip_dagtekening": "2025-06-02",
        "termijn_eind": "2028-06-02", "wijziging": "U volgt voortaan 800 uur les en 800 uur participatie.",
        "motivering": "U heeft ondanks veel inzet de B1-route niet kunnen volgen.",
    },
    "uitnodiging_voortgangsgesprek": {
        "gesprek_datum": "2026-04-07", "gesprek_tijd": "09:00", "gesprek_locatie": "Wijkcentrum De Linde",
    },
    "voornemen_boete": {
        "artikel": "23", "overtreding": "U bent in januari niet naar de taallessen gegaan.",
        "overtreding_datum": "2026-01-31", "boete_bedrag": "50.00", "zienswijze_voor": "2026-03-16",
    },
    "boetebeschikking": {
        "artikel": "23", "overtreding": "U bent in januari niet naar de taallessen gegaan.",
        "overtreding_datum": "2026-01-31", "rapport_datum": "2026-02-09", "boete_bedrag": "150.00",
        "verwijtbaarheid": "grove_schuld", "herhaling": 3, "boete_basis": "200.00", "verwijtbaarheid_percentage": 75,
    },
    "beschikking_ontzorgen": {"datum_start_bijstand": "2026-02-15", "ontzorgen_eind": "2026-08-14",
                              "zorgverzekeraar": "Zorgverzekeraar Zuid"},
    "uitnodiging_eindgesprek": {
        "soort": "Z-route", "gesprek_datum": "2026-04-14", "gesprek_tijd": "11:00", "gesprek_locatie": "Stadhuis",
    },
    "nazorg_contact": {"examen_datum": "2025-09-01", "consulent_naam": "Johan de Boer"},
    "bezwaar_ontvangstbevestiging": {
        "bezwaar_ontvangen_op": "2026-02-20", "beschikking_datum": "2026-01-19", "beschikking_kenmerk": "2026-0001-03",
        "bezwaar_beslistermijn": "2026-04-13", "pro_forma": True, "hersteltermijn": "2026-03-06",
    },
    "bezwaar_verdaging": {"bezwaar_ontvangen_op": "2026-02-20", "bezwaar_beslistermijn": "2026-05-25"},
    "beslissing_op_bezwaar": {
        "bezwaar_ontvangen_op": "2026-02-20", "beschikking_datum": "2026-01-19", "beschikking_kenmerk": "2026-0001-03",
        "bezwaar_uitkomst": "gegrond", "beslissing_motivering": "U was ziek op de dag van de les; dat is aangetoond.",
        "rechtbank": "rechtbank Den Haag",
    },
}


@pytest.fixture
def session(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'letters.db'}")
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        yield db
    engine.dispose()


@pytest.fixture
def case(session):
    return demo_case(session, NOW)


@pytest.fixture
def make_call(session, case):
    def build(template: str, extra: dict | None = None, now: datetime = NOW, **properties: str) -> ServiceCall:
        data = {**PERSOON, **EXAMPLES.get(template, {}), **(extra or {})}
        return ServiceCall(
            session=session, case_id=case.id, case_number=case.case_number, gemeente=case.gemeente,
            process_id="klantreis", element_id=f"brief_{template}", task_id=str(uuid.uuid4()), topic="letter",
            properties={"template": template, **properties}, inputs={}, data=data, now=now, actor="consulent1",
        )
    return build


@pytest.fixture
def letters_copy(tmp_path, monkeypatch) -> Path:
    """A private copy of letters/ the test may edit; the handler reads from it."""
    target = tmp_path / "letters"
    shutil.copytree(DEFAULT_ROOT, target)
    monkeypatch.setenv("REGIE_LETTERS_DIR", str(target))
    return target


def text_of(docx: bytes) -> str:
    """Return all paragraph and table text of a DOCX, one paragraph per line."""
    document = Document(io.BytesIO(docx))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def raw_xml(docx: bytes) -> str:
    """Return the concatenated XML of every word/ part of a DOCX."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return "".join(package.read(n).decode() for n in package.namelist() if n.startswith("word/") and n.endswith(".xml"))
