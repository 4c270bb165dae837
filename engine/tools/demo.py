"""`regie demo`: a demo gemeente with accounts and ~30 inburgeraars spread over the klantreis.

The inburgeraars are made by running the klantreis scenarios (tests/scenarios) with
the clock: each persona starts on its own day over the past fourteen months, walks
its scenario's steps, and waits where the scenario advances time. One shared clock
moves forward through everyone's steps in order, firing timers on the way, so when
it reaches today every case is wherever its journey and the deadlines brought it.
"""

from __future__ import annotations

import heapq
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from engine.config import PROJECT_ROOT
from engine.db.models import Case, Gemeente, User
from engine.deploy.deployment import kind_of
from engine.errors import AppError
from engine.tools.scenario import DEFAULT_ACTOR, ScenarioError, load_scenario

DEMO_GEMEENTE = "demo"
MAX_WAIT_DAYS = 31
MAX_TIMER_WAITS = 12  # timers a step may wait for before its task is open (a brugklas start, a reminder, ...)
DEMO_PASSWORD = "Regie-demo-2026"
DEMO_USERS = [
    # username, display name, roles, candidate groups
    ("consulent1", "Sanne de Vries", ["consulent"], ["consulent"]),
    ("consulent2", "Mohamed El Amrani", ["consulent"], ["consulent"]),
    ("teamleider", "Petra Jansen", ["teamleider", "consulent"], ["consulent", "teamleider"]),
    ("jurist", "Karel Visser", ["handhaving"], ["handhaving"]),
    ("partner", "Fatima Bakr (VluchtelingenWerk)", ["partner"], ["partner_mb"]),
    ("beheerder", "Bea Beheer", ["beheerder"], []),
    ("beleid", "Bram de Boer, beleidsmedewerker", ["beleid"], []),
    ("privacy", "Fenna Groen, functionaris gegevensbescherming", ["fg"], []),
]
DEMO_PARTNER = ("partner", "VluchtelingenWerk")
"""The demo partner account and the organisation it acts for (linked inburgeraars only)."""
DEMO_PARTNER_LINKS = 5
DEMO_TEAMS = (("Team Noord", ["consulent1", "teamleider"]), ("Team Zuid", ["consulent2", "teamleider"]))
"""The demo gemeente's two teams (the first is its default team) and who is in each; the
teamleider leads both. Every other inburgeraar goes to Team Zuid, so consulent1 and consulent2
each see only their own team's half."""
"""How many demo inburgeraars are linked to the partner for maatschappelijke begeleiding."""
PERSONAS = [
    ("Amina", "Yusuf"), ("Yonas", "Tesfaye"), ("Maria", "Santos"), ("Olena", "Kovalenko"), ("Ahmad", "Haddad"),
    ("Fatima", "Noori"), ("Samir", "Khalil"), ("Lina", "Darwish"), ("Tedros", "Gebremedhin"), ("Aylin", "Demir"),
    ("Hassan", "Omar"), ("Rania", "Aziz"), ("Dawit", "Haile"), ("Nour", "Saleh"), ("Iryna", "Shevchenko"),
    ("Karim", "Mansour"), ("Selam", "Kidane"), ("Layla", "Hamdan"), ("Omar", "Farah"), ("Zahra", "Rahimi"),
    ("Bilal", "Qureshi"), ("Mariam", "Idris"), ("Yusuf", "Ali"), ("Hana", "Mekonnen"), ("Tariq", "Nasser"),
    ("Salma", "Benali"), ("Kiros", "Abraha"), ("Dima", "Issa"), ("Reza", "Karimi"), ("Awet", "Berhe"),
]
STREETS = ["Lindelaan", "Kerkstraat", "Stationsweg", "Molenweg", "Dorpsstraat", "Julianalaan", "Beukenlaan"]
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?$")


def valid_bsn(seed: int) -> str:
    """Return a 9-digit number that passes the elfproef (demo data, not a real person's)."""
    n = 100000000 + seed * 7919 % 800000000
    while True:
        digits = [int(c) for c in f"{n:09d}"]
        total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1))) - digits[8]
        if total % 11 == 0:
            return f"{n:09d}"
        n += 1


def _shift(value: Any, delta: timedelta) -> Any:
    """Move every ISO date in a scenario structure by `delta` (the persona's own timeline)."""
    if isinstance(value, dict):
        return {k: _shift(v, delta) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, delta) for v in value]
    if isinstance(value, datetime):
        return value + delta
    if isinstance(value, date):
        return value + delta
    if isinstance(value, str) and _ISO_DATE.match(value):
        if "T" in value:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00")) + delta
            return moment.isoformat().replace("+00:00", "Z")
        return (date.fromisoformat(value) + delta).isoformat()
    return value


@dataclass(order=True)
class _Turn:
    at: datetime
    number: int
    persona: "_Persona" = field(compare=False)


@dataclass
class _Persona:
    number: int
    scenario: Any
    start: datetime
    data: dict[str, Any]
    steps: list[dict[str, Any]]
    case_id: str | None = None
    position: int = 0
    stopped: str | None = None
    waited_days: int = 0
    timer_waits: int = 0


def _personas(scenario_dir: Path, today: datetime) -> list[_Persona]:
    scenarios = []
    for path in sorted(scenario_dir.glob("*.yaml")):
        try:
            scenario = load_scenario(path)
        except ScenarioError:
            continue
        if scenario.process == "inburgering":
            scenarios.append(scenario)
    if not scenarios:
        return []
    # The longest journeys go to the personas who started longest ago, so early cases have
    # moved on (leerroute, voortgang, afronding) instead of waiting at an old deadline.
    scenarios.sort(key=lambda sc: -len(sc.steps))
    first_start = today - timedelta(days=420)
    personas = []
    for i, (voornaam, achternaam) in enumerate(PERSONAS):
        scenario = scenarios[(i * len(scenarios)) // len(PERSONAS)]
        start = first_start + timedelta(days=14 * i)
        delta = start - scenario.clock
        data = _shift(dict(scenario.start_data), delta)
        data.update({
            "voornamen": voornaam, "achternaam": achternaam, "naam": f"{voornaam} {achternaam}",
            "bsn": valid_bsn(i + 1), "straat": STREETS[i % len(STREETS)], "huisnummer": str(3 + i * 2),
            "postcode": f"2{260 + i} {chr(65 + i % 26)}{chr(66 + i % 24)}", "woonplaats": "Voorbeeldstad",
        })
        steps = [s for s in _shift(scenario.steps, delta) if _played(s)]
        personas.append(_Persona(i, scenario, start, data, steps))
    return personas


def _played(step: dict[str, Any]) -> bool:
    """Whether the demo plays a scenario step: not the checks, and not an input the form must refuse."""
    kind, arg = next(iter(step.items()))
    if kind in ("expect", "save_restore"):
        return False
    return not (kind == "complete" and isinstance(arg, dict) and arg.get("expect_refused"))


def _ensure_accounts(session) -> None:
    from engine.access.accounts import create_user

    if session.get(Gemeente, DEMO_GEMEENTE) is None:
        from engine.duo.demo import DEMO_OIN

        session.add(Gemeente(code=DEMO_GEMEENTE, naam="Gemeente Voorbeeldstad", settings={"oin": DEMO_OIN}))
        session.flush()
    for username, display, roles, groups in DEMO_USERS:
        exists = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if exists is None:
            exists = create_user(session=session, username=username, password=DEMO_PASSWORD, display_name=display,
                                 gemeente=DEMO_GEMEENTE, roles=roles, groups=groups)
        if username == DEMO_PARTNER[0]:
            from engine.access.tenancy import add_membership

            add_membership(session, user=exists, gemeente=DEMO_GEMEENTE, organisation=DEMO_PARTNER[1])
    _ensure_teams(session)


def _ensure_teams(session) -> list[int]:
    """Make the demo gemeente's teams (the default team becomes Team Noord) and put people in them."""
    from engine.access.models import Team, TeamMember
    from engine.access.tenancy import default_team

    now = datetime.now(timezone.utc)
    ids = []
    for i, (name, members) in enumerate(DEMO_TEAMS):
        if i == 0:
            team = default_team(session, DEMO_GEMEENTE, now=now)
            team.name = name
        else:
            team = session.execute(select(Team).where(Team.gemeente == DEMO_GEMEENTE, Team.name == name)
                                   ).scalar_one_or_none()
            if team is None:
                from engine.access.teams import create_team

                team = create_team(session, actor="demo", gemeente=DEMO_GEMEENTE, name=name, gemeenten=[],
                                   manageable=[DEMO_GEMEENTE], now=now)
        session.flush()
        ids.append(team.id)
        for username in members:
            user = session.execute(select(User).where(User.username == username)).scalar_one()
            row = session.get(TeamMember, (team.id, user.id))
            if row is None:
                session.add(TeamMember(team_id=team.id, user_id=user.id, leads=username == "teamleider"))
            else:
                row.leads = username == "teamleider"
    wanted = {(team_id, username) for team_id, (_, members) in zip(ids, DEMO_TEAMS) for username in members}
    for team_id in ids:
        for row in session.execute(select(TeamMember).where(TeamMember.team_id == team_id)).scalars().all():
            user = session.get(User, row.user_id)
            if user.username.startswith("consulent") and (team_id, user.username) not in wanted:
                session.delete(row)  # consulent2 started in the default team; the demo puts them in Zuid
    session.flush()
    return ids


def _split_teams(rt, personas, today: datetime) -> None:
    """Give every other inburgeraar to the second demo team, as its teamleider would (audited)."""
    from engine.access.teams import move_case

    with rt.session_factory.begin() as session:
        second = _ensure_teams(session)[1]
        lead = session.execute(select(User).where(User.username == "teamleider")).scalar_one()
        for persona in personas:
            if persona.case_id and persona.number % 2 == 1:
                move_case(session, engine=rt.engine, case_id=persona.case_id, actor=lead, team_id=second,
                          reason="Verdeling over de teams (demo)", now=today)


def _link_partner(rt, personas, today: datetime) -> None:
    """Link the first inburgeraars to the demo partner, for maatschappelijke begeleiding, from their start."""
    from engine.access.need_to_know import link_partner

    with rt.session_factory.begin() as session:
        lead = session.execute(select(User).where(User.username == "teamleider")).scalar_one()
        for persona in [p for p in personas if p.case_id][:DEMO_PARTNER_LINKS]:
            case = session.get(Case, persona.case_id)
            link_partner(session=session, user=lead, case=case, organisation=DEMO_PARTNER[1],
                         purpose="maatschappelijke_begeleiding", valid_from=case.created_at.date(),
                         valid_until=None, share_letters=False, now=today)


def _deploy_all(rt) -> None:
    files = [(f.name, f.read_bytes()) for d in (rt.settings.processes_dir, rt.settings.forms_dir) if d.is_dir()
             for f in sorted(d.iterdir()) if f.is_file() and kind_of(f.name)]
    with rt.session_factory.begin() as session:
        rt.engine.deploy(session=session, files=files, actor="beheerder", source="demo", name="klantreis")


def load_demo(rt, *, reset: bool = False, out=None, scenario_dir: Path | None = None,
              today: datetime | None = None) -> int:
    """Fill the database with the demo gemeente; return how many cases it made."""
    from engine.clock import DatabaseClock
    from engine.db.all_models import metadata

    say = out.print if out is not None else (lambda *_a, **_k: None)
    if reset:
        metadata.drop_all(rt.db)
        from engine.running.runtime import upgrade_database

        with rt.db.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade_database(rt.db)
    with rt.session_factory.begin() as session:
        existing = session.execute(select(func.count()).select_from(Case).where(Case.gemeente == DEMO_GEMEENTE)).scalar()
        _ensure_accounts(session)
    _deploy_all(rt)
    if existing:
        say(f"Demodata staat er al ({existing} dossiers); gebruik `regie demo --reset` om opnieuw te beginnen.")
        return 0
    if not isinstance(rt.clock, DatabaseClock):
        say("De klok is de echte tijd (REGIE_CLOCK=system): alleen accounts en processen geladen.")
        return 0
    today = today or datetime.now(timezone.utc).replace(hour=9, minute=0, second=0, microsecond=0)
    personas = _personas(scenario_dir or PROJECT_ROOT / "tests" / "scenarios", today)
    from engine.duo.demo import simulator_url

    sim = simulator_url(rt)  # the demo's inburgeraars arrive through the DUO simulator when it runs
    if sim:
        say(f"De inburgeraars komen binnen via de DUO-simulator ({sim}).")
    if rt.engine.workflows is None:
        # One long-running command loop, like the web app and the worker: keep each case's workflow
        # between its commands instead of rebuilding it from the stored state every step.
        rt.engine.keep_workflows()
    queue = [_Turn(p.start, p.number, p) for p in personas]
    heapq.heapify(queue)
    with rt.session_factory.begin() as session:
        rt.clock.set(session, personas[0].start if personas else today)
    while queue:
        turn = heapq.heappop(queue)
        if turn.at > today:
            break
        rt.engine.fire_due_timers(session_factory=rt.session_factory, until=turn.at)
        next_at = _play(rt, turn.persona, turn.at, sim=sim)
        if next_at is not None:
            heapq.heappush(queue, _Turn(next_at, turn.persona.number, turn.persona))
    rt.engine.fire_due_timers(session_factory=rt.session_factory, until=today)
    if sim:
        from engine.duo.demo import close_sim_http

        close_sim_http(rt)
    made = sum(1 for p in personas if p.case_id)
    _split_teams(rt, personas, today)
    _link_partner(rt, personas, today)
    from engine.partners.demo import load_partner_demo  # the partner portal: a taalaanbieder with hours

    load_partner_demo(rt, [p.case_id for p in personas if p.case_id], today, gemeente=DEMO_GEMEENTE,
                      password=DEMO_PASSWORD)
    say(f"Demo geladen: {made} inburgeraars, klok op {today:%Y-%m-%d}. Inloggen: consulent1 / {DEMO_PASSWORD}")
    for persona in personas:
        if persona.stopped:
            say(f"  {persona.data['naam']}: gestopt bij stap {persona.position + 1}: {persona.stopped}", markup=False)
    return made


def _wait_for_task(session, persona: _Persona, now: datetime, task: str) -> datetime:
    """When the persona continues after its next step's task was not open yet.

    A persona walks its scenario shifted to its own start day, but not every date moves
    with it: the brugklas starts on the gemeente's fixed start moments (engine/cohorts), so
    the group a shifted persona is placed in may start months after the scenario's. While
    the case has a timer pending, its task can only come when that timer fires: continue
    then. Otherwise (shifting does not keep month arithmetic exact, "+3 months" from another
    day) wait a day, up to a month.
    """
    from engine.db.models import Timer

    due = session.execute(select(func.min(Timer.due_at)).where(Timer.case_id == persona.case_id,
                                                                Timer.due_at > now)).scalar()
    if due is not None and persona.timer_waits < MAX_TIMER_WAITS:
        persona.timer_waits += 1
        return due
    if persona.waited_days < MAX_WAIT_DAYS:
        persona.waited_days += 1
        return now + timedelta(days=1)
    raise ScenarioError(f"geen open taak {task}")


def _play(rt, persona: _Persona, now: datetime, *, sim: str | None = None) -> datetime | None:
    """Play a persona's steps until it has to wait; return when it continues (or None)."""
    from engine.bpmn.tasktree import parse_until
    from engine.duo.demo import DUO_MESSAGES, message_through_duo
    from engine.db.models import UserTask
    from engine.letters.flow import approve
    from engine.letters.models import Letter

    try:
        if persona.case_id is None and sim:
            from engine.duo.demo import start_through_duo

            persona.case_id = start_through_duo(rt, sim=sim, gemeente=DEMO_GEMEENTE, data=persona.data, at=now)
        if persona.case_id is None:
            with rt.session_factory.begin() as session:
                persona.case_id = rt.engine.start_case(session=session, process_id="inburgering",
                                                       gemeente=DEMO_GEMEENTE, data=persona.data,
                                                       actor=DEFAULT_ACTOR).id
        while persona.position < len(persona.steps):
            kind, arg = next(iter(persona.steps[persona.position].items()))
            persona.position += 1
            if kind == "advance":
                return parse_until(str(arg), now) if not isinstance(arg, datetime) else arg
            with rt.session_factory.begin() as session:
                if kind in ("complete", "claim"):
                    task = session.execute(select(UserTask).where(
                        UserTask.case_id == persona.case_id,
                        (UserTask.element_id == arg["task"]) | (UserTask.name == arg["task"]))).scalars().first()
                    if task is None:
                        persona.position -= 1
                        return _wait_for_task(session, persona, now, arg["task"])
                    persona.waited_days = persona.timer_waits = 0
                    if kind == "complete":
                        rt.engine.complete_task(session=session, task_id=task.id, data=arg.get("data") or {},
                                                actor=arg.get("as", DEFAULT_ACTOR))
                    else:
                        rt.engine.claim_task(session=session, task_id=task.id, user=arg.get("as", DEFAULT_ACTOR),
                                             actor=arg.get("as", DEFAULT_ACTOR))
                elif kind == "message" and sim and arg["name"] in DUO_MESSAGES:
                    message_through_duo(rt, sim=sim, gemeente=DEMO_GEMEENTE, bsn=persona.data["bsn"],
                                        name=arg["name"], data=arg.get("data") or {}, at=now)
                elif kind == "message":
                    rt.engine.send_message(session=session, name=arg["name"], message_id=str(uuid.uuid4()),
                                           actor="systeem:duo", case_id=persona.case_id, payload=arg.get("data") or {})
                elif kind == "approve_letters":
                    ids = session.execute(select(Letter.id).where(Letter.case_id == persona.case_id,
                                                                  Letter.status == "ter_controle")).scalars().all()
                    for letter_id in ids:
                        approve(rt.engine, session=session, letter_id=letter_id, actor=DEFAULT_ACTOR)
    except (AppError, ScenarioError, KeyError) as exc:
        persona.stopped = getattr(exc, "message", str(exc))
    return None
