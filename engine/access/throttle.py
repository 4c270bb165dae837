"""Login throttling: growing delays per account and per client address, never a hard lock.

After `FREE_FAILURES` wrong passwords the next attempt must wait 1 s, then 2 s, 4 s, ... up to
`ACCOUNT_MAX_DELAY` for an account (so nobody can lock a colleague or the beheerder out for
longer than that) and `ADDRESS_MAX_DELAY` for a client address (the guesser's own address pays).
An attempt during the delay is refused without looking at the password. Counters are forgotten
`FORGET_AFTER` after the last failure. Always the real clock (`wall_clock`), also on a demo
database whose case clock stands still or is moved by a trainer (OWASP ASVS 2.2.1, BIO 9.4.2).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.access.models import LoginThrottle

FREE_FAILURES = 3
ACCOUNT_MAX_DELAY = timedelta(seconds=30)
ADDRESS_MAX_DELAY = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)


def wall_clock() -> datetime:
    """The real time (tests replace this function to move time)."""
    return datetime.now(timezone.utc)


def delay_after(failures: int, kind: str) -> timedelta:
    """Return the wait after `failures` failures in a row (0 for the first `FREE_FAILURES`)."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    cap = ACCOUNT_MAX_DELAY if kind == "account" else ADDRESS_MAX_DELAY
    exponent = min(failures - FREE_FAILURES, 20)
    return min(timedelta(seconds=2 ** exponent), cap)


def _row(session: Session, kind: str, key: str) -> LoginThrottle | None:
    return session.execute(
        select(LoginThrottle).where(LoginThrottle.kind == kind, LoginThrottle.key == key[:200])
    ).scalar_one_or_none()


def wait_seconds(session: Session, *, account: str, address: str | None) -> float:
    """Return how long the caller must still wait before this login attempt (0: go ahead)."""
    now = wall_clock()
    waits = [0.0]
    for kind, key in (("account", account.strip().lower()), ("address", address)):
        if not key:
            continue
        row = _row(session, kind, key)
        if row is None or now - row.last_failure_at > FORGET_AFTER:
            continue
        until = row.last_failure_at + delay_after(row.failures, kind)
        waits.append(max(0.0, (until - now).total_seconds()))
    return max(waits)


def record_failure(session: Session, *, account: str, address: str | None) -> None:
    """Count a wrong password for the account and the address."""
    now = wall_clock()
    for kind, key in (("account", account.strip().lower()), ("address", address)):
        if not key:
            continue
        row = _row(session, kind, key)
        if row is None:
            session.add(LoginThrottle(kind=kind, key=key[:200], failures=1, last_failure_at=now))
        else:
            row.failures = 1 if now - row.last_failure_at > FORGET_AFTER else row.failures + 1
            row.last_failure_at = now
    session.flush()


def record_success(session: Session, *, account: str) -> None:
    """Forget the account's failures (the address keeps its count: one good login from a guessing
    address does not wipe its record)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.kind == "account",
                                                LoginThrottle.key == account.strip().lower()[:200]))
