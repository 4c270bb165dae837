"""`regie worker`: fire due timers and finish queued work, continuously, and never die of one job.

Several workers (and web processes) may run against one PostgreSQL; each due timer
fires exactly once (see engine.running.timers). PDF/A conversion of new letters also runs
here, outside the request that rendered them.

A failing job is logged (its kind, never personal data), becomes an incident when a case
is involved, and the worker goes on. Each worker keeps a row in `workers` (host, pid,
started, last heartbeat, last error) for the health check (`regie worker --health`) and
the beheer screen (`list_workers`). A watchdog ends a worker whose round hangs, so that
the service manager (docker compose `restart:`) starts a fresh one.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.running.models import WorkerHeartbeat
from engine.running.runtime import Runtime
from engine.running.transactions import describe, run_in_transaction

log = logging.getLogger("regie.worker")
HEARTBEAT_EVERY = timedelta(seconds=10)
STUCK_AFTER_SECONDS = 900.0  # a round (500 timers, 20 PDFs) that takes this long is hanging
HEALTHY_WITHIN = timedelta(seconds=300)
PDF_BATCH = 5  # letters per round: LibreOffice takes seconds per letter, and a stop waits for the batch


def _wall_now() -> datetime:
    return datetime.now(timezone.utc)


class Heartbeat:
    """This worker's row in `workers`, written after every job (at most every HEARTBEAT_EVERY)."""

    def __init__(self, rt: Runtime, name: str | None = None) -> None:
        self.rt = rt
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.name = name or f"{self.host}:{self.pid}"
        self.started_at = _wall_now()
        self.last_written: datetime | None = None
        self.progress = time.monotonic()  # read by the watchdog
        self.pending_timers = 0
        self.pending_failures = 0
        self.pending_error: str | None = None

    def beat(self, *, timers: int = 0, failed: int = 0, error: str | None = None, force: bool = False) -> None:
        """Note progress; write the row when it is due (a failure to write is logged, not raised)."""
        self.progress = time.monotonic()
        self.pending_timers += timers
        self.pending_failures += failed
        self.pending_error = error or self.pending_error
        now = _wall_now()
        if not force and self.last_written is not None and now - self.last_written < HEARTBEAT_EVERY:
            return
        try:
            run_in_transaction(self.rt.session_factory, lambda session: self._write(session, now))
        except Exception as exc:  # the database is away; the next beat tries again
            log.error("worker %s could not write its heartbeat: %s", self.name, describe(exc))
            return
        self.last_written = now
        self.pending_timers = self.pending_failures = 0
        self.pending_error = None

    def _write(self, session: Session, now: datetime) -> None:
        row = session.get(WorkerHeartbeat, self.name)
        if row is None:
            row = WorkerHeartbeat(name=self.name, host=self.host, pid=self.pid, started_at=self.started_at,
                                  last_heartbeat=now, timers_fired=0, jobs_failed=0)
            session.add(row)
        elif self.last_written is None:  # a restarted container reuses host and pid: this is a new start
            row.started_at, row.timers_fired, row.jobs_failed = self.started_at, 0, 0
            row.last_error = row.last_error_at = None
        row.last_heartbeat = now
        row.timers_fired = (row.timers_fired or 0) + self.pending_timers
        row.jobs_failed = (row.jobs_failed or 0) + self.pending_failures
        if self.pending_error:
            row.last_error, row.last_error_at = self.pending_error, now


def list_workers(session: Session) -> list[WorkerHeartbeat]:
    """Return every worker that ever ran, the most recently heard from first (for the beheer screen)."""
    return list(session.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.last_heartbeat.desc())))


def healthy(session: Session, *, host: str | None = None, within: timedelta = HEALTHY_WITHIN) -> bool:
    """Tell whether a worker (on `host`, default this machine) wrote a heartbeat within `within`."""
    host = host or socket.gethostname()
    latest = session.scalar(select(WorkerHeartbeat.last_heartbeat).where(WorkerHeartbeat.host == host)
                            .order_by(WorkerHeartbeat.last_heartbeat.desc()).limit(1))
    return latest is not None and _wall_now() - latest <= within


class _Stopping(Exception):
    """Raised between two jobs when the worker was asked to stop."""


def run_round(rt: Runtime, heartbeat: Heartbeat | None = None,
              stopping: threading.Event | None = None) -> dict[str, int]:
    """Do one round of work and return what was done; one failing job never ends the round."""
    fired = []

    def fired_one(timer) -> None:
        fired.append(timer)
        if heartbeat is not None:
            heartbeat.beat(timers=1)
        if stopping is not None and stopping.is_set():
            raise _Stopping()  # after this job's commit: stop between jobs, not after the whole round

    def failed_one(_case_id: str, exc: Exception) -> None:
        if heartbeat is not None:
            heartbeat.beat(failed=1, error=f"timer: {describe(exc)}", force=True)

    try:
        rt.engine.fire_due_timers(session_factory=rt.session_factory, limit=500, on_fired=fired_one,
                                  on_failed=failed_one)
    except _Stopping:
        return {"timers": len(fired), "pdfs": 0}
    return {"timers": len(fired), "pdfs": _convert_pdfs(rt, heartbeat), **_exchange_with_duo(rt, heartbeat)}


def _exchange_with_duo(rt: Runtime, heartbeat: Heartbeat | None) -> dict[str, int]:
    """Send the DUO outbox and process stored notifications (engine/duo); a failure waits for the next round."""
    from engine.duo.service import connect

    duo = connect(rt)
    if not duo.configured:
        return {}
    try:
        return duo.work()
    except Exception as exc:  # noqa: BLE001 - one failing job never ends the worker
        if heartbeat is not None:
            heartbeat.beat(failed=1, error=f"DUO: {describe(exc)}", force=True)
        return {}


_failed_letters: set[int] = set()  # letters whose PDF failed in this process: not tried again until restart


def _convert_pdfs(rt: Runtime, heartbeat: Heartbeat | None) -> int:
    """Make the PDF/A of new letters: a batch at once, one by one when the batch fails."""
    try:
        from engine.letters.models import Letter
        from engine.letters.pdf import attach_pdfs, pdf_available
    except ImportError:
        return 0
    if not pdf_available():
        return 0

    def pending(session: Session) -> list[int]:
        query = select(Letter.id).where(Letter.pdf_sha256.is_(None), Letter.status != "afgekeurd")
        if _failed_letters:
            query = query.where(Letter.id.not_in(_failed_letters))
        return list(session.scalars(query.order_by(Letter.id).limit(PDF_BATCH)))

    def convert(ids: list[int]):
        return lambda session: attach_pdfs(session=session, letters=list(
            session.scalars(select(Letter).where(Letter.id.in_(ids)))))

    ids = run_in_transaction(rt.session_factory, pending)
    if not ids:
        return 0
    try:
        return run_in_transaction(rt.session_factory, convert(ids)) or 0
    except Exception:
        pass  # find the letter that fails, and make the others
    made = 0
    for letter_id in ids:
        try:
            made += run_in_transaction(rt.session_factory, convert([letter_id])) or 0
        except Exception as exc:
            _failed_letters.add(letter_id)
            _letter_incident(rt, letter_id, exc)
            if heartbeat is not None:
                heartbeat.beat(failed=1, error=f"PDF van brief {letter_id}: {describe(exc)}", force=True)
    return made


def _letter_incident(rt: Runtime, letter_id: int, exc: Exception) -> None:
    """Log a failed PDF without personal data and make it an incident on the letter's case."""
    from engine import audit
    from engine.db.models import Incident
    from engine.letters.models import Letter
    from engine.running.runner import mask_bsn

    log.error("making the PDF of letter %s failed: %s", letter_id, describe(exc))

    def note(session: Session) -> None:
        letter = session.get(Letter, letter_id)
        if letter is None:
            return
        now = rt.engine.now(session)
        session.add(Incident(case_id=letter.case_id, gemeente=letter.gemeente, element_id=letter.element_id,
                             kind="pdf", created_at=now,
                             message=mask_bsn(f"PDF/A van brief {letter.kenmerk} mislukt: {exc}")[:1000]))
        audit.record(session=session, actor="systeem:worker", action="incident", at=now, case_id=letter.case_id,
                     gemeente=letter.gemeente, element_id=letter.element_id,
                     detail={"kind": "pdf", "letter": letter_id, "error": type(exc).__name__})

    try:
        run_in_transaction(rt.session_factory, note)
    except Exception as second:
        log.error("recording the incident of letter %s failed: %s", letter_id, describe(second))


def _watchdog(heartbeat: Heartbeat, stuck_after: float, stopping: threading.Event) -> None:
    """End the process when no job finished for `stuck_after` seconds: a restart beats a hang."""
    while not stopping.wait(min(30.0, stuck_after / 4)):
        if time.monotonic() - heartbeat.progress > stuck_after:
            log.critical("worker %s made no progress for %.0f s; exiting so it is restarted", heartbeat.name,
                         stuck_after)
            os._exit(70)


def run_worker(rt: Runtime, *, once: bool = False, out=None, stuck_after: float = STUCK_AFTER_SECONDS) -> None:
    """Loop until SIGTERM/SIGINT (or one round with `once`); survive any exception in a round."""
    stopping = threading.Event()

    def stop(_signum, _frame):
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    heartbeat = Heartbeat(rt)
    heartbeat.beat(force=True)
    if not once:
        threading.Thread(target=_watchdog, args=(heartbeat, stuck_after, stopping), daemon=True).start()
    failures = 0
    while not stopping.is_set():
        try:
            done = run_round(rt, heartbeat, stopping)
            failures = 0
        except Exception as exc:  # e.g. the database went away: note it, wait, try again
            failures += 1
            log.error("worker round failed: %s", describe(exc))
            heartbeat.beat(failed=1, error=f"ronde mislukt: {describe(exc)}", force=True)
            done = {"timers": 0, "pdfs": 0}
        heartbeat.beat()
        if out is not None and any(done.values()):
            out.print(f"worker: {done['timers']} timer(s) fired, {done['pdfs']} PDF(s) made")
        if once:
            break
        if not any(done.values()):
            # After failed rounds wait longer (up to a minute), so a broken database is not hammered.
            stopping.wait(min(60.0, rt.settings.worker_poll_seconds * (2 ** min(failures, 4))))
    heartbeat.beat(force=True)
