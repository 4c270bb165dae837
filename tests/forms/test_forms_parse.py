"""Reading form-js JSON and refusing at deploy what Regie cannot run."""

from __future__ import annotations

import pytest
from form_helpers import fixture_bytes, fixture_form, make_form

from engine.forms import FormError, load_form, parse_form, validate_form_definition


def messages(form) -> list[str]:
    return [str(problem) for problem in validate_form_definition(form)]


def test_modeler_form_parses_into_tree_and_flat_fields(bijstand):
    assert bijstand.id == "bijstand_test"
    assert [c.type for c in bijstand.components] == ["checkbox", "group", "separator", "spacer", "textfield"]
    group = bijstand.components[1]
    assert [c.id for c in group.children] == ["Field_start_bijstand", "Field_bedrag"]
    assert [f.key for f in bijstand.fields] == ["bijstand", "datum_start_bijstand", "bedrag", "consulent"]
    assert bijstand.field("datum_start_bijstand").label == "Start bijstand"
    assert bijstand.raw["exporter"]["name"] == "Camunda Modeler"


def test_fixture_forms_have_no_problems(intake, bijstand):
    assert validate_form_definition(intake) == []
    assert validate_form_definition(bijstand) == []


def test_choice_options_keep_labels_and_values(intake):
    assert intake.field("leerroute").options == [("Onderwijsroute", "onderwijs"), ("B1-route", "B1"), ("Z-route", "Z")]


@pytest.mark.parametrize(
    "source, expected",
    [
        (b"{not json", "not valid JSON"),
        (b"[]", "JSON object"),
        (b'{"components": []}', "has no id"),
        (b'{"id": "x"}', "no 'components' list"),
        (b'{"id": "x", "components": [{"key": "a"}]}', "no 'type'"),
    ],
)
def test_unreadable_forms_raise_with_a_reason(source, expected):
    with pytest.raises(FormError) as caught:
        parse_form(source, filename="kapot.form")
    assert expected in str(caught.value)
    assert caught.value.problems[0].file == "kapot.form"


def test_unsupported_components_are_refused_with_id_and_reason():
    problems = validate_form_definition(fixture_form("unsupported"))
    by_component = {}
    for problem in problems:
        assert problem.file == "unsupported.form"
        by_component.setdefault(problem.component_id, []).append(problem.message)
    assert "file uploads are not supported" in by_component["Field_upload"][0]
    assert any("valuesKey" in m for m in by_component["Field_route"])
    assert any("dynamic list" in m for m in by_component["Field_kinderen"])
    assert any("conditional.hide does not parse" in m for m in by_component["Field_naam"])
    assert any("'naam' is also used by Field_naam" in m for m in by_component["Field_naam2"])
    assert any("has no options" in m for m in by_component["Field_keuze"])


def test_load_form_raises_with_every_problem():
    with pytest.raises(FormError) as caught:
        load_form(fixture_bytes("unsupported"), filename="unsupported.form")
    assert len(caught.value.problems) >= 6


@pytest.mark.parametrize(
    "component, expected",
    [
        ({"type": "iframe", "id": "F1", "url": "https://x"}, "iframe"),
        ({"type": "expression", "id": "F1", "key": "x", "expression": "=1"}, "expression fields are not supported"),
        ({"type": "rating", "id": "F1", "key": "x"}, "unknown to Regie"),
        ({"type": "textfield", "id": "F1", "key": "a.b", "label": "A"}, "dotted paths"),
        ({"type": "textfield", "id": "F1", "label": "A"}, "has no key"),
        ({"type": "textfield", "id": "F1", "key": "a"}, "has no label"),
        ({"type": "datetime", "id": "F1", "key": "a", "subtype": "date"}, "has no dateLabel/timeLabel"),
        ({"type": "textfield", "id": "F1", "key": "a", "validate": {"validationType": "iban"}}, "iban"),
        ({"type": "textfield", "id": "F1", "key": "a", "validate": {"pattern": "(["}}, "not a valid regular"),
        ({"type": "textfield", "id": "F1", "key": "a", "validate": {"minLength": 5, "maxLength": 2}}, "minLength is larger"),
        ({"type": "number", "id": "F1", "key": "a", "validate": {"min": 5, "max": 2}}, "min is larger"),
        ({"type": "textarea", "id": "F1", "key": "a", "validate": {"min": 5}}, "validate.min is not supported"),
        ({"type": "select", "id": "F1", "key": "a", "valuesExpression": "=x"}, "valuesExpression"),
        ({"type": "radio", "id": "F1", "key": "a"}, "has no options"),
        ({"type": "textfield", "id": "F1", "key": "a", "conditional": {"hide": "a = 1"}}, "starts with '='"),
        ({"type": "textfield", "id": "F1", "key": "a", "label": "=naam +"}, "label expression does not parse"),
        ({"type": "textfield", "id": "F1", "key": "a", "defaultValue": "=("}, "defaultValue expression"),
        ({"type": "text", "id": "F1", "text": "Hallo {{naam}}"}, "templating"),
        ({"type": "group", "id": "F1", "path": "adres", "components": []}, "Regie's case variables are flat"),
        ({"type": "button", "id": "F1", "action": "reset"}, "reset button"),
        ({"type": "textfield", "id": "F1", "key": "a", "foo": 1}, "property 'foo'"),
        ({"type": "checkbox", "id": "F1", "key": "a", "defaultValue": "ja"}, "true or false"),
        ({"type": "select", "id": "F1", "key": "a", "values": [{"label": "A", "value": "a"}], "defaultValue": "b"},
         "'b' is not one of the options"),
        ({"type": "datetime", "id": "F1", "key": "a", "subtype": "date", "defaultValue": "1-3-2026"}, "YYYY-MM-DD"),
        ({"type": "number", "id": "F1", "key": "a", "decimalDigits": -1}, "decimalDigits"),
        ({"type": "radio", "id": "F1", "key": "a", "values": [{"label": "A", "value": "a"}, {"label": "B", "value": "a"}]},
         "occurs twice"),
    ],
)
def test_deploy_refuses_with_reason_and_component_id(component, expected):
    problems = validate_form_definition(make_form(component))
    assert problems, f"expected a refusal for {component}"
    assert any(expected in p.message for p in problems), [p.message for p in problems]
    assert all(p.component_id == "F1" and p.file == "test_form.form" for p in problems)


def test_duplicate_ids_are_refused():
    form = make_form(
        {"type": "textfield", "id": "F1", "key": "a", "label": "A"},
        {"type": "textfield", "id": "F1", "key": "b", "label": "B"},
    )
    assert any("used twice" in m for m in messages(form))


def test_unknown_form_property_is_refused():
    form = parse_form('{"id": "x", "components": [], "dataSource": "=y"}', filename="x.form")
    assert any("form property 'dataSource'" in m for m in messages(form))


def test_supported_properties_are_accepted():
    form = make_form(
        {"type": "textfield", "id": "F1", "key": "a", "label": "=naam", "readonly": "=klaar = true",
         "appearance": {"prefixAdorner": "€"}, "properties": {"x": "y"}, "validate": {"minLength": "=min_lengte"}},
        {"type": "datetime", "id": "F2", "key": "b", "subtype": "datetime", "dateLabel": "D", "timeLabel": "T",
         "use24h": True, "timeInterval": 15, "timeSerializingFormat": "utc_offset", "disallowPassedDates": True},
        {"type": "datetime", "id": "F3", "key": "c", "dateLabel": "C", "validate": {"min": "2026-01-01", "max": "=today()"}},
        {"type": "taglist", "id": "F4", "key": "d", "label": "D", "values": [{"label": "A", "value": "a"}], "defaultValue": ["a"]},
        {"type": "button", "id": "F5", "label": "Verstuur", "action": "submit"},
    )
    assert messages(form) == []


def test_unknown_appearance_is_refused():
    form = make_form({"type": "textfield", "id": "F1", "key": "a", "appearance": {"prefixAdon": "€"}})
    assert any("appearance may only contain" in m for m in messages(form))
