"""The facts about earlier fines and Pw maatregelen that the fine decision is made on.

The amounts themselves (tiers, culpability, the EUR 2,400 cap) are in
processes/boete_bedrag.dmn; this module only says which earlier fines count:
- herhaling (Besluit 7.1.3): the how-manieth art. 23 violation in a row, counting only
  earlier art. 23 fines that are onherroepelijk on the day of the decision, each within
  12 months before the next (a gap of more than 12 months starts again at 1);
- boetes_in_termijn (Besluit 7.1.5): the total of art. 22 and 23 fines not herroepen;
- al_beboet (Awb 5:43): a fine was already imposed for this violation;
- Wet 27: the bijstand was lowered under Pw 18 or 18b for the same gedraging.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Iterable, Mapping

from engine.legal.beschikking import BeschikkingFeiten, status_op
from engine.letters.rules import add_months

# Besluit 7.1.3: an earlier fine counts for doubling when imposed within 12 months before.
HERHALING_MAANDEN = 12
# Wet 27: the reason recorded when handhaving stops because of a Pw maatregel.
WET_27_REDEN = "artikel 27 Wet inburgering 2021"


@dataclass(frozen=True)
class EerdereBoete:
    """One earlier fine with the facts its legal status follows from."""

    artikel: str
    bedrag: Decimal
    verzonden_op: date
    overtreding_datum: date | None = None
    bezwaar_ontvangen_op: date | None = None
    bezwaar_uitkomst: str | None = None
    bezwaar_beslist_op: date | None = None
    beroep_ingesteld_op: date | None = None
    beroep_uitkomst: str | None = None
    beroep_uitspraak_op: date | None = None
    herroepen_op: date | None = None


@dataclass(frozen=True)
class BoeteFeiten:
    """What the decision table boete_bedrag gets as input."""

    herhaling: int
    boetes_in_termijn: Decimal
    al_beboet: bool


def eerdere_boete(entry: Mapping[str, Any], row: BeschikkingFeiten | None = None) -> EerdereBoete:
    """Return a fine from case data (`{artikel, bedrag, datum, ...}`), its status from `row` when known."""
    source: Any = row if row is not None else _DictFacts(entry)
    return EerdereBoete(
        artikel=str(entry["artikel"]), bedrag=Decimal(str(entry["bedrag"])), verzonden_op=_day(entry["datum"]),
        overtreding_datum=_day(entry.get("overtreding_datum")),
        **{name: getattr(source, name) for name in (
            "bezwaar_ontvangen_op", "bezwaar_uitkomst", "bezwaar_beslist_op", "beroep_ingesteld_op",
            "beroep_uitkomst", "beroep_uitspraak_op", "herroepen_op")},
    )


def boete_feiten(eerdere: Iterable[EerdereBoete], *, artikel: str, overtreding_datum: date,
                 peildatum: date) -> BoeteFeiten:
    """Return the facts for a new fine for `artikel` committed on `overtreding_datum`, decided on `peildatum`."""
    eerdere = list(eerdere)
    staand = [b for b in eerdere if status_op(b, peildatum) != "herroepen"]
    totaal = sum((b.bedrag for b in staand if b.artikel in ("22", "23")), Decimal("0"))
    al_beboet = any(b.artikel == artikel and b.overtreding_datum == overtreding_datum for b in eerdere)
    return BoeteFeiten(herhaling=_herhaling(staand, artikel, overtreding_datum, peildatum),
                       boetes_in_termijn=totaal, al_beboet=al_beboet)


def _herhaling(staand: list[EerdereBoete], artikel: str, overtreding_datum: date, peildatum: date) -> int:
    if artikel != "23":
        return 1
    telt = sorted((b.verzonden_op for b in staand
                   if b.artikel == "23" and b.verzonden_op <= overtreding_datum
                   and status_op(b, peildatum) == "onherroepelijk"), reverse=True)
    reeks, volgende = 0, overtreding_datum
    for verzonden in telt:
        if volgende > add_months(verzonden, HERHALING_MAANDEN):
            break
        reeks, volgende = reeks + 1, verzonden
    return reeks + 1


def pw_maatregel_zelfde_gedraging(maatregelen: Iterable[Mapping[str, Any]], *, gedraging: str,
                                  overtreding_datum: date) -> Mapping[str, Any] | None:
    """Return the Pw 18/18b maatregel for the same gedraging on the same day, or None (Wet 27)."""
    for maatregel in maatregelen:
        if maatregel.get("gedraging") == gedraging and _day(maatregel.get("overtreding_datum")) == overtreding_datum:
            return maatregel
    return None


class _DictFacts:
    """Status facts recorded in the case data of a fine that Regie did not impose itself."""

    def __init__(self, entry: Mapping[str, Any]) -> None:
        self._entry = entry

    def __getattr__(self, name: str) -> Any:
        value = self._entry.get(name)
        return _day(value) if name.endswith(("_op", "_datum")) else value


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value if type(value) is date else value.date()
    return date.fromisoformat(str(value)[:10])


