"""Write the monitoring facts of one case step, in the step's own transaction.

`record_step` is called once by `CaseRunner.save`: it looks only at the tasks that
finished during this command and at the case's current variables (both already in
memory), writes one event row per finished activity, fine or route choice, and
rewrites the case's one `monitoring_cases` row. Two or three small statements per
step; nothing here ever reads a state blob back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from SpiffWorkflow.bpmn.specs.defaults import EndEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, func, insert, update
from sqlalchemy.orm import Session

from engine.bpmn.specs import ExternalServiceTask
from engine.bpmn.tasktree import is_user_task
from engine.casefile.dossier import case_date
from engine.db.models import Case
from engine.monitoring import rollup
from engine.monitoring.models import MonitoringCase, MonitoringEvent

_EVENTS = insert(MonitoringEvent.__table__)
_CASES = MonitoringCase.__table__
_CASE_COLUMNS = [c.name for c in _CASES.columns if c.name != "case_id"]
# The first route, the known consulent and the first end moment are kept; the rest is rewritten.
_KEPT = {
    "eerste_leerroute": func.coalesce(_CASES.c.eerste_leerroute, bindparam("leerroute")),
    # an explicit `consulent` variable wins; else the first person who worked the case stays
    "consulent": func.coalesce(bindparam("consulent_variable"), _CASES.c.consulent, bindparam("consulent")),
    "ended_at": func.coalesce(_CASES.c.ended_at, bindparam("ended_at")),
}
_UPDATE_CASE = update(_CASES).where(_CASES.c.case_id == bindparam("_case_id")).values(
    {name: _KEPT.get(name, bindparam(name)) for name in _CASE_COLUMNS})
_INSERT_CASE = insert(_CASES)



def _step_events(tasks: list, started_at: float) -> list[tuple[str, str, str | None]]:
    """Return (kind, element id, detail) for the activities that finished in this command."""
    found = []
    for task in tasks:
        if task.state != TaskState.COMPLETED or task.last_state_change < started_at:
            continue
        spec = task.task_spec
        bpmn_id = getattr(spec, "bpmn_id", None)
        if not bpmn_id:
            continue
        if isinstance(spec, ExternalServiceTask):
            properties = (spec.extensions or {}).get("properties", {})
            kind = "brief" if spec.topic == "letter" else "dienst"
            found.append((kind, bpmn_id, properties.get("template") or spec.topic))
        elif getattr(spec, "manual", False) or is_user_task(task):
            found.append(("taak", bpmn_id, None))
        elif isinstance(spec, EndEvent):
            found.append(("einde", bpmn_id, None))
    return found


def _consulent(variables: Mapping[str, Any], actor: str, events: list) -> str | None:
    if variables.get("consulent"):
        return str(variables["consulent"])[:100]
    if any(kind == "taak" for kind, _, _ in events) and not actor.startswith("systeem") and ":" not in actor:
        return actor[:100]
    return None


def record_step(*, session: Session, case: Case, tasks: list, started_at: float, before: Mapping[str, Any],
                after: Mapping[str, Any], actor: str, now: datetime, completed: bool) -> None:
    """Append the step's events and rewrite the case's monitoring row."""
    events = _step_events(tasks, started_at)
    consulent = _consulent(after, actor, events)
    base = {"case_id": case.id, "gemeente": case.gemeente, "at": now, "actor": actor[:100], "synthetisch": False,
            "doelgroep": _text(after.get("doelgroep"), 40), "leerroute": _text(after.get("leerroute"), 20),
            "consulent": consulent, "bedrag": None}
    rows = [{**base, "kind": kind, "element_id": element, "detail": detail} for kind, element, detail in events]
    route_before, route_after = before.get("leerroute"), after.get("leerroute")
    if route_after and route_after != route_before:
        rows.append({**base, "kind": "leerroute", "element_id": None, "detail": _text(route_after, 100)})
    fines_before, fines_after = before.get("boetes") or [], after.get("boetes") or []
    if isinstance(fines_after, list) and len(fines_after) > len(fines_before):
        for fine in fines_after[len(fines_before):]:
            fine = fine if isinstance(fine, Mapping) else {}
            amount = fine.get("bedrag")
            rows.append({**base, "kind": "boete", "element_id": None,
                         "detail": f"artikel {fine.get('artikel', '?')}"[:100],
                         "bedrag": int(float(amount)) if amount is not None else None})
    conn = session.connection()
    if rows:
        conn.execute(_EVENTS, rows)
        rollup.add(conn, rows)
    if after.get("zaak_case_id"):
        # A case beside an inburgeraar's case (a bezwaar, a partner's signal): its work counts as
        # events, but it is not an inburgeraar, so it gets no row of its own in monitoring_cases.
        return
    _write_case_row(conn, case, after, now, completed, consulent)


def _text(value: Any, length: int) -> str | None:
    return str(value)[:length] if value not in (None, "") else None


def _write_case_row(conn, case: Case, variables: Mapping[str, Any], now: datetime, completed: bool,
                    consulent: str | None) -> None:
    values = {
        "gemeente": case.gemeente,
        "case_number": case.case_number,
        "doelgroep": _text(variables.get("doelgroep"), 40),
        "leerroute": _text(variables.get("leerroute"), 20),
        "consulent": consulent,
        "tolk_nodig": bool(variables.get("tolk_nodig")),
        "bijstand": bool(variables.get("bijstand")),
        "started_at": case.created_at,
        "datum_plicht": case_date(variables.get("datum_plicht")),
        "pip_deadline": case_date(variables.get("pip_deadline")),
        "pip_dagtekening": case_date(variables.get("pip_dagtekening")),
        "termijn_start": case_date(variables.get("termijn_start")),
        "examen_behaald": (bool(variables["examen_behaald"]) if variables.get("examen_behaald") is not None
                           else None),
        "examen_datum": case_date(variables.get("examen_datum")),
        "status": "completed" if completed else case.status,
        "ended_at": now if completed or case.status != "active" else None,
        "einde_reden": (str(variables.get("einde_reden") or "")[:100] or None) if completed else None,
        "synthetisch": False,
    }
    if completed and not values["einde_reden"]:
        values["einde_reden"] = "traject afgerond"
    explicit = _text(variables.get("consulent"), 100)
    result = conn.execute(_UPDATE_CASE, {**values, "_case_id": case.id, "consulent_variable": explicit})
    if result.rowcount == 0:
        conn.execute(_INSERT_CASE, {**values, "case_id": case.id, "eerste_leerroute": values["leerroute"]})
