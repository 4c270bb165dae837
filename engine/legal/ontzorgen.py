"""Ontzorgen (Participatiewet 56a): to whom it applies and until when, once.

Asked by processes/ontzorgen.bpmn (`Service_Toepassing`, topic `legal`, regel `ontzorgen`),
which the klantreis calls for every inburgeraar; the letter `beschikking_ontzorgen` states the
case variable `ontzorgen_eind` this rule sets and does not compute it again.
"""

from __future__ import annotations

from datetime import date

from engine.letters.rules import period_end

# Pw 56a lid 1: the college pays the vaste lasten from the bijstand for six months from its start.
ONTZORGEN_MAANDEN = 6
# Pw 56a lid 1: only a statushouder with bijstand whose residence permit is the temporary asylum
# permit (verblijfsvergunning asiel voor bepaalde tijd, Vreemdelingenwet 2000 art. 28).
DOELGROEP = "asielstatushouder"
VERBLIJFSVERGUNNING = "asiel_bepaalde_tijd"


def ontzorgen_van_toepassing(*, doelgroep: str | None, bijstand: bool | None, verblijfsvergunning: str | None) -> bool:
    """Tell whether Pw 56a applies: a statushouder with bijstand and a temporary asylum permit."""
    return doelgroep == DOELGROEP and bijstand is True and verblijfsvergunning == VERBLIJFSVERGUNNING


def ontzorgen_eind(start_bijstand: date) -> date:
    """Return the last day of the six months of ontzorgen from the start of bijstand (Pw 56a).

    The period ends the day before the same day six months later (1 January: 30 June); when
    that day does not exist (31 August: no 31 February) on the last day of that month.
    """
    return period_end(start_bijstand, ONTZORGEN_MAANDEN)
