"""Routes of the access model: roles (read), sessions (revoke), the AVG art. 15 inzage page,
partner links of a case, and switching the working gemeente from the JSON API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from api.deps import CurrentUser, Now, SessionDep, WebUser
from api.schemas import OkOut, Schema
from api.templating import render
from engine.access import need_to_know, roles, sessions as login_sessions, tenancy
from engine.db.models import AuditEntry, Case

router = APIRouter()
api_router = APIRouter(tags=["toegang"])
INZAGE_LIMIT = 1000


class CapabilityOut(BaseModel):
    """One capability."""

    id: str
    label: str


class RoleOut(BaseModel):
    """A role as data: what it may do."""

    name: str
    label: str
    capabilities: list[str]
    task_groups: list[str]
    messages: list[str]
    case_scope: str
    hidden: list[str]
    system: bool


class RolesOut(BaseModel):
    """Every role and every capability."""

    roles: list[RoleOut]
    capabilities: list[CapabilityOut]


class SessionOut(BaseModel):
    """A live login session (no token, only its id)."""

    id: str
    username: str
    gemeente: str
    method: str
    created_at: datetime
    last_seen_at: datetime


class InzageOut(BaseModel):
    """One read of a dossier: who, when, what (AVG art. 15)."""

    at: datetime
    actor: str
    action: str
    what: str | None


class PartnerLinkIn(BaseModel):
    """Link an inburgeraar to a partner organisation for a purpose."""

    organisation: str = Field(min_length=1, max_length=100)
    purpose: str = Field(min_length=1, max_length=need_to_know.MAX_PURPOSE_LENGTH)
    valid_from: date
    valid_until: date | None = None
    share_letters: bool = False


class PartnerLinkOut(Schema):
    """A partner link."""

    id: int
    organisation: str
    purpose: str
    valid_from: date
    valid_until: date | None
    share_letters: bool
    created_by: str


class GemeenteIn(BaseModel):
    """The gemeente to work in."""

    gemeente: str = Field(min_length=1, max_length=32)


def _roles_out() -> RolesOut:
    return RolesOut(
        roles=[RoleOut(name=r.name, label=r.label, capabilities=sorted(r.capabilities), task_groups=sorted(r.task_groups),
                       messages=list(r.messages), case_scope=r.case_scope, hidden=list(r.hidden), system=r.system)
               for r in roles.ROLES.values()],
        capabilities=[CapabilityOut(id=c.id, label=c.label) for c in roles.CAPABILITIES.values()],
    )


@api_router.get("/access/roles", response_model=RolesOut)
def list_roles(user: CurrentUser) -> RolesOut:
    """Return every role with its capabilities (the beheerder reads what each role may do)."""
    return _roles_out()


@router.get("/rollen")
def roles_page(request: Request, user: WebUser) -> Response:
    """Show the role x capability table."""
    return render(request, "access_roles.html", {"title": "Rollen en rechten", "user": user,
                                                  "data": _roles_out()})


@api_router.get("/access/sessions", response_model=list[SessionOut])
def list_sessions(session: SessionDep, user: CurrentUser) -> list[SessionOut]:
    """Return the live sessions of the users of your gemeente."""
    return [SessionOut(id=s.id, username=u.username, gemeente=s.gemeente, method=s.method, created_at=s.created_at,
                       last_seen_at=s.last_seen_at)
            for s, u in login_sessions.live_sessions(session, gemeente=user.gemeente)]


@api_router.post("/access/sessions/{session_id}/revoke", response_model=OkOut)
def revoke_session(session_id: str, session: SessionDep, user: CurrentUser, now: Now) -> OkOut:
    """End someone's session at once (a lost laptop, a leaver)."""
    login_sessions.revoke(session, session_id=session_id[:64], actor=user, now=now)
    return OkOut()


@api_router.post("/me/gemeente", response_model=OkOut)
def switch_gemeente(body: GemeenteIn, request: Request, session: SessionDep, user: CurrentUser, now: Now) -> OkOut:
    """Work in another of your gemeenten (session login only; audited under that gemeente)."""
    tenancy.check_switch(session, user, body.gemeente, now)
    row = getattr(request.state, "login_session", None)
    if row is not None:
        login_sessions.switch_gemeente(session, row, body.gemeente)
    return OkOut()


def _inzage(session, user, case_id: str, now: datetime) -> tuple[Case, list[InzageOut]]:
    case = need_to_know.get_case(session=session, user=user, case_id=case_id)
    rows = session.execute(
        select(AuditEntry).where(AuditEntry.case_id == case.id, AuditEntry.gemeente == case.gemeente,
                                 AuditEntry.action.in_(("view", "download", "export")))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(INZAGE_LIMIT)
    ).scalars()
    out = [InzageOut(at=r.at, actor=r.actor, action=r.action, what=(r.detail or {}).get("what")) for r in rows]
    from engine import audit

    audit.record(session=session, actor=user.username, action="inzage", at=now, case=case)
    return case, out


@api_router.get("/cases/{case_id}/inzage", response_model=list[InzageOut])
def case_inzage(case_id: str, session: SessionDep, user: CurrentUser, now: Now) -> list[InzageOut]:
    """Return who read this dossier, when and what (AVG art. 15 inzageverzoek)."""
    return _inzage(session, user, case_id, now)[1]


@router.get("/inzage")
def inzage_page(request: Request, user: WebUser) -> Response:
    """Ask for a dossier by case number to see who looked at it."""
    return render(request, "access_inzage.html", {"title": "Inzage: wie keek in een dossier", "user": user,
                                                   "case": None, "rows": [], "case_number": ""})


@router.post("/inzage")
def inzage_result(request: Request, session: SessionDep, user: WebUser, now: Now,
                  case_number: Annotated[str, Form(max_length=40)] = "") -> Response:
    """Show who read the dossier with this case number (the case number goes in the body)."""
    found = session.execute(select(Case.id).where(Case.case_number == case_number.strip(),
                                                  Case.gemeente == user.gemeente)).scalar_one_or_none()
    case, rows = (None, [])
    if found is not None:
        case, rows = _inzage(session, user, found, now)
    return render(request, "access_inzage.html", {"title": "Inzage: wie keek in een dossier", "user": user,
                                                   "case": case, "rows": rows, "case_number": case_number,
                                                   "searched": True})


@api_router.get("/cases/{case_id}/partners", response_model=list[PartnerLinkOut])
def list_partner_links(case_id: str, session: SessionDep, user: CurrentUser) -> list[PartnerLinkOut]:
    """Return the partner organisations linked to this inburgeraar (current and ended)."""
    case = need_to_know.get_case(session=session, user=user, case_id=case_id)
    return [PartnerLinkOut.model_validate(x) for x in need_to_know.links_of(session, case)]


@api_router.post("/cases/{case_id}/partners", response_model=PartnerLinkOut, status_code=201)
def add_partner_link(case_id: str, body: PartnerLinkIn, session: SessionDep, user: CurrentUser,
                     now: Now) -> PartnerLinkOut:
    """Link the inburgeraar to a partner organisation, for a purpose, from a date (audited)."""
    case = need_to_know.get_case(session=session, user=user, case_id=case_id)
    link = need_to_know.link_partner(session=session, user=user, case=case, organisation=body.organisation,
                                     purpose=body.purpose, valid_from=body.valid_from, valid_until=body.valid_until,
                                     share_letters=body.share_letters, now=now)
    return PartnerLinkOut.model_validate(link)


@api_router.post("/partner-links/{link_id}/end", response_model=PartnerLinkOut)
def end_partner_link(link_id: int, session: SessionDep, user: CurrentUser, now: Now) -> PartnerLinkOut:
    """End a partner link because its purpose ended: the partner no longer sees the case."""
    link = need_to_know.end_partner_link(session=session, user=user, link_id=link_id, today=now.date(), now=now)
    return PartnerLinkOut.model_validate(link)
