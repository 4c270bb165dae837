"""Every letter type renders from realistic case data and says what it must say."""

from __future__ import annotations

import pytest

from engine.letters.handler import letter_handler
from engine.letters.models import Letter
from engine.letters.templates import TemplateStore
from engine.running.handlers import HandlerError

from .conftest import EXAMPLES, raw_xml, text_of

BESCHIKKINGEN = {"pip_beschikking", "pip_gewijzigd", "boetebeschikking", "beschikking_ontzorgen"}


def render(session, make_call, template, extra=None, **properties):
    result = letter_handler(make_call(template, extra, **properties))
    letter = session.get(Letter, result["laatste_brief_id"])
    return result, letter, text_of(letter.docx)


def test_every_template_has_an_example_and_the_beschikkingen_are_declared():
    store = TemplateStore.default()
    assert set(store.names()) == set(EXAMPLES)
    assert {name for name in store.names() if store.spec(name).beschikking} == BESCHIKKINGEN


@pytest.mark.parametrize("template", sorted(EXAMPLES))
def test_template_renders_complete_letter(session, make_call, case, template):
    result, letter, text = render(session, make_call, template)

    assert result[f"{template}_verzonden_op"] == "2026-03-02"
    assert "Beste Amina Yusuf," in text
    assert "Lindelaan 12a" in text and "1234 AB  VOORBEELDSTAD" in text
    assert "2 maart 2026" in text
    assert f"{case.case_number}-01" in text
    assert "Het college van burgemeester en wethouders van Voorbeeldstad" in text
    xml = raw_xml(letter.docx)
    assert "{{" not in xml and "{%" not in xml
    has_clause = "Bent u het niet eens met dit besluit?" in text
    assert has_clause == (template in BESCHIKKINGEN)
    if has_clause:
        assert "zes weken" in text and "13 april 2026" in text  # 2 March + 6 weeks (Awb 6:7, 6:8)
        assert "Postbus 100, 1230 AA Voorbeeldstad" in text and "uw handtekening" in text
    assert "123456782" not in xml  # the BSN is never printed


def test_pip_beschikking_states_route_termijn_and_plan(session, make_call):
    result, letter, text = render(session, make_call, "pip_beschikking")

    assert "Uw leerroute: de B1-route" in text
    assert "van 3 maart 2026 tot en met 2 maart 2029" in text  # Wet 11: day after dagtekening, 3 years
    assert "Aantal voortgangsgesprekken: 8" in text
    assert "(PVT): ja" in text and "(MAP): ja" in text
    assert "taalmaatje & hulp" in text
    assert result["termijn_start"] == "2026-03-03" and result["termijn_eind"] == "2029-03-02"
    assert result["pip_dagtekening"] == "2026-03-02"


def test_invitation_states_date_time_place_and_deadline(session, make_call):
    _, _, text = render(session, make_call, "uitnodiging_brede_intake")

    assert "Datum: 16 maart 2026" in text and "Tijd: 10:30 uur" in text
    assert "Plaats: Stadhuis, Stadhuisplein 1" in text
    assert "vóór 11 maart 2026" in text
    assert "Er is een tolk bij het gesprek" in text


def test_third_invitation_warns_it_is_the_last(session, make_call):
    _, _, text = render(session, make_call, "waarschuwing_brede_intake")
    assert "Dit is een waarschuwing" in text and "€ 250,00" in text
    assert "Dit is de laatste uitnodiging." in text

    _, _, second = render(session, make_call, "waarschuwing_brede_intake", {"uitnodiging_nummer": 2})
    assert "laatste uitnodiging" not in second


def test_boete_art23_shows_amount_culpability_and_repeat(session, make_call):
    _, _, text = render(session, make_call, "boetebeschikking")

    assert "U krijgt een boete van € 150,00." in text
    assert "overtreding nummer 3 binnen 12 maanden" in text and "€ 200,00" in text
    assert "grove schuld" in text and "75 procent" in text
    assert "Dat is niet zo." not in text  # Wet 27 check not stated unless the case data says so

    _, _, checked = render(session, make_call, "boetebeschikking", {"bijstand_verlaagd_zelfde_gedrag": False})
    assert "verlaagd voor hetzelfde gedrag (artikel 27 Wet inburgering 2021). Dat is niet zo." in checked


def test_boete_art22_sets_new_deadline(session, make_call):
    extra = {"artikel": "22", "boete_bedrag": 250, "nieuwe_termijn": "2026-04-30",
             "verwijtbaarheid": None, "herhaling": None}
    _, _, text = render(session, make_call, "boetebeschikking", extra)

    assert "U krijgt een boete van € 250,00." in text
    assert "artikel 22" in text and "vóór 30 april 2026" in text


@pytest.mark.parametrize("reden, extra, expected", [
    ("schakelen", {}, "U volgde de B1-route. Vanaf nu volgt u de zelfredzaamheidsroute (Z-route)."),
    ("afschalen", {"leerroute": "B1", "afgeschaalde_onderdelen": "spreken en schrijven", "uren_cursus": 612},
     "Niveau A2 is genoeg voor: spreken en schrijven"),
    ("verhuizing", {"leerroute": "B1", "vorige_gemeente": "Gemeente Elders"},
     "U bent verhuisd van Gemeente Elders naar onze gemeente."),
    ("bijstelling", {"leerroute": "B1"}, "Wij passen uw plan aan uw situatie aan."),
])
def test_pip_gewijzigd_explains_each_reason(session, make_call, reden, extra, expected):
    _, _, text = render(session, make_call, "pip_gewijzigd", {"reden": reden, **extra})

    assert expected in text
    assert "De termijn eindigt op 2 juni 2028." in text  # Wet 11.3: not restarted


def test_ontzorgen_runs_six_months_or_until_extension(session, make_call):
    # the letter states the case's ontzorgen_eind (engine/legal/ontzorgen.py set it); it does not set it again
    result, letter, text = render(session, make_call, "beschikking_ontzorgen")
    assert "ontzorgen_eind" not in result and letter.data["ontzorgen_eind"] == "2026-08-14"
    assert "tot en met 14 augustus 2026. Dat is zes maanden." in text
    assert "artikel 56a van de Participatiewet" in text

    extra = {"verlenging_tot": "2026-11-14", "verlenging_reden": "Uw schulden zijn nog niet geregeld."}
    result, _, longer = render(session, make_call, "beschikking_ontzorgen", extra)
    assert "tot en met 14 november 2026" in longer and "Uw schulden zijn nog niet geregeld." in longer
    with pytest.raises(HandlerError, match="verlenging_tot"):
        render(session, make_call, "beschikking_ontzorgen", {**extra, "verlenging_tot": "2026-08-14"})


def test_eindgesprek_names_map_or_z_route(session, make_call):
    _, _, z_route = render(session, make_call, "uitnodiging_eindgesprek")
    assert "zelfredzaamheidsroute" in z_route and "artikel 3.14" in z_route

    _, _, map_text = render(session, make_call, "uitnodiging_eindgesprek", {"soort": "MAP"})
    assert "module arbeidsmarkt en participatie (MAP)" in map_text and "artikel 3.2" in map_text


def test_english_summary_is_appended_when_taal_is_en(session, make_call):
    _, letter, text = render(session, make_call, "pip_beschikking", {"taal": "en"})

    assert text.index("Summary in English") > text.index("Bent u het niet eens met dit besluit?")
    assert "Your learning route: B1 route" in text and "2 March 2029" in text
    assert "13 April 2026" in text
    assert "samenvatting.en" in letter.part_versions and letter.taal == "en"


def test_no_summary_for_dutch_or_a_language_without_template(session, make_call):
    for taal in ("nl", "es"):
        _, letter, text = render(session, make_call, "nazorg_contact", {"taal": taal})
        assert "Summary" not in text
        assert not any(key.startswith("samenvatting") for key in letter.part_versions)


def test_bezwaar_letters_state_the_awb_terms(session, make_call):
    _, _, received = render(session, make_call, "bezwaar_ontvangstbevestiging")
    assert "uiterlijk op 13 april 2026" in received and "vóór 6 maart 2026" in received  # 7:10, 6:6

    _, letter, decided = render(session, make_call, "beslissing_op_bezwaar")
    assert "Uw bezwaar is gegrond" in decided and "rechtbank Den Haag" in decided
    assert "uiterlijk op 13 april 2026" in decided  # sent 2 March: six weeks for beroep (Awb 6:7, 8:1)
    assert letter.data["beroep_uiterlijk"] == "2026-04-13"
