"""`regie worker`: fire due timers and finish queued work on the real clock, continuously.

Several workers (and web processes) may run against one PostgreSQL; each due timer
fires exactly once (see engine.running.timers). PDF/A conversion of new letters also runs
here, outside the request that rendered them.
"""

from __future__ import annotations

import signal
import time

from engine.running.runtime import Runtime


def run_round(rt: Runtime) -> dict[str, int]:
    """Do one round of work and return what was done."""
    fired = rt.engine.fire_due_timers(session_factory=rt.session_factory, limit=500)
    converted = 0
    try:
        from engine.letters.pdf import convert_pending_pdfs, pdf_available

        if pdf_available():
            with rt.session_factory.begin() as session:
                converted = convert_pending_pdfs(session=session, limit=20) or 0
    except ImportError:
        converted = 0
    from engine.duo.service import connect  # DUO: send the outbox, process notifications (engine/duo)

    duo = connect(rt).work() if connect(rt).configured else {}
    return {"timers": len(fired), "pdfs": int(converted), **duo}


def run_worker(rt: Runtime, *, once: bool = False, out=None) -> None:
    """Loop until SIGTERM/SIGINT (or one round with `once`)."""
    stopping = {"flag": False}

    def stop(_signum, _frame):
        stopping["flag"] = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping["flag"]:
        done = run_round(rt)
        if out is not None and any(done.values()):
            out.print(f"worker: {done['timers']} timer(s) fired, {done['pdfs']} PDF(s) made")
        if once:
            return
        if not any(done.values()):
            time.sleep(rt.settings.worker_poll_seconds)
