"""Server-side checking of a submitted form: visibility, types and every validate rule."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from .conditions import hidden_ids, is_feel, resolve
from .model import MULTI_TYPES, Component, FormDefinition
from .values import (
    Invalid,
    coerce,
    coerce_leniently,
    dutch_date,
    dutch_number,
    is_empty,
    to_date,
    to_number,
)

LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")
EMAIL = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")
PHONE = re.compile(r"^(\+|00)?\d{8,15}$")
REQUIRED_MESSAGES = {
    "select": "Kies een van de opties.",
    "radio": "Kies een van de opties.",
    "checklist": "Kies minimaal één optie.",
    "taglist": "Kies minimaal één optie.",
    "checkbox": "Vink dit vakje aan.",
    "datetime-date": "Vul een datum in.",
    "datetime-time": "Vul een tijd in.",
    "datetime-datetime": "Vul een datum en een tijd in.",
}


def form_data(form: FormDefinition, values: Mapping[str, Any], context: Mapping[str, Any]) -> dict[str, Any]:
    """Return the data conditions see: every field key (null), case data, then the form's values."""
    data: dict[str, Any] = {component.key: None for component in form.fields}
    data.update(context)
    for component in form.fields:
        if component.key in values:
            data[component.key] = coerce_leniently(component, values[component.key])
    return data


def visible_fields(form: FormDefinition, data: Mapping[str, Any], *, now: datetime | None = None) -> list[Component]:
    """Return the input fields not hidden by their own or a group's condition for this data."""
    hidden = hidden_ids(form, data, now=now or datetime.now(timezone.utc))
    return [component for component in form.fields if id(component) not in hidden]


def is_editable(component: Component, data: Mapping[str, Any], *, now: datetime) -> bool:
    """Return whether the consultant may change the field (not readonly, not disabled)."""
    for name in ("readonly", "disabled"):
        if resolve(component.raw.get(name, False), data, now=now, fallback=False) is True:
            return False
    return True


def validate_submission(
    form: FormDefinition, submitted: Mapping[str, Any], *, context: Mapping[str, Any], now: datetime
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check submitted values; return (typed values of visible editable fields, Dutch errors by key)."""
    data = form_data(form, submitted, context)
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for component in visible_fields(form, data, now=now):
        if not is_editable(component, data, now=now):
            continue
        key = component.key
        try:
            clean[key] = check_field(component, submitted.get(key), data=data, now=now)
        except Invalid as exc:
            errors[key] = str(exc)
    return clean, errors


def check_field(component: Component, raw: Any, *, data: Mapping[str, Any], now: datetime) -> Any:
    """Return the typed, checked value of one visible field; raise Invalid with the message."""
    value = coerce(component, raw)
    if isinstance(value, str) and component.type == "textfield":
        value = value.strip()
    if is_empty(value) or value is False:
        if component.required:
            kind = component.type if component.type != "datetime" else f"datetime-{component.subtype}"
            raise Invalid(REQUIRED_MESSAGES.get(kind, "Vul dit veld in."))
        if component.type in MULTI_TYPES:
            return []
        return False if component.type == "checkbox" else None
    rules = component.validate
    if isinstance(value, str):
        _check_text(component, value, rules, data, now)
    elif component.type == "number":
        value = _check_number(component, value, rules, data, now)
    elif component.type == "datetime":
        _check_moment(component, value, rules, data, now)
    return value


def _check_text(component: Component, value: str, rules: Mapping, data: Mapping, now: datetime) -> None:
    min_length = _bound_int(rules.get("minLength"), data, now)
    max_length = _bound_int(rules.get("maxLength"), data, now)
    if min_length is not None and len(value) < min_length:
        raise Invalid(f"Vul minimaal {min_length} tekens in.")
    if max_length is not None and len(value) > max_length:
        raise Invalid(f"Vul maximaal {max_length} tekens in. Nu zijn het er {len(value)}.")
    kind = rules.get("validationType")
    if kind == "email" and not EMAIL.match(value):
        raise Invalid("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.")
    if kind == "phone" and not PHONE.match(re.sub(r"[\s().-]", "", value)):
        raise Invalid("Vul een geldig telefoonnummer in, bijvoorbeeld 06 12345678 of +31 20 1234567.")
    pattern = rules.get("pattern")
    if pattern and kind not in ("email", "phone") and not re.search(str(pattern), value):
        raise Invalid("De invoer heeft niet de goede vorm. Kijk naar de uitleg bij het veld.")


def _check_number(component: Component, value: Any, rules: Mapping, data: Mapping, now: datetime) -> Any:
    minimum = _bound_number(rules.get("min"), data, now)
    maximum = _bound_number(rules.get("max"), data, now)
    if minimum is not None and value < minimum:
        raise Invalid(f"Vul een getal in van {dutch_number(minimum)} of hoger.")
    if maximum is not None and value > maximum:
        raise Invalid(f"Vul een getal in van {dutch_number(maximum)} of lager.")
    digits = component.raw.get("decimalDigits")
    if isinstance(digits, int) and isinstance(value, Decimal) and -value.as_tuple().exponent > digits:
        if digits == 0:
            raise Invalid("Vul een heel getal in, zonder komma.")
        raise Invalid(f"Gebruik hoogstens {digits} cijfers achter de komma.")
    increment = _bound_number(component.raw.get("increment"), data, now)
    if increment and Decimal(value) % Decimal(increment) != 0:
        lower = (Decimal(value) // Decimal(increment)) * Decimal(increment)
        upper = lower + Decimal(increment)
        raise Invalid(f"Dit getal kan niet. Kies bijvoorbeeld {dutch_number(lower)} of {dutch_number(upper)}.")
    if component.raw.get("serializeToString") is True:
        return str(value)
    return value


def _check_moment(component: Component, value: Any, rules: Mapping, data: Mapping, now: datetime) -> None:
    day = value if isinstance(value, date) and not isinstance(value, datetime) else None
    if isinstance(value, datetime):
        day = value.date()
    if day is not None:
        if component.raw.get("disallowPassedDates") is True and day < local_today(now):
            raise Invalid("Kies vandaag of een datum later dan vandaag.")
        earliest = _bound_date(rules.get("min"), data, now)
        latest = _bound_date(rules.get("max"), data, now)
        if earliest is not None and day < earliest:
            raise Invalid(f"Kies {dutch_date(earliest)} of een latere datum.")
        if latest is not None and day > latest:
            raise Invalid(f"Kies {dutch_date(latest)} of een eerdere datum.")
    interval = component.raw.get("timeInterval")
    if isinstance(interval, int) and interval > 1 and component.subtype in ("time", "datetime"):
        if value.minute % interval or value.second:
            raise Invalid(f"Kies een tijd in stappen van {interval} minuten.")


def local_today(now: datetime) -> date:
    """Return today's date in the Netherlands (a consultant's 'today', not UTC's)."""
    return now.astimezone(LOCAL_ZONE).date() if now.tzinfo else now.date()


def _bound(value: Any, data: Mapping, now: datetime) -> Any:
    if value in (None, ""):
        return None
    if is_feel(value):
        return resolve(value, data, now=now)
    return value


def _bound_int(value: Any, data: Mapping, now: datetime) -> int | None:
    bound = _bound(value, data, now)
    try:
        number = to_number(bound) if bound is not None else None
    except Invalid:
        return None
    return int(number) if number is not None else None


def _bound_number(value: Any, data: Mapping, now: datetime) -> Any:
    bound = _bound(value, data, now)
    try:
        return to_number(bound) if bound is not None else None
    except Invalid:
        return None


def _bound_date(value: Any, data: Mapping, now: datetime) -> date | None:
    bound = _bound(value, data, now)
    try:
        return to_date(bound) if bound is not None else None
    except Invalid:
        return None


def default_values(
    form: FormDefinition, context: Mapping[str, Any], *, now: datetime | None = None
) -> dict[str, Any]:
    """Return the prefill per key: the case value when set, else defaultValue (FEEL evaluated)."""
    moment = now or datetime.now(timezone.utc)
    prefill: dict[str, Any] = {}
    for component in form.fields:
        key = component.key
        if context.get(key) is not None:
            prefill[key] = context[key]
        elif "defaultValue" in component.raw:
            default = component.raw["defaultValue"]
            default = resolve(default, context, now=moment)  # a failing FEEL default leaves it empty
            if default is not None:
                prefill[key] = default
    return prefill


def as_case_data(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return checked values as case data: dates, times and datetimes as ISO text."""
    return {
        key: value.isoformat() if isinstance(value, (date, datetime, time)) else value
        for key, value in values.items()
    }
