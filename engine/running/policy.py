"""Local policy switches every case starts with, unless the gemeente set its own.

These are policy, not law: a gemeente overrides them in `gemeenten.settings["variabelen"]`
(and start data overrides both). The defaults are the cautious choice.
"""

from __future__ import annotations

from typing import Any, Mapping

POLICY_DEFAULTS: dict[str, Any] = {
    # Fines for asielstatushouders only in exceptional cases after a legal review
    # (DOMAIN.md "Handhaving", marked unsure: CJEU 2025-02-04; ABRvS 2025-07-09 and
    # 2026-02-18). False = every such fine first gets the juridische toets.
    "boete_statushouders": False,
    # The brugklas (beleidsplan ch. 3): on by default for asielstatushouders, off for
    # gezinsmigranten; a gemeente without a brugklas sets both to false.
    "brugklas_statushouders": True,
    "brugklas_gezinsmigranten": False,
}


def start_variables(gemeente_settings: Mapping[str, Any] | None, data: Mapping[str, Any]) -> dict[str, Any]:
    """Return a new case's variables: policy defaults, then the gemeente's, then the start data."""
    own = dict((gemeente_settings or {}).get("variabelen", {}))
    return {**POLICY_DEFAULTS, **own, **data}
