"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.db.all_models import metadata
from engine.db.migrate import upgrade
from engine.db.session import make_engine


def test_upgrade_head_matches_the_models(database_url):
    db = make_engine(database_url)
    upgrade(db)
    upgrade(db)  # a second run (another process starting) changes nothing
    with db.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    db.dispose()
    assert diff == [], f"models and migrations differ; add a revision: {diff}"
