"""Whole journeys through the real diagrams: a fine into bezwaar and herroeping; a beschikking dated when sent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from engine.bezwaar.service import register_bezwaar
from engine.db.models import Case
from engine.legal.beschikking import status_op
from engine.legal.boete import boete_feiten, eerdere_boete
from engine.legal.models import Beschikking
from engine.letters.flow import approve
from engine.letters.models import Letter
from engine.letters.rules import bezwaar_uiterlijk

PERSOON = {"bsn": "123456782", "voornamen": "Hassan", "achternaam": "Ali", "naam": "Hassan Ali", "straat": "Kerkstraat",
           "huisnummer": "3", "postcode": "2261 AB", "woonplaats": "Leidschendam", "taal": "nl", "tolk_nodig": True,
           "doelgroep": "gezinsmigrant"}
RAPPORT = {"overtreding_omschrijving": "Drie weken niet naar de taalles gegaan", "overtreding_datum": "2026-01-02",
           "verwijtbaarheid": "opzet", "verwijtbaarheid_toelichting": "Kende de afspraak in het PIP"}


def approve_waiting(journey, case_id: str) -> list[int]:
    rt = journey.rt
    with rt.session_factory() as session:
        ids = list(session.scalars(select(Letter.id).where(Letter.case_id == case_id, Letter.status == "ter_controle")))
    for letter_id in ids:
        with rt.session_factory.begin() as session:
            approve(rt.engine, session=session, letter_id=letter_id, actor="consulent1")
    return ids


def letters_of(journey, case_id: str) -> list[Letter]:
    with journey.rt.session_factory() as session:
        rows = list(session.scalars(select(Letter).where(Letter.case_id == case_id).order_by(Letter.sequence)))
        session.expunge_all()
        return rows


def test_a_fine_from_rapport_to_herroeping_no_longer_counts_for_doubling_or_the_cap(journey):
    journey.at("2026-01-05T09:00:00")
    zaak = journey.start("handhaving", {**PERSOON, "overtreding_artikel": "23", "leerroute": "B1",
                                        "overtreding_omschrijving": RAPPORT["overtreding_omschrijving"]})
    journey.complete(zaak, "Task_Pw18Check", {"pw_sanctie_zelfde_gedraging": False})
    journey.complete(zaak, "Task_Rapport", RAPPORT)
    # Awb 5:48, 4:8, 5:50: rapport and the invitation for a zienswijze come first, also for EUR 50
    assert journey.tasks(zaak) == ["Task_Zienswijze"]
    assert [l.template for l in letters_of(journey, zaak)] == ["voornemen_boete"]
    assert journey.variables(zaak)["beslistermijn_boete"] == "2026-04-06"  # Awb 5:51: 13 weeks after the rapport
    journey.at("2026-01-20T09:00:00")
    journey.complete(zaak, "Task_Zienswijze", {"zienswijze_ontvangen": True, "zienswijze": "Mijn kind was ziek.",
                                               "besluit_na_zienswijze": "opleggen",
                                               "besluit_toelichting": "Geen bewijs van ziekte gekregen."})
    approve_waiting(journey, zaak)
    boetes = journey.variables(zaak)["boetes"]
    assert len(boetes) == 1 and boetes[0]["datum"] == "2026-01-20" and boetes[0]["beschikking_id"]

    with journey.rt.session_factory() as session:
        row = session.get(Beschikking, int(boetes[0]["beschikking_id"]))
        assert row.soort == "boetebeschikking" and row.bezwaar_uiterlijk == date(2026, 3, 3)
        fine = eerdere_boete(boetes[0], row)
        before = boete_feiten([fine], artikel="23", overtreding_datum=date(2026, 5, 1), peildatum=date(2026, 5, 4))
        assert status_op(row, date(2026, 3, 4)) == "onherroepelijk"
    assert (before.herhaling, before.boetes_in_termijn) == (2, Decimal("50"))

    journey.at("2026-02-10T09:00:00")
    with journey.rt.session_factory.begin() as session:
        bezwaar = register_bezwaar(journey.rt.engine, session=session, beschikking_id=row.id,
                                   ontvangen_op=date(2026, 2, 9), gronden="Mijn kind was ziek; ik heb een briefje van de dokter.",
                                   actor="jurist1").id
    assert journey.tasks(bezwaar) == ["Task_Horen"]
    assert [l.template for l in letters_of(journey, bezwaar)] == ["bezwaar_ontvangstbevestiging"]
    # Awb 7:10: six weeks after the bezwaar term ended (3 March): 14 April
    assert journey.variables(bezwaar)["bezwaar_beslistermijn"] == "2026-04-14"
    with journey.rt.session_factory() as session:
        assert status_op(session.get(Beschikking, row.id), date(2026, 3, 10)) == "bezwaar_loopt"

    journey.complete(bezwaar, "Task_Horen", {"horen": "ja", "horen_toelichting": "Gehoord met tolk; briefje dokter gezien."})
    journey.complete(bezwaar, "Task_Beslissen", {"bezwaar_uitkomst": "gegrond",
                                                 "beslissing_motivering": "De ziekte van het kind is aangetoond."})
    approve_waiting(journey, bezwaar)
    with journey.rt.session_factory() as session:
        assert session.get(Case, bezwaar).status == "completed"
        row = session.get(Beschikking, row.id)
        assert row.herroepen_op == date(2026, 2, 10) and status_op(row, date(2026, 5, 4)) == "herroepen"
        after = boete_feiten([eerdere_boete(boetes[0], row)], artikel="23", overtreding_datum=date(2026, 5, 1),
                             peildatum=date(2026, 5, 4))
    assert (after.herhaling, after.boetes_in_termijn) == (1, Decimal("0"))
    beslissing = letters_of(journey, bezwaar)[-1]
    assert beslissing.template == "beslissing_op_bezwaar" and beslissing.data["beroep_uiterlijk"] == "2026-03-24"

    # the next violation in the real diagram: the herroepen fine neither doubles nor counts for the cap
    journey.at("2026-05-04T09:00:00")
    volgende = journey.start("handhaving", {**PERSOON, "overtreding_artikel": "23", "leerroute": "B1", "boetes": boetes,
                                            "overtreding_omschrijving": "Weer niet naar de taalles"})
    journey.complete(volgende, "Task_Pw18Check", {"pw_sanctie_zelfde_gedraging": False})
    journey.complete(volgende, "Task_Rapport", {**RAPPORT, "overtreding_datum": "2026-05-01"})
    variables = journey.variables(volgende)
    assert (variables["herhaling"], variables["boetes_in_termijn"], variables["boete_bedrag"]) == (1, 0, 50)


def test_a_second_fine_for_the_same_violation_is_refused(journey):
    journey.at("2026-03-05T09:00:00")
    earlier = [{"artikel": "23", "bedrag": 50, "datum": "2026-01-20", "overtreding_datum": "2026-01-02"}]
    zaak = journey.start("handhaving", {**PERSOON, "overtreding_artikel": "23", "boetes": earlier,
                                        "overtreding_omschrijving": RAPPORT["overtreding_omschrijving"]})
    journey.complete(zaak, "Task_Pw18Check", {"pw_sanctie_zelfde_gedraging": False})
    journey.complete(zaak, "Task_Rapport", RAPPORT)
    with journey.rt.session_factory() as session:
        assert session.get(Case, zaak).status == "completed"
    assert journey.variables(zaak)["al_beboet"] is True
    assert letters_of(journey, zaak) == []


PIP_START = {**PERSOON, "doelgroep": "asielstatushouder", "datum_plicht": "2026-01-05",
             "datum_brp_inschrijving": "2026-01-12", "pip_deadline": "2026-03-23"}
PIP = {"leerroute": "B1", "taalniveau": "B1", "aantal_voortgangsgesprekken": 8, "pvt": True, "map": True,
       "begeleiding": "Taalmaatje en hulp bij vrijwilligerswerk", "motivering": "De B1-route is haalbaar.",
       "pip_wacht_op_derde": False}


def test_a_beschikking_approved_days_later_is_dated_the_day_it_is_sent(journey):
    journey.at("2026-03-02T09:00:00")
    zaak = journey.start("pip", PIP_START)
    journey.complete(zaak, "Task_PipOpstellen", PIP)
    journey.complete(zaak, "Task_PipBespreken", {"pip_besproken_op": "2026-03-02", "tolk_aanwezig": True})
    journey.complete(zaak, "Task_PipOndertekenen", {"pip_ondertekend": True, "pip_ondertekend_op": "2026-03-02"})
    [draft] = letters_of(journey, zaak)
    assert (draft.status, draft.dagtekening) == ("ter_controle", date(2026, 3, 2))

    journey.at("2026-03-06T10:00:00")  # approved four days later, on a Friday
    approve_waiting(journey, zaak)
    draft_again, sent = letters_of(journey, zaak)
    assert draft_again.id == draft.id and draft_again.status == "vervangen"
    assert draft_again.docx_sha256 == draft.docx_sha256  # the archive keeps the first version unchanged
    assert (sent.status, sent.dagtekening, sent.task_id) == ("goedgekeurd", date(2026, 3, 6), draft.task_id)
    assert sent.docx_sha256 != draft.docx_sha256 and sent.kenmerk != draft.kenmerk
    assert sent.data["bezwaar_uiterlijk"] == bezwaar_uiterlijk(date(2026, 3, 6)).isoformat() == "2026-04-17"
    assert draft.data["bezwaar_uiterlijk"] == "2026-04-13"
    variables = journey.variables(zaak)
    # Wet 11: the termijn starts the day after the real dagtekening
    assert (variables["pip_dagtekening"], variables["termijn_start"], variables["termijn_eind"]) == (
        "2026-03-06", "2026-03-07", "2029-03-06")
    assert variables["pip_beschikking_bezwaar_uiterlijk"] == "2026-04-17"
    with journey.rt.session_factory() as session:
        row = session.get(Beschikking, int(variables["laatste_beschikking_id"]))
        assert (row.letter_id, row.verzonden_op) == (sent.id, date(2026, 3, 6))


def test_an_unlawful_pip_is_refused_on_the_form_field_with_the_article(journey):
    journey.at("2026-03-02T09:00:00")
    zaak = journey.start("pip", PIP_START)
    from engine.errors import Invalid
    import pytest

    for data, field, article in [({"leerroute": "onderwijs", "taalniveau": "A2", "map": False}, "taalniveau", "Wet 7"),
                                 ({"leerroute": "B1", "taalniveau": "A2"}, "taalniveau", "Besluit 5.5"),
                                 ({"leerroute": "Z", "taalniveau": "B1"}, "taalniveau", "Wet 8"),
                                 ({"leerroute": "onderwijs", "taalniveau": "B1", "map": True}, "map", "Wet 8 lid 3")]:
        with pytest.raises(Invalid) as refused:
            journey.complete(zaak, "Task_PipOpstellen", {**PIP, **data})
        assert article in refused.value.field_errors[field]
    assert journey.tasks(zaak) == ["Task_PipOpstellen"]
