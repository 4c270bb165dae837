"""Alembic environment: runs against the engine passed in by engine.db.migrate."""

from alembic import context

from engine.db.all_models import metadata

config = context.config


def run_migrations_online() -> None:
    """Run migrations on the connection of the configured engine."""
    engine = config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
        context.run_migrations()


run_migrations_online()
