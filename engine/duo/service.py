"""Wire the DUO and BRP connections to a runtime: clients per gemeente, the sender, the processor.

`connect(rt)` is called once when a runtime is built. With `REGIE_DUO_URL` set, every
commit that queued a PIP delivers it right after (and `regie worker` sweeps what is
left); notifications are processed after they were acknowledged, and again by the
worker when fetching failed.
"""

from __future__ import annotations

from sqlalchemy import select

from engine.brp.client import BrpClient, BrpSettings
from engine.db.models import Gemeente
from engine.duo.client import DuoClient, DuoSettings
from engine.duo.models import IN, MISLUKT, ONTVANGEN, DuoBericht
from engine.duo.notifications import NotificationProcessor, pending
from engine.duo.outbox import SERVICE_KEY
from engine.duo.sender import DuoSender

MAX_FETCH_ATTEMPTS = 10


class DuoService:
    """The DUO and BRP connections of one runtime."""

    def __init__(self, rt) -> None:
        self.rt = rt
        self.settings = rt.settings
        self._clients: dict[str, DuoClient] = {}
        self._brp: BrpClient | None = None
        self.sender = DuoSender(session_factory=rt.session_factory, engine=rt.engine, client_for=self.client_for)

    @property
    def configured(self) -> bool:
        """Tell whether a DUO URL and OIN are set."""
        return bool(self.settings.duo_url and self.settings.duo_oin)

    def client_for(self, gemeente: str | None) -> DuoClient | None:
        """Return the DUO client of a gemeente (its OIN is the `bron`), or None without a connection."""
        if not self.configured or not gemeente:
            return None
        client = self._clients.get(gemeente)
        if client is None:
            with self.rt.session_factory() as session:
                row = session.get(Gemeente, gemeente)
                oin = (row.settings or {}).get("oin") if row is not None else None
            if not oin:
                return None
            s = self.settings
            cert = (s.duo_cert_file, s.duo_key_file) if s.duo_cert_file else None
            client = DuoClient(DuoSettings(base_url=s.duo_url, bron_oin=oin, doel_oin=s.duo_oin,
                                           timeout=s.duo_timeout_seconds, retries=s.duo_retries,
                                           backoff=s.duo_backoff_seconds, cert=cert))
            self._clients[gemeente] = client
        return client

    def brp(self) -> BrpClient | None:
        """Return the BRP client, or None when no BRP is configured."""
        if not self.settings.brp_url:
            return None
        if self._brp is None:
            s = self.settings
            self._brp = BrpClient(BrpSettings(base_url=s.brp_url, api_key=s.brp_api_key,
                                              timeout=s.duo_timeout_seconds, retries=s.duo_retries,
                                              backoff=s.duo_backoff_seconds))
        return self._brp

    # -- notifications --------------------------------------------------------------------
    def process_notification(self, bericht_id: int) -> str | None:
        """Process one stored notification in its own transaction; return its new status."""
        with self.rt.session_factory.begin() as session:
            postgres = session.get_bind().dialect.name == "postgresql"
            query = select(DuoBericht).where(DuoBericht.id == bericht_id, DuoBericht.richting == IN)
            row = session.execute(query.with_for_update(skip_locked=True) if postgres else query).scalar_one_or_none()
            if row is None or row.status not in (ONTVANGEN, MISLUKT) or row.pogingen >= MAX_FETCH_ATTEMPTS:
                return None
            client = self.client_for(row.gemeente)
            if client is None:
                row.status, row.reden = MISLUKT, "Geen DUO-koppeling ingesteld (REGIE_DUO_URL, OIN)"
                return row.status
            NotificationProcessor(engine=self.rt.engine, duo=client, brp=self.brp()).process(session=session, bericht=row)
            return row.status

    def process_pending(self, *, retry_failed: bool = True) -> int:
        """Process stored notifications (and earlier failed fetches); return how many were tried."""
        with self.rt.session_factory() as session:
            ids = pending(session, retry_failed=retry_failed)
        return sum(1 for i in ids if self.process_notification(i) is not None)

    # -- outbox ---------------------------------------------------------------------------
    def deliver_pending(self) -> int:
        """Send the queued messages to DUO; return how many were handled."""
        if not self.configured:
            return 0
        return self.sender.deliver_pending()

    def work(self) -> dict[str, int]:
        """Do one round for the worker: send the outbox, process notifications."""
        return {"duo_verstuurd": self.deliver_pending(), "duo_notificaties": self.process_pending()}


def connect(rt) -> DuoService:
    """Return the DUO service of a runtime, creating it once; with a connection, sessions carry it."""
    service = getattr(rt, "_duo_service", None)
    if service is None:
        service = DuoService(rt)
        rt._duo_service = service
        if service.configured or rt.settings.brp_url:
            rt.session_factory.configure(info={SERVICE_KEY: service})
    return service
