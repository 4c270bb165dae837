"""Inbox filters, totals, priority sort and the row's case facts, on SQLite and PostgreSQL.

Each filter is checked against the same rows selected in Python from the whole table, so a
filter that drops or adds a row fails; totals are checked the same way, per view.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engine.access.models import Membership, PartnerLink
from engine.access.tenancy import join_default
from engine.casefile import inbox
from engine.casefile.inbox import NONE, InboxQuery, filter_options, list_inbox, task_types, totals
from engine.cohorts.models import BrugklasCohort, CohortPlaatsing
from engine.db.base import Base
from engine.db.models import Case, ProcessDefinition, TaskCandidate, User, UserTask
from engine.db.session import make_engine, make_session_factory
from engine.errors import Invalid
from engine.tools.inbox_bench import GEMEENTE, NOW, fill

SPEC = {"spec": {"task_specs": {
    "Task_Intake": {"typename": "UserTask", "bpmn_id": "Task_Intake", "bpmn_name": "Brede intake voeren"},
    "Task_PipOpstellen": {"typename": "UserTask", "bpmn_id": "Task_PipOpstellen", "bpmn_name": "Concept-PIP opstellen"},
    "Gateway_1": {"typename": "ExclusiveGateway", "bpmn_id": "Gateway_1"}}},
    "subprocess_specs": {"Sub": {"task_specs": {
        "Task_Sub": {"typename": "UserTask", "bpmn_id": "Task_Sub", "bpmn_name": "Taak in een subproces"}}}}}
ROUTES = ("B1", "Z", "onderwijs", None)


def _shape(session) -> dict[str, int]:
    """Give the benchmark's cases owners, routes, doelgroepen and cohorts, and their tasks types,
    priorities and follow-up dates, each on its own rhythm so that filters combine unevenly."""
    session.add_all([
        User(username="km_anna", display_name="Anna de Vries", gemeente=GEMEENTE, password_hash="x",
             roles=["consulent"], groups=["consulent"], active=True, failed_logins=0),
        User(username="km_tess", display_name="Tess Bakker", gemeente=GEMEENTE, password_hash="x",
             roles=["teamleider"], groups=["consulent"], active=True, failed_logins=0),
    ])
    session.flush()
    for username in ("km_anna", "km_tess"):  # like every new klantmanager: in the gemeente's default team
        join_default(session, session.query(User).filter_by(username=username).one(), now=NOW)
    session.get(ProcessDefinition, "bench:1").spec = SPEC
    cohorts = {}
    for naam, start in (("Brugklas 2 februari 2026", date(2026, 2, 2)), ("Brugklas 15 april 2026", date(2026, 4, 15))):
        cohort = BrugklasCohort(gemeente=GEMEENTE, naam=naam, start=start, eind=start + timedelta(days=90),
                                capaciteit=15, locatie="", created_at=NOW, created_by="test")
        session.add(cohort)
        session.flush()
        cohorts[naam] = cohort.id
    for case in session.scalars(select(Case).order_by(Case.case_number)):
        i = int(case.case_number.rsplit("-", 1)[1])
        case.klantmanager = ("km_anna", "km_tess", None)[i % 3]
        case.leerroute = ROUTES[i % 4]
        case.doelgroep = ("asielstatushouder", "gezinsmigrant")[i % 2]
        if case.gemeente == GEMEENTE and i % 7 in (1, 2):
            cohort = cohorts["Brugklas 2 februari 2026" if i % 7 == 1 else "Brugklas 15 april 2026"]
            session.add(CohortPlaatsing(cohort_id=cohort, case_id=case.id, geplaatst_op=NOW, geplaatst_door="test"))
        for task in session.scalars(select(UserTask).where(UserTask.case_id == case.id)):
            if i % 5 == 0:
                task.element_id, task.name = "Task_PipOpstellen", "Concept-PIP opstellen"
            task.priority = (80, 20, 50, 50, 50, 50)[i % 6]
            task.follow_up_at = (NOW - timedelta(days=1), NOW + timedelta(days=3), None)[i % 3 if i % 2 else 2]
    session.flush()
    return cohorts


@pytest.fixture
def session(database_url):
    """120 benchmark cases (one task each) with owners, routes, doelgroepen, cohorts, priorities, follow-ups."""
    db = make_engine(database_url)
    Base.metadata.create_all(db)
    with make_session_factory(db)() as s:
        fill(s, 120)
        s.info["cohorts"] = _shape(s)
        s.commit()
        yield s
    db.dispose()


@pytest.fixture
def teamleider(session):
    return session.query(User).filter_by(username="km_tess").one()


def _expected(session, user, *, view="team", **want) -> set[str]:
    """The open tasks of the bench gemeente that pass `want`, selected in Python."""
    placed = {(p.case_id, p.cohort_id) for p in session.scalars(select(CohortPlaatsing))}
    offered = {c.task_id for c in session.scalars(select(TaskCandidate).where(
        TaskCandidate.kind == "group", TaskCandidate.name.in_(user.groups), TaskCandidate.assigned.is_(False)))}
    found = set()
    for task, case in session.execute(select(UserTask, Case).join(Case, Case.id == UserTask.case_id)
                                      .where(UserTask.gemeente == user.gemeente)).tuples():
        if view == "mine" and task.assignee != user.username:
            continue
        if view == "groups" and (task.assignee is not None or task.id not in offered):
            continue
        checks = {
            "task": task.element_id,
            "klantmanager": case.klantmanager or NONE,
            "route": case.leerroute or NONE,
            "doelgroep": case.doelgroep,
        }
        if any(key in want and want[key] != value for key, value in checks.items()):
            continue
        if "cohort" in want and (case.id, want["cohort"]) not in placed:
            continue
        if want.get("filter") == "overdue" and not (task.due_at and task.due_at < NOW):
            continue
        if want.get("filter") == "followup" and not (task.follow_up_at and task.follow_up_at <= NOW):
            continue
        found.add(task.id)
    return found


def _listed(session, user, **query) -> list:
    return list_inbox(session=session, user=user, query=InboxQuery(page_size=200, **query), now=NOW).rows


@pytest.mark.parametrize("want", [
    {"task": "Task_PipOpstellen"},
    {"klantmanager": "km_anna"},
    {"klantmanager": NONE},
    {"route": "B1"},
    {"route": "Z"},
    {"route": NONE},
    {"doelgroep": "gezinsmigrant"},
    {"filter": "followup"},
    {"filter": "overdue", "route": "onderwijs"},
    {"route": "B1", "klantmanager": "km_tess", "doelgroep": "asielstatushouder"},
    {"task": "Task_Intake", "doelgroep": "gezinsmigrant", "klantmanager": NONE},
])
def test_each_filter_and_their_combinations_keep_exactly_the_matching_tasks(session, teamleider, want):
    expected = _expected(session, teamleider, **want)
    rows = _listed(session, teamleider, view="team", **want)
    assert expected, "the data set holds tasks for this filter"
    assert {r.task_id for r in rows} == expected
    counted = totals(session=session, user=teamleider, query=InboxQuery(view="team", **want), now=NOW)
    assert counted.current == len(expected)


def test_the_cohort_filter_keeps_the_group_and_the_row_names_it(session, teamleider):
    april = session.info["cohorts"]["Brugklas 15 april 2026"]
    rows = _listed(session, teamleider, view="team", cohort=april)
    assert {r.task_id for r in rows} == _expected(session, teamleider, cohort=april) != set()
    assert {(r.cohort_name, r.cohort_start) for r in rows} == {("Brugklas 15 april 2026", date(2026, 4, 15))}
    others = [r for r in _listed(session, teamleider, view="team") if r.task_id not in {x.task_id for x in rows}]
    assert all(r.cohort_name != "Brugklas 15 april 2026" for r in others)


def test_rows_show_priority_follow_up_and_the_klantmanager_by_name(session, teamleider):
    rows = _listed(session, teamleider, view="team")
    by_id = {t.id: t for t in session.scalars(select(UserTask))}
    for row in rows:
        task = by_id[row.task_id]
        assert row.priority == task.priority and row.follow_up_at == task.follow_up_at
        assert row.follow_up_reached == (task.follow_up_at is not None and task.follow_up_at <= NOW)
    assert {r.priority_label for r in rows} == {"hoog", "normaal", "laag"}
    assert {r.klantmanager_name for r in rows} == {"Anna de Vries", "Tess Bakker", None}
    assert inbox.priority_label(70) == "hoog" and inbox.priority_label(69) == "normaal"
    assert inbox.priority_label(30) == "laag" and inbox.priority_label(31) == "normaal"


def test_the_priority_sort_puts_the_most_urgent_first_then_the_earliest_deadline(session, teamleider):
    rows, page = [], 1
    while True:
        result = list_inbox(session=session, user=teamleider, query=InboxQuery(view="team", sort="priority", page=page,
                                                                               page_size=15), now=NOW)
        rows += result.rows
        if not result.has_next:
            break
        page += 1
    keys = [(-r.priority, r.due_at is None, r.due_at) for r in rows]
    assert keys == sorted(keys, key=lambda k: (k[0], k[1], k[2] or NOW))
    assert len({r.task_id for r in rows}) == len(rows) == len(_expected(session, teamleider))


def test_totals_per_view_follow_the_chosen_filters(session, teamleider):
    consulent = session.query(User).filter_by(username="consulent0").one()
    mine_ids = [t.id for t in session.scalars(select(UserTask).where(UserTask.gemeente == GEMEENTE).limit(9))]
    session.query(UserTask).filter(UserTask.id.in_(mine_ids)).update({"assignee": "consulent0"})
    session.query(TaskCandidate).filter(TaskCandidate.task_id.in_(mine_ids)).update({"assigned": True})
    for want in ({}, {"route": "B1"}, {"klantmanager": "km_anna", "doelgroep": "gezinsmigrant"}):
        counted = totals(session=session, user=consulent, query=InboxQuery(view="groups", **want), now=NOW)
        assert counted.mine == len(_expected(session, consulent, view="mine", **want))
        assert counted.groups == counted.current == len(_expected(session, consulent, view="groups", **want))
        assert counted.overdue == len(_expected(session, consulent, view="groups", filter="overdue", **want))
        assert counted.followup == len(_expected(session, consulent, view="groups", filter="followup", **want))
        assert counted.team is None, "a consulent has no team view"
    everything = totals(session=session, user=teamleider, query=InboxQuery(view="team"), now=NOW)
    b1 = totals(session=session, user=teamleider, query=InboxQuery(view="team", route="B1"), now=NOW)
    assert everything.team == len(_expected(session, teamleider)) > b1.team == len(_expected(session, teamleider,
                                                                                              route="B1")) > 0
    overdue = totals(session=session, user=teamleider, query=InboxQuery(view="team", filter="overdue"), now=NOW)
    assert overdue.current == overdue.overdue == len(_expected(session, teamleider, filter="overdue")) < overdue.team


def test_counts_stop_at_the_cap(session, teamleider, monkeypatch):
    monkeypatch.setattr(inbox, "COUNT_CAP", 10)
    counted = totals(session=session, user=teamleider, query=InboxQuery(view="team"), now=NOW)
    assert counted.team == 11 and counted.current == 11, "one more than the cap means 'more than'"


def test_a_partner_counts_and_sees_only_linked_inburgeraars(session):
    partner = User(username="vwn1", display_name="VWN", gemeente=GEMEENTE, password_hash="x", roles=["partner"],
                   groups=["partner_mb"], active=True, failed_logins=0)
    session.add(partner)
    session.flush()
    session.add(Membership(user_id=partner.id, gemeente=GEMEENTE, organisation="VluchtelingenWerk"))
    tasks = session.scalars(select(UserTask).where(UserTask.gemeente == GEMEENTE, UserTask.assignee.is_(None))
                            .order_by(UserTask.id).limit(3)).all()
    for task in tasks:
        session.add(TaskCandidate(task_id=task.id, kind="group", name="partner_mb", gemeente=GEMEENTE,
                                  due_at=task.due_at, assigned=False))
    session.add(PartnerLink(case_id=tasks[0].case_id, gemeente=GEMEENTE, organisation="VluchtelingenWerk",
                            purpose="maatschappelijke begeleiding", valid_from=date(2026, 1, 1), valid_until=None,
                            created_by="test", created_at=NOW))
    session.flush()
    rows = _listed(session, partner, view="groups")
    counted = totals(session=session, user=partner, query=InboxQuery(view="groups"), now=NOW)
    assert [r.task_id for r in rows] == [tasks[0].id]
    assert counted.groups == counted.current == 1


def test_filter_values_are_checked_field_by_field(session, teamleider):
    bad = [({"route": "A2"}, "route"), ({"doelgroep": "toerist"}, "doelgroep"), ({"task": "Task_Bestaat_Niet"}, "task"),
           ({"klantmanager": "onbekend"}, "klantmanager"), ({"cohort": 999_999}, "cohort"), ({"cohort": 0}, "cohort"),
           ({"filter": "later"}, "filter"), ({"sort": "random"}, "sort")]
    for values, field in bad:
        with pytest.raises(Invalid) as caught:
            list_inbox(session=session, user=teamleider, query=InboxQuery(view="team", **values), now=NOW)
        assert field in caught.value.field_errors, values
        with pytest.raises(Invalid):
            totals(session=session, user=teamleider, query=InboxQuery(view="team", **values), now=NOW)


def test_options_list_the_deployed_task_types_owners_routes_and_cohorts(session, teamleider):
    assert task_types(session) == {"Task_Intake": "Brede intake voeren", "Task_PipOpstellen": "Concept-PIP opstellen",
                                   "Task_Sub": "Taak in een subproces"}
    options = filter_options(session=session, user=teamleider)
    assert [label for _, label in options.tasks] == ["Brede intake voeren", "Concept-PIP opstellen",
                                                      "Taak in een subproces"]
    assert options.klantmanagers == [(NONE, "Zonder klantmanager"), ("km_anna", "Anna de Vries"),
                                     ("consulent0", "Consulent 0"), ("teamleider", "Teamleider"),
                                     ("km_tess", "Tess Bakker")]
    assert ("B1", "B1-route") in options.routes and (NONE, "Nog geen leerroute") in options.routes
    assert [c[1] for c in options.cohorts] == ["Brugklas 15 april 2026", "Brugklas 2 februari 2026"]


def test_the_query_in_a_url_never_carries_a_bsn_or_search_text():
    query = InboxQuery(view="search", text="Amina", bsn="123456782", route="B1", cohort=3, page=2)
    assert query.params() == {"view": "mine", "route": "B1", "cohort": "3"}, "a changed filter starts at page 1"
    assert query.params(page=2, sort="priority") == {"view": "mine", "route": "B1", "cohort": "3", "page": "2",
                                                     "sort": "priority"}
    assert InboxQuery().params() == {"view": "mine"}


def test_a_member_of_several_groups_counts_each_task_once(session):
    consulent = session.query(User).filter_by(username="consulent0").one()
    consulent.groups = ["consulent", "handhaving"]
    task = session.scalars(select(UserTask).where(UserTask.gemeente == GEMEENTE, UserTask.assignee.is_(None))
                           .order_by(UserTask.id).limit(1)).one()
    session.add(TaskCandidate(task_id=task.id, kind="group", name="handhaving", gemeente=GEMEENTE,
                              due_at=task.due_at, assigned=False))
    session.flush()
    counted = totals(session=session, user=consulent, query=InboxQuery(view="groups"), now=NOW)
    assert counted.groups == len(_listed(session, consulent, view="groups")) == len(
        _expected(session, consulent, view="groups"))
