"""Inbox use cases: the page of tasks a person sees, and case search."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine.access import need_to_know
from engine.casefile import inbox
from engine.db.models import Case, User


def inbox_page(*, session: Session, user: User, query: inbox.InboxQuery, now: datetime) -> inbox.InboxPage:
    """Return one page of the inbox; a search by BSN needs the right to it and is audited."""
    need_to_know.refuse_bsn_search(user, query.bsn)
    page = inbox.list_inbox(session=session, user=user, query=query, now=now)
    if query.bsn:
        need_to_know.audit_bsn_search(session, user, now, len(page.rows))
    return page


def search_cases(*, session: Session, user: User, now: datetime, text: str = "", bsn: str = "") -> list[Case]:
    """Find visible cases of the user's gemeente by name, case number or exact BSN (audited)."""
    need_to_know.refuse_bsn_search(user, bsn)
    found = inbox.search_cases(session=session, user=user, text=text, bsn=bsn)
    if bsn:
        need_to_know.audit_bsn_search(session, user, now, len(found))
    return found
