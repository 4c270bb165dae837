"""Inbox queries: which open user tasks a person sees, sorted, filtered, counted and paged.

Views: `mine` (assigned to me), `groups` (nobody's yet, offered to one of my groups
or to me by name), `team` (every open task of the teamleider's teams) and
`search` (open tasks of the cases matching a name, case number or exact BSN). Every view keeps to
the cases the person may see (engine/access/need_to_know.py: their teams, or linked cases).

The `groups` view reads `task_candidates`, whose index
(gemeente, kind, name, assigned, due_at) makes "one group's open tasks by due date,
first page" an index scan. Tasks without a due date come after the dated ones; the
query never counts all rows (a page knows only whether a next page exists), so the
time per page stays flat as the number of cases grows.

Filters combine: a time filter (overdue, due this week, follow-up date reached) and the
task type (diagram element), the case's klantmanager, leerroute, doelgroep and brugklas
cohort. Totals count each view (and the current filter) up to COUNT_CAP rows, so a count
too stays bounded. Which cases a person may see comes from engine/access/need_to_know.py.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, func, or_, select, union
from sqlalchemy.orm import Session, defer

from engine.access.need_to_know import case_filter
from engine.access.roles import grants_of
from engine.casefile.ownership import owner_candidates
from engine.cohorts.models import BrugklasCohort, CohortPlaatsing
from engine.db.models import Case, ProcessDefinition, TaskCandidate, User, UserTask
from engine.errors import Forbidden, Invalid
from engine.monitoring.catalog import DOELGROEPEN, LEERROUTES

PAGE_SIZE = 25
# What an inbox row shows of its case. Never the case's state: the inbox reads task and
# case rows only (an index for each sort and filter), whatever the cases' age.
ROW_CASE_COLUMNS = (Case.id.label("case_id"), Case.case_number, Case.naam, Case.klantmanager, Case.leerroute,
                    Case.doelgroep)
ROW_WIDTH = 1 + len(ROW_CASE_COLUMNS)   # the task, then its case's columns
VIEWS = ("mine", "groups", "team", "search")
FILTERS = ("", "overdue", "week", "followup")
SORTS = ("due", "priority", "legal", "created", "name")
NONE = "-"            # klantmanager or route filter value: cases that have none yet
COUNT_CAP = 1_000     # totals count at most this many rows (then "meer dan 1.000"): a page's cost stays bounded
LOCAL_TZ = ZoneInfo("Europe/Amsterdam")
# camunda:priority is a number (Camunda's default 50, higher is more urgent); people read a word.
PRIORITY_HIGH, PRIORITY_LOW = 70, 30


def priority_label(priority: int | None) -> str:
    """Say a task's priority in a word: hoog, normaal or laag."""
    value = 50 if priority is None else priority
    return "hoog" if value >= PRIORITY_HIGH else "laag" if value <= PRIORITY_LOW else "normaal"


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
    task: str = ""          # a diagram element id (the task type)
    klantmanager: str = ""  # a username, or NONE
    route: str = ""         # a leerroute code, or NONE
    doelgroep: str = ""
    cohort: int | None = None

    @property
    def narrowed(self) -> bool:
        """Tell whether a filter on the task or its case is set (beyond the time filter)."""
        return bool(self.task or self.klantmanager or self.route or self.doelgroep or self.cohort)

    def params(self, **changes) -> dict[str, str]:
        """The query as URL parameters (never the BSN or the search text), with `changes` applied."""
        values = {"view": self.view, "filter": self.filter, "sort": self.sort, "task": self.task,
                  "klantmanager": self.klantmanager, "route": self.route, "doelgroep": self.doelgroep,
                  "cohort": str(self.cohort or ""), **{k: str(v) for k, v in changes.items()}}
        if values["view"] == "search":
            values["view"] = "mine"
        return {k: v for k, v in values.items() if v and not (k == "sort" and v == "due")
                and not (k == "page" and v == "1")}


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
    element_id: str = ""
    priority: int = 50
    follow_up_at: datetime | None = None
    follow_up_reached: bool = False
    klantmanager: str | None = None
    klantmanager_name: str | None = None
    leerroute: str | None = None
    doelgroep: str | None = None
    cohort_name: str | None = None
    cohort_start: date | None = None

    @property
    def priority_label(self) -> str:
        """The priority in a word."""
        return priority_label(self.priority)


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


@dataclass(frozen=True)
class InboxTotals:
    """How many open tasks each view holds (with the chosen task and case filters), and the current list.

    `team` is None for a person who may not see the team's view. A number above COUNT_CAP
    means "more than COUNT_CAP": counts stop there.
    """

    mine: int
    groups: int
    team: int | None
    overdue: int
    followup: int
    current: int
    cap: int = COUNT_CAP

    @property
    def cap_label(self) -> str:
        """The cap written the Dutch way (5.000)."""
        return f"{self.cap:,}".replace(",", ".")


@dataclass(frozen=True)
class FilterOptions:
    """What a person can pick in the inbox's filters: (value, label) pairs."""

    tasks: list[tuple[str, str]]
    klantmanagers: list[tuple[str, str]]
    routes: list[tuple[str, str]]
    doelgroepen: list[tuple[str, str]]
    cohorts: list[tuple[int, str, date]]


def check_query(*, session: Session, user: User, query: InboxQuery) -> None:
    """Refuse a query with an unknown view, filter, sort or filter value (Invalid, per field) or a view not allowed."""
    _check(query, user)
    _check_choices(session, user, query)


def list_inbox(*, session: Session, user: User, query: InboxQuery, now: datetime) -> InboxPage:
    """Return one page of the open tasks `user` may see in the asked view."""
    _check(query, user)
    _check_choices(session, user, query)
    stmts, due_col = _view_stmts(session, user, query, now)
    offset = (query.page - 1) * query.page_size
    if query.sort == "due":
        pairs = _merged(session, stmts, due_col, offset, query.page_size + 1)
    elif query.sort == "priority":
        order = (UserTask.priority.desc(), UserTask.due_at.asc().nulls_last(), UserTask.created_at)
        pairs = list(session.execute(stmts[0].order_by(*order).offset(offset).limit(query.page_size + 1)).all())
    elif query.sort == "legal":
        pairs = _due_sorted(session, stmts[0], UserTask.legal_deadline, offset, query.page_size + 1)
    elif query.sort == "name":
        named = stmts[0].where(Case.gemeente == user.gemeente)
        pairs = _due_sorted(session, named, Case.naam, offset, query.page_size + 1)
    else:
        pairs = list(session.execute(stmts[0].order_by(UserTask.created_at.desc())
                                     .offset(offset).limit(query.page_size + 1)).all())
    rows = _unique_rows(session, user, pairs[: query.page_size + 1], now)
    return InboxPage(query=query, rows=rows[: query.page_size], has_next=len(rows) > query.page_size)


def totals(*, session: Session, user: User, query: InboxQuery, now: datetime) -> InboxTotals:
    """Count the open tasks per view with the query's task and case filters, and the current list."""
    _check(query, user)
    _check_choices(session, user, query)
    base = InboxQuery(view=query.view if query.view != "search" else "mine", task=query.task,
                      klantmanager=query.klantmanager, route=query.route, doelgroep=query.doelgroep,
                      cohort=query.cohort, text=query.text, bsn=query.bsn)
    may_team = "tasks.team" in grants_of(user).capabilities

    def count(**changes) -> int:
        return _count(session, _view_stmts(session, user, replace(base, **changes), now, count=True)[0])

    counts = {"mine": count(view="mine", text="", bsn=""), "groups": count(view="groups", text="", bsn=""),
              "team": count(view="team", text="", bsn="") if may_team else None}
    current_view = query.view
    if current_view == "search":
        current = count(view="search", filter=query.filter)
    elif not query.filter:
        current = counts[current_view]
    else:
        current = count(filter=query.filter)
    overdue = current if query.filter == "overdue" else count(filter="overdue", view=current_view)
    followup = current if query.filter == "followup" else count(filter="followup", view=current_view)
    return InboxTotals(mine=counts["mine"], groups=counts["groups"], team=counts["team"], overdue=overdue,
                       followup=followup, current=current)


def filter_options(*, session: Session, user: User) -> FilterOptions:
    """The task types of the deployed diagrams, the gemeente's klantmanagers and cohorts, routes and doelgroepen."""
    people = [(u.username, u.display_name or u.username) for u in owner_candidates(session, gemeente=user.gemeente)]
    cohorts = session.execute(select(BrugklasCohort.id, BrugklasCohort.naam, BrugklasCohort.start)
                              .where(BrugklasCohort.gemeente == user.gemeente)
                              .order_by(BrugklasCohort.start.desc(), BrugklasCohort.id.desc())).all()
    return FilterOptions(
        tasks=sorted(task_types(session).items(), key=lambda item: item[1].lower()),
        klantmanagers=[(NONE, "Zonder klantmanager"), *people],
        routes=[*LEERROUTES.items(), (NONE, "Nog geen leerroute")],
        doelgroepen=list(DOELGROEPEN.items()),
        cohorts=[(c.id, c.naam, c.start) for c in cohorts],
    )


# (database, process definition id) -> {element id: task name}; a definition never changes once deployed.
_TASK_TYPES: dict[tuple[str, str], dict[str, str]] = {}


def task_types(session: Session) -> dict[str, str]:
    """Every user task of the deployed process definitions: element id -> name (the newest version's name)."""
    database = session.get_bind().url.render_as_string(hide_password=True)
    ids = session.execute(select(ProcessDefinition.id).order_by(ProcessDefinition.version)).scalars().all()
    missing = [i for i in ids if (database, i) not in _TASK_TYPES]
    if missing:
        for definition_id, spec in session.execute(select(ProcessDefinition.id, ProcessDefinition.spec)
                                                   .where(ProcessDefinition.id.in_(missing))):
            _TASK_TYPES[(database, definition_id)] = _user_tasks_of(spec)
    found: dict[str, str] = {}
    for definition_id in ids:
        found.update(_TASK_TYPES[(database, definition_id)])
    return found


def _user_tasks_of(spec: dict) -> dict[str, str]:
    """The user tasks of one serialized process spec and its embedded subprocesses."""
    parts = [(spec or {}).get("spec") or {}, *((spec or {}).get("subprocess_specs") or {}).values()]
    return {ts.get("bpmn_id") or name: ts.get("bpmn_name") or ts.get("bpmn_id") or name
            for part in parts for name, ts in (part.get("task_specs") or {}).items()
            if ts.get("typename") == "UserTask"}


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


def _view_stmts(session: Session, user: User, query: InboxQuery, now: datetime, *,
                count: bool = False) -> tuple[list[Select], object]:
    """The statements whose union is the view (one per group for `groups` by due date), filters applied.

    With `count`, each statement selects only the task id and joins the task and case rows only
    when a filter or the person's scope needs them, so a count is an index-only scan where it can be.
    """
    scoped = grants_of(user).case_scope != "gemeente"  # need-to-know: teams, or only linked inburgeraars
    with_case = not count or scoped or query.view == "search" or _narrows_case(query)
    with_task = with_case or query.task != "" or query.filter == "followup"
    if query.view == "groups" and (query.sort == "due" or count) and query.filter != "followup":
        # One index scan per group offered (and by name): merged, so several groups stay flat too.
        due_col = TaskCandidate.due_at
        stmts = _groups_branches(session, user, count=count, with_task=with_task, with_case=with_case)
    elif query.view == "groups":
        # Other sorts, and the follow-up filter (its own index), walk the task rows and check the offer.
        due_col = UserTask.due_at
        stmts = [_groups_by_task(session, user, count=count, with_case=with_case)]
    else:
        due_col = UserTask.due_at
        stmt = select(UserTask.id) if count else select(UserTask, *ROW_CASE_COLUMNS)
        if with_case:
            stmt = stmt.join(Case, Case.id == UserTask.case_id)
        stmt = stmt.where(UserTask.gemeente == user.gemeente)
        if query.view == "mine":
            stmt = stmt.where(UserTask.assignee == user.username)
        elif query.view == "search":
            stmt = stmt.where(Case.gemeente == user.gemeente, _case_match(query))
        stmts = [stmt]
    if scoped:
        stmts = [s.where(case_filter(session, user)) for s in stmts]
    if query.filter == "overdue":
        stmts = [stmt.where(due_col < now) for stmt in stmts]
    elif query.filter == "week":
        stmts = [stmt.where(due_col >= now, due_col < end_of_week(now)) for stmt in stmts]
    elif query.filter == "followup":
        # Driven by the (gemeente, follow_up_at) index: few tasks have reached their follow-up date.
        reached = select(UserTask.id).where(UserTask.gemeente == user.gemeente, UserTask.follow_up_at <= now)
        stmts = [stmt.where(UserTask.id.in_(reached.correlate(None).scalar_subquery())) for stmt in stmts]
    narrowing = _narrowing(query)
    if narrowing:
        stmts = [stmt.where(*narrowing) for stmt in stmts]
    return stmts, due_col


def _narrows_case(query: InboxQuery) -> bool:
    """Tell whether a filter reads the case row (klantmanager, route, doelgroep, cohort)."""
    return bool(query.klantmanager or query.route or query.doelgroep or query.cohort)


def _narrowing(query: InboxQuery) -> list:
    """The conditions of the task-type, klantmanager, route, doelgroep and cohort filters."""
    conditions = []
    if query.task:
        conditions.append(UserTask.element_id == query.task)
    if query.klantmanager:
        conditions.append(Case.klantmanager.is_(None) if query.klantmanager == NONE
                          else Case.klantmanager == query.klantmanager)
    if query.route:
        conditions.append(Case.leerroute.is_(None) if query.route == NONE else Case.leerroute == query.route)
    if query.doelgroep:
        conditions.append(Case.doelgroep == query.doelgroep)
    if query.cohort:
        conditions.append(Case.id.in_(select(CohortPlaatsing.case_id).where(CohortPlaatsing.cohort_id == query.cohort)))
    return conditions


def _count(session: Session, stmts: list[Select]) -> int:
    """Count the distinct tasks of the union of `stmts`, stopping after COUNT_CAP + 1."""
    ids = [stmt.order_by(None) for stmt in stmts]
    if not ids:
        return 0
    if len(ids) == 1:
        rows = ids[0].limit(COUNT_CAP + 1).subquery()
    else:
        parts = [part.limit(COUNT_CAP + 1).subquery() for part in ids]
        rows = union(*[select(part.c[0]) for part in parts]).subquery()
    capped = select(rows.c[0]).limit(COUNT_CAP + 1).subquery()
    return session.execute(select(func.count()).select_from(capped)).scalar_one()


def _check_choices(session: Session, user: User, query: InboxQuery) -> None:
    """Refuse a filter value the person cannot pick (an unknown task type, klantmanager or cohort)."""
    problems: dict[str, str] = {}
    if query.task and query.task not in task_types(session):
        problems["task"] = "Dit soort taak bestaat niet."
    if query.klantmanager and query.klantmanager != NONE and query.klantmanager not in {
            u.username for u in owner_candidates(session, gemeente=user.gemeente)}:
        problems["klantmanager"] = "Kies een klantmanager van deze gemeente."
    if query.cohort and session.execute(select(BrugklasCohort.id).where(
            BrugklasCohort.id == query.cohort, BrugklasCohort.gemeente == user.gemeente)).first() is None:
        problems["cohort"] = "Deze brugklasgroep bestaat niet."
    if problems:
        raise Invalid("Het filter klopt niet.", field_errors=problems)


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
    if query.route and query.route != NONE and query.route not in LEERROUTES:
        problems["route"] = "Kies de B1-route, de onderwijsroute of de Z-route."
    if query.doelgroep and query.doelgroep not in DOELGROEPEN:
        problems["doelgroep"] = "Kies asielstatushouder of gezinsmigrant."
    if query.cohort is not None and query.cohort < 1:
        problems["cohort"] = "Deze brugklasgroep bestaat niet."
    if len(query.task) > 100 or len(query.klantmanager) > 100:
        problems["task" if len(query.task) > 100 else "klantmanager"] = "Deze waarde is te lang."
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


def _groups_branches(session: Session, user: User, *, count: bool = False, with_task: bool = True,
                     with_case: bool = True) -> list[Select]:
    """Unassigned tasks offered to each of my groups, and to me by name when there are any: one query each.

    With `count` they select the task id only, joining the task and case rows only when asked.
    """
    if count:
        base = select(TaskCandidate.task_id)
        if with_task:
            base = base.join(UserTask, UserTask.id == TaskCandidate.task_id)
        if with_case:
            base = base.join(Case, Case.id == UserTask.case_id)
    else:
        base = (
            select(UserTask, *ROW_CASE_COLUMNS, TaskCandidate.due_at.label("offer_due"))
            .join(TaskCandidate, TaskCandidate.task_id == UserTask.id)
            .join(Case, Case.id == UserTask.case_id)
        )
    base = base.where(TaskCandidate.gemeente == user.gemeente, TaskCandidate.assigned.is_(False))
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
        return [tuple(row)[:ROW_WIDTH] for row in _due_sorted(session, stmts[0], due_col, offset, limit)]
    parts = [_due_sorted(session, stmt, due_col, 0, offset + limit) for stmt in stmts]

    def order(row) -> tuple:
        due = row[ROW_WIDTH] if len(row) > ROW_WIDTH else row[0].due_at
        return (due is None, due or row[0].created_at)

    seen: set[str] = set()
    merged = []
    for row in heapq.merge(*parts, key=order):
        if row[0].id not in seen:
            seen.add(row[0].id)
            merged.append(tuple(row)[:ROW_WIDTH])
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


def _groups_by_task(session: Session, user: User, *, count: bool = False, with_case: bool = True) -> Select:
    """Unassigned tasks offered to my groups or to me by name, read from the task rows (ids only with `count`)."""
    offered = (
        select(TaskCandidate.task_id)
        .where(TaskCandidate.task_id == UserTask.id, or_(
            and_(TaskCandidate.kind == "group", TaskCandidate.name.in_(list(user.groups or []))),
            and_(TaskCandidate.kind == "user", TaskCandidate.name == user.username)))
        .exists()
    )
    stmt = select(UserTask.id) if count else select(UserTask, *ROW_CASE_COLUMNS)
    if with_case or not count:
        stmt = stmt.join(Case, Case.id == UserTask.case_id)
    return stmt.where(UserTask.gemeente == user.gemeente, UserTask.assignee.is_(None), offered)


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


def _unique_rows(session: Session, user: User, pairs, now: datetime) -> list[InboxRow]:
    seen: set[str] = set()
    week_end = end_of_week(now)
    pairs = [tuple(p)[:ROW_WIDTH] for p in pairs]
    cohorts = _cohorts_of(session, {p[1] for p in pairs})
    owners = {p[4] for p in pairs if p[4]}
    names = dict(session.execute(select(User.username, User.display_name).where(
        User.gemeente == user.gemeente, User.username.in_(owners))).all()) if owners else {}
    rows: list[InboxRow] = []
    for task, case_id, case_number, naam, klantmanager, leerroute, doelgroep in pairs:
        if task.id in seen:
            continue
        seen.add(task.id)
        cohort = cohorts.get(case_id)
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
                element_id=task.element_id,
                priority=task.priority if task.priority is not None else 50,
                follow_up_at=task.follow_up_at,
                follow_up_reached=task.follow_up_at is not None and task.follow_up_at <= now,
                klantmanager=klantmanager,
                klantmanager_name=names.get(klantmanager, klantmanager) if klantmanager else None,
                leerroute=leerroute,
                doelgroep=doelgroep,
                cohort_name=cohort[0] if cohort else None,
                cohort_start=cohort[1] if cohort else None,
            )
        )
    return rows


def _cohorts_of(session: Session, case_ids: set[str]) -> dict[str, tuple[str, date]]:
    """The brugklas cohort (name, start) each case is placed in: its latest placement."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(CohortPlaatsing.case_id, BrugklasCohort.naam, BrugklasCohort.start)
        .join(BrugklasCohort, BrugklasCohort.id == CohortPlaatsing.cohort_id)
        .where(CohortPlaatsing.case_id.in_(case_ids))
        .order_by(CohortPlaatsing.id)
    ).all()
    return {case_id: (naam, start) for case_id, naam, start in rows}
