"""Engine and session factory; the caller owns the transaction."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date, time
from decimal import Decimal
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


def _json_default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps_json(value) -> str:
    """Serialize JSON columns; Decimal and dates become strings (audit and message data)."""
    return json.dumps(value, default=_json_default, ensure_ascii=False)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create a SQLAlchemy engine; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30}, json_serializer=dumps_json,
                               hide_parameters=True)  # no BSN from SQL parameters in logs or errors

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, json_serializer=dumps_json, hide_parameters=True)


def _run_after_commit(session: Session) -> None:
    for callback in session.info.pop("after_commit", []):
        callback()


def _drop_after_commit(session: Session, previous_transaction=None) -> None:
    session.info.pop("after_commit", None)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory; side effects queued in `session.info['after_commit']` run after commit."""
    factory = sessionmaker(engine, expire_on_commit=False)
    if not event.contains(Session, "after_commit", _run_after_commit):
        event.listen(Session, "after_commit", _run_after_commit)
        event.listen(Session, "after_rollback", _drop_after_commit)
    return factory


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Open a session, commit when the block ends, roll back on any exception."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
