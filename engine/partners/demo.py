"""Demo data of the partner portal: a taalaanbieder with linked inburgeraars and some weeks of hours.

Called by `regie demo` (engine/tools/demo.py) after the klantreizen have been played, so the
portal, the case section and the provider report are not empty.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from engine.access.accounts import create_user
from engine.access.need_to_know import link_partner
from engine.access.tenancy import add_membership
from engine.db.models import Case, User
from engine.partners.hours import Registration, monday, register_hours

DEMO_TAALAANBIEDER = ("taalaanbieder", "Joris Smit (Taalschool De Brug)", "Taalschool De Brug")
DEMO_LINKS = 4
DEMO_WEEKS = 4


def load_partner_demo(rt, case_ids: list[str], today: datetime, *, gemeente: str, password: str,
                      linked_by: str = "teamleider") -> int:
    """Make the taalaanbieder's account, link the first cases to it and register a few weeks of hours."""
    username, display, organisation = DEMO_TAALAANBIEDER
    with rt.session_factory.begin() as session:
        user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None:
            user = create_user(session=session, username=username, password=password, display_name=display,
                               gemeente=gemeente, roles=["partner"], groups=["partner_mb"])
        add_membership(session, user=user, gemeente=gemeente, organisation=organisation)
        lead = session.execute(select(User).where(User.username == linked_by)).scalar_one()
        linked = []
        for case_id in case_ids[:DEMO_LINKS]:
            case = session.get(Case, case_id)
            link_partner(session=session, user=lead, case=case, organisation=organisation, purpose="taalaanbieder",
                         valid_from=case.created_at.date(), valid_until=None, share_letters=False, now=today)
            linked.append((case_id, case.created_at.date()))
    made = 0
    this_week = monday(today.date())
    for n, (case_id, start) in enumerate(linked):
        for back in range(DEMO_WEEKS, 0, -1):
            week = this_week - timedelta(weeks=back)
            if week < monday(start):
                continue
            for module, uren, gepland in (("taal", 8 + n, 4), ("knm", 2, 1)):
                with rt.session_factory.begin() as session:
                    register_hours(session, engine=rt.engine, case=session.get(Case, case_id),
                                   organisation=organisation, actor=username, now=today,
                                   registration=Registration(week, module, Decimal(uren), gepland,
                                                             gepland - (1 if (back + n) % 3 == 0 else 0), ""))
                made += 1
    return made
