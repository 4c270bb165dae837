"""The exchanges on PostgreSQL: notifications, idempotency and the outbox with its row locks."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from api.simulators.duo.store import SIM_DUO_OIN, SIM_GEMEENTE_OIN
from engine.db.models import Case
from engine.duo.models import ONTVANGEN_DOOR_DUO, VERWERKT
from tests.exchanges.conftest import TOKEN
from tests.exchanges.test_outbox import _open, _row, _start

pytestmark = pytest.mark.postgres


def test_a_notification_twice_starts_one_case_on_postgres(pg_world):
    number = pg_world.persoon()
    headers = {"bron": SIM_DUO_OIN, "doel": SIM_GEMEENTE_OIN, "berichtId": str(uuid.uuid4()),
               "authorization": f"Bearer {TOKEN}"}
    body = {"registratieDatumTijd": "2026-03-02T09:00:00Z", "gebeurtenisId": "SS139", "bsn": number}
    for _ in range(2):
        assert pg_world.http.post(f"{pg_world.regie_url}/duo/v1/notificaties", headers=headers, json=body).status_code == 201
    assert pg_world.processed(headers["berichtId"]).status == VERWERKT
    with pg_world.rt.session_factory() as session:
        assert session.execute(select(func.count()).select_from(Case).where(Case.bsn == number)).scalar() == 1


def test_the_outbox_on_postgres_outage_then_retry(pg_world):
    pg_world.http.put(f"{pg_world.sim_url}/_sim/storing", json={"aan": True})
    try:
        case_id = _start(pg_world, pg_world.persoon())
        _, incidents = _open(pg_world, case_id)
        assert len(incidents) == 1 and "niet bereikbaar" in incidents[0].message
    finally:
        pg_world.http.put(f"{pg_world.sim_url}/_sim/storing", json={"aan": False})
    with pg_world.rt.session_factory.begin() as session:
        pg_world.rt.engine.retry_incident(session=session, incident_id=incidents[0].id, actor="beheerder")
    assert _row(pg_world, case_id).status == ONTVANGEN_DOOR_DUO
    assert _open(pg_world, case_id) == ({"Task_Verder"}, [])
