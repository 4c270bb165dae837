"""Legal checks on completing a user task: a refusal is shown on the form field, with the article.

A user task names its check in `camunda:properties` (`legalCheck=pip` for a first PIP,
`legalCheck=pip_gewijzigd` for a change, `legalCheck=leerroute` where the brede intake
chooses the route): the rules are the ones the beschikking is rendered under
(engine/legal/pip.py), applied with today as the dagtekening.
`legalCheck=pw_maatregel` (handhaving `Task_Pw18Check`): a Pw 18/18b maatregel entered in the
fields `nieuwe_maatregel_<datum|gedraging|besluit|overtreding_datum>` must be complete and new
(engine/pw/maatregelen.py); leaving them all empty records nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from engine.expressions.temporal import municipal_today
from engine.errors import Conflict, Invalid
from engine.legal.pip import leerroute_weigeringen, pip_weigeringen
from engine.pw.maatregelen import FIELDS, VARIABLE, parse_maatregel, with_maatregel

CHECKS = ("pip", "pip_gewijzigd", "leerroute", "pw_maatregel")
PW_PREFIX = "nieuwe_maatregel_"


def task_refusals(properties: Mapping[str, str], data: Mapping[str, Any], now: datetime) -> dict[str, str]:
    """Return field -> reason for the task's legal check (empty when none or when lawful)."""
    check = properties.get("legalCheck")
    if check not in CHECKS:
        return {}
    if check == "leerroute":
        return leerroute_weigeringen(data)
    if check == "pw_maatregel":
        return _pw_maatregel_refusals(data, now)
    return pip_weigeringen(data, dagtekening=municipal_today(now), gewijzigd=check == "pip_gewijzigd")


def new_pw_maatregel(data: Mapping[str, Any], now: datetime) -> dict[str, Any] | None:
    """Return the maatregel entered on the form (checked), or None when its fields are all empty."""
    raw = {name: data.get(PW_PREFIX + name) for name in FIELDS}
    if all(value in (None, "") for value in raw.values()):
        return None
    return parse_maatregel(raw, today=municipal_today(now), prefix=PW_PREFIX)


def _pw_maatregel_refusals(data: Mapping[str, Any], now: datetime) -> dict[str, str]:
    try:
        maatregel = new_pw_maatregel(data, now)
        if maatregel is not None:
            with_maatregel(data.get(VARIABLE), maatregel)
    except Invalid as exc:
        return dict(exc.field_errors or {})
    except Conflict as exc:
        return {PW_PREFIX + "besluit": exc.message}
    return {}
