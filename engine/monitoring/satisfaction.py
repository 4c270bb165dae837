"""Client satisfaction: answers to the `tevredenheid` form (forms/), validated like a task form, kept as facts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from sqlalchemy.orm import Session

from engine import audit
from engine.db.models import Case
from engine.errors import Conflict, Invalid
from engine.monitoring import catalog
from engine.monitoring.models import Tevredenheid

FORM_ID = "tevredenheid"


def record_answers(*, session: Session, form, case: Case, submitted: Mapping[str, Any], actor: str,
                   now: datetime) -> Tevredenheid:
    """Validate the answers against the deployed form and store them; Invalid names each wrong field."""
    from engine.forms import as_case_data, validate_submission

    if form is None:
        raise Conflict("Het formulier 'tevredenheid' is niet gedeployed. Vraag de beheerder het te deployen.")
    clean, errors = validate_submission(form, submitted, context={}, now=now)
    if errors:
        raise Invalid("Niet alle vragen zijn goed ingevuld", field_errors=errors)
    answers = as_case_data(clean)
    onderdeel = answers.get("onderdeel")
    if onderdeel not in catalog.TEVREDENHEID_ONDERDELEN:
        raise Invalid("Kies een onderdeel", field_errors={"onderdeel": "maatschappelijke begeleiding, MAP of PVT"})
    try:
        score = int(answers.get("tevredenheid_totaal"))
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise Invalid("Geef een cijfer", field_errors={"tevredenheid_totaal": "kies 1 tot 5"})
    row = Tevredenheid(case_id=case.id, gemeente=case.gemeente, at=now, onderdeel=onderdeel, score=score,
                       antwoorden={k: v for k, v in answers.items() if isinstance(v, (str, int, float, bool))},
                       ingevuld_door=actor, synthetisch=False)
    session.add(row)
    audit.record(session=session, actor=actor, action="tevredenheid", at=now, case=case,
                 detail={"onderdeel": onderdeel, "score": score})
    session.flush()
    return row
