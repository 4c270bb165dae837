"""Server-side checking of submitted task forms: types, rules, Dutch messages, hidden fields."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from form_helpers import NOW, make_form

from engine.forms import default_values, validate_submission, visible_fields

VALID_INTAKE = {
    "leerroute": "B1",
    "uren_participatie": "12,5",
    "datum_gesprek": "2026-03-02",
    "tolk_nodig": "on",
    "taal": "ar",
    "aanbod": ["stage", "taal"],
    "email": "amal@voorbeeld.nl",
    "postcode": "1234 AB",
    "telefoon": "06 12345678",
}


def check(form, submitted, context=None):
    return validate_submission(form, submitted, context=context or {}, now=NOW)


def test_html_strings_become_typed_values(intake):
    clean, errors = check(intake, VALID_INTAKE)
    assert errors == {}
    assert clean["uren_participatie"] == Decimal("12.5")
    assert clean["datum_gesprek"] == date(2026, 3, 2)
    assert clean["tolk_nodig"] is True
    assert clean["aanbod"] == ["taal", "stage"]  # in the order of the options
    assert clean["taal"] == "ar"
    assert "reden_z_route" not in clean  # hidden: leerroute is not Z


def test_json_typed_values_are_accepted(intake):
    submitted = dict(VALID_INTAKE, uren_participatie=12, tolk_nodig=False, datum_gesprek=date(2026, 3, 2))
    clean, errors = check(intake, submitted)
    assert errors == {}
    assert clean["uren_participatie"] == 12 and isinstance(clean["uren_participatie"], int)
    assert clean["tolk_nodig"] is False
    assert clean["datum_gesprek"] == date(2026, 3, 2)


def test_unticked_checkbox_and_empty_fields(intake):
    submitted = {k: v for k, v in VALID_INTAKE.items() if k not in ("tolk_nodig", "aanbod")}
    submitted.update(email="", telefoon="  ")
    clean, errors = check(intake, submitted)
    assert errors == {}
    assert clean["tolk_nodig"] is False
    assert clean["aanbod"] == []
    assert clean["email"] is None and clean["telefoon"] is None


def test_required_messages(intake):
    clean, errors = check(intake, {})
    assert errors == {"leerroute": "Kies een van de opties.", "datum_gesprek": "Vul een datum in."}
    assert "leerroute" not in clean


def test_hidden_required_field_is_not_required_and_dropped(intake):
    clean, errors = check(intake, dict(VALID_INTAKE, reden_z_route="stuurt iets mee"))
    assert "reden_z_route" not in errors
    assert "reden_z_route" not in clean


def test_shown_conditional_field_is_checked(intake):
    _, errors = check(intake, dict(VALID_INTAKE, leerroute="Z"))
    assert errors == {"reden_z_route": "Vul dit veld in."}
    clean, errors = check(intake, dict(VALID_INTAKE, leerroute="Z", reden_z_route="Leerbaarheidstoets te laag"))
    assert errors == {} and clean["reden_z_route"] == "Leerbaarheidstoets te laag"


def test_group_condition_hides_its_fields(bijstand):
    clean, errors = check(bijstand, {})
    assert errors == {}
    assert "datum_start_bijstand" not in clean and "bedrag" not in clean
    _, errors = check(bijstand, {"bijstand": "on"})
    assert errors == {"datum_start_bijstand": "Vul een datum in."}
    assert [f.key for f in visible_fields(bijstand, {"bijstand": True}, now=NOW)] == [
        "bijstand", "datum_start_bijstand", "bedrag", "consulent"
    ]
    assert [f.key for f in visible_fields(bijstand, {}, now=NOW)] == ["bijstand", "consulent"]


def test_condition_can_use_case_data_from_context(intake):
    _, errors = check(intake, {k: v for k, v in VALID_INTAKE.items() if k != "leerroute"}, {"leerroute": "Z"})
    assert errors["reden_z_route"] == "Vul dit veld in."


def test_readonly_field_is_not_taken_from_the_submission(bijstand):
    clean, _ = check(bijstand, {"consulent": "iemand_anders"}, {"consulent": "jdevries"})
    assert "consulent" not in clean


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("uren_participatie", "twaalf", "Vul een getal in, bijvoorbeeld 12 of 12,5."),
        ("uren_participatie", "1.000,5", "Vul een getal in, bijvoorbeeld 12 of 12,5."),
        ("uren_participatie", True, "Vul een getal in, bijvoorbeeld 12 of 12,5."),
        ("uren_participatie", "-1", "Vul een getal in van 0 of hoger."),
        ("uren_participatie", "40,5", "Vul een getal in van 40 of lager."),
        ("uren_participatie", "12,25", "Gebruik hoogstens 1 cijfers achter de komma."),
        ("datum_gesprek", "02-03-2026", "Gebruik de vorm JJJJ-MM-DD, bijvoorbeeld 2026-03-01."),
        ("datum_gesprek", "2026-02-30", "Deze datum bestaat niet. Gebruik de vorm JJJJ-MM-DD."),
        ("leerroute", "X", "Kies een van de opties."),
        ("taal", "<script>", "Kies een van de opties."),
        ("aanbod", ["taal", "reizen"], "Kies een van de opties."),
        ("email", "amal@", "Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."),
        ("telefoon", "bel me", "Vul een geldig telefoonnummer in, bijvoorbeeld 06 12345678 of +31 20 1234567."),
        ("postcode", "0123 AB", "De invoer heeft niet de goede vorm. Kijk naar de uitleg bij het veld."),
        ("tolk_nodig", "misschien", "Vink het vakje aan of laat het leeg."),
    ],
)
def test_rule_messages_in_dutch(intake, field, value, message):
    clean, errors = check(intake, dict(VALID_INTAKE, **{field: value}))
    assert errors == {field: message}
    assert field not in clean


def test_text_length_rules(intake):
    base = dict(VALID_INTAKE, leerroute="Z")
    _, errors = check(intake, dict(base, reden_z_route="te kort"))
    assert errors == {"reden_z_route": "Vul minimaal 10 tekens in."}
    _, errors = check(intake, dict(base, reden_z_route="x" * 501))
    assert errors == {"reden_z_route": "Vul maximaal 500 tekens in. Nu zijn het er 501."}


def test_required_checkbox_must_be_ticked():
    form = make_form({"type": "checkbox", "id": "F1", "key": "akkoord", "label": "Akkoord", "validate": {"required": True}})
    assert check(form, {})[1] == {"akkoord": "Vink dit vakje aan."}
    assert check(form, {"akkoord": "on"}) == ({"akkoord": True}, {})


def test_required_checklist_needs_one_option():
    form = make_form({"type": "checklist", "id": "F1", "key": "k", "label": "K", "validate": {"required": True},
                      "values": [{"label": "A", "value": "a"}]})
    assert check(form, {"k": []})[1] == {"k": "Kies minimaal één optie."}
    assert check(form, {"k": "a"}) == ({"k": ["a"]}, {})


def test_number_increment_and_whole_numbers():
    form = make_form(
        {"type": "number", "id": "F1", "key": "bedrag", "label": "Bedrag", "increment": "0.05"},
        {"type": "number", "id": "F2", "key": "uren", "label": "Uren", "decimalDigits": 0, "serializeToString": True},
    )
    assert check(form, {"bedrag": "2,05", "uren": "7"}) == ({"bedrag": Decimal("2.05"), "uren": "7"}, {})
    _, errors = check(form, {"bedrag": "2,07", "uren": "7,5"})
    assert errors == {
        "bedrag": "Dit getal kan niet. Kies bijvoorbeeld 2,05 of 2,10.",
        "uren": "Vul een heel getal in, zonder komma.",
    }


def test_date_limits_static_feel_and_passed_dates():
    form = make_form(
        {"type": "datetime", "id": "F1", "key": "a", "subtype": "date", "dateLabel": "A",
         "validate": {"min": "2026-01-01", "max": "=datum_plicht + duration(\"P10W\")"}},
        {"type": "datetime", "id": "F2", "key": "b", "subtype": "date", "dateLabel": "B", "disallowPassedDates": True},
    )
    context = {"datum_plicht": date(2026, 1, 5)}
    assert check(form, {"a": "2026-03-16", "b": "2026-03-02"}, context)[1] == {}
    _, errors = check(form, {"a": "2025-12-31", "b": "2026-03-01"}, context)
    assert errors == {"a": "Kies 1 januari 2026 of een latere datum.", "b": "Kies vandaag of een datum later dan vandaag."}
    _, errors = check(form, {"a": "2026-03-17"}, context)
    assert errors == {"a": "Kies 16 maart 2026 of een eerdere datum."}


def test_time_and_datetime_subtypes():
    form = make_form(
        {"type": "datetime", "id": "F1", "key": "t", "subtype": "time", "timeLabel": "Tijd", "timeInterval": 15},
        {"type": "datetime", "id": "F2", "key": "dt", "subtype": "datetime", "dateLabel": "D", "timeLabel": "T"},
    )
    clean, errors = check(form, {"t": "09:45", "dt": "2026-03-02T10:15"})
    assert errors == {}
    assert clean == {"t": time(9, 45), "dt": datetime(2026, 3, 2, 10, 15)}
    assert check(form, {})[1] == {}
    required = make_form(
        {"type": "datetime", "id": "F1", "key": "t", "subtype": "time", "timeLabel": "T", "validate": {"required": True}},
        {"type": "datetime", "id": "F2", "key": "dt", "subtype": "datetime", "dateLabel": "D",
         "validate": {"required": True}},
    )
    assert check(required, {})[1] == {"t": "Vul een tijd in.", "dt": "Vul een datum en een tijd in."}
    _, errors = check(form, {"t": "09:40", "dt": "morgen"})
    assert errors == {
        "t": "Kies een tijd in stappen van 15 minuten.",
        "dt": "Gebruik de vorm JJJJ-MM-DD UU:MM, bijvoorbeeld 2026-03-01 09:30.",
    }


def test_no_bsn_echoed_in_messages():
    form = make_form({"type": "textfield", "id": "F1", "key": "bsn", "label": "BSN",
                      "validate": {"pattern": "^[0-9]{9}$", "maxLength": 9}})
    _, errors = check(form, {"bsn": "1112223334"})
    assert "1112223334" not in errors["bsn"]


def test_default_values_prefer_case_data_then_defaults(intake):
    form = make_form(
        {"type": "datetime", "id": "F1", "key": "datum", "subtype": "date", "dateLabel": "D", "defaultValue": "=today()"},
        {"type": "textfield", "id": "F2", "key": "naam", "label": "N", "defaultValue": "=voornamen + \" \" + achternaam"},
        {"type": "textfield", "id": "F3", "key": "kapot", "label": "K", "defaultValue": "=onbekend.veld"},
    )
    assert default_values(form, {"voornamen": "Amal", "achternaam": "Haddad"}, now=NOW) == {
        "datum": date(2026, 3, 2), "naam": "Amal Haddad"
    }
    assert default_values(intake, {"taal": "ti"}) == {"tolk_nodig": False, "taal": "ti"}
    assert default_values(intake, {}) == {"tolk_nodig": False, "taal": "nl"}


def test_today_is_the_dutch_date_not_utc():
    form = make_form({"type": "datetime", "id": "F1", "key": "d", "subtype": "date", "dateLabel": "D",
                      "disallowPassedDates": True})
    late_evening_utc = datetime(2026, 3, 1, 23, 30, tzinfo=NOW.tzinfo)  # already 2 March in Amsterdam
    _, errors = validate_submission(form, {"d": "2026-03-01"}, context={}, now=late_evening_utc)
    assert errors == {"d": "Kies vandaag of een datum later dan vandaag."}


def test_condition_on_a_typed_number_and_feel_bounds():
    form = make_form(
        {"type": "number", "id": "F1", "key": "uren", "label": "Uren"},
        {"type": "textarea", "id": "F2", "key": "toelichting", "label": "Toelichting",
         "validate": {"required": True, "minLength": "=min_tekens"}, "conditional": {"hide": "=uren <= 10"}},
    )
    assert check(form, {"uren": "9,5"}) == ({"uren": Decimal("9.5")}, {})
    _, errors = check(form, {"uren": "10,5", "toelichting": "kort"}, {"min_tekens": 20})
    assert errors == {"toelichting": "Vul minimaal 20 tekens in."}


def test_unknown_submitted_keys_are_not_passed_on(intake):
    clean, _ = check(intake, dict(VALID_INTAKE, bsn="123456782", consulent="hacker"))
    assert "bsn" not in clean and "consulent" not in clean


def test_as_case_data_writes_dates_as_iso_text(intake):
    from engine.forms import as_case_data

    clean, _ = check(intake, VALID_INTAKE)
    data = as_case_data(clean)
    assert data["datum_gesprek"] == "2026-03-02"
    assert data["uren_participatie"] == Decimal("12.5")
