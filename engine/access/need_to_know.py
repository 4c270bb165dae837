"""Need-to-know: which cases, tasks and dossier parts an actor may see.

- `gemeente` scope (handhaving, beheerder, FG, the `regie` operator): every case of the gemeente the
  person works in now (their home gemeente, or one they belong to and switched to).
- `team` scope (klantmanager, teamleider): of that gemeente, only the cases of the teams the person
  belongs to (engine/access/teams.py). A regional team serves several gemeenten: its members see
  the team's cases of each gemeente they switch to.
- `linked` scope (partner organisation): only cases linked to the person's organisation with a
  current link (valid_from <= today <= valid_until), and of those only the fields its purpose needs.
- `none` (beleid, system accounts): no dossiers.
Another actor's view of a case it may not see is a 404, as for another gemeente's case.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from engine import audit
from engine.access.models import Membership, PartnerLink, TeamMember
from engine.access.roles import grants_of, may_do_task
from engine.access.tenancy import gemeenten_of
from engine.db.models import Case, UserTask
from engine.errors import Forbidden, Invalid, NotFound

PURPOSES: dict[str, frozenset[str]] = {
    "maatschappelijke_begeleiding": frozenset({
        "naam", "voornamen", "achternaam", "taal", "tolk_nodig", "doelgroep", "woonplaats", "leerroute",
        "consulent", "datum_brp_inschrijving", "mb_begeleider", "mb_organisatie", "mb_startdatum", "mb_vraag",
        "begeleiding", "taalmaatje", "sociaal_netwerk", "gezinssituatie",
    }),
    "taalaanbieder": frozenset({
        "naam", "taal", "tolk_nodig", "leerroute", "taalniveau", "taalaanbieder", "startdatum_leerroute",
        "uren_cursus", "uren_participatie", "uren_per_week", "consulent",
    }),
}
"""Per purpose of a partner link: the case variables the partner needs (everything else is hidden;
never the BSN, health data or handhaving)."""

NEVER_FOR_PARTNERS = ("bsn", "gezondheid", "overtreding", "boete", "handhaving", "verwijtbaar", "pw_sanctie",
                      "pw_maatregel", "nieuwe_maatregel", "herhaling", "lg_gezondheid")
MAX_PURPOSE_LENGTH = 300


def _today(user) -> date:
    today = getattr(user, "access_today", None)
    return today if isinstance(today, date) else date.today()


def organisation_of(session: Session, user) -> str | None:
    """Return the partner organisation the user acts for in the current gemeente, if any."""
    return session.execute(
        select(Membership.organisation).where(Membership.user_id == user.id, Membership.gemeente == user.gemeente)
    ).scalar_one_or_none()


def _current_link_clause(organisation: str, gemeente: str, today: date):
    return and_(
        PartnerLink.organisation == organisation,
        PartnerLink.gemeente == gemeente,
        PartnerLink.valid_from <= today,
        or_(PartnerLink.valid_until.is_(None), PartnerLink.valid_until >= today),
    )


def case_filter(session: Session, user):
    """Return a SQL condition on `Case` (joined as Case) that keeps only the cases `user` may see."""
    g = grants_of(user)
    if g.case_scope == "gemeente":
        return Case.gemeente == user.gemeente
    if g.case_scope == "team":
        user_id = getattr(user, "id", None)
        if user_id is None:
            return Case.id.is_(None)
        return and_(Case.gemeente == user.gemeente,
                    Case.team_id.in_(select(TeamMember.team_id).where(TeamMember.user_id == user_id)))
    if g.case_scope == "linked":
        organisation = organisation_of(session, user)
        if organisation is None:
            return Case.id.is_(None)
        return and_(Case.gemeente == user.gemeente, exists().where(
            PartnerLink.case_id == Case.id, _current_link_clause(organisation, user.gemeente, _today(user))))
    return Case.id.is_(None)


def sees_case(session: Session, person, case: Case) -> bool:
    """Tell whether `person` (any account, not necessarily the one asking) may see `case` when
    working in the case's gemeente: the rule for whom a task or a case may be given to."""
    if case.gemeente not in gemeenten_of(session, person):
        return False
    acting = SimpleNamespace(id=person.id, username=person.username, roles=list(person.roles or []),
                             gemeente=case.gemeente, access_today=getattr(person, "access_today", None))
    return session.execute(select(Case.id).where(Case.id == case.id, case_filter(session, acting))).first() is not None


def assignment_refusal(session: Session, person, task: UserTask, case: Case) -> str | None:
    """Say why `person` may not be given `task` of `case` (None: they may): their role must allow the
    task's candidate group (engine/access/roles.py) and they must see the case (for a klantmanager:
    be in the case's team). Task assignment and the list of people it offers both ask this."""
    if not may_do_task(person, task.candidate_groups or [], task.candidate_users or []):
        groups = ", ".join(task.candidate_groups or []) or "consulent"
        return f"{person.display_name} mag taken van groep {groups} niet doen ({task.name})."
    if not sees_case(session, person, case):
        return f"{person.display_name} hoort niet bij het team van dit dossier ({task.name})."
    return None


def current_link(session: Session, user, case: Case) -> PartnerLink | None:
    """Return the partner's current link to this case (None for other scopes or without a link)."""
    organisation = organisation_of(session, user)
    if organisation is None:
        return None
    return session.execute(
        select(PartnerLink).where(PartnerLink.case_id == case.id,
                                  _current_link_clause(organisation, case.gemeente, _today(user)))
        .order_by(PartnerLink.valid_from.desc()).limit(1)
    ).scalar_one_or_none()


def get_case(*, session: Session, user, case_id: str) -> Case:
    """Return the case if `user` may see it, else NotFound (the case does not exist for them)."""
    case = session.execute(
        select(Case).where(Case.id == case_id, case_filter(session, user))
    ).scalar_one_or_none()
    if case is None:
        raise NotFound("Deze zaak bestaat niet.")
    return case


def get_task(*, session: Session, user, task_id: str, fallback) -> UserTask:
    """Return the open task if its case is visible to `user`; `fallback` (the gemeente lookup that
    tells a completed task apart) is asked first, so a hidden case's task is a plain 404."""
    task = fallback(session=session, task_id=task_id, gemeente=user.gemeente)
    visible = session.execute(select(Case.id).where(Case.id == task.case_id, case_filter(session, user))).first()
    if visible is None:
        raise NotFound("Deze taak bestaat niet.")
    return task


def hides(user, part: str, session: Session | None = None, case: Case | None = None) -> bool:
    """Tell whether dossier part `part` (bsn, health, handhaving, letters, notes, timeline) is hidden;
    letters are shown to a partner when its current link shares them."""
    g = grants_of(user)
    if part not in g.hidden:
        return False
    if part == "letters" and session is not None and case is not None:
        link = current_link(session, user, case)
        return not (link is not None and link.share_letters)
    return True


def allowed_variables(session: Session, user, case: Case, variables: dict[str, Any]) -> dict[str, Any]:
    """Return the case variables the user may see: all for team scope; for a partner only those
    its link's purpose needs, never BSN, health or handhaving."""
    if grants_of(user).case_scope != "linked":
        return dict(variables)
    link = current_link(session, user, case)
    needed = PURPOSES.get(link.purpose, frozenset()) if link is not None else frozenset()
    return {k: v for k, v in variables.items()
            if k in needed and not any(word in k for word in NEVER_FOR_PARTNERS)}


def filter_dossier(session: Session, user, found):
    """Return the dossier with every part hidden that `user` may not see (partner organisations)."""
    g = grants_of(user)
    if not g.hidden:
        return found
    variables = allowed_variables(session, user, found.case, found.variables)
    person = [f for f in found.person if f.label != "BSN" and (f.label != "Adres")]
    traject = [f for f in found.traject if f.label not in ("Uitslag leerbaarheidstoets",)]
    return replace(
        found,
        person=person,
        traject=traject,
        violations=[] if hides(user, "handhaving") else found.violations,
        open_tasks=[t for t in found.open_tasks if set(t.candidate_groups or []) & set(g.task_groups)],
        incidents=[],
        notes=[] if hides(user, "notes") else found.notes,
        timeline=[] if hides(user, "timeline") else found.timeline,
        letters=[] if hides(user, "letters", session, found.case) else found.letters,
        variables=variables,
        team=None,
    )


def refuse_bsn_search(user, bsn: str | None) -> None:
    """Refuse a BSN search by someone whose role may not search by BSN (partners never do)."""
    if bsn and "case.search_bsn" not in grants_of(user).capabilities:
        raise Forbidden("Zoeken op BSN is niet toegestaan voor uw rol.")


def audit_bsn_search(session: Session, user, now: datetime, hits: int) -> None:
    """Record that `user` searched by BSN (never the BSN itself), under the gemeente searched."""
    audit.record(session=session, actor=user.username, action="search_bsn", at=now, gemeente=user.gemeente,
                 detail={"hits": hits})


def link_partner(*, session: Session, user, case: Case, organisation: str, purpose: str, valid_from: date,
                 valid_until: date | None, share_letters: bool, now: datetime) -> PartnerLink:
    """Link an inburgeraar to a partner organisation for a purpose, from a date (audited)."""
    problems: dict[str, str] = {}
    if purpose not in PURPOSES:
        problems["purpose"] = "Kies een doel: " + ", ".join(sorted(PURPOSES)) + "."
    if not organisation.strip() or len(organisation) > 100:
        problems["organisation"] = "Vul de organisatie in (hoogstens 100 tekens)."
    if valid_until is not None and valid_until < valid_from:
        problems["valid_until"] = "De einddatum ligt voor de begindatum."
    if problems:
        raise Invalid("De koppeling kan niet worden gemaakt.", field_errors=problems)
    link = PartnerLink(case_id=case.id, gemeente=case.gemeente, organisation=organisation.strip(), purpose=purpose,
                       valid_from=valid_from, valid_until=valid_until, share_letters=share_letters,
                       created_by=user.username, created_at=now)
    session.add(link)
    session.flush()
    audit.record(session=session, actor=user.username, action="partner_link", at=now, case=case,
                 detail={"organisation": link.organisation, "purpose": purpose, "link": link.id,
                         "valid_from": valid_from.isoformat(),
                         "valid_until": valid_until.isoformat() if valid_until else None})
    return link


def end_partner_link(*, session: Session, user, link_id: int, today: date, now: datetime) -> PartnerLink:
    """End a link when its purpose ends: from today the partner no longer sees the case."""
    link = session.get(PartnerLink, link_id)
    if link is None or link.gemeente != user.gemeente:
        raise NotFound("Deze koppeling bestaat niet.")
    yesterday = today - timedelta(days=1)
    if link.valid_until is None or link.valid_until > yesterday:
        link.valid_until = yesterday
    link.ended_by = user.username
    session.flush()
    audit.record(session=session, actor=user.username, action="partner_unlink", at=now, case_id=link.case_id,
                 gemeente=link.gemeente, detail={"link": link.id, "valid_until": link.valid_until.isoformat()})
    return link


def links_of(session: Session, case: Case) -> list[PartnerLink]:
    """Return every partner link of a case, newest first."""
    return list(session.execute(select(PartnerLink).where(PartnerLink.case_id == case.id)
                                .order_by(PartnerLink.valid_from.desc(), PartnerLink.id.desc())).scalars())
