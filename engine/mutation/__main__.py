"""`python -m engine.mutation`: change each legal constant by one step and run the scenarios.

Exit status 0 when every legal mutant is killed by a scenario, 1 otherwise, 2 when a
scenario already fails on the unchanged repository.
"""

from __future__ import annotations

import argparse
from collections import Counter
import os
import sys
import time
from pathlib import Path

from engine.config import PROJECT_ROOT
from engine.mutation import report
from engine.mutation.run import baseline, python_tests_catch, run_all
from engine.mutation.scope import catalogue, exclusion_for


def main(argv: list[str] | None = None) -> int:
    """Run the mutation analysis and print its table."""
    parser = argparse.ArgumentParser(prog="python -m engine.mutation", description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="worker processes (default: 2)")
    parser.add_argument("--only", action="append", default=[],
                        help="only mutants whose file or element contains this text (repeatable)")
    parser.add_argument("--all", action="store_true", help="also run the policy and equivalent mutants")
    parser.add_argument("--no-pytest", action="store_true",
                        help="do not try the Python tests on mutants that no scenario kills")
    parser.add_argument("--scenarios", type=Path, default=PROJECT_ROOT / "tests" / "scenarios")
    parser.add_argument("--lijst", action="store_true", help="only list the mutants and the exclusions")
    parser.add_argument("--json", type=Path, help="also write the outcomes to this JSON file")
    parser.add_argument("--eerst", default="",
                        help="run scenarios whose file name starts with this first (e.g. part: the older ones), "
                             "to count what they kill on their own")
    args = parser.parse_args(argv)
    out = sys.stdout
    started = time.perf_counter()

    mutants = [m for m in catalogue(PROJECT_ROOT)
               if not args.only or any(part in m.path or part in m.element for part in args.only)]
    excluded = [(m, e) for m in mutants if (e := exclusion_for(m)) is not None]
    chosen = mutants if args.all else [m for m in mutants if exclusion_for(m) is None]
    if args.lijst:
        for mutant in chosen:
            out.write(f"{mutant.describe()}\n")
        report.exclusions(excluded, out)
        return 0

    out.write(f"{len(chosen)} mutanten uit {len({m.path for m in chosen})} bestanden; "
              f"scenario's van {args.scenarios} eerst zonder mutant...\n")
    infos = baseline(PROJECT_ROOT, args.scenarios)
    broken = [i for i in infos if not i.passed]
    if broken:
        for info in broken:
            out.write(f"FAALT zonder mutant: {info.path.name}: {info.failure}\n")
        return 2
    out.write(f"{len(infos)} scenario's slagen zonder mutant ({sum(i.seconds for i in infos):.1f} s); "
              f"{args.jobs} werkers\n")
    out.flush()

    done: Counter[str] = Counter()

    def progress(outcome) -> None:
        done[outcome.status] += 1
        if outcome.status == "overleefd":  # named at once, so a long run can be acted on before it ends
            out.write(f"  overleefd: {outcome.mutant.describe()}\n")
            out.flush()
        if args.eerst and outcome.status == "gedood" and outcome.killer.startswith(args.eerst):
            done[f"waarvan door {args.eerst}*"] += 1
        total = sum(done.values())
        if total % 25 == 0 or total == len(chosen):
            out.write(f"  {total}/{len(chosen)} ({time.perf_counter() - started:.0f} s): "
                      + ", ".join(f"{status} {count}" for status, count in sorted(done.items())) + "\n")
            out.flush()

    outcomes = run_all(chosen, infos, PROJECT_ROOT, args.jobs, progress, args.eerst)
    if not args.no_pytest:
        python = sys.executable
        for outcome in outcomes:
            if outcome.status == "overleefd":
                caught = python_tests_catch(outcome.mutant, PROJECT_ROOT, python)
                if caught:
                    outcome.status, outcome.killer = "alleen_pytest", caught
    out.write("\n")
    figures = report.table(outcomes, [] if args.all else excluded, out)
    if args.eerst:
        first = sum(1 for o in outcomes if o.status == "gedood" and o.killer.startswith(args.eerst))
        figures[f"killed_by_{args.eerst}"] = first
        out.write(f"waarvan gedood door {args.eerst}*-scenario's alleen: {first} "
                  f"({round(100 * first / figures['viable'], 1) if figures['viable'] else 100.0}%)\n")
    figures["seconds"] = round(time.perf_counter() - started, 1)
    out.write(f"duur: {figures['seconds']} s\n")
    if args.json:
        report.write_json(args.json, outcomes, figures)
    return 0 if figures["killed_by_scenario"] == figures["viable"] else 1


if __name__ == "__main__":
    sys.exit(main())
