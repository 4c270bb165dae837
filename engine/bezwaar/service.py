"""Register a bezwaar against a sent beschikking: a `bezwaar` case with what its letters need."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from engine.db.models import Case
from engine.errors import Invalid, NotFound
from engine.legal.models import Beschikking
from engine.letters.models import Letter
from engine.running.core import RegieEngine

ADDRESS = ("bsn", "naam", "voornamen", "achternaam", "straat", "huisnummer", "postcode", "woonplaats", "taal", "tolk_nodig")


def register_bezwaar(engine: RegieEngine, *, session: Session, beschikking_id: int, ontvangen_op: date, gronden: str,
                     actor: str, gemeente: str | None = None, adviescommissie: bool = False,
                     rechtbank: str | None = None) -> Case:
    """Start the bezwaar against beschikking `beschikking_id`; no grounds yet is a pro-forma bezwaar (Awb 6:6)."""
    beschikking = session.get(Beschikking, beschikking_id)
    if beschikking is None or (gemeente is not None and beschikking.gemeente != gemeente):
        raise NotFound("Deze beschikking bestaat niet")
    if beschikking.herroepen_op is not None:
        raise Invalid("De beschikking is al herroepen", field_errors={"beschikking_id": "Deze beschikking is herroepen"})
    zaak = engine.lock_case(session, beschikking.case_id)
    now = engine.now(session)
    if ontvangen_op > now.date():
        raise Invalid("Ongeldige datum", field_errors={"bezwaar_ontvangen_op": "De datum van ontvangst ligt in de toekomst"})
    variables = engine.case_variables(session=session, case=zaak)
    rechtbank = rechtbank or variables.get("rechtbank")
    if not rechtbank:
        raise Invalid("Rechtbank ontbreekt", field_errors={
            "rechtbank": "Stel de rechtbank in bij de variabelen van de gemeente (bijvoorbeeld rechtbank Den Haag)"})
    letter = session.get(Letter, beschikking.letter_id)
    data = {
        **{k: variables[k] for k in ADDRESS if variables.get(k) is not None},
        "zaak_case_id": zaak.id, "beschikking_id": beschikking.id, "beschikking_soort": beschikking.soort,
        "beschikking_datum": beschikking.verzonden_op.isoformat(), "beschikking_kenmerk": letter.kenmerk,
        "bezwaar_ontvangen_op": ontvangen_op.isoformat(), "bezwaar_gronden": gronden.strip() or None,
        "pro_forma": not gronden.strip(), "adviescommissie": adviescommissie, "rechtbank": rechtbank,
    }
    return engine.start_case(session=session, process_id="bezwaar", gemeente=beschikking.gemeente, data=data,
                             actor=actor, business_key=f"bezwaar-{beschikking.id}")
