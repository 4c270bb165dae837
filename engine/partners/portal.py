"""What a partner sees of its linked inburgeraars: the agreed offer and the hours so far.

Everything goes through engine/access/need_to_know: only cases linked to the partner's own
organisation with a current link, and of those only the variables the link's purpose needs
(never the BSN, health or handhaving). The hours shown are the case's totals when the purpose
includes them (a taalaanbieder), otherwise only what the partner's own organisation registered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import need_to_know
from engine.access.models import PartnerLink
from engine.db.models import Case
from engine.errors import Forbidden
from engine.partners import hours

ROUTE_NAMES = {"B1": "B1-route", "Z": "Z-route", "onderwijs": "Onderwijsroute"}
ROUTE_MODULES = {
    # What each route holds (DOMAIN.md 8-9): the modules a provider may be asked to give.
    "B1": ["Taal (NT2) op B1", "KNM", "Participatie", "MAP", "PVT"],
    "Z": ["Taal (NT2) en KNM: 800 lesuren", "Participatie: 800 uur (asielstatushouders)", "MAP", "PVT"],
    "onderwijs": ["Taalschakeltraject", "PVT"],
}


@dataclass
class Person:
    """One linked inburgeraar as the partner sees it."""

    case: Case
    link: PartnerLink
    variables: dict[str, Any]
    totals: hours.Totals
    own_only: bool
    thresholds: list[hours.Threshold] = field(default_factory=list)

    @property
    def naam(self) -> str:
        return str(self.variables.get("naam") or self.case.case_number)

    @property
    def route(self) -> str | None:
        value = self.variables.get("leerroute")
        return ROUTE_NAMES.get(value, value) if value else None

    @property
    def modules(self) -> list[str]:
        return ROUTE_MODULES.get(self.variables.get("leerroute"), [])

    @property
    def offer(self) -> list[tuple[str, Any]]:
        """The agreed offer from the PIP and the start of the leerroute, as far as the purpose shows it."""
        from engine.letters.formatting import datum
        from engine.letters.languages import language_name
        from engine.casefile.dossier import case_date

        v = self.variables
        start = case_date(v.get("startdatum_leerroute")) if v.get("startdatum_leerroute") else None
        facts = [("Leerroute", self.route), ("Doelniveau taal", v.get("taalniveau")),
                 ("Lesuren per week", v.get("uren_per_week")), ("Taalaanbieder", v.get("taalaanbieder")),
                 ("Start leerroute", datum(start) if start else None),
                 ("Taal", language_name(v["taal"]) if v.get("taal") and v["taal"] != "nl" else None),
                 ("Tolk nodig", {True: "ja", False: "nee"}.get(v.get("tolk_nodig")))]
        return [(label, value) for label, value in facts if value not in (None, "")]

    @property
    def uren_cursus(self) -> Decimal:
        return self.totals.cursus if self.own_only else self.totals.uren_cursus

    @property
    def uren_participatie(self) -> Decimal:
        return self.totals.participatie if self.own_only else self.totals.uren_participatie


def require_organisation(session: Session, user) -> str:
    """The partner organisation the user acts for; a person without one has no portal."""
    organisation = need_to_know.organisation_of(session, user)
    if organisation is None:
        raise Forbidden("U bent niet gekoppeld aan een partnerorganisatie.")
    return organisation


def person(session: Session, *, engine, user, case: Case, organisation: str) -> Person:
    """Build the partner's view of one visible case."""
    link = need_to_know.current_link(session, user, case)
    if link is None:  # get_case already refused it; a link may end between two reads
        raise Forbidden("Deze inburgeraar is niet (meer) aan uw organisatie gekoppeld.")
    variables = need_to_know.allowed_variables(session, user, case, engine.case_variables(session=session, case=case))
    own_only = "uren_cursus" not in need_to_know.PURPOSES.get(link.purpose, frozenset())
    found = hours.totals(session, case.id, organisation if own_only else None, variables)
    p = Person(case, link, variables, found, own_only)
    p.thresholds = hours.thresholds(variables.get("leerroute"), variables.get("doelgroep"),
                                    p.uren_cursus, p.uren_participatie)
    return p


def linked_people(session: Session, *, engine, user) -> list[Person]:
    """Every inburgeraar linked to the user's organisation now, by name."""
    organisation = require_organisation(session, user)
    cases = session.scalars(select(Case).where(need_to_know.case_filter(session, user))
                            .order_by(Case.naam, Case.case_number)).all()
    return [person(session, engine=engine, user=user, case=c, organisation=organisation) for c in cases]


def visible_case(session: Session, *, user, case_id: str) -> Case:
    """The case if it is linked to the user's organisation now, else NotFound (need_to_know)."""
    return need_to_know.get_case(session=session, user=user, case_id=case_id)


def today_of(now) -> date:
    from engine.bpmn.scripting import LOCAL_TZ

    return now.astimezone(LOCAL_TZ).date()
