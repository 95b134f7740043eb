"""Time `balprov plan` and `balprov apply` on N mailboxes against the embedded state.

    .venv/bin/python bench/plan.py [N] [--runs 3] [--json] [--backend sqlite|postgres [--dsn DSN]]

On N generated cabinets (the generator of bench/validate.py), as whole processes, medians of --runs:

- `balprov validate` alone: the reference the no-change plan is compared with;
- `balprov apply --auto-approve` of N creates, each run on a fresh state (target at 10,000: under 20 s);
- `balprov plan --detailed-exitcode` with no change, interleaved with validate (target: within 1.5x of it);
- with 1% of the files changed: `balprov plan`, then `balprov apply --auto-approve` of those changes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from postgres_state import postgres_bench
from validate import TODAY, Measure, as_installed, make_project, measure_round_robin, run_once, tool

RESET_STATE: list[Callable[[], None]] = []  # --backend postgres: empties the database


def balprov(*args: str) -> list[str]:
    return [*tool("balprov"), *args]


def fresh_state(project: Path) -> None:
    shutil.rmtree(project / ".balprov", ignore_errors=True)
    for reset in RESET_STATE:
        reset()


def change_one_percent(project: Path) -> int:
    files = sorted((project / "cabinets").glob("*.yaml"))
    changed = files[:: max(1, len(files) // max(1, len(files) // 100))][: max(1, len(files) // 100)]
    for path in changed:
        text = path.read_text(encoding="utf-8")
        head, sep, rest = text.partition("displayName: ")
        path.write_text(head + sep + "Changed " + rest, encoding="utf-8")
    return len(changed)


def measure_apply(project: Path, runs: int, count: int) -> Measure:
    measure = Measure("apply (N creates, fresh state)", count)
    for _ in range(runs):
        fresh_state(project)
        seconds, rss = run_once(balprov("apply", "--auto-approve", "--today", TODAY), project)
        measure.seconds.append(seconds)
        measure.maxrss_kib.append(rss)
    return measure


def main(argv: Sequence[str] | None = None) -> int:
    as_installed()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", nargs="?", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite", help="the state backend")
    parser.add_argument("--dsn", help="postgres: a scratch database (default: a throwaway local server)")
    options = parser.parse_args(argv)

    with contextlib.ExitStack() as stack:
        scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="balprov-bench-plan-"))
        project = Path(scratch) / "project"
        make_project(project, options.count, seed=7)
        if options.backend == "postgres":
            postgres = stack.enter_context(postgres_bench(options.dsn))
            postgres.configure(project)
            RESET_STATE.append(postgres.reset)
        n = options.count
        measures = [measure_apply(project, options.runs, n)]  # leaves the state holding all N mailboxes
        measures += measure_round_robin(
            {
                # cold, as the figures in the README: bench/scale.py measures runs with a warm cache
                "validate": (balprov("validate", "--no-cache", "--today", TODAY), project, n),
                "plan, no change": (balprov("plan", "--no-cache", "--detailed-exitcode", "--today", TODAY), project, n),
            },
            options.runs,
        ).values()
        changed = change_one_percent(project)
        plan_changed = Measure(f"plan, {changed} changed", n)
        seconds, rss = run_once(
            balprov("plan", "--no-cache", "--detailed-exitcode", "--today", TODAY), project, expect=2
        )
        plan_changed.seconds.append(seconds)
        plan_changed.maxrss_kib.append(rss)
        apply_changed = Measure(f"apply, {changed} changed", n)
        seconds, rss = run_once(balprov("apply", "--auto-approve", "--today", TODAY), project)
        apply_changed.seconds.append(seconds)
        apply_changed.maxrss_kib.append(rss)
        measures += [plan_changed, apply_changed]

    by_label = {m.label: m for m in measures}
    ratio = by_label["plan, no change"].median / by_label["validate"].median
    if options.json:
        print(
            json.dumps(
                {
                    "files": options.count,
                    "backend": options.backend,
                    "runs": options.runs,
                    "measures": {m.label: {"median_s": m.median, "peak_mib": m.peak_mib} for m in measures},
                    "plan_over_validate": ratio,
                },
                indent=2,
            )
        )
        return 0
    print(
        f"{options.count} mailboxes, {options.backend} state, medians of {options.runs} runs "
        "(single runs for the 1% change rows)\n"
    )
    print("| command | seconds | peak RSS (MiB) |\n|---|---:|---:|")
    for m in measures:
        print(f"| {m.label} | {m.median:.2f} | {m.peak_mib:.0f} |")
    print(f"\nno-change plan / validate: {ratio:.2f}x (target at most 1.5x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
