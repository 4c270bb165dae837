"""`regie demo` as `make run` loads it: 30 inburgeraars that arrive through the DUO simulator and walk their scenarios."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from api.simulators.cli import create_app as create_sim
from api.simulators.duo.store import SIM_DUO_OIN
from engine.config import Settings
from engine.db.models import Case
from engine.duo.models import IN, DuoBericht
from engine.running.runtime import build_runtime
from engine.tools.demo import DEMO_GEMEENTE, PERSONAS, load_demo
from tests.exchanges.conftest import Served, free_port

TODAY = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


class Lines:
    """Collects what the demo says (the `out` of load_demo)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def print(self, text: str, **_kwargs) -> None:
        self.lines.append(text)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    port = free_port()
    sim = Served(create_sim(tmp / "duo-sim.json", "http://127.0.0.1:9/duo/v1/notificaties", "sim-token"), port)
    settings = Settings(database_url=f"sqlite:///{tmp / 'demo.sqlite'}", clock="database", secret_key="test-secret",
                        duo_url=f"http://127.0.0.1:{port}/v1", duo_oin=SIM_DUO_OIN, duo_token="sim-token",
                        brp_url=f"http://127.0.0.1:{port}/brp")
    rt = build_runtime(settings)
    out = Lines()
    try:
        made = load_demo(rt, reset=True, out=out, today=TODAY)
        yield rt, made, out.lines
    finally:
        sim.stop()
        rt.db.dispose()


def test_every_persona_arrives_through_duo_and_walks_its_whole_scenario(loaded):
    rt, made, lines = loaded
    assert made == len(PERSONAS)
    assert any("DUO-simulator" in line for line in lines)
    # a persona that cannot take a step is reported as "gestopt bij stap N" (e.g. one stopped at the brugklas)
    assert [line for line in lines if "gestopt" in line] == []
    with rt.session_factory() as session:
        arrived = session.execute(select(func.count()).select_from(DuoBericht).where(
            DuoBericht.richting == IN, DuoBericht.gebeurtenis_id.in_(("SS139", "SS120", "SS121")),
            DuoBericht.case_id.is_not(None))).scalar()
        cases = session.execute(select(func.count()).select_from(Case).where(Case.gemeente == DEMO_GEMEENTE)).scalar()
    assert arrived == cases == len(PERSONAS)


def test_brugklas_personas_wait_for_their_group_and_get_their_pip_by_the_deadline(loaded):
    rt, _, _ = loaded
    with rt.session_factory() as session:
        cases = session.execute(select(Case).where(Case.gemeente == DEMO_GEMEENTE)).scalars().all()
        placed = [v for v in (rt.engine.case_variables(session=session, case=c) for c in cases) if v.get("brugklas_start")]
    assert placed
    # groups start on the gemeente's fixed start moments, weeks or months after a shifted scenario
    assert any(v["brugklas_start"] == "2026-02-02" for v in placed)
    # a group starting after the PIP deadline does not hold the PIP up (Besluit 5.3.1)
    assert any(v["brugklas_start"] > v["pip_deadline"] for v in placed)
    late = [(v["naam"], v.get("pip_dagtekening"), v["pip_deadline"]) for v in placed
            if not v.get("pip_dagtekening") or v["pip_dagtekening"] > v["pip_deadline"]]
    assert late == []


def test_a_persona_who_moved_in_with_a_pip_arrives_as_ss121_and_keeps_its_route(loaded):
    rt, _, _ = loaded
    with rt.session_factory() as session:
        case_ids = session.execute(select(DuoBericht.case_id).where(DuoBericht.richting == IN,
                                                                    DuoBericht.gebeurtenis_id == "SS121")).scalars().all()
        assert case_ids
        for case_id in case_ids:
            variables = rt.engine.case_variables(session=session, case=session.get(Case, case_id))
            assert variables["duo_gebeurtenis"] == "SS121"
            assert variables["leerroute"] == variables["leerroute_vorige_gemeente"] == "Z"   # Besluit 5.3.3
            assert variables["pip_dagtekening"] and variables["termijn_start"]
