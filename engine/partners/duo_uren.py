"""Reconcile the hours providers registered with DUO's GevolgdeUren.

DUO keeps per gemeente the hours taalles and KNM at a cursusinstelling (`ParticipatieAlsTaalles`,
without the brede intake) and the participation hours for the Z-route
(`ParticipatieactiviteitenBredeIntake`). Regie asks DUO (engine/duo/client.py, `gevolgde_uren`)
when a klantmanager wants the comparison, stores what DUO said with the moment, and shows both
numbers and the difference on the case and in the provider report. The BSN only goes into
DUO's URL; it is never stored here, logged or shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.db.models import Case
from engine.errors import Conflict
from engine.partners.hours import Totals
from engine.partners.models import DuoUrenStand


def _uren(entry: dict, key: str) -> int | None:
    value = entry.get(key)
    return int(value["uren"]) if isinstance(value, dict) and value.get("uren") is not None else None


def summarise(answer: list[dict]) -> tuple[int | None, int | None, list[dict]]:
    """Add up DUO's answer over the gemeenten: (course hours, participation hours, per gemeente)."""
    per_gemeente, cursus, participatie = [], None, None
    for entry in answer or []:
        row = {"gemeentecode": entry.get("gemeentecode"), "bekend_tot": entry.get("bekendTot"),
               "cursus": _uren(entry, "ParticipatieAlsTaalles"),
               "participatie": _uren(entry, "ParticipatieactiviteitenBredeIntake"),
               "brede_intake": _uren(entry, "TaallesEnKnmBredeIntake")}
        per_gemeente.append(row)
        if row["cursus"] is not None:
            cursus = (cursus or 0) + row["cursus"]
        if row["participatie"] is not None:
            participatie = (participatie or 0) + row["participatie"]
    return cursus, participatie, per_gemeente


def fetch(session: Session, *, client, case: Case, actor: str, now: datetime) -> DuoUrenStand:
    """Ask DUO for the person's hours and store the answer (or why there is none); audited."""
    from engine.duo.client import DuoError, DuoNotFound

    if client is None:
        raise Conflict("Er is geen koppeling met DUO ingesteld voor deze gemeente.")
    if not case.bsn:
        raise Conflict("Zonder BSN kan Regie de uren niet bij DUO opvragen.")
    stand = DuoUrenStand(case_id=case.id, gemeente=case.gemeente, opgehaald_op=now, opgehaald_door=actor,
                         per_gemeente=[], fout="")
    try:
        stand.uren_cursus, stand.uren_participatie, stand.per_gemeente = summarise(client.gevolgde_uren(case.bsn))
    except DuoNotFound:
        stand.fout = "DUO heeft (nog) geen uren van deze persoon."
    except DuoError as exc:
        stand.fout = f"DUO gaf geen antwoord: {exc}"[:300]
    session.add(stand)
    session.flush()
    audit.record(session=session, actor=actor, action="duo_uren_opgevraagd", at=now, case=case,
                 detail={"cursus": stand.uren_cursus, "participatie": stand.uren_participatie, "fout": stand.fout or None})
    return stand


def latest(session: Session, case_id: str) -> DuoUrenStand | None:
    """The newest stored answer of DUO for a case."""
    return session.scalars(select(DuoUrenStand).where(DuoUrenStand.case_id == case_id)
                           .order_by(DuoUrenStand.opgehaald_op.desc(), DuoUrenStand.id.desc()).limit(1)).first()


@dataclass(frozen=True)
class Comparison:
    """Regie's hours beside DUO's, per total; a difference is Regie minus DUO."""

    label: str
    regie: Decimal
    duo: int | None

    @property
    def verschil(self) -> Decimal | None:
        return None if self.duo is None else self.regie - self.duo


def compare(found: Totals, stand: DuoUrenStand | None) -> list[Comparison]:
    """Both numbers and the difference for course and participation hours."""
    if stand is None:
        return []
    return [Comparison("Lesuren taal en KNM", found.uren_cursus, stand.uren_cursus),
            Comparison("Uren participatie", found.uren_participatie, stand.uren_participatie)]
