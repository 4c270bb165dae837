"""The `bezwaar` topic: what a decided bezwaar changes in the inburgeraar's own case."""

from __future__ import annotations

from typing import Any

from engine.running.core import RegieEngine
from engine.running.handlers import HandlerError, ServiceCall


class BezwaarGevolg:
    """Handler that tells the inburgeraar's case to amend the PIP after a gegrond bezwaar.

    It needs the engine to deliver the message in the same transaction; the runtime binds
    it once the engine exists.
    """

    def __init__(self) -> None:
        self.engine: RegieEngine | None = None

    def bind(self, engine: RegieEngine) -> None:
        """Give the handler the engine that delivers messages."""
        self.engine = engine

    def __call__(self, call: ServiceCall) -> dict[str, Any]:
        """Send pip_bijstellen to the case the beschikking belongs to."""
        if call.properties.get("gevolg") != "pip_bijstellen":
            raise HandlerError("Onbekend gevolg; gebruik gevolg=pip_bijstellen")
        if self.engine is None:
            raise HandlerError("Het bezwaar kan de zaak niet bereiken (geen engine gekoppeld)")
        outcome = self.engine.send_message(
            session=call.session, name="pip_bijstellen", message_id=f"bezwaar-{call.case_id}-{call.task_id}",
            actor=call.actor, case_id=str(call.data.get("zaak_case_id")),
            payload={"wijziging_reden": "bijstelling", "pip_bezwaar_case_id": call.case_id,
                     "wijziging_motivering": "Het bezwaar tegen het PIP is gegrond verklaard."})
        if not outcome.ok:
            raise HandlerError(f"De zaak neemt het bericht pip_bijstellen nu niet aan: {outcome.reason}")
        return {"pip_bijstellen_gevraagd": True}
