"""Letter throughput: render and archive PIP-beschikkingen through the handler, on one core.

`make bench` runs this; it is not a test. PDF conversion is not part of it: PDFs are
made later in batches (see engine/letters/pdf.py).
"""

from __future__ import annotations

import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

import engine.letters.models  # noqa: F401  (registers the letters table on Base)
from engine.db.base import Base
from engine.db.models import Case, Deployment, Gemeente, ProcessDefinition
from engine.letters.handler import letter_handler
from engine.running.handlers import ServiceCall

PIP_DATA = {
    "naam": "Amina Yusuf",
    "straat": "Lindelaan",
    "huisnummer": "12a",
    "postcode": "1234 AB",
    "woonplaats": "Voorbeeldstad",
    "taal": "nl",
    "doelgroep": "asielstatushouder",
    "leerroute": "B1",
    "aantal_voortgangsgesprekken": 8,
    "pvt": True,
    "map": True,
    "begeleiding": "U krijgt een taalmaatje en hulp bij het vinden van vrijwilligerswerk.",
    "motivering": "Uit de brede intake en de leerbaarheidstoets blijkt dat de B1-route haalbaar is.",
}


def demo_case(session: Session, now: datetime, gemeente: str = "demo") -> Case:
    """Insert the minimal gemeente, definition and case rows a letter needs; return the case."""
    if session.get(Gemeente, gemeente) is None:
        session.add(Gemeente(code=gemeente, naam="Gemeente Voorbeeldstad", settings={}))
    deployment_id = str(uuid.uuid4())
    session.add(Deployment(id=deployment_id, name="bench", source="test", content_hash="0" * 64,
                           deployed_at=now, deployed_by="bench"))
    definition_id = f"klantreis:{deployment_id[:8]}"
    session.add(ProcessDefinition(id=definition_id, process_id="klantreis", name="Klantreis",
                                  version=_next_version(session), content_hash="0" * 64,
                                  deployment_id=deployment_id, spec={}, extras={}, created_at=now))
    case = Case(id=str(uuid.uuid4()), case_number=f"2026-{uuid.uuid4().hex[:6]}", gemeente=gemeente,
                definition_id=definition_id, state={}, state_format=1, created_at=now, updated_at=now)
    session.add(case)
    session.flush()
    return case


def _next_version(session: Session) -> int:
    return (session.scalar(select(func.max(ProcessDefinition.version))) or 0) + 1


def run_benchmark(letters: int = 200) -> dict:
    """Render and archive `letters` PIP-beschikkingen; return DOCX per second (wall and CPU)."""
    now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    with tempfile.TemporaryDirectory(prefix="regie-bench-") as work:
        engine = create_engine(f"sqlite:///{Path(work) / 'bench.db'}")
        Base.metadata.create_all(engine)
        with Session(engine) as session:
            case = demo_case(session, now)

            def next_call() -> ServiceCall:
                return ServiceCall(
                    session=session, case_id=case.id, case_number=case.case_number, gemeente="demo",
                    process_id="klantreis", element_id="pip_vaststellen", task_id=str(uuid.uuid4()),
                    topic="letter", properties={"template": "pip_beschikking"}, inputs={},
                    data=PIP_DATA, now=now, actor="bench",
                )

            letter_handler(next_call())  # composes and compiles the template once
            started, started_cpu = time.perf_counter(), time.process_time()
            for _ in range(letters):
                letter_handler(next_call())
            elapsed, elapsed_cpu = time.perf_counter() - started, time.process_time() - started_cpu
            session.commit()
        engine.dispose()
    # Wall clock is what a worker achieves; CPU time shows it without other processes' load.
    return {
        "letters_docx_per_s": round(letters / elapsed, 1),
        "letters_docx_per_cpu_s": round(letters / elapsed_cpu, 1),
    }


if __name__ == "__main__":
    print(run_benchmark())
