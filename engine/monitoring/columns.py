"""A documented export column (shared by the export tables)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One documented export column."""

    name: str
    description: str
