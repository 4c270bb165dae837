"""Helpers for the form tests: fixture forms, forms built inline, a fixed clock."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from engine.forms import FormDefinition, parse_form

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def fixture_form(name: str) -> FormDefinition:
    """Parse tests/forms/fixtures/<name>.form."""
    path = FIXTURES / f"{name}.form"
    return parse_form(path.read_bytes(), filename=path.name)


def make_form(*components: dict, form_id: str = "test_form") -> FormDefinition:
    """Build a form as Camunda Modeler 5 writes it around the given components."""
    document = {
        "components": list(components),
        "type": "default",
        "id": form_id,
        "executionPlatform": "Camunda Platform",
        "executionPlatformVersion": "7.21.0",
        "exporter": {"name": "Camunda Modeler", "version": "5.25.0"},
        "schemaVersion": 16,
    }
    return parse_form(json.dumps(document), filename=f"{form_id}.form")


def fixture_bytes(name: str) -> bytes:
    """Return the bytes of tests/forms/fixtures/<name>.form."""
    return (FIXTURES / f"{name}.form").read_bytes()
