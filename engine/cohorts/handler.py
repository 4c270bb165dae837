"""The `brugklas` topic: place the case in the next cohort with a seat, and give the diagram its dates."""

from __future__ import annotations

from typing import Any, Mapping

from engine.cohorts.service import place_case
from engine.db.models import Case
from engine.errors import AppError
from engine.running.handlers import HandlerError, ServiceCall


# What the handler gives the case (the deploy check knows these names are produced).
BRUGKLAS_VARIABLES = frozenset({"brugklas_cohort", "brugklas_groep", "brugklas_start", "brugklas_eind",
                                "brugklas_locatie", "brugklas_plaatsing_toelichting"})


def brugklas_handler(call: ServiceCall) -> Mapping[str, Any]:
    """Place the case (properties: none) and return the cohort's start and end for the timers."""
    case = call.session.get(Case, call.case_id)
    try:
        placement = place_case(call.session, case=case, today=call.now.date(), actor=call.actor, now=call.now)
    except AppError as exc:
        raise HandlerError(exc.message) from None
    cohort = placement.cohort
    return {
        "brugklas_cohort": cohort.id,
        "brugklas_groep": cohort.naam,
        "brugklas_start": cohort.start.isoformat(),
        "brugklas_eind": cohort.eind.isoformat(),
        "brugklas_locatie": cohort.locatie,
        "brugklas_plaatsing_toelichting": placement.toelichting,
    }
