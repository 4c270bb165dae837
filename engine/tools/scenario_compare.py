"""Comparing what a scenario expects with what a case holds: exact dates, instants and amounts."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any


class ScenarioError(Exception):
    """A scenario file that cannot be read, or a step that cannot be carried out."""


def as_datetime(value: Any, where: str) -> datetime:
    """Return a date or ISO date-time as an aware date-time (a date means 09:00 UTC that day)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, 9, tzinfo=timezone.utc)
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise ScenarioError(f"{where}: {value!r} is not a date or date-time") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def same(wanted: Any, value: Any) -> bool:
    """Compare an expected value with an actual one; dates and date-times only as a whole."""
    if isinstance(value, datetime):
        return same_moment(wanted, value)
    if isinstance(value, date):
        return full_date(wanted) == value
    if isinstance(wanted, (date, datetime)):
        parsed = iso_value(value) if isinstance(value, str) else value
        return isinstance(parsed, (date, datetime)) and same(wanted, parsed)
    if isinstance(wanted, bool) or isinstance(value, bool):  # true is not 1
        return isinstance(wanted, bool) and isinstance(value, bool) and wanted == value
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool) \
            and isinstance(wanted, (int, float, str)) and not isinstance(wanted, bool):
        try:  # an amount or count, however the scenario writes it ('50', 50, 50.0)
            return Decimal(str(value)) == Decimal(str(wanted))
        except InvalidOperation:
            return False
    if isinstance(wanted, dict) and isinstance(value, dict):
        return all(k in value and same(v, value[k]) for k, v in wanted.items())
    if isinstance(wanted, list) and isinstance(value, list):
        return len(wanted) == len(value) and all(same(w, v) for w, v in zip(wanted, value))
    return wanted == value


def same_moment(wanted, value: datetime) -> bool:
    """A date means that day in Dutch time (as task_due); a date-time is the same instant."""
    if isinstance(wanted, date) and not isinstance(wanted, datetime) or (isinstance(wanted, str) and len(wanted) <= 10):
        return full_date(wanted) == value.astimezone(local_timezone()).date()
    return as_datetime(wanted, "expected date-time") == value


def full_date(wanted: Any) -> date:
    """Return an expected date; a partial one (2026-03) is a mistake in the scenario, not a match."""
    if isinstance(wanted, datetime):
        raise ScenarioError(f"{wanted.isoformat()!r}: expected a date (YYYY-MM-DD), got a date-time")
    if isinstance(wanted, date):
        return wanted
    try:
        if isinstance(wanted, str) and len(wanted) == 10:
            return date.fromisoformat(wanted)
    except ValueError:
        pass
    raise ScenarioError(f"{wanted!r} is not a full date (YYYY-MM-DD)")


def iso_value(value: str) -> Any:
    """Return an ISO date or date-time string of the case data as a date or date-time (else as is)."""
    try:
        return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value


def local_timezone():
    """Return the Dutch time zone the engine computes dates in."""
    from engine.bpmn.scripting import LOCAL_TZ

    return LOCAL_TZ
