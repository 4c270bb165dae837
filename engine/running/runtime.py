"""Build everything once: settings, database, clock, handlers, the engine."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine.clock import DatabaseClock, SystemClock
from engine.config import Settings
from engine.db.session import make_engine, make_session_factory
from engine.running.core import RegieEngine
from engine.running.handlers import HandlerRegistry


@dataclass
class Runtime:
    """The objects a process (web app, CLI, worker) needs, built once."""

    settings: Settings
    db: Engine
    session_factory: sessionmaker[Session]
    clock: SystemClock | DatabaseClock
    engine: RegieEngine
    handlers: HandlerRegistry


def default_handlers() -> HandlerRegistry:
    """Register the service-task topics Regie ships (letter, duo, notify, brugklas, legal, bezwaar) and the
    data message `pw_maatregel` (engine/pw)."""
    from engine.bezwaar.handler import BezwaarGevolg
    from engine.brp.letters import with_brp_address
    from engine.cohorts.handler import brugklas_handler
    from engine.duo.outbox import duo_handler
    from engine.legal.handler import legal_handler
    from engine.letters.handler import letter_handler
    from engine.outbox.handlers import notify_handler
    from engine.pw.maatregelen import MESSAGE as PW_MAATREGEL
    from engine.pw.service import apply_pw_maatregel

    registry = HandlerRegistry()
    registry.register("letter", with_brp_address(letter_handler))
    registry.register("duo", duo_handler)
    registry.register("notify", notify_handler)
    registry.register("brugklas", brugklas_handler)
    registry.register("legal", legal_handler)
    registry.register("bezwaar", BezwaarGevolg())
    registry.register_data_message(PW_MAATREGEL, apply_pw_maatregel)
    return registry


def upgrade_database(db: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    from engine.db.migrate import upgrade

    upgrade(db)


def build_runtime(settings: Settings | None = None, *, handlers: HandlerRegistry | None = None,
                  migrate: bool = True) -> Runtime:
    """Create the runtime; runs migrations unless `migrate` is False."""
    settings = settings or Settings()
    if settings.database_url.startswith("sqlite:///"):
        from pathlib import Path

        Path(settings.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    db = make_engine(settings.database_url)
    if migrate:
        upgrade_database(db)
    clock = SystemClock() if settings.clock == "system" else DatabaseClock()
    registry = handlers or default_handlers()
    engine = RegieEngine(handlers=registry, clock=clock)
    registry.bind(engine)
    runtime = Runtime(settings=settings, db=db, session_factory=make_session_factory(db), clock=clock,
                      engine=engine, handlers=registry)
    from engine.duo.service import connect  # DUO outbox delivery after commit (engine/duo)

    connect(runtime)
    return runtime
