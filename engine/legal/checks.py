"""Legal checks on completing a user task: a refusal is shown on the form field, with the article.

A user task names its check in `camunda:properties` (`legalCheck=pip` for a first PIP,
`legalCheck=pip_gewijzigd` for a change, `legalCheck=leerroute` where the brede intake
chooses the route): the rules are the ones the beschikking is rendered under
(engine/legal/pip.py), applied with today as the dagtekening.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from engine.expressions.temporal import municipal_today
from engine.legal.pip import leerroute_weigeringen, pip_weigeringen

CHECKS = ("pip", "pip_gewijzigd", "leerroute")


def task_refusals(properties: Mapping[str, str], data: Mapping[str, Any], now: datetime) -> dict[str, str]:
    """Return field -> reason for the task's legal check (empty when none or when lawful)."""
    check = properties.get("legalCheck")
    if check not in CHECKS:
        return {}
    if check == "leerroute":
        return leerroute_weigeringen(data)
    return pip_weigeringen(data, dagtekening=municipal_today(now), gewijzigd=check == "pip_gewijzigd")
