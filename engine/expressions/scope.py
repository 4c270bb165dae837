"""The evaluation scope shared by JUEL and FEEL closures."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any


class Scope:
    """What a compiled expression sees while evaluating: variables and the clock."""

    __slots__ = ("variables", "now")

    def __init__(self, variables: Mapping[str, Any], now: datetime) -> None:
        self.variables = variables
        self.now = now
