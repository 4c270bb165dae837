"""Limits (body size, field lengths, expression budget) and BSN-free logs of a full run."""

from __future__ import annotations

import logging
import random
import re
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn

from engine.access import redaction
from engine.tools.scenario import run_scenario
from tests.api.conftest import PASSWORD, PERSON, start_case

SCENARIO = Path(__file__).parent.parent / "scenarios" / "part3_e2e_statushouder_b1.yaml"


def test_a_body_over_the_limit_is_refused_with_413(login):
    anna = login("anna")
    response = anna.client.post("/api/cases/search", content=b"{" + b" " * 1_100_000 + b"}",
                                headers={"X-CSRF-Token": anna.csrf, "Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["field_errors"] == {"body": "te groot"}


@pytest.mark.parametrize("field, value", [("naam", "x" * 201), ("bsn", "1234567890"), ("doelgroep", "d" * 41),
                                          ("opmerking", "y" * 10_001)])
def test_overlong_case_data_is_a_422_naming_the_field(login, field, value):
    response = login("anna").api("POST", "/api/cases", json={"process_id": "klantreis_test",
                                                             "data": {**PERSON, field: value}})
    assert response.status_code == 422 and f"data.{field}" in response.json()["field_errors"]


def test_overlong_query_and_body_fields_are_422_naming_the_field(login):
    anna = login("anna")
    assert "query.q" in anna.get("/api/cases?q=" + "a" * 201).json()["field_errors"]
    response = anna.api("POST", "/api/messages", json={"name": "n" * 201, "message_id": "m"})
    assert response.status_code == 422 and "name" in response.json()["field_errors"]


def test_an_expensive_expression_is_refused_quickly():
    from datetime import datetime, timezone

    from engine.expressions import compile_expression
    from engine.expressions.errors import EvaluationError

    compiled = compile_expression("=count(for i in 1..100000000, j in 1..1000 return i * j)")
    started = time.perf_counter()
    with pytest.raises(EvaluationError, match="steps"):
        compiled.evaluate({}, now=datetime(2026, 1, 5, tzinfo=timezone.utc))
    assert time.perf_counter() - started < 5, "a refusal, not seconds of CPU"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_no_bsn_in_any_log_line_of_a_scenario_run_and_a_fuzz_run(app, runtime):
    """Everything at DEBUG, SQL statements included, through a real uvicorn with its access log."""
    capture = _Capture()
    capture.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    loggers = [logging.getLogger(n) for n in ("", "uvicorn", "uvicorn.access", "uvicorn.error", "sqlalchemy.engine")]
    old_levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
    root.addHandler(capture)
    redaction.install()
    used: set[str] = {PERSON["bsn"], "111222333"}
    try:
        result = run_scenario(SCENARIO)
        assert result.passed, result.failures
        used |= set(re.findall(r"\b\d{9}\b", SCENARIO.read_text()))
        case_id, task_id = start_case(runtime)
        port = _free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="debug",
                                               access_log=True, log_config=None))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, auth=("bea", PASSWORD)) as beheerder, httpx.Client(base_url=base) as anon:
            rng = random.Random(11)
            for _ in range(15):
                bsn = f"{rng.randrange(10**8, 10**9)}"
                used.add(bsn)
                beheerder.get(f"/api/cases?q={bsn}")
                beheerder.get(f"/api/tasks?q={bsn}&view=search")
                beheerder.get(f"/api/cases/{bsn}")
                beheerder.post("/api/cases/search", json={"bsn": bsn})
                beheerder.post("/api/messages", json={"name": "duo_x", "message_id": bsn, "bsn": bsn})
                beheerder.post("/api/cases", json={"process_id": "klantreis_test", "data": {"bsn": bsn + "0"}})
                anon.post("/zoeken", data={"bsn": bsn, "text": bsn})
                anon.get(f"/?q={bsn}")
                anon.get(f"/zaken/{case_id}?bsn={bsn}")
        server.should_exit = True
        thread.join(10)
    finally:
        root.removeHandler(capture)
        for lg, level in zip(loggers, old_levels):
            lg.setLevel(level)
    text = "\n".join(capture.lines)
    assert "GET /api/cases?[weggelaten]" in text, "the access log was captured"
    assert "SELECT" in text, "SQL was logged"
    leaked = sorted(b for b in used if b in text)
    assert not leaked, f"BSNs in the logs: {leaked[:5]}: " + next(line for line in capture.lines if leaked[0] in line)


def test_a_letter_over_its_limit_becomes_an_incident_naming_the_letter_and_the_limit(login, case_ids):
    from engine.access import limits

    (case_id, task_id), _ = case_ids
    anna = login("anna")
    locatie = "Stadskantoor " + "x" * limits.LETTER_MAX_VALUE  # within the 10 000 of case data, over the letter's
    data = {"intake_datum": "2026-03-10", "intake_tijd": "10:30", "intake_locatie": locatie,
            "reageren_voor": "2026-03-09"}
    completed = anna.api("POST", f"/api/tasks/{task_id}/complete", json={"data": data})
    assert completed.status_code == 200, completed.text
    dossier = anna.get(f"/api/cases/{case_id}").json()
    [incident] = dossier["incidents"]
    assert "uitnodiging_brede_intake" in incident["message"] and "intake_locatie" in incident["message"]
    assert f"hoogstens {limits.LETTER_MAX_VALUE} tekens" in incident["message"] and locatie not in incident["message"]
    assert anna.get(f"/api/cases/{case_id}/letters").json() == []
