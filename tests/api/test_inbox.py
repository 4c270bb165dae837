"""Inbox queries: index use, due-date order with undated tasks last, filters, paging, search."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from engine.casefile.inbox import (
    InboxQuery,
    end_of_week,
    list_inbox,
    search_cases,
    summary,
)
from engine.db.base import Base
from engine.db.models import TaskCandidate, User, UserTask
from engine.db.session import make_engine, make_session_factory
from engine.errors import Forbidden, Invalid
from engine.tools.inbox_bench import GEMEENTE, NOW, fill, group_query_plan


@pytest.fixture
def session(tmp_path):
    """A scratch database with 200 benchmark cases (one open task each)."""
    db = make_engine(f"sqlite:///{tmp_path / 'inbox.sqlite'}")
    Base.metadata.create_all(db)
    factory = make_session_factory(db)
    with factory() as s:
        fill(s, 200)
        s.commit()
        yield s
    db.dispose()


@pytest.fixture
def user(session):
    """The benchmark's consultant (group consulent)."""
    return session.query(User).filter_by(username="consulent0").one()


def test_one_groups_first_page_is_an_index_scan_without_sorting(session):
    plan = group_query_plan(session)
    assert "USING INDEX ix_task_candidates_lookup" in plan
    assert "TEMP B-TREE" not in plan


def test_group_view_is_sorted_by_due_date_and_pages_on(session, user):
    first = list_inbox(session=session, user=user, query=InboxQuery(view="groups", page_size=20), now=NOW)
    second = list_inbox(session=session, user=user, query=InboxQuery(view="groups", page_size=20, page=2), now=NOW)
    dues = [r.due_at for r in first.rows + second.rows]
    assert dues == sorted(dues) and len(dues) == 40
    assert first.has_next and second.has_previous
    assert not {r.task_id for r in first.rows} & {r.task_id for r in second.rows}
    assert all(r.assignee is None for r in first.rows), "only tasks nobody has yet"
    assert all("consulent" in r.candidate_groups for r in first.rows)


def test_undated_tasks_come_after_dated_ones_across_pages(session, user):
    session.execute(update(UserTask).values(due_at=None).where(UserTask.case_id.in_(
        session.query(UserTask.case_id).limit(150).scalar_subquery())))
    session.execute(update(TaskCandidate).values(due_at=None).where(TaskCandidate.task_id.in_(
        session.query(UserTask.id).where(UserTask.due_at.is_(None)).scalar_subquery())))
    rows, page = [], 1
    while True:
        query = InboxQuery(view="groups", page=page, page_size=7)
        result = list_inbox(session=session, user=user, query=query, now=NOW)
        rows += result.rows
        if not result.has_next:
            break
        page += 1
    dated = [r for r in rows if r.due_at is not None]
    assert rows[: len(dated)] == dated, "every dated task before the first undated one"
    assert len({r.task_id for r in rows}) == len(rows)
    expected = session.query(TaskCandidate).filter_by(gemeente=GEMEENTE, kind="group", name="consulent",
                                                      assigned=False).count()
    assert len(rows) == expected


def test_overdue_and_this_week_filters(session, user):
    overdue = list_inbox(session=session, user=user, query=InboxQuery(view="groups", filter="overdue"), now=NOW)
    assert overdue.rows and all(r.due_at < NOW and r.overdue for r in overdue.rows)
    week = list_inbox(session=session, user=user, query=InboxQuery(view="groups", filter="week", page_size=200),
                      now=NOW)
    assert all(NOW <= r.due_at < end_of_week(NOW) for r in week.rows)


def test_end_of_week_is_sunday_midnight_dutch_time():
    monday_morning = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)
    assert end_of_week(monday_morning) == datetime(2026, 6, 7, 22, 0, tzinfo=timezone.utc)


def test_mine_view_and_summary_counts(session, user):
    session.execute(update(UserTask).values(assignee="consulent0").where(UserTask.id.in_(
        session.query(UserTask.id).where(UserTask.gemeente == GEMEENTE).limit(5).scalar_subquery())))
    mine = list_inbox(session=session, user=user, query=InboxQuery(view="mine"), now=NOW)
    counts = summary(session=session, user=user, now=NOW)
    assert counts["mine"] == len(mine.rows) >= 5
    assert counts["overdue"] == sum(r.overdue for r in mine.rows)


def test_other_sorts_and_the_team_view(session, user):
    with pytest.raises(Forbidden):
        list_inbox(session=session, user=user, query=InboxQuery(view="team"), now=NOW)
    user.roles = ["teamleider"]
    by_name = list_inbox(session=session, user=user, query=InboxQuery(view="team", sort="name", page_size=50), now=NOW)
    names = [r.naam for r in by_name.rows]
    assert names == sorted(names)
    legal = list_inbox(session=session, user=user, query=InboxQuery(view="team", sort="legal"), now=NOW).rows
    assert [r.legal_deadline for r in legal] == sorted(r.legal_deadline for r in legal)
    assert all(r.case_number for r in by_name.rows)


def test_task_offered_to_me_by_name_shows_in_the_group_view(session, user):
    task = session.query(UserTask).filter_by(gemeente=GEMEENTE, assignee=None).first()
    session.add(TaskCandidate(task_id=task.id, kind="user", name="consulent0", gemeente=GEMEENTE,
                              due_at=NOW - timedelta(days=400), assigned=False))
    first = list_inbox(session=session, user=user, query=InboxQuery(view="groups"), now=NOW).rows[0]
    assert first.task_id == task.id


def test_search_by_name_case_number_or_exact_bsn_within_the_gemeente(session, user):
    assert [c.naam for c in search_cases(session=session, user=user, text="Inburgeraar 17")] == [
        "Inburgeraar 17", "Inburgeraar 170", "Inburgeraar 171", "Inburgeraar 172", "Inburgeraar 173",
        "Inburgeraar 174", "Inburgeraar 175", "Inburgeraar 176", "Inburgeraar 177", "Inburgeraar 178"]
    assert [c.naam for c in search_cases(session=session, user=user, bsn="100000017")] == ["Inburgeraar 17"]
    assert search_cases(session=session, user=user, bsn="100000019") == [], "case 19 is in another gemeente"
    assert len(search_cases(session=session, user=user, text="inb-2026-0000017")) == 1
    assert search_cases(session=session, user=user, text="%") == []
    with pytest.raises(Invalid):
        search_cases(session=session, user=user, bsn="12345")
    found = list_inbox(session=session, user=user, query=InboxQuery(view="search", bsn="100000017"), now=NOW)
    assert [r.naam for r in found.rows] == ["Inburgeraar 17"]
