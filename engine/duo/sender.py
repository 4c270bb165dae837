"""Send the outbox to DUO: each queued PIP once, and its answer back onto the case.

A row is claimed in its own transaction (`bezig`) before the HTTP call, so two senders
never post the same PIP. The answer is written in one transaction with the case: 201
completes the waiting service task ("ontvangen door DUO"); a refusal or an outage
becomes an incident on that task with DUO's text. A row left `bezig` by a crash is
checked against DUO's current PIP before it is posted again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Callable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from engine import audit
from engine.db.models import Incident, Job
from engine.duo.client import DuoClient, DuoError, DuoNotFound, DuoRefused, DuoUnavailable
from engine.duo.models import BEZIG, GEWEIGERD_DOOR_DUO, MISLUKT, ONTVANGEN_DOOR_DUO, UIT, WACHTRIJ, DuoBericht
from engine.errors import Conflict, NotFound

ACTOR = "systeem:duo"
STALE_AFTER = timedelta(minutes=10)


class DuoSender:
    """Delivers queued messages to DUO with a client per gemeente."""

    def __init__(self, *, session_factory: sessionmaker[Session], engine,
                 client_for: Callable[[str], DuoClient | None]) -> None:
        self.session_factory = session_factory
        self.engine = engine
        self.client_for = client_for

    def deliver_pending(self, *, limit: int = 50) -> int:
        """Send every queued message (and stale claimed ones); return how many were handled."""
        with self.session_factory.begin() as session:
            now = self.engine.now(session)
            ids = list(session.execute(
                select(DuoBericht.id).where(DuoBericht.richting == UIT,
                                            (DuoBericht.status == WACHTRIJ)
                                            | ((DuoBericht.status == BEZIG)
                                               & (DuoBericht.bijgewerkt_op < now - STALE_AFTER)))
                .order_by(DuoBericht.id).limit(limit)).scalars())
        return sum(1 for bericht_id in ids if self.deliver(bericht_id))

    def deliver(self, bericht_id: int) -> bool:
        """Send one message; return False when another sender has it or it is done."""
        claimed = self._claim(bericht_id)
        if claimed is None:
            return False
        gemeente, bsn, body, was_stale = claimed
        client = self.client_for(gemeente)
        if client is None:
            self._record(bericht_id, MISLUKT, "Geen DUO-koppeling ingesteld voor deze gemeente (OIN of URL ontbreekt)")
            return True
        try:
            if was_stale and _already_at_duo(client, bsn, body):
                self._record(bericht_id, ONTVANGEN_DOOR_DUO, None)
                return True
            client.post_pip(bsn, body)
        except DuoRefused as exc:
            self._record(bericht_id, GEWEIGERD_DOOR_DUO, f"DUO weigert het PIP: {exc}")
        except DuoUnavailable as exc:
            self._record(bericht_id, MISLUKT, str(exc))
        except DuoError as exc:
            self._record(bericht_id, MISLUKT, str(exc))
        else:
            self._record(bericht_id, ONTVANGEN_DOOR_DUO, None)
        return True

    def _claim(self, bericht_id: int):
        with self.session_factory.begin() as session:
            postgres = session.get_bind().dialect.name == "postgresql"
            query = select(DuoBericht).where(DuoBericht.id == bericht_id)
            row = session.execute(query.with_for_update(skip_locked=True) if postgres else query).scalar_one_or_none()
            now = self.engine.now(session)
            stale = row is not None and row.status == BEZIG and row.bijgewerkt_op < now - STALE_AFTER
            if row is None or not (row.status == WACHTRIJ or stale):
                return None
            row.status, row.bijgewerkt_op = BEZIG, now
            row.pogingen += 1
            return row.gemeente, row.bsn, dict(row.inhoud), stale

    def _record(self, bericht_id: int, status: str, reden: str | None) -> None:
        """Write DUO's answer and its effect on the case in one transaction."""
        with self.session_factory.begin() as session:
            row = session.get(DuoBericht, bericht_id)
            case = self.engine.lock_case(session, row.case_id) if row.case_id else None
            now = self.engine.now(session)
            row.status, row.reden, row.bijgewerkt_op = status, reden, now
            if case is None or row.task_id is None:
                return
            if status == ONTVANGEN_DOOR_DUO:
                audit.record(session=session, actor=ACTOR, action="duo_ontvangen", at=now, case=case,
                             element_id=row.element_id, detail={"soort": row.soort, "status": "ontvangen door DUO",
                                     "task": "PIP" if row.soort == "pip" else "gewijzigd PIP"})
                try:
                    self.engine.complete_service_task(session=session, case_id=case.id, task_id=row.task_id, actor=ACTOR,
                                                      data={f"duo_{row.soort}_gemeld_op": now.date().isoformat(),
                                                            "duo_pip_ontvangen_op": now.date().isoformat(),
                                                            "duo_pip_status": "ontvangen door DUO"})
                except (Conflict, NotFound):
                    row.actie = "Het dossier wachtte niet meer op DUO's antwoord"
                return
            # The task stops waiting and gets an incident; `regie retry` runs the duo handler again.
            # (A PIP queued while there was no DUO connection has no waiting task: the beheerder
            # sees the refusal in the list of exchanges.)
            waited = session.execute(delete(Job).where(Job.case_id == case.id, Job.task_id == row.task_id,
                                                        Job.status == "waiting")).rowcount
            if not waited:
                return
            session.add(Incident(case_id=case.id, gemeente=case.gemeente, task_id=row.task_id,
                                 element_id=row.element_id, kind="duo", message=reden or status, created_at=now))
            audit.record(session=session, actor=ACTOR, action="incident", at=now, case=case, element_id=row.element_id,
                         detail={"kind": "duo", "message": reden or status})


def _already_at_duo(client: DuoClient, bsn: str, body: dict) -> bool:
    """Tell whether DUO already holds this PIP (a crash after DUO's 201, before we recorded it)."""
    try:
        current = client.pip(bsn)
    except DuoNotFound:
        return False
    pip = current.get("pip", {})
    return pip.get("dagtekeningPip") == body.get("dagtekeningPip") and pip.get("leerroute") == body.get("leerroute")
