"""Fixtures for the form tests."""

from __future__ import annotations

import pytest
from form_helpers import fixture_form

from engine.forms import FormDefinition


@pytest.fixture
def intake() -> FormDefinition:
    return fixture_form("brede_intake")


@pytest.fixture
def bijstand() -> FormDefinition:
    return fixture_form("groep")
