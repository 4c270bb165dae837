"""The inbox never reads a case's state: every row it shows comes from task and case rows."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from engine.casefile.inbox import InboxQuery, list_inbox, search_cases
from engine.db.base import Base
from engine.db.models import User
from engine.db.session import make_engine, make_session_factory
from engine.tools.inbox_bench import NOW, fill


@pytest.fixture
def session(tmp_path):
    """A scratch database with 60 benchmark cases and the statements it runs."""
    db = make_engine(f"sqlite:///{tmp_path / 'inbox.sqlite'}")
    Base.metadata.create_all(db)
    with make_session_factory(db)() as s:
        fill(s, 60)
        s.commit()
        s.info["statements"] = statements = []
        event.listen(db, "before_cursor_execute", lambda conn, cursor, sql, *rest: statements.append(sql))
        yield s
    db.dispose()


def _reads_state(statements: list[str]) -> bool:
    """Tell whether a SELECT among `statements` reads the state column (state_format is fine)."""
    selected = [sql.split(" FROM ")[0] for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    return any(re.search(r"\bcases\.state\b", columns) for columns in selected)


@pytest.mark.parametrize("view", ["mine", "groups", "team"])
@pytest.mark.parametrize("sort", ["due", "legal", "created", "name"])
def test_no_inbox_view_or_sort_selects_the_state_column(session, view, sort):
    user = session.query(User).filter_by(username="consulent0").one()
    user.roles = ["consulent", "teamleider"]
    session.info["statements"].clear()
    page = list_inbox(session=session, user=user, query=InboxQuery(view=view, sort=sort), now=NOW)
    assert view == "mine" or page.rows, "the view shows tasks"
    assert session.info["statements"], "the listener sees the inbox's statements"
    assert not _reads_state(session.info["statements"])


def test_search_neither_selects_the_state_column(session):
    user = session.query(User).filter_by(username="consulent0").one()
    session.info["statements"].clear()
    found = search_cases(session=session, user=user, text="Inburgeraar 1")
    page = list_inbox(session=session, user=user, query=InboxQuery(view="search", text="Inburgeraar 1"), now=NOW)
    assert found and page.rows
    assert not _reads_state(session.info["statements"])


def test_a_member_of_several_groups_gets_them_merged_by_due_date_across_pages(session):
    user = session.query(User).filter_by(username="consulent0").one()
    user.groups = ["consulent", "handhaving", "partner_mb"]
    seen = []
    for page in (1, 2, 3):
        rows = list_inbox(session=session, user=user, query=InboxQuery(view="groups", page=page, page_size=10),
                          now=NOW).rows
        seen.extend(rows)
    dues = [r.due_at for r in seen]
    assert dues == sorted(dues)
    assert len({r.task_id for r in seen}) == len(seen) == 30
    assert {g for r in seen for g in r.candidate_groups} >= {"consulent", "handhaving"}
