"""One transaction per command, retried when it lost a database race: the one retry policy.

Every command (an HTTP request, a CLI call, a worker job) is one transaction. Under
contention the database may abort a transaction that did nothing wrong: PostgreSQL
breaks a deadlock (SQLSTATE 40P01) or refuses a serialization (40001), SQLite says
"database is locked" when two writers meet. Such a transaction is rolled back and run
again from the start, a bounded number of times with a growing, jittered pause; when
it still loses it becomes a `Contention` (a 409 "try again") and never a crash.

`run_in_transaction` is the helper for the CLI and worker jobs; the web app applies the
same `RETRY_POLICY` to a whole request (api/retry.py) because its transaction is owned
by the request's session dependency.

The lock order that keeps deadlocks rare in the first place: the case row first
(`RegieEngine.lock_case`), then that case's task, timer, job, incident and letter rows.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from dataclasses import dataclass
from typing import Callable, Iterator, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from engine.errors import Conflict

T = TypeVar("T")
log = logging.getLogger("regie.transactions")

# Deadlock detected, serialization failure, lock not available (NOWAIT).
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001", "55P03"})
SQLITE_CONTENTION = ("database is locked", "database table is locked", "database is busy")


class Contention(Conflict):
    """A transaction kept losing database races; the caller may simply try again."""

    def __init__(self) -> None:
        super().__init__("Het is nu erg druk in dit dossier. Probeer het over een paar seconden opnieuw.")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a transaction that lost a race is run again."""

    attempts: int = 5
    first_pause: float = 0.02
    max_pause: float = 0.5

    def pauses(self) -> Iterator[float]:
        """Yield the pause before each retry (attempts - 1 of them): exponential with full jitter."""
        for n in range(self.attempts - 1):
            yield random.uniform(0, min(self.max_pause, self.first_pause * 2 ** n))


RETRY_POLICY = RetryPolicy()


def is_retryable(exc: BaseException) -> bool:
    """Tell whether `exc` (or what it wraps) is a lost race that a plain retry can win."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        original = current.orig if isinstance(current, DBAPIError) else current
        if getattr(original, "sqlstate", None) in RETRYABLE_SQLSTATES:  # psycopg 3
            return True
        if getattr(original, "pgcode", None) in RETRYABLE_SQLSTATES:  # psycopg 2
            return True
        if isinstance(original, sqlite3.OperationalError) and str(original).startswith(SQLITE_CONTENTION):
            return True
        current = current.__cause__ or current.__context__
    return False


def describe(exc: BaseException) -> str:
    """Name a database error by its kind only: the statement and its parameters may hold personal data."""
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    code = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    return f"{type(original).__name__}" + (f" (SQLSTATE {code})" if code else "")


def run_in_transaction(session_factory: sessionmaker[Session], work: Callable[[Session], T], *,
                       policy: RetryPolicy = RETRY_POLICY, sleep: Callable[[float], None] = time.sleep) -> T:
    """Run `work(session)` in one transaction; run it again when it lost a race; then `Contention`.

    `work` must do everything the command does inside the transaction (it is re-run from
    the start), and nothing outside it (side effects go in `session.info['after_commit']`).
    """
    pauses = policy.pauses()
    while True:
        try:
            with session_factory.begin() as session:
                return work(session)
        except Exception as exc:
            if not is_retryable(exc):
                raise
            pause = next(pauses, None)
            if pause is None:
                log.warning("transaction gave up after %d attempts: %s", policy.attempts, describe(exc))
                raise Contention() from exc
            log.info("transaction lost a race (%s); retrying in %.3fs", describe(exc), pause)
            sleep(pause)
