"""Every form in forms/ (written by analysts in Camunda Modeler) must deploy without problems."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from form_helpers import NOW

from api.tasks.forms_html import field_id, render_form_html
from engine.forms import default_values, parse_form, validate_form_definition

ROOT = Path(__file__).resolve().parents[2]
FORM_FILES = sorted((ROOT / "forms").glob("*.form"))


@pytest.mark.parametrize("path", FORM_FILES, ids=[p.name for p in FORM_FILES])
def test_form_parses_and_validates_without_problems(path):
    form = parse_form(path.read_bytes(), filename=path.name)
    assert [str(p) for p in validate_form_definition(form)] == []


@pytest.mark.parametrize("path", FORM_FILES, ids=[p.name for p in FORM_FILES])
def test_form_renders_every_field_with_a_label(path):
    form = parse_form(path.read_bytes(), filename=path.name)
    html = render_form_html(form, values=default_values(form, {}, now=NOW), errors={}, context={}, now=NOW)
    for component in form.fields:
        ident = field_id(component.key)
        if component.type in ("radio", "checklist", "taglist"):
            assert f'id="{ident}"' in html and "<legend" in html, component.key
        else:
            assert html.count(f'for="{ident}"') == 1, component.key
        assert component.label.strip(), f"{component.name} has no label"


def test_form_ids_are_unique_across_files():
    ids: dict[str, str] = {}
    for path in FORM_FILES:
        form = parse_form(path.read_bytes(), filename=path.name)
        assert form.id not in ids, f"{path.name} and {ids.get(form.id)} both declare form id {form.id}"
        ids[form.id] = path.name


@pytest.mark.skipif(not FORM_FILES, reason="no forms in forms/ yet")
def test_every_form_ref_in_the_diagrams_has_a_form():
    form_ids = {parse_form(p.read_bytes(), filename=p.name).id for p in FORM_FILES}
    missing = {
        (path.name, ref)
        for path in sorted((ROOT / "processes").glob("*.bpmn"))
        for ref in re.findall(r'camunda:formRef="([^"]+)"', path.read_text(encoding="utf-8"))
        if ref not in form_ids
    }
    assert missing == set()
