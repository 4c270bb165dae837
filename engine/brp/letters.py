"""The address on a letter comes from the BRP when the letter is rendered, not from the case's copy.

Wraps the `letter` handler: with a BRP connection, the person's current address (only the
address fields: doelbinding) replaces straat, huisnummer, postcode and woonplaats before
rendering. A BRP that does not answer is an incident on the letter task; the letter is not
sent to an address that may be old.
"""

from __future__ import annotations

from dataclasses import replace

from engine.brp.client import FIELDS_ADRES, BrpError
from engine.duo.outbox import SERVICE_KEY
from engine.running.handlers import Handler, HandlerError, ServiceCall


def with_brp_address(handler: Handler) -> Handler:
    """Return a letter handler that reads the address from the BRP first (when one is configured)."""

    def letter_with_brp_address(call: ServiceCall):
        service = call.session.info.get(SERVICE_KEY)
        brp = service.brp() if service is not None else None
        bsn = str(call.data.get("bsn") or "")
        if brp is None or not bsn:
            return handler(call)
        try:
            persoon = brp.persoon(bsn, FIELDS_ADRES)
        except BrpError as exc:
            raise HandlerError(f"Adres uit de BRP: {exc}") from None
        if persoon is None:
            raise HandlerError("De BRP kent deze persoon niet: de brief heeft geen adres")
        adres = persoon.adres()
        if not adres:
            raise HandlerError("De BRP heeft geen woonadres van deze persoon (bijvoorbeeld vertrokken)")
        return handler(replace(call, data={**call.data, **adres}))

    return letter_with_brp_address
