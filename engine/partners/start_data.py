"""The start data of a `partner_signaal` case: what engine/partners/signals.py gives the diagram.

Kept apart (no imports) so the deploy check (engine/deploy/variable_check.py) knows these names
are produced, as it knows a bezwaar case's start data, without importing the portal.
"""

SIGNAAL_START_VARIABLES = frozenset({
    "zaak_case_id", "zaak_nummer", "naam", "signaal_categorie", "signaal_tekst", "partner_organisatie",
    "klantmanager",
})
