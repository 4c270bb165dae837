"""Every legal deadline Regie computes, next to the article it comes from.

Pure functions on dates. The bezwaar term itself (Awb 6:7, 6:8 with the Algemene
termijnenwet) stays in `engine.letters.rules.bezwaar_uiterlijk`, which every letter uses.
"""

from __future__ import annotations

from datetime import date, timedelta

from engine.letters.rules import add_months, bezwaar_uiterlijk, period_end

# Besluit 5.3 lid 1: the PIP is vastgesteld within 10 weeks after DUO's notice of the plicht
# (SS139), or after the BRP registration when the person was not registered yet then.
PIP_TERMIJN = timedelta(weeks=10)
# Besluit 5.3 lid 2: while waiting for a third party, until 2 weeks after receipt.
PIP_TERMIJN_NA_DERDE = timedelta(weeks=2)
# Wet 11 lid 1: the inburgeringstermijn is three years.
INBURGERINGSTERMIJN_MAANDEN = 36
# Besluit 5.4 lid 1: the leerroute may be switched within 18 months from the start of the termijn.
SCHAKELEN_MAANDEN = 18
# Besluit 4.5: a request for verlenging no earlier than 6 months before the end of the termijn.
VERLENGING_AANVRAAG_MAANDEN = 6
# Awb 5:51 lid 1: decide on a fine within 13 weeks after the dagtekening of the rapport.
BESLISTERMIJN_BOETE = timedelta(weeks=13)
# Awb 7:10 lid 1, 3: decide on a bezwaar within 6 weeks (12 with an adviescommissie),
# counted from the day after the bezwaar term ended; once extendable by 6 weeks.
BESLISTERMIJN_BEZWAAR = timedelta(weeks=6)
BESLISTERMIJN_BEZWAAR_COMMISSIE = timedelta(weeks=12)
VERDAGING_BEZWAAR = timedelta(weeks=6)
# Awb 6:6: a pro-forma bezwaar gets a hersteltermijn (policy: two weeks).
HERSTELTERMIJN_BEZWAAR = timedelta(weeks=2)


def pip_deadline(datum_plicht: date, datum_brp_inschrijving: date | None) -> date:
    """Return the PIP deadline: 10 weeks from SS139, or from BRP registration when later (Besluit 5.3.1).

    The same rule for both doelgroepen: a person not yet registered when DUO's notice came
    gets 10 weeks from the registration.
    """
    start = datum_plicht
    if datum_brp_inschrijving is not None and datum_brp_inschrijving > datum_plicht:
        start = datum_brp_inschrijving
    return start + PIP_TERMIJN


def pip_deadline_na_derde(deadline: date, ontvangen_op: date) -> date:
    """Return the PIP deadline after a third party's information arrived (Besluit 5.3.2).

    Exceeding the 10 weeks is allowed until 2 weeks after receipt; an earlier deadline
    that is still later stays.
    """
    return max(deadline, ontvangen_op + PIP_TERMIJN_NA_DERDE)


def termijn_start(pip_dagtekening: date) -> date:
    """Return the first day of the inburgeringstermijn: the day after the PIP's dagtekening (Wet 11)."""
    return pip_dagtekening + timedelta(days=1)


def termijn_eind(pip_dagtekening: date) -> date:
    """Return the last day of the three-year inburgeringstermijn (Wet 11)."""
    return period_end(termijn_start(pip_dagtekening), INBURGERINGSTERMIJN_MAANDEN)


def termijn_bij_pip(pip_dagtekening: date, lopende_start: date | None = None,
                    lopende_eind: date | None = None) -> tuple[date, date]:
    """Return (start, last day) of the inburgeringstermijn that a PIP beschikking states.

    The termijn starts the day after the dagtekening of the person's first PIP (Wet 11 lid 1) and
    does not start again for a later PIP: not when the PIP is amended (Wet 11 lid 3), and not when
    a new gemeente makes its own PIP after a move with the previous gemeente's PIP (Besluit 5.3
    lid 3; DUO SS121 gives the running termijn). A running termijn is kept with DUO's end, which
    may already hold an extension (Besluit 4.5).
    """
    if lopende_start is not None:
        return lopende_start, lopende_eind or period_end(lopende_start, INBURGERINGSTERMIJN_MAANDEN)
    return termijn_start(pip_dagtekening), termijn_eind(pip_dagtekening)


def schakelen_laatste_dag(start: date) -> date:
    """Return the last day on which the leerroute may still be switched (Besluit 5.4.1).

    Eighteen months from the start of the termijn: the window ends the day before the same
    day 18 months later (started 2026-03-10: 2027-09-09 is the last day).
    """
    return period_end(start, SCHAKELEN_MAANDEN)


def schakelen_toegestaan(start: date, besluit_op: date, van: str | None, naar: str) -> bool:
    """Tell whether the leerroute may change from `van` to `naar` on `besluit_op` (Besluit 5.4.1-2)."""
    if van == "onderwijs" and naar == "B1":
        return True
    return besluit_op <= schakelen_laatste_dag(start)


def verlenging_aanvraag_vanaf(eind: date) -> date:
    """Return the first day a verlenging of the termijn may be requested (Besluit 4.5)."""
    return add_months(eind, -VERLENGING_AANVRAAG_MAANDEN)


def beslistermijn_boete(rapport_datum: date) -> date:
    """Return the last day to decide on a fine (Awb 5:51: 13 weeks after the rapport)."""
    return rapport_datum + BESLISTERMIJN_BOETE


def beslistermijn_bezwaar(verzonden_op: date, ontvangen_op: date, *, adviescommissie: bool,
                          verdaagd: bool = False) -> date:
    """Return the last day to decide on a bezwaar (Awb 7:10).

    The term counts from the day after the bezwaar term ended (lid 1), or from receipt
    when the bezwaar came later; 6 weeks, 12 with an adviescommissie; once +6 (lid 3).
    """
    start = max(bezwaar_uiterlijk(verzonden_op), ontvangen_op)
    termijn = BESLISTERMIJN_BEZWAAR_COMMISSIE if adviescommissie else BESLISTERMIJN_BEZWAAR
    return start + termijn + (VERDAGING_BEZWAAR if verdaagd else timedelta(0))


def beroep_uiterlijk(beslissing_op: date) -> date:
    """Return the last day for beroep at the rechtbank (Awb 6:7, 6:8: six weeks after sending)."""
    return bezwaar_uiterlijk(beslissing_op)


def hersteltermijn(ontvangen_op: date) -> date:
    """Return the day by which a pro-forma bezwaar must give its grounds (Awb 6:6, policy 2 weeks)."""
    return ontvangen_op + HERSTELTERMIJN_BEZWAAR
