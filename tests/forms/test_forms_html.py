"""Accessible HTML for a task form: labels, hints, errors, escaping, conditional fields."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from form_helpers import NOW, make_form

from api.tasks.forms_html import render_form_html
from engine.forms import validate_submission


class Elements(HTMLParser):
    """Collect start tags with their attributes, and check that tags are balanced."""

    VOID = {"input", "br", "hr", "meta", "img"}

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"unbalanced </{tag}>"
        self.open.pop()

    def by_id(self, ident: str) -> tuple[str, dict]:
        return next((t, a) for t, a in self.tags if a.get("id") == ident)

    def all(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())]


def render(form, values=None, errors=None, context=None) -> str:
    html = render_form_html(form, values=values or {}, errors=errors or {}, context=context or {}, now=NOW)
    parsed = Elements(html)
    assert parsed.open == [], "every element is closed"
    return html


def test_every_field_has_one_label_for_its_input(intake):
    html = render(intake)
    parsed = Elements(html)
    for key in ("reden_z_route", "uren_participatie", "datum_gesprek", "tolk_nodig", "taal", "email", "postcode"):
        assert len(parsed.all("label", for_=f"veld-{key}")) == 1, key
        tag, _ = parsed.by_id(f"veld-{key}")
        assert tag in ("input", "textarea", "select")
    assert parsed.by_id("veld-datum_gesprek")[1]["type"] == "date"
    assert parsed.by_id("veld-uren_participatie")[1]["type"] == "number"
    assert parsed.by_id("veld-email")[1]["type"] == "email"
    assert parsed.by_id("veld-telefoon")[1]["type"] == "tel"


def test_radio_group_is_a_fieldset_with_legend_and_labelled_options(intake):
    parsed = Elements(render(intake))
    tag, attrs = parsed.by_id("veld-leerroute")
    assert tag == "fieldset" and "utrecht-fieldset" in attrs["class"]
    radios = parsed.all("input", name="leerroute")
    assert [r["value"] for r in radios] == ["onderwijs", "B1", "Z"]
    assert all("utrecht-radio-button" in r["class"] for r in radios)
    assert len(parsed.all("label", for_="veld-leerroute-2")) == 1
    assert "<legend" in render(intake) and "Leerroute" in render(intake)


def test_required_in_text_and_html5_attributes(intake):
    html = render(intake)
    parsed = Elements(html)
    assert html.count("(verplicht)") == 3  # leerroute, reden_z_route, datum_gesprek
    assert "required" in parsed.by_id("veld-datum_gesprek")[1]
    textarea = parsed.by_id("veld-reden_z_route")[1]
    assert textarea["minlength"] == "10" and textarea["maxlength"] == "500"
    number = parsed.by_id("veld-uren_participatie")[1]
    assert (number["min"], number["max"], number["step"]) == ("0", "40", "0.1")
    assert parsed.by_id("veld-postcode")[1]["pattern"] == "^[1-9][0-9]{3} ?[A-Za-z]{2}$"


def test_description_is_linked_with_aria_describedby(intake):
    parsed = Elements(render(intake))
    assert parsed.by_id("veld-postcode")[1]["aria-describedby"] == "veld-postcode-description"
    tag, attrs = parsed.by_id("veld-postcode-description")
    assert "utrecht-form-field-description" in attrs["class"]


def test_errors_next_to_field_and_in_summary_with_values_kept(intake):
    submitted = {"leerroute": "Z", "uren_participatie": "99", "email": "amal@", "postcode": "1234 AB"}
    clean, errors = validate_submission(intake, submitted, context={}, now=NOW)
    html = render(intake, values=submitted, errors=errors)
    parsed = Elements(html)
    email = parsed.by_id("veld-email")[1]
    assert email["aria-invalid"] == "true"
    assert email["aria-describedby"] == "veld-email-error"
    assert email["value"] == "amal@"
    assert parsed.by_id("veld-postcode")[1]["value"] == "1234 AB"
    assert "checked" in parsed.all("input", id="veld-leerroute-2")[0]
    assert "Vul een geldig e-mailadres in" in html
    assert "utrecht-form-field-error-message" in parsed.by_id("veld-email-error")[1]["class"]
    links = [a["href"] for a in parsed.all("a")]
    assert links == ["#veld-reden_z_route", "#veld-uren_participatie", "#veld-datum_gesprek", "#veld-email"]
    assert html.index("regie-error-summary") < html.index("veld-leerroute")


def test_script_in_label_and_values_is_escaped():
    form = make_form(
        {"type": "textfield", "id": "F1", "key": "naam", "label": "<script>alert(1)</script>",
         "description": "<b>hint</b>"},
        {"type": "text", "id": "F2", "text": "**Let op** <img src=x onerror=alert(1)>\n\n- een\n- twee"},
        {"type": "select", "id": "F3", "key": "s", "label": "S", "values": [{"label": "<i>x</i>", "value": "\"><script>"}]},
    )
    html = render(form, values={"naam": "\"><script>alert(2)</script>"}, errors={"naam": "<script>"})
    assert "<script" not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<strong>Let op</strong>" in html
    assert re.search(r"<ul[^>]*><li[^>]*>een</li><li[^>]*>twee</li></ul>", html)


def test_conditionally_hidden_field_is_rendered_hidden_with_its_condition(intake):
    html = render(intake, values={"leerroute": "B1"})
    parsed = Elements(html)
    wrapper = next(a for t, a in parsed.tags if a.get("data-hide") == '=leerroute != "Z"')
    assert "hidden" in wrapper
    textarea = parsed.by_id("veld-reden_z_route")[1]
    assert "required" not in textarea and textarea["data-required"] == "true"
    shown = Elements(render(intake, values={"leerroute": "Z"}))
    wrapper = next(a for t, a in shown.tags if a.get("data-hide") == '=leerroute != "Z"')
    assert "hidden" not in wrapper
    assert "required" in shown.by_id("veld-reden_z_route")[1]


def test_group_is_a_fieldset_and_layout_components_render(bijstand):
    html = render(bijstand, values={"bijstand": "on"}, context={"consulent": "jdevries"})
    parsed = Elements(html)
    legends = [a for t, a in parsed.tags if t == "legend"]
    assert legends and "<legend" in html and "Bijstand</legend>" in html
    assert parsed.all("hr", **{"class": "utrecht-separator"})
    assert "checked" in parsed.by_id("veld-bijstand")[1]
    assert "readonly" in parsed.by_id("veld-consulent")[1]
    assert parsed.by_id("veld-consulent")[1]["value"] == "jdevries"  # from the case, not submitted
    assert "€" in html
    hidden_group = Elements(render(bijstand))
    wrapper = next(a for t, a in hidden_group.tags if a.get("data-hide") == "=bijstand != true")
    assert "hidden" in wrapper


def test_typed_values_are_shown_in_input_format(intake):
    from datetime import date
    from decimal import Decimal

    parsed = Elements(render(intake, values={"datum_gesprek": date(2026, 3, 2), "uren_participatie": Decimal("12.5"),
                                             "taal": "ar", "aanbod": ["taal"], "tolk_nodig": True}))
    assert parsed.by_id("veld-datum_gesprek")[1]["value"] == "2026-03-02"
    assert parsed.by_id("veld-uren_participatie")[1]["value"] == "12.5"
    assert "selected" in parsed.all("option", value="ar")[0]
    assert "checked" in parsed.by_id("veld-aanbod-0")[1] and "checked" not in parsed.by_id("veld-aanbod-1")[1]
    assert "checked" in parsed.by_id("veld-tolk_nodig")[1]


def test_feel_label_is_evaluated_against_case_data():
    form = make_form({"type": "textfield", "id": "F1", "key": "x", "label": "=\"Uren van \" + naam"})
    assert "Uren van Amal" in render(form, context={"naam": "Amal"})


def test_a_heading_with_text_on_the_next_line_renders_as_heading_and_paragraph():
    form = make_form({"type": "text", "id": "T1", "text": "### Start van de leerroute\nLeg vast bij welke **taalaanbieder** hij begint."})
    html = render(form)
    assert "###" not in html
    assert '<h5 class="utrecht-heading-5">Start van de leerroute</h5>' in html
    assert '<p class="utrecht-paragraph">Leg vast bij welke <strong>taalaanbieder</strong> hij begint.</p>' in html


def test_no_form_in_the_repository_shows_a_raw_markdown_heading():
    import json
    from pathlib import Path

    from engine.forms import parse_form

    for path in sorted((Path(__file__).resolve().parents[2] / "forms").glob("*.form")):
        html = render(parse_form(path.read_bytes(), filename=path.name))
        assert not re.search(r">\s*#{1,6}\s", html), path.name
        assert json.loads(path.read_text())  # still valid JSON
