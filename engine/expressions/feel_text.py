"""FEEL values from and to text: date, time, date and time, duration literals and string()."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .feel_values import FeelFunction, Range
from .temporal import YearsMonths, parse_date, parse_duration

_TIME = re.compile(
    r"^(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?(@[A-Za-z_]+(?:/[A-Za-z_+\-]+)*)?$"
)
_DATETIME = re.compile(r"^(-?\d{4,9}-\d{2}-\d{2})T(.+)$")
_YM = re.compile(r"^-?P(\d+Y)?(\d+M)?$")


def _zone(offset: str | None, name: str | None):
    if name:
        try:
            return ZoneInfo(name[1:])
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown time zone") from None
    if not offset:
        return None
    if offset == "Z":
        return timezone.utc
    sign = -1 if offset[0] == "-" else 1
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_feel_time(text: str) -> time | None:
    """Parse a FEEL time such as 10:30:00, 10:30:00Z or 10:30:00@Europe/Amsterdam."""
    match = _TIME.match(text.strip())
    if not match:
        return None
    hour, minute, second = (int(match.group(i)) for i in (1, 2, 3))
    micro = int(Decimal(match.group(4)) * 1_000_000) if match.group(4) else 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second, micro, tzinfo=_zone(match.group(5), match.group(6)))


def parse_feel_date(text: str) -> date | None:
    """Parse a FEEL date YYYY-MM-DD (null when invalid)."""
    try:
        return parse_date(text)
    except ValueError:
        return None


def parse_feel_datetime(text: str) -> datetime | date | None:
    """Parse a FEEL date and time; a bare date means midnight."""
    raw = text.strip()
    match = _DATETIME.match(raw)
    if not match:
        day = parse_feel_date(raw)
        return datetime.combine(day, time()) if day else None
    day = parse_feel_date(match.group(1))
    clock = parse_feel_time(match.group(2))
    if day is None or clock is None:
        return None
    return datetime.combine(day, clock.replace(tzinfo=None), tzinfo=clock.tzinfo)


def parse_feel_duration(text: str) -> timedelta | YearsMonths | None:
    """Parse an ISO duration into a years-months or a days-time duration (null when mixed)."""
    raw = text.strip()
    try:
        parsed = parse_duration(raw)
    except ValueError:
        return None
    if _YM.match(raw):
        return YearsMonths(parsed.months)
    if parsed.months:
        return None
    return parsed.exact


def parse_temporal_literal(text: str) -> Any:
    """Parse the text of an @"..." literal: a date, time, date and time or duration."""
    raw = text.strip()
    if raw.lstrip("-").startswith("P"):
        return parse_feel_duration(raw)
    if "T" in raw:
        return parse_feel_datetime(raw)
    if ":" in raw:
        return parse_feel_time(raw)
    return parse_feel_date(raw)


def _duration_text(value: timedelta) -> str:
    sign = "-" if value < timedelta(0) else ""
    total = abs(value)
    days, seconds = total.days, total.seconds
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    fraction = f".{total.microseconds:06d}".rstrip("0") if total.microseconds else ""
    clock = "".join(
        part for part in (f"{hours}H" if hours else "", f"{minutes}M" if minutes else "",
                          f"{secs}{fraction}S" if secs or fraction else "") if part
    )
    if not days and not clock:
        return "PT0S"
    return f"{sign}P{f'{days}D' if days else ''}{'T' + clock if clock else ''}"


def _zone_text(value: datetime | time) -> str:
    zone = value.tzinfo
    if zone is None:
        return ""
    if isinstance(zone, ZoneInfo):
        return f"@{zone.key}"
    offset = value.utcoffset() if isinstance(value, datetime) else zone.utcoffset(None)
    if not offset:
        return "Z"
    sign = "-" if offset < timedelta(0) else "+"
    minutes = int(abs(offset).total_seconds() // 60)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def feel_string(from_: Any) -> str | None:
    """Return FEEL's string() of a value (null stays null)."""
    value = from_
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat() + _zone_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.replace(tzinfo=None).isoformat() + _zone_text(value)
    if isinstance(value, timedelta):
        return _duration_text(value)
    if isinstance(value, YearsMonths):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_nested(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_nested(item)}" for key, item in value.items()) + "}"
    if isinstance(value, Range):
        return (("[" if value.start_included else "(") + _nested(value.start) + ".." + _nested(value.end)
                + ("]" if value.end_included else ")"))
    if isinstance(value, FeelFunction):
        return f"function {value.name}"
    return str(value)


def _nested(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return feel_string(value) or "null"
