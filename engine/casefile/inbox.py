"""Inbox queries: which open user tasks a person sees, sorted, filtered and paged.

Views: `mine` (assigned to me), `groups` (nobody's yet, offered to one of my groups
or to me by name), `team` (every open task of the teamleider's teams) and
`search` (open tasks of the cases matching a name, case number or exact BSN). Every view keeps to
the cases the person may see (engine/access/need_to_know.py: their teams, or linked cases).

The `groups` view reads `task_candidates`, whose index
(gemeente, kind, name, assigned, due_at) makes "one group's open tasks by due date,
first page" an index scan. Tasks without a due date come after the dated ones; the
query never counts all rows (a page knows only whether a next page exists), so the
time per page stays flat as the number of cases grows.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, defer

from engine.access.need_to_know import case_filter
from engine.access.roles import grants_of
from engine.db.models import Case, TaskCandidate, User, UserTask
from engine.errors import Forbidden, Invalid

PAGE_SIZE = 25
# What an inbox row shows of its case. Never the case's state: the inbox reads task and
# case rows only (an index for each sort and filter), whatever the cases' age.
ROW_CASE_COLUMNS = (Case.id.label("case_id"), Case.case_number, Case.naam)
VIEWS = ("mine", "groups", "team", "search")
FILTERS = ("", "overdue", "week")
SORTS = ("due", "legal", "created", "name")
LOCAL_TZ = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class InboxQuery:
    """What the person asked for; `bsn` is matched exactly and never echoed in a URL."""

    view: str = "mine"
    filter: str = ""
    sort: str = "due"
    page: int = 1
    page_size: int = PAGE_SIZE
    text: str = ""
    bsn: str = ""


@dataclass(frozen=True)
class InboxRow:
    """One open task as the inbox shows it."""

    task_id: str
    name: str
    case_id: str
    case_number: str
    naam: str | None
    assignee: str | None
    candidate_groups: list[str]
    due_at: datetime | None
    legal_deadline: datetime | None
    created_at: datetime
    overdue: bool
    due_this_week: bool
    legal_overdue: bool


@dataclass
class InboxPage:
    """One page of rows and whether there is a next one."""

    query: InboxQuery
    rows: list[InboxRow] = field(default_factory=list)
    has_next: bool = False

    @property
    def has_previous(self) -> bool:
        """Tell whether there is a page before this one."""
        return self.query.page > 1


def end_of_week(now: datetime) -> datetime:
    """Return the end of the current week (Sunday 24:00, Dutch time) as an aware UTC datetime."""
    local = now.astimezone(LOCAL_TZ)
    monday = local.date() - timedelta(days=local.weekday())
    end = datetime.combine(monday + timedelta(days=7), time.min, tzinfo=LOCAL_TZ)
    return end.astimezone(now.tzinfo)


def list_inbox(*, session: Session, user: User, query: InboxQuery, now: datetime) -> InboxPage:
    """Return one page of the open tasks `user` may see in the asked view."""
    _check(query, user)
    if query.view == "groups" and query.sort == "due":
        # One index scan per group offered (and by name): merged, so several groups stay flat too.
        due_col = TaskCandidate.due_at
        stmts = _groups_branches(session, user)
    elif query.view == "groups":
        # Other sorts walk the task rows in that order (an index each) and check the offer.
        due_col = UserTask.due_at
        stmts = [_groups_by_task(session, user)]
    else:
        due_col = UserTask.due_at
        stmt = select(UserTask, *ROW_CASE_COLUMNS).join(Case, Case.id == UserTask.case_id).where(
            UserTask.gemeente == user.gemeente)
        if query.view == "mine":
            stmt = stmt.where(UserTask.assignee == user.username)
        elif query.view == "search":
            stmt = stmt.where(Case.gemeente == user.gemeente, _case_match(query))
        stmts = [stmt]
    if grants_of(user).case_scope != "gemeente":  # need-to-know: teams, or only linked inburgeraars
        stmts = [s.where(case_filter(session, user)) for s in stmts]
    if query.filter == "overdue":
        stmts = [stmt.where(due_col < now) for stmt in stmts]
    elif query.filter == "week":
        stmts = [stmt.where(due_col >= now, due_col < end_of_week(now)) for stmt in stmts]
    offset = (query.page - 1) * query.page_size
    if query.sort == "due":
        pairs = _merged(session, stmts, due_col, offset, query.page_size + 1)
    elif query.sort == "legal":
        pairs = _due_sorted(session, stmts[0], UserTask.legal_deadline, offset, query.page_size + 1)
    elif query.sort == "name":
        named = stmts[0].where(Case.gemeente == user.gemeente)
        pairs = _due_sorted(session, named, Case.naam, offset, query.page_size + 1)
    else:
        pairs = list(session.execute(stmts[0].order_by(UserTask.created_at.desc())
                                     .offset(offset).limit(query.page_size + 1)).all())
    rows = _unique_rows(pairs, now)
    return InboxPage(query=query, rows=rows[: query.page_size], has_next=len(rows) > query.page_size)


def summary(*, session: Session, user: User, now: datetime) -> dict[str, int]:
    """Count my tasks: all, overdue, and due this week (index range counts)."""
    mine = (UserTask.gemeente == user.gemeente, UserTask.assignee == user.username)
    count = select(func.count()).select_from(UserTask)
    return {
        "mine": session.execute(count.where(*mine)).scalar_one(),
        "overdue": session.execute(count.where(*mine, UserTask.due_at < now)).scalar_one(),
        "week": session.execute(
            count.where(*mine, UserTask.due_at >= now, UserTask.due_at < end_of_week(now))
        ).scalar_one(),
    }


def search_cases(*, session: Session, user: User, text: str = "", bsn: str = "", limit: int = 20) -> list[Case]:
    """Return the gemeente's cases matching a name part, a case number or an exact BSN."""
    query = InboxQuery(view="search", text=text, bsn=bsn)
    _check(query, user)
    stmt = (
        select(Case)
        .options(defer(Case.state))
        .where(Case.gemeente == user.gemeente, _case_match(query), case_filter(session, user))
        .order_by(Case.naam, Case.case_number)
        .limit(limit)
    )
    return list(session.execute(stmt).scalars())


def group_tasks_stmt(*, gemeente: str, group: str, limit: int = PAGE_SIZE) -> Select:
    """Return the query for one group's unassigned tasks by due date (first page)."""
    return (
        select(UserTask, *ROW_CASE_COLUMNS)
        .join(TaskCandidate, TaskCandidate.task_id == UserTask.id)
        .join(Case, Case.id == UserTask.case_id)
        .where(
            TaskCandidate.gemeente == gemeente,
            TaskCandidate.kind == "group",
            TaskCandidate.name == group,
            TaskCandidate.assigned.is_(False),
            TaskCandidate.due_at.is_not(None),
        )
        .order_by(TaskCandidate.due_at)
        .limit(limit)
    )


def _check(query: InboxQuery, user: User) -> None:
    problems: dict[str, str] = {}
    if query.view not in VIEWS:
        problems["view"] = "Onbekende weergave."
    if query.filter not in FILTERS:
        problems["filter"] = "Onbekend filter."
    if query.sort not in SORTS:
        problems["sort"] = "Onbekende sortering."
    if query.page < 1 or not 1 <= query.page_size <= 200:
        problems["page"] = "Onbekende pagina."
    if query.bsn and not (query.bsn.isdigit() and len(query.bsn) == 9):
        problems["bsn"] = "Een BSN heeft 9 cijfers."
    if query.view == "search" and not (query.text.strip() or query.bsn):
        problems["text"] = "Vul een naam, zaaknummer of BSN in."
    if problems:
        raise Invalid("De zoekvraag klopt niet.", field_errors=problems)
    if query.view == "team" and "tasks.team" not in grants_of(user).capabilities:
        raise Forbidden("Alleen een teamleider ziet alle taken van het team.")


def _case_match(query: InboxQuery):
    if query.bsn:
        return Case.bsn == query.bsn
    text = query.text.strip()
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(Case.case_number == text.upper(), Case.naam.ilike(f"%{escaped}%", escape="\\"))


def _groups_branches(session: Session, user: User) -> list[Select]:
    """Unassigned tasks offered to each of my groups, and to me by name when there are any: one query each."""
    base = (
        select(UserTask, *ROW_CASE_COLUMNS, TaskCandidate.due_at.label("offer_due"))
        .join(TaskCandidate, TaskCandidate.task_id == UserTask.id)
        .join(Case, Case.id == UserTask.case_id)
        .where(TaskCandidate.gemeente == user.gemeente, TaskCandidate.assigned.is_(False))
    )
    branches = [base.where(TaskCandidate.kind == "group", TaskCandidate.name == group)
                for group in dict.fromkeys(user.groups or [])]
    by_name = (
        select(TaskCandidate.task_id)
        .where(TaskCandidate.gemeente == user.gemeente, TaskCandidate.kind == "user",
               TaskCandidate.name == user.username, TaskCandidate.assigned.is_(False))
        .limit(1)
    )
    if session.execute(by_name).first() is not None:
        branches.append(base.where(TaskCandidate.kind == "user", TaskCandidate.name == user.username))
    return branches


def _merged(session: Session, stmts: list[Select], due_col, offset: int, limit: int) -> list:
    """Return one page of the union of `stmts`, due date first and undated last, without duplicates.

    Each part reads at most offset + limit rows in index order; the page's rows are among them.
    """
    if len(stmts) == 1:
        return [tuple(row)[:4] for row in _due_sorted(session, stmts[0], due_col, offset, limit)]
    parts = [_due_sorted(session, stmt, due_col, 0, offset + limit) for stmt in stmts]

    def order(row) -> tuple:
        due = row[4] if len(row) > 4 else row[0].due_at
        return (due is None, due or row[0].created_at)

    seen: set[str] = set()
    merged = []
    for row in heapq.merge(*parts, key=order):
        if row[0].id not in seen:
            seen.add(row[0].id)
            merged.append(tuple(row)[:4])
    return merged[offset:offset + limit]


def _groups_select(session: Session, user: User) -> Select:
    """Unassigned tasks offered to my groups (and to me by name, when there are any)."""
    groups = sorted(set(user.groups or []) & grants_of(user).task_groups)  # only groups the role may do
    open_for = [and_(TaskCandidate.kind == "group", TaskCandidate.name.in_(groups))]
    by_name = (
        select(TaskCandidate.task_id)
        .where(
            TaskCandidate.gemeente == user.gemeente,
            TaskCandidate.kind == "user",
            TaskCandidate.name == user.username,
            TaskCandidate.assigned.is_(False),
        )
        .limit(1)
    )
    # Only add the by-name branch when it matters: an OR costs the single-index scan.
    if session.execute(by_name).first() is not None:
        open_for.append(and_(TaskCandidate.kind == "user", TaskCandidate.name == user.username))
    return (
        select(UserTask, *ROW_CASE_COLUMNS)
        .join(TaskCandidate, TaskCandidate.task_id == UserTask.id)
        .join(Case, Case.id == UserTask.case_id)
        .where(TaskCandidate.gemeente == user.gemeente, TaskCandidate.assigned.is_(False), or_(*open_for))
    )


def _groups_by_task(session: Session, user: User) -> Select:
    """Unassigned tasks offered to my groups or to me by name, read from the task rows."""
    offered = (
        select(TaskCandidate.task_id)
        .where(TaskCandidate.task_id == UserTask.id, or_(
            and_(TaskCandidate.kind == "group", TaskCandidate.name.in_(list(user.groups or []))),
            and_(TaskCandidate.kind == "user", TaskCandidate.name == user.username)))
        .exists()
    )
    return (
        select(UserTask, *ROW_CASE_COLUMNS)
        .join(Case, Case.id == UserTask.case_id)
        .where(UserTask.gemeente == user.gemeente, UserTask.assignee.is_(None), offered)
    )


def _due_sorted(session: Session, stmt: Select, due_col, offset: int, limit: int) -> list:
    """Dated tasks by due date first, then undated ones; each part uses the due-date index."""
    dated = session.execute(stmt.where(due_col.is_not(None)).order_by(due_col).offset(offset).limit(limit)).all()
    if len(dated) >= limit:
        return list(dated)
    n_dated = offset + len(dated)
    if offset and not dated:
        count_stmt = stmt.where(due_col.is_not(None)).with_only_columns(func.count()).order_by(None)
        n_dated = session.execute(count_stmt).scalar_one()
    undated = session.execute(
        stmt.where(due_col.is_(None))
        .order_by(UserTask.created_at)
        .offset(max(0, offset - n_dated))
        .limit(limit - len(dated))
    ).all()
    return list(dated) + list(undated)


def _unique_rows(pairs, now: datetime) -> list[InboxRow]:
    seen: set[str] = set()
    week_end = end_of_week(now)
    rows: list[InboxRow] = []
    for task, case_id, case_number, naam in pairs:
        if task.id in seen:
            continue
        seen.add(task.id)
        rows.append(
            InboxRow(
                task_id=task.id,
                name=task.name,
                case_id=case_id,
                case_number=case_number,
                naam=naam,
                assignee=task.assignee,
                candidate_groups=list(task.candidate_groups or []),
                due_at=task.due_at,
                legal_deadline=task.legal_deadline,
                created_at=task.created_at,
                overdue=task.due_at is not None and task.due_at < now,
                due_this_week=task.due_at is not None and now <= task.due_at < week_end,
                legal_overdue=task.legal_deadline is not None and task.legal_deadline < now,
            )
        )
    return rows
