"""Inbox use cases: the page of tasks a person sees, and case search."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine.casefile import inbox
from engine.db.models import Case, User


def inbox_page(*, session: Session, user: User, query: inbox.InboxQuery, now: datetime) -> inbox.InboxPage:
    """Return one page of the inbox."""
    return inbox.list_inbox(session=session, user=user, query=query, now=now)


def search_cases(*, session: Session, user: User, text: str = "", bsn: str = "") -> list[Case]:
    """Find cases of the user's gemeente by name, case number or exact BSN."""
    return inbox.search_cases(session=session, user=user, text=text, bsn=bsn)
