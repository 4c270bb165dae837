"""The documented function set available in JUEL expressions (dates and durations).

| function                     | result                                                     |
|------------------------------|------------------------------------------------------------|
| now()                        | the evaluation clock (datetime, as passed to evaluate)     |
| today()                      | today's date in Europe/Amsterdam                           |
| date(x)                      | x as a date (ISO string, date or datetime -> its date)     |
| dateTime(x)                  | x as a datetime (ISO string; a date becomes midnight)      |
| dateAdd(d, 'P10W')           | d moved by an ISO 8601 duration (month ends clamp)         |
| dateSubtract(d, 'P1M')       | d moved back by an ISO 8601 duration                       |
| daysBetween(a, b)            | whole days from a to b (negative when b is earlier)        |
| weeksBetween(a, b)           | whole weeks from a to b                                    |
| monthsBetween(a, b)          | whole calendar months from a to b                          |
| yearsBetween(a, b)           | whole years from a to b                                    |
| isoFormat(x)                 | a date, datetime or number as ISO/plain text               |

Date arguments may be ISO strings, ``date`` or ``datetime`` objects.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from .temporal import (
    align,
    municipal_today,
    parse_duration,
    to_temporal,
    whole_months_between,
)


def _date(value: Any) -> date:
    moment = to_temporal(value)
    return moment.date() if isinstance(moment, datetime) else moment


def _datetime(value: Any) -> datetime:
    moment = to_temporal(value)
    return moment if isinstance(moment, datetime) else datetime.combine(moment, time())


def _duration(value: Any):
    if not isinstance(value, str):
        raise TypeError("the duration must be an ISO 8601 text such as 'P10W'")
    return parse_duration(value)


def _days_between(a: Any, b: Any) -> int:
    first, second = align(to_temporal(a), to_temporal(b))
    if isinstance(first, datetime):
        return (second - first).days if second >= first else -((first - second).days)
    return (second - first).days


def _iso(value: Any) -> str:
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    return str(value)


JUEL_FUNCTIONS: dict[str, tuple[int, Callable[..., Any]]] = {
    # name: (number of arguments, implementation taking (now, *args))
    "now": (0, lambda now: now),
    "today": (0, lambda now: municipal_today(now)),
    "date": (1, lambda now, x: _date(x)),
    "dateTime": (1, lambda now, x: _datetime(x)),
    "dateAdd": (2, lambda now, d, p: _duration(p).add_to(to_temporal(d))),
    "dateSubtract": (2, lambda now, d, p: _duration(p).add_to(to_temporal(d), -1)),
    "daysBetween": (2, lambda now, a, b: _days_between(a, b)),
    "weeksBetween": (2, lambda now, a, b: int(_days_between(a, b) / 7)),
    "monthsBetween": (2, lambda now, a, b: whole_months_between(to_temporal(a), to_temporal(b))),
    "yearsBetween": (2, lambda now, a, b: int(whole_months_between(to_temporal(a), to_temporal(b)) / 12)),
    "isoFormat": (1, lambda now, x: _iso(x)),
}
