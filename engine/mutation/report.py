"""Print the mutation table: every mutant, what became of it, and the kill rate."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from engine.mutation.run import Outcome
from engine.mutation.scope import Exclusion

STATUS_WORDS = {
    "gedood": "GEDOOD",
    "alleen_pytest": "ALLEEN PYTEST",
    "overleefd": "OVERLEEFD",
    "geweigerd": "GEWEIGERD",
}


def table(outcomes: list[Outcome], excluded: list[tuple[object, Exclusion]], out) -> dict:
    """Write the table and the summary to `out`; return the figures."""
    rows = [("#", "uitkomst", "bestand / element", "wijziging", "gedood door")]
    for number, outcome in enumerate(outcomes, 1):
        m = outcome.mutant
        change = f"{_short(m.original)}  ->  {_short(m.mutated)}"
        killer = outcome.killer + (f" ({outcome.detail})" if outcome.detail else "")
        rows.append((str(number), STATUS_WORDS.get(outcome.status, outcome.status),
                     f"{m.path} {m.element}", change, killer))
    widths = [min(max(len(r[i]) for r in rows), limit) for i, limit in enumerate((4, 13, 60, 70, 200))]
    for row in rows:
        cells = [cell if len(cell) <= widths[i] else cell[:widths[i] - 1] + "…" for i, cell in enumerate(row)]
        out.write("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(cells)).rstrip() + "\n")

    counts = Counter(o.status for o in outcomes)
    viable = len(outcomes) - counts["geweigerd"]
    killed = counts["gedood"]
    figures = {
        "mutants": len(outcomes),
        "viable": viable,
        "killed_by_scenario": killed,
        "killed_only_by_pytest": counts["alleen_pytest"],
        "survived": counts["overleefd"],
        "refused_at_deploy": counts["geweigerd"],
        "kill_rate": round(100 * killed / viable, 1) if viable else 100.0,
        "excluded": len(excluded),
    }
    out.write("\n")
    out.write(f"juridische mutanten: {len(outcomes)} (geweigerd bij deploy: {counts['geweigerd']}; "
              f"te testen: {viable})\n")
    out.write(f"gedood door een scenario: {killed}   alleen door een Python-test: {counts['alleen_pytest']}   "
              f"overleefd: {counts['overleefd']}\n")
    out.write(f"kill rate (door scenario's): {figures['kill_rate']}%\n")
    if excluded:
        kinds = Counter(e.kind for _, e in excluded)
        out.write(f"niet meegeteld: {len(excluded)} ({', '.join(f'{k}: {v}' for k, v in sorted(kinds.items()))}); "
                  "zie --lijst voor de reden per mutant\n")
    return figures


def exclusions(excluded: list[tuple[object, Exclusion]], out) -> None:
    """Write the mutants left out of the rate, each with its reason."""
    for mutant, exclusion in excluded:
        out.write(f"{exclusion.kind:13}  {mutant.path} {mutant.element}: {_short(mutant.original)} -> "
                  f"{_short(mutant.mutated)}  ({exclusion.reason})\n")


def write_json(path: Path, outcomes: list[Outcome], figures: dict) -> None:
    """Write the outcomes as JSON (for CI or a later comparison)."""
    path.write_text(json.dumps({
        "figures": figures,
        "mutants": [{"id": o.mutant.id, "path": o.mutant.path, "element": o.mutant.element,
                     "original": o.mutant.original, "mutated": o.mutant.mutated, "status": o.status,
                     "killer": o.killer, "detail": o.detail, "scenarios_run": o.tried,
                     "seconds": round(o.seconds, 2)} for o in outcomes],
    }, indent=2, ensure_ascii=False), encoding="utf-8")


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:59] + "…"
