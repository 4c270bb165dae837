"""What a simulated klantmanager types: start data, form data per task and DUO/COA messages.

Taken from the klantreis scenarios (tests/scenarios/*.yaml), so the load test works real
cases with the data real tests use; nothing here knows the diagrams.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.config import PROJECT_ROOT

SCENARIO_DIR = PROJECT_ROOT / "tests" / "scenarios"


@dataclass
class Playbook:
    """Start data to vary, form data per task element, and the messages cases wait for."""

    start_data: list[dict[str, Any]] = field(default_factory=list)
    task_data: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def load_playbook(directory: Path = SCENARIO_DIR, process: str = "inburgering") -> Playbook:
    """Collect start data, the first data given to each task, and every message of the scenarios."""
    book = Playbook()
    for path in sorted(directory.glob("*.yaml")):
        scenario = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(scenario, dict) or scenario.get("process") != process:
            continue
        book.start_data.append(_plain(scenario.get("start", {}).get("data", {})))
        for step in scenario.get("steps", []):
            if "complete" in step:
                book.task_data.setdefault(step["complete"]["task"], _plain(step["complete"].get("data", {})))
            elif "message" in step:
                book.messages.append((step["message"]["name"], _plain(step["message"].get("data", {}))))
    return book


def _plain(value: Any) -> Any:
    """Turn YAML dates into ISO strings, as a browser form would send them."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
