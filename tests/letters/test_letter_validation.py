"""Missing or wrong data never becomes a letter: the handler names every bad field."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from sqlalchemy import func, select

from engine.legal import ontzorgen, termijnen
from engine.letters import rules
from engine.letters.formatting import bedrag, datum
from engine.letters.handler import letter_handler
from engine.letters.models import Letter
from engine.letters.render import refuse_leftovers
from engine.running.handlers import HandlerError


def letter_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Letter))


def test_missing_fields_are_all_named_and_no_letter_is_made(session, make_call):
    call = make_call("pip_beschikking", {"leerroute": None, "motivering": "", "postcode": None})

    with pytest.raises(HandlerError) as error:
        letter_handler(call)

    message = str(error.value)
    assert message.startswith("Brief pip_beschikking:")
    for field in ("leerroute", "motivering", "postcode"):
        assert f"veld '{field}' ontbreekt" in message
    assert letter_count(session) == 0


def test_invalid_values_are_named_without_echoing_them(session, make_call):
    call = make_call("uitnodiging_brede_intake", {"intake_datum": "16-03-2026", "intake_tijd": "25:00"})

    with pytest.raises(HandlerError) as error:
        letter_handler(call)

    message = str(error.value)
    assert "veld 'intake_datum' is geen datum" in message and "veld 'intake_tijd' is ongeldig" in message
    assert "16-03-2026" not in message and "25:00" not in message


def test_conditional_fields_of_article_22_are_required(session, make_call):
    call = make_call("boetebeschikking", {"artikel": "22", "boete_bedrag": 250})
    with pytest.raises(HandlerError, match="veld 'nieuwe_termijn' ontbreekt"):
        letter_handler(call)


def test_art22_new_deadline_must_fall_within_two_months(session, make_call):
    extra = {"artikel": "22", "boete_bedrag": 250, "nieuwe_termijn": "2026-05-04"}
    with pytest.raises(HandlerError, match="veld 'nieuwe_termijn'"):
        letter_handler(make_call("boetebeschikking", extra))


def test_the_letter_states_the_decision_tables_capped_fine(session, make_call):
    # Besluit 7.1.5 left EUR 100 of the EUR 2,400: the letter states that, it does not recompute the law.
    extra = {"boete_bedrag": "100.00", "plafond_toegepast": True}
    result = letter_handler(make_call("boetebeschikking", extra))
    letter = session.get(Letter, result["laatste_brief_id"])
    assert letter.data["boete_bedrag"] == "100.00" and letter.data["boete_basis"] == "200.00"


def test_an_art23_fine_needs_the_tables_basis_and_percentage(session, make_call):
    with pytest.raises(HandlerError, match="veld 'boete_basis' ontbreekt"):
        letter_handler(make_call("boetebeschikking", {"boete_basis": None}))


def test_schakelen_after_18_months_is_refused_except_onderwijs_to_b1(session, make_call):
    late = {"pip_dagtekening": "2024-08-30", "termijn_eind": "2027-08-30"}  # termijn started 31 Aug 2024
    with pytest.raises(HandlerError, match="Besluit 5.4"):
        letter_handler(make_call("pip_gewijzigd", late))
    result = letter_handler(make_call("pip_gewijzigd", {**late, "vorige_leerroute": "onderwijs", "leerroute": "B1"}))
    assert result["laatste_brief_id"]


def test_map_is_refused_with_the_onderwijsroute(session, make_call):
    with pytest.raises(HandlerError, match="veld 'map'"):
        letter_handler(make_call("pip_beschikking", {"leerroute": "onderwijs", "map": True}))


def test_feel_decimals_and_date_objects_in_case_data_are_accepted(session, make_call):
    extra = {"herhaling": Decimal("3"), "boete_bedrag": Decimal("150.00"), "rapport_datum": date(2026, 2, 9)}
    result = letter_handler(make_call("boetebeschikking", extra))
    assert session.get(Letter, result["laatste_brief_id"]).data["boete_bedrag"] == "150.00"


def test_unknown_template_and_missing_huisstijl_are_refused(session, make_call, case):
    with pytest.raises(HandlerError, match="onbekend sjabloon"):
        letter_handler(make_call("../pip_beschikking"))
    call = make_call("nazorg_contact")
    call.gemeente = "0999"
    with pytest.raises(HandlerError, match="Geen huisstijl"):
        letter_handler(call)


def test_template_code_reaching_outside_the_sandbox_is_refused(session, make_call, letters_copy):
    document = Document(str(letters_copy / "nazorg_contact.docx"))
    document.add_paragraph("{{ naam.__class__.__mro__[1].__subclasses__() }}")
    document.save(str(letters_copy / "nazorg_contact.docx"))

    with pytest.raises(HandlerError, match="nazorg_contact"):
        letter_handler(make_call("nazorg_contact"))
    assert letter_count(session) == 0


def test_a_typo_in_a_template_variable_is_refused_not_left_blank(session, make_call, letters_copy):
    document = Document(str(letters_copy / "nazorg_contact.docx"))
    document.add_paragraph("Uw examen was op {{ examendatum }}.")
    document.save(str(letters_copy / "nazorg_contact.docx"))

    with pytest.raises(HandlerError, match="examendatum"):
        letter_handler(make_call("nazorg_contact"))


def test_leftover_template_code_is_refused():
    document = Document()
    document.add_paragraph("Beste {{ naam }},")
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(HandlerError, match="niet-ingevulde"):
        refuse_leftovers("test", out.getvalue())


@pytest.mark.parametrize("year", range(2024, 2036))
def test_5_mei_is_an_algemeen_erkende_feestdag_every_year(year):
    assert date(year, 5, 5) in rules.algemeen_erkende_feestdagen(year)


def test_koningsdag_on_a_sunday_is_celebrated_on_the_saturday_before():
    assert date(2025, 4, 26) in rules.algemeen_erkende_feestdagen(2025)
    assert date(2025, 4, 27) not in rules.algemeen_erkende_feestdagen(2025)
    assert date(2030, 4, 27) in rules.algemeen_erkende_feestdagen(2030)  # a Saturday stays


def test_dutch_filters():
    assert datum(date(2026, 3, 3)) == "3 maart 2026"
    assert datum("2026-12-01", "en") == "1 December 2026"
    assert bedrag(Decimal("1234.5")) == "€ 1.234,50"
    assert bedrag(50) == "€ 50,00"
    assert bedrag(Decimal("1234567.891")) == "€ 1.234.567,89"


def test_legal_dates_and_amounts():
    assert termijnen.termijn_eind(date(2028, 2, 28)) == date(2031, 2, 28)  # starts 29 Feb, three years
    assert rules.bezwaar_uiterlijk(date(2026, 3, 2)) == date(2026, 4, 13)
    assert rules.bezwaar_uiterlijk(date(2026, 3, 13)) == date(2026, 4, 24)  # a Friday stays
    assert rules.bezwaar_uiterlijk(date(2026, 3, 14)) == date(2026, 4, 28)  # Saturday, Sunday, Koningsdag
    assert rules.bezwaar_uiterlijk(date(2026, 3, 16)) == date(2026, 4, 28)  # Koningsdag 27 April moves it on
    assert rules.bezwaar_uiterlijk(date(2026, 3, 24)) == date(2026, 5, 6)  # 5 mei counts every year (Atw 3)
    assert termijnen.termijn_eind(date(2028, 2, 29)) == date(2031, 2, 28)
    assert ontzorgen.ontzorgen_eind(date(2026, 8, 31)) == date(2027, 2, 28)
    assert ontzorgen.ontzorgen_eind(date(2026, 3, 1)) == date(2026, 8, 31)
