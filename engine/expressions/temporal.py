"""Dates, date-times and durations shared by JUEL and FEEL.

Accepted date inputs: ``datetime.date``, ``datetime.datetime`` and ISO 8601 strings
(``2026-03-01``, ``2026-03-01T09:00:00``, ``2026-03-01T09:00:00Z``, ``...+01:00``).
Durations are ISO 8601 (``P10W``, ``P1Y2M``, ``P3DT4H``, ``-P1M``). Adding months clamps
to the month's last day (2026-01-31 + P1M = 2026-02-28), as Java and FEEL do.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from functools import total_ordering
from zoneinfo import ZoneInfo

MUNICIPAL_ZONE = ZoneInfo("Europe/Amsterdam")

_DURATION = re.compile(
    r"^(?P<sign>-)?P(?!$)(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)
_DATE = re.compile(r"^(-?\d{4,9})-(\d{2})-(\d{2})$")


@total_ordering
@dataclass(frozen=True)
class YearsMonths:
    """A years-and-months duration, counted in months (FEEL's yearMonthDuration)."""

    months: int

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, YearsMonths):
            return NotImplemented
        return self.months < other.months

    def __neg__(self) -> "YearsMonths":
        return YearsMonths(-self.months)

    def __add__(self, other: object) -> "YearsMonths":
        if isinstance(other, YearsMonths):
            return YearsMonths(self.months + other.months)
        return NotImplemented

    def __sub__(self, other: object) -> "YearsMonths":
        if isinstance(other, YearsMonths):
            return YearsMonths(self.months - other.months)
        return NotImplemented

    def __str__(self) -> str:
        sign = "-" if self.months < 0 else ""
        years, months = divmod(abs(self.months), 12)
        if years and months:
            return f"{sign}P{years}Y{months}M"
        if years:
            return f"{sign}P{years}Y"
        return f"{sign}P{months}M"


@dataclass(frozen=True)
class IsoDuration:
    """A parsed ISO 8601 duration: a month part and an exact part."""

    months: int
    exact: timedelta

    def add_to(self, value: date | datetime, sign: int = 1) -> date | datetime:
        """Return value moved by this duration (months first, clamped to month end)."""
        moved = add_months(value, sign * self.months)
        if not self.exact:
            return moved
        if isinstance(moved, datetime):
            return moved + sign * self.exact
        if self.exact % timedelta(days=1):
            return datetime.combine(moved, time()) + sign * self.exact
        return moved + sign * self.exact


def parse_duration(text: str) -> IsoDuration:
    """Parse an ISO 8601 duration such as P10W, P1Y2M or PT1H30M; raise ValueError."""
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError("not an ISO 8601 duration (such as P10W or P1M)")
    g = {k: v for k, v in match.groupdict().items() if v is not None and k != "sign"}
    months = int(g.get("y", 0)) * 12 + int(g.get("mo", 0))
    exact = timedelta(
        weeks=int(g.get("w", 0)),
        days=int(g.get("d", 0)),
        hours=int(g.get("h", 0)),
        minutes=int(g.get("mi", 0)),
        seconds=float(Decimal(g.get("s", "0"))),
    )
    if match.group("sign"):
        return IsoDuration(-months, -exact)
    return IsoDuration(months, exact)


def add_months(value: date | datetime, months: int) -> date | datetime:
    """Return value moved by whole months, clamping the day to the month's end."""
    if not months:
        return value
    index = value.year * 12 + (value.month - 1) + months
    year, month = divmod(index, 12)
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day)


def parse_date(text: str) -> date:
    """Parse an ISO calendar date YYYY-MM-DD; raise ValueError."""
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError("not an ISO date (YYYY-MM-DD)")
    return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def parse_datetime(text: str) -> datetime:
    """Parse an ISO date-time (Z, offsets and fractions allowed); raise ValueError."""
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    zone: tzinfo | None = None
    if "@" in raw:
        raw, zone_name = raw.split("@", 1)
        zone = ZoneInfo(zone_name)
    value = datetime.fromisoformat(raw)
    if "T" not in raw:
        raise ValueError("not an ISO date-time (YYYY-MM-DDThh:mm:ss)")
    return value.replace(tzinfo=zone) if zone else value


def to_temporal(value: object) -> date | datetime:
    """Return value as a date or datetime; accept date objects and ISO strings."""
    if isinstance(value, (date, datetime)):
        return value
    if isinstance(value, str):
        text = value.strip()
        if "T" in text:
            return parse_datetime(text)
        return parse_date(text)
    raise TypeError(f"expected a date, got {type_name(value)}")


def municipal_today(now: datetime) -> date:
    """Return today's date in the municipality's zone (naive now is taken as local)."""
    if now.tzinfo is None:
        return now.date()
    return now.astimezone(MUNICIPAL_ZONE).date()


def align(a: date | datetime, b: date | datetime) -> tuple[date | datetime, date | datetime]:
    """Return a and b comparable: a date meets a date-time as that day's midnight."""
    if isinstance(a, datetime) != isinstance(b, datetime):
        if not isinstance(a, datetime):
            a = datetime.combine(a, time(), tzinfo=getattr(b, "tzinfo", None))
        else:
            b = datetime.combine(b, time(), tzinfo=a.tzinfo)
    return a, b


def whole_months_between(a: date | datetime, b: date | datetime) -> int:
    """Return the whole calendar months from a to b (negative when b is earlier)."""
    a, b = align(a, b)
    months = (b.year - a.year) * 12 + (b.month - a.month)
    if months > 0 and add_months(a, months) > b:
        months -= 1
    elif months < 0 and add_months(a, months) < b:
        months += 1
    return months


def type_name(value: object) -> str:
    """Return a short, value-free name for value's type (safe in error messages)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float, Decimal)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, datetime):
        return "date and time"
    if isinstance(value, date):
        return "date"
    if isinstance(value, time):
        return "time"
    if isinstance(value, (timedelta, YearsMonths)):
        return "duration"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, dict):
        return "context"
    return type(value).__name__


UTC = timezone.utc
