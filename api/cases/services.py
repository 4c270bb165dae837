"""Case use cases: dossier, notes, audit, diagram, retry, start, messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.permissions import may, visible_case
from api.letters import services as letter_service
from engine.access import limits, need_to_know, roles, teams
from engine.casefile import dossier, notes
from engine.casefile import ownership
from engine.db.models import Case, ProcessDefinition, User
from engine.errors import Conflict, Forbidden


def case_dossier(
    *, session: Session, runtime, user: User, case_id: str, now: datetime, what: str = "case"
) -> dossier.Dossier:
    """Return the dossier of a case of the user's gemeente and audit the read."""
    case = visible_case(session=session, user=user, case_id=case_id)
    dossier.record_view(session=session, case=case, actor=user.username, now=now, what=what)
    variables = runtime.engine.case_variables(session=session, case=case)
    found = dossier.build_dossier(
        session=session, case=case, variables=variables, letters=letter_service.case_letters(session=session, case=case)
    )
    return need_to_know.filter_dossier(session, user, found)


def add_note(*, session: Session, user: User, case_id: str, text: str, now: datetime) -> notes.CaseNote:
    """Write a note on a case."""
    case = visible_case(session=session, user=user, case_id=case_id)
    return notes.add_note(
        session=session, case=case, author=user.username, author_name=user.display_name, text=text, now=now
    )


def case_notes(*, session: Session, user: User, case_id: str, now: datetime) -> list[notes.CaseNote]:
    """Return the notes of a case, newest first, and audit the read."""
    case = visible_case(session=session, user=user, case_id=case_id)
    dossier.record_view(session=session, case=case, actor=user.username, now=now, what="notes")
    return notes.list_notes(session=session, case=case)


def case_audit(*, session: Session, user: User, case_id: str, now: datetime) -> list:
    """Return the full audit log of a case (teamleider or beheerder), and audit that read."""
    roles.require(user, "case.audit")
    case = visible_case(session=session, user=user, case_id=case_id)
    dossier.record_view(session=session, case=case, actor=user.username, now=now, what="audit")
    return dossier.audit_log(session=session, case=case)


def diagram(*, session: Session, runtime, user: User, case_id: str, now: datetime | None = None):
    """Return the diagram state (BPMN XML and marked element ids) of a case; audit the read when `now` is given."""
    case = visible_case(session=session, user=user, case_id=case_id)
    if now is not None:
        dossier.record_view(session=session, case=case, actor=user.username, now=now, what="diagram")
    return runtime.engine.diagram_state(session=session, case=case)


def retry_incident(*, session: Session, runtime, user: User, incident_id: int) -> Case:
    """Retry the failed step of a case (beheerder)."""
    roles.require(user, "incidents.retry")
    incident = dossier.get_incident(session=session, incident_id=incident_id, gemeente=user.gemeente)
    if incident.resolved_at is not None:
        raise Conflict("Deze storing is al opgelost.")
    return runtime.engine.retry_incident(session=session, incident_id=incident.id, actor=user.username)


def start_case(
    *, session: Session, runtime, user: User, process_id: str, data: dict[str, Any], business_key: str | None,
    team_id: int | None = None,
) -> Case:
    """Start a klantreis in the user's gemeente, for a team of it (default: the gemeente's default team)."""
    roles.require(user, "case.start")
    limits.check_case_data(data)
    return runtime.engine.start_case(
        session=session,
        process_id=process_id,
        gemeente=user.gemeente,
        data=data,
        actor=user.username,
        business_key=business_key,
        team_id=team_id,
    )


def send_message(
    *,
    session: Session,
    runtime,
    user: User,
    name: str,
    message_id: str,
    case_id: str | None,
    bsn: str | None,
    payload: dict[str, Any],
):
    """Deliver a message to a case of the user's gemeente: DUO, COA and Pw events only from their own
    system account, internal messages from a klantmanager; each sender only its own message names."""
    if not roles.may_send_message(user, name):
        raise Forbidden(f"Uw account mag het bericht {name[:100]!r} niet sturen.")
    limits.check_case_data(payload, prefix="payload")
    if case_id is not None:
        dossier.get_case(session=session, case_id=case_id, gemeente=user.gemeente)
    return runtime.engine.send_message(
        session=session,
        name=name,
        message_id=message_id,
        actor=user.username,
        case_id=case_id,
        bsn=bsn,
        gemeente=user.gemeente,
        payload=payload,
    )


def diagram_page_data(*, session: Session, runtime, user: User, case_id: str) -> dict[str, Any]:
    """Return what the case page's diagram script needs: the diagrams to draw and the marked elements."""
    state = diagram(session=session, runtime=runtime, user=user, case_id=case_id)
    case = visible_case(session=session, user=user, case_id=case_id)
    definition = session.get(ProcessDefinition, case.definition_id)
    return {
        "diagrams": diagrams_to_show(state, definition.process_id if definition is not None else ""),
        "active": list(state.active),
        "completed": list(state.completed),
        "incidents": list(state.incidents),
    }


def diagrams_to_show(state, main_process_id: str) -> list[dict[str, Any]]:
    """Return the diagrams worth drawing: the case's own process first, then those the case has been in.

    `current` marks the diagrams the case is in now (an active step or an incident); the page
    draws those at once and the others only on request. A case that is nowhere now (ended)
    shows its main process.
    """
    marked = set(state.active) | set(state.completed) | set(state.incidents)
    now_in = set(state.active) | set(state.incidents)
    shown: list[dict[str, Any]] = []
    seen_xml: set[str] = set()
    ordered = sorted(state.diagrams.items(), key=lambda item: (item[0] != main_process_id, item[0]))
    for process_id, xml in ordered:
        names = _process_names(xml)
        if xml in seen_xml or not (process_id == main_process_id or any(f'id="{e}"' in xml for e in marked)):
            continue
        seen_xml.add(xml)
        current = any(f'id="{e}"' in xml for e in now_in)
        shown.append({"id": process_id, "name": names.get(process_id) or process_id, "xml": xml, "current": current})
    if shown and not any(d["current"] for d in shown):
        shown[0]["current"] = True
    return shown


def _process_names(xml: str) -> dict[str, str]:
    """Map process ids to their names in a BPMN file."""
    try:
        root = etree.fromstring(xml.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return {}
    return {p.get("id"): p.get("name") or "" for p in root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}process")}


def owner_view(*, session: Session, user: User, case) -> tuple[User | None, list[User]]:
    """The case's klantmanager, and whom this user may make klantmanager (empty: may not change it)."""
    candidates = ownership.owner_candidates(session, gemeente=user.gemeente, case=case)
    owner = next((u for u in candidates if u.username == case.klantmanager), None)
    roles = set(user.roles or [])
    if "teamleider" in roles or case.klantmanager == user.username:
        return owner, candidates
    if case.klantmanager is None and "consulent" in roles:
        return owner, [u for u in candidates if u.username == user.username]
    return owner, []


def set_klantmanager(*, session: Session, runtime, user: User, case_id: str, username: str | None, reason: str,
                     now: datetime):
    """Make someone the case's klantmanager, with a reason (ownership rules in engine/casefile/ownership)."""
    return ownership.set_klantmanager(session, engine=runtime.engine, case_id=case_id, actor=user,
                                      username=username or None, reason=reason, now=now)


def team_choices(*, session: Session, user: User, case) -> list:
    """The teams this user may move the case to (empty: may not move it)."""
    if not may(user, "case.team"):
        return []
    return teams.teams_for(session, case.gemeente)


def move_team(*, session: Session, runtime, user: User, case_id: str, team_id: int | None, reason: str,
              now: datetime) -> Case:
    """Give the case to another team, with a reason (teamleider; rules in engine/access/teams.py)."""
    roles.require(user, "case.team")
    visible_case(session=session, user=user, case_id=case_id)
    return teams.move_case(session, engine=runtime.engine, case_id=case_id, actor=user, team_id=team_id,
                           reason=reason, now=now)


def still_visible(*, session: Session, user: User, case_id: str) -> bool:
    """Tell whether the user still sees the case (after moving it to a team they are not in)."""
    return session.execute(select(Case.id).where(Case.id == case_id, need_to_know.case_filter(session, user))
                           ).first() is not None


def pw_maatregelen_view(variables: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the case's Pw 18/18b maatregelen with their dates as dates (for the case page)."""
    from datetime import date

    def day(value: Any) -> date | None:
        try:
            return date.fromisoformat(str(value)) if value else None
        except ValueError:
            return None

    return [{**m, "datum": day(m.get("datum")), "overtreding_datum": day(m.get("overtreding_datum"))}
            for m in variables.get("pw_maatregelen") or [] if isinstance(m, dict)]
