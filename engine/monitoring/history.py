"""Synthetic monitoring history for the demo: two years of inburgeraars, clearly marked `synthetisch`.

Running hundreds of klantreizen through the engine would make `make run` take minutes,
so the demo's history is a bulk insert of facts only (no case rows, zaaknummers `SYN-…`,
`synthetisch = true` on every row, and every export says so). The numbers follow the
beleidsplan's picture (seed 002, Bijlage 1, and seed 003's one in three Z-route advices);
they illustrate the dashboards, they are not a statement about any real gemeente.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from engine.monitoring import rollup
from engine.monitoring.models import MonitoringCase, MonitoringEvent, Tevredenheid

KLANTMANAGERS = ("consulent1", "consulent2", "teamleider")
ROUTES = (("B1", 0.5), ("onderwijs", 0.15), ("Z", 0.35))


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), timezone.utc)


def has_history(session: Session, gemeente: str) -> bool:
    """Tell whether synthetic history was loaded for the gemeente."""
    return bool(session.execute(select(func.count()).select_from(MonitoringCase).where(
        MonitoringCase.gemeente == gemeente, MonitoringCase.synthetisch.is_(True))).scalar())


def load_history(session: Session, *, gemeente: str, today: date, months: int = 24, per_month: float = 12,
                 seed: int = 2026) -> int:
    """Insert `months` of synthetic inburgeraars before `today`; return how many (0 when already there)."""
    if has_history(session, gemeente):
        return 0
    rng = random.Random(seed)
    cases, events, answers = [], [], []
    first = (today.replace(day=1) - timedelta(days=months * 30.44)).replace(day=1)
    number = 0
    for m in range(months):
        index = first.month - 1 + m
        month_start = date(first.year + index // 12, index % 12 + 1, 1)
        for _ in range(max(0, round(rng.gauss(per_month, per_month ** 0.5)))):
            number += 1
            case, own_events, own_answers = _one_case(rng, gemeente, number,
                                                      month_start + timedelta(days=rng.randrange(28)), today)
            cases.append(case)
            events.extend(own_events)
            answers.extend(own_answers)
    conn = session.connection()
    conn.execute(insert(MonitoringCase.__table__), cases)
    for i in range(0, len(events), 5000):
        conn.execute(insert(MonitoringEvent.__table__), events[i:i + 5000])
    rollup.add(conn, events)
    if answers:
        conn.execute(insert(Tevredenheid.__table__), answers)
    return len(cases)


def _one_case(rng: random.Random, gemeente: str, number: int, start: date, today: date):
    case_id = str(uuid.uuid4())
    doelgroep = "asielstatushouder" if rng.random() < 0.65 else "gezinsmigrant"
    route = rng.choices([r for r, _ in ROUTES], [w for _, w in ROUTES])[0]
    consulent = rng.choice(KLANTMANAGERS)
    bijstand = doelgroep == "asielstatushouder" and rng.random() < 0.8
    events: list[dict] = []
    answers: list[dict] = []
    current_route: list[str | None] = [None]

    def event(day: date, kind: str, element: str | None = None, detail: str | None = None,
              bedrag: int | None = None) -> None:
        if day <= today:
            events.append({"case_id": case_id, "gemeente": gemeente, "at": _at(day), "kind": kind,
                           "element_id": element, "detail": detail, "bedrag": bedrag, "actor": consulent,
                           "doelgroep": doelgroep, "leerroute": current_route[0], "consulent": consulent,
                           "synthetisch": True})

    def answer(day: date, onderdeel: str) -> None:
        if day <= today and rng.random() < 0.5:
            score = rng.choices([2, 3, 4, 5], [1, 3, 5, 3])[0]
            answers.append({"case_id": case_id, "gemeente": gemeente, "at": _at(day), "onderdeel": onderdeel,
                            "score": score, "antwoorden": {"tevredenheid_totaal": str(score)},
                            "ingevuld_door": consulent, "synthetisch": True})

    day = start
    if doelgroep == "asielstatushouder":
        event(day + timedelta(days=3), "taak", "Task_MbStarten")
        answer(day + timedelta(days=200), "maatschappelijke_begeleiding")
    intake = day + timedelta(days=rng.randint(14, 40))
    if rng.random() < 0.15:
        event(intake, "brief", "Letter_Waarschuwing", "waarschuwing_brede_intake")
        intake += timedelta(days=rng.randint(14, 30))
    event(intake, "taak", "Task_BredeIntake")
    current_route[0] = route
    event(intake + timedelta(days=7), "leerroute", None, route)
    plicht = start
    deadline = plicht + timedelta(weeks=10)
    pip_day = plicht + timedelta(days=rng.choice([50, 55, 60, 65, 68, 70, 75, 85]))
    event(pip_day, "brief", "Letter_PipBeschikking", "pip_beschikking")
    termijn = pip_day + timedelta(days=1)
    if bijstand:
        event(pip_day + timedelta(days=10), "brief", "Task_BriefOntzorgen", "beschikking_ontzorgen")
    event(pip_day + timedelta(days=rng.randint(20, 50)), "taak", "Task_StartLeerroute")
    for k in range(1, 9):
        event(pip_day + timedelta(days=int(45 * k ** 1.25)), "taak", "Task_Gesprek")
    if route != "onderwijs":
        pvt = pip_day + timedelta(days=rng.randint(120, 240))
        event(pvt, "taak", "Task_Pvt")
        answer(pvt + timedelta(days=3), "pvt")
        event(pip_day + timedelta(days=rng.randint(300, 500)), "taak", "Task_Knm")
        map_day = pip_day + timedelta(days=rng.randint(400, 600))
        event(map_day, "taak", "Task_MapEindgesprek")
        answer(map_day + timedelta(days=3), "map")
    if rng.random() < 0.07 and route != "onderwijs":
        new_route = "Z" if route == "B1" else "B1"
        switch = pip_day + timedelta(days=rng.randint(150, 500))
        event(switch, "taak", "Task_SchakelenMelden")
        current_route[0] = new_route
        event(switch, "leerroute", None, new_route)
    fine_roll = rng.random()
    if fine_roll < 0.08:
        fine_day = pip_day + timedelta(days=rng.randint(90, 400))
        event(fine_day, "taak", "Task_Rapport")
        event(fine_day + timedelta(days=30), "boete", None, "artikel 23", 50)
        event(fine_day + timedelta(days=30), "einde", "End_Boete")
    elif fine_roll < 0.11:
        event(pip_day + timedelta(days=rng.randint(90, 400)), "einde", "End_GeenBoetePw")
    ended_at, reason, behaald, exam_day = None, None, None, None
    if current_route[0] != "Z" and rng.random() < 0.85:
        exam_day = pip_day + timedelta(days=rng.randint(420, 1000))
        if exam_day <= today:
            behaald = rng.random() < 0.7
            if behaald:
                ended_at, reason = exam_day + timedelta(days=183), "traject afgerond"
                event(ended_at, "taak", "Task_Nazorg")
        else:
            exam_day = None
    elif current_route[0] == "Z":
        end = pip_day + timedelta(days=rng.randint(700, 1095))
        event(end, "taak", "Task_Eindgesprek")
        ended_at, reason = end, "traject afgerond"
    if ended_at is None and rng.random() < 0.04:
        ended_at, reason = start + timedelta(days=rng.randint(60, 500)), "verhuisd"
    if ended_at is not None and ended_at > today:
        ended_at, reason = None, None
    case = {
        "case_id": case_id, "gemeente": gemeente, "case_number": f"SYN-{start.year}-{number:05d}",
        "doelgroep": doelgroep, "leerroute": current_route[0], "eerste_leerroute": route if intake <= today else None,
        "consulent": consulent, "tolk_nodig": rng.random() < 0.4, "bijstand": bijstand, "started_at": _at(start, 9),
        "datum_plicht": plicht, "pip_deadline": deadline, "pip_dagtekening": pip_day if pip_day <= today else None,
        "termijn_start": termijn if pip_day <= today else None, "examen_behaald": behaald,
        "examen_datum": exam_day if behaald is not None else None,
        "status": "completed" if ended_at else "active", "ended_at": _at(ended_at) if ended_at else None,
        "einde_reden": reason, "synthetisch": True,
    }
    if intake > today:
        case["leerroute"] = None
    return case, events, answers
