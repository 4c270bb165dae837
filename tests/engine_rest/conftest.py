"""Reuse the engine fixtures (a runtime on SQLite and PostgreSQL)."""

from tests.engine.conftest import letters, runtime  # noqa: F401
