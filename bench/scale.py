"""How balprov scales: 1,000 / 10,000 / 50,000 cabinets, every command side by side in one run.

    .venv/bin/python bench/scale.py [--sizes 1000,10000,50000] [--runs 3] [--peer-full]
                                    [--keep DIR] [--json FILE] [--check]

For each size N it generates N valid, distinct cabinet files (the generator of bench/validate.py: distinct
names and addresses, Luhn-valid RPPS; checked: `balprov validate` must report no diagnostic at all) in a
project under /tmp, then times whole processes (`subprocess.run`, never in-process calls) and reports medians
of --runs:

- floor: a bare `python -c` reading every file and composing it with libyaml (one core);
- check-jsonschema (schema only, no rules): timed on the first 1,000 files plus a 1-file run for its start-up,
  and extrapolated linearly to N (start-up + per-file cost x N, marked EXTRAPOLATED); --peer-full times it on
  all N files (about 3 minutes per run at 50,000);
- `balprov validate` cold: `.balprov/cache` (the per-file result cache) removed before each run;
- `balprov validate` warm, one file changed: a first untimed run fills the cache, then before each timed run
  one file gets a new, unique description (a different file each run); the files are restored afterwards;
- `balprov plan --detailed-exitcode` with no change (exit 0 asserted), against a SQLite state holding all N
  mailboxes: cold (`.balprov/cache` removed before each run), then warm (after one untimed run that leaves
  the cache as a CI job restoring it would find it);
- the setup of that state, once per size: `balprov plan -o` of N creates, then `balprov apply` of that plan
  (single runs, in the table as "setup" rows so that their growth shows too).

floor, check-jsonschema and cold validate are interleaved round by round so that drift hits them alike.

Peak memory, two figures per command:
- largest process: `ru_maxrss` of RUSAGE_CHILDREN taken in a fresh wrapper process per run, i.e. the largest
  resident set of any single process of the command's tree (the parent or one of its pool workers), max
  over the runs; exact, free, recorded on every timed run;
- whole tree: one extra, untimed run of each balprov command in which the wrapper samples the process tree
  every 10 ms (/proc) and sums RSS (an upper bound: forked workers share copy-on-write pages) and PSS
  (shared pages split between the sharers: the better "total" figure). Sampling can miss a short spike.

Then the growth from the smallest to the largest size (seconds and MiB per 1,000 files between consecutive
sizes, so a stage growing faster than linearly shows up) and the targets of issue #10 with PASS/FAIL:
cold validate of 10,000 <= 1.0x floor and >= 25x faster than check-jsonschema; warm validate of 10,000 with
one file changed < 0.3 s; no-change plan of 50,000 < 5 s (cold and warm, one verdict each); peak memory (whole
tree PSS of validate and plan; the setup rows are reported, not judged) linear and < 1 GiB at 50,000. A target
whose size was not measured says n/a. Exit 0 unless a command fails (with --check: 1 if a target FAILs).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from validate import (
    FLOOR,
    SCHEMA,
    TODAY,
    as_installed,
    lines_per_file,
    luhn_ok,
    make_project,
    run_measured,
    tool,
)

DEFAULT_SIZES = (1_000, 10_000, 50_000)
CJS_SUBSET = 1_000
MIB = 1024.0


@dataclass
class Run:
    seconds: float
    maxrss_kib: int
    tree_rss_kib: int = 0
    tree_pss_kib: int = 0
    processes: int = 0


def run(argv: Sequence[str], cwd: Path, expect: int = 0, sample: bool = False) -> Run:
    """One whole process under the wrapper; exits the benchmark if its exit status is not `expect`."""
    result = run_measured(argv, cwd, expect, sample)
    return Run(
        float(result["seconds"]),
        int(result["maxrss_kib"]),
        int(result["tree_rss_kib"]),
        int(result["tree_pss_kib"]),
        int(result["processes"]),
    )


@dataclass
class Series:
    """The runs of one command at one size."""

    label: str
    seconds: list[float] = field(default_factory=list)
    maxrss_kib: list[int] = field(default_factory=list)
    tree_rss_kib: int = 0
    tree_pss_kib: int = 0
    processes: int = 0
    note: str = ""
    extrapolated: bool = False

    def add(self, measured: Run) -> None:
        self.seconds.append(measured.seconds)
        self.maxrss_kib.append(measured.maxrss_kib)

    def add_tree(self, measured: Run) -> None:
        self.maxrss_kib.append(measured.maxrss_kib)
        self.tree_rss_kib = max(self.tree_rss_kib, measured.tree_rss_kib)
        self.tree_pss_kib = max(self.tree_pss_kib, measured.tree_pss_kib)
        self.processes = max(self.processes, measured.processes)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def largest_mib(self) -> float:
        return max(self.maxrss_kib) / MIB if self.maxrss_kib else 0.0

    @property
    def tree_mib(self) -> float:
        """Whole-tree peak: the sampled PSS sum, or the largest process's RSS if that is more (0: not sampled).

        Not the RSS sum: forked workers share their parent's pages copy-on-write, and RSS counts them in each."""
        return max(self.tree_pss_kib / MIB, self.largest_mib) if self.tree_rss_kib else 0.0

    def to_json(self) -> dict[str, object]:
        return {
            **asdict(self),
            "median_s": self.median,
            "largest_process_mib": self.largest_mib,
            "tree_rss_mib": self.tree_rss_kib / MIB,
            "tree_pss_mib": self.tree_pss_kib / MIB,
        }


# The rows of each size's table, in order.
ORDER = ("floor", "cjs", "validate-cold", "validate-warm", "plan-cold", "plan", "plan-out", "apply")
BALPROV_KEYS = ("validate-cold", "validate-warm", "plan-cold", "plan")


@dataclass
class SizeResult:
    files: int
    lines_per_file: float = 0.0
    series: dict[str, Series] = field(default_factory=dict)
    stages_s: dict[str, float] = field(default_factory=dict)  # wall time of each stage of this size's run
    shared_rpps: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "files": self.files,
            "lines_per_file": self.lines_per_file,
            "stages_s": self.stages_s,
            "rpps_in_several_files": self.shared_rpps,
            "commands": {key: s.to_json() for key, s in self.series.items()},
        }


def balprov(*args: str) -> list[str]:
    return [*tool("balprov"), *args]


def drop_cache(project: Path) -> None:
    shutil.rmtree(project / ".balprov" / "cache", ignore_errors=True)


NAME = re.compile(rb"^  name: (.+)$", re.MULTILINE)
ADDRESS = re.compile(rb"^  address: (.+)$", re.MULTILINE)
RPPS = re.compile(rb'^ +- rpps: "(\d+)"$', re.MULTILINE)  # the cotitulaires


def check_distinct(files: Sequence[Path]) -> int:
    """Names and addresses distinct across files, every RPPS Luhn-valid and unique within its file.

    Returns how many RPPS appear in several files: legitimate (one professional in two cabinets, no rule
    reads across files for it), reported for information."""
    names: set[bytes] = set()
    addresses: set[bytes] = set()
    seen_in: dict[bytes, int] = {}
    for path in files:
        text = path.read_bytes()
        name, address = NAME.findall(text), ADDRESS.findall(text)
        if len(name) != 1 or len(address) != 1 or name[0] in names or address[0] in addresses:
            raise SystemExit(f"{path.name}: metadata.name or spec.address missing or not distinct")
        names.add(name[0])
        addresses.add(address[0])
        numbers = RPPS.findall(text)
        if not numbers or len(set(numbers)) != len(numbers) or not all(luhn_ok(n.decode()) for n in numbers):
            raise SystemExit(f"{path.name}: cotitulaires' RPPS missing, repeated or not Luhn-valid")
        for number in numbers:
            seen_in[number] = seen_in.get(number, 0) + 1
    return sum(1 for count in seen_in.values() if count > 1)


def check_clean(project: Path) -> None:
    """`balprov validate` reports no diagnostic at all (no error, no warning), so no cross-file rule fired."""
    done = subprocess.run(
        balprov("validate", "--today", TODAY, "--format", "json"), cwd=project, capture_output=True, text=True
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"balprov validate exited with {done.returncode}, no report:\n{done.stderr}") from None
    if done.returncode != 0 or report["diagnostics"]:
        raise SystemExit(f"generated files are not all clean: {report['summary']}: {report['diagnostics'][:3]}")


DESCRIPTION = re.compile(r"^  description: .*$", re.MULTILINE)
DISPLAY_NAME = re.compile(r"^  displayName: .*$", re.MULTILINE)


def change_one(path: Path, tag: str) -> str:
    """Give the file a new, unique description; returns the original text."""
    original = path.read_text(encoding="utf-8")
    line = f"  description: Changed by bench/scale.py, {tag}"
    if DESCRIPTION.search(original):
        changed = DESCRIPTION.sub(line, original, count=1)
    else:
        match = DISPLAY_NAME.search(original)
        assert match is not None, path
        changed = original[: match.end()] + "\n" + line + original[match.end() :]
    path.write_text(changed, encoding="utf-8")
    return original


def measure_size(
    size: int, scratch: Path, runs: int, peer_full: bool, seed: int, log: Callable[[str], None]
) -> SizeResult:
    result = SizeResult(size)
    stage_start = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal stage_start
        now = time.perf_counter()
        result.stages_s[name] = now - stage_start
        stage_start = now
        log(f"  {size:,}: {name} {result.stages_s[name]:.1f} s")

    project = scratch / f"scale-{size}" / "project"
    files = make_project(project, size, seed)
    result.lines_per_file = lines_per_file(files)
    stage("generate")
    result.shared_rpps = check_distinct(files)
    check_clean(project)
    drop_cache(project)
    stage("check generated files")

    floor_argv = [sys.executable, "-c", FLOOR, "cabinets"]
    run(floor_argv, project)  # warm the OS cache
    cjs_files = size if peer_full else min(size, CJS_SUBSET)
    cjs = [*tool("check-jsonschema"), "--schemafile", str(SCHEMA)]
    rel = [str(p.relative_to(project)) for p in files]
    validate = balprov("validate", "--today", TODAY)
    series = {
        "floor": Series("floor: python -c read + yaml.compose (CSafeLoader), 1 core"),
        "cjs-measured": Series(f"check-jsonschema, {cjs_files:,} files"),
        "cjs-startup": Series("check-jsonschema, 1 file (start-up)"),
        "validate-cold": Series("balprov validate, cold (cache removed)"),
    }
    steps: list[tuple[str, list[str], Callable[[], None] | None]] = [
        ("floor", floor_argv, None),
        ("cjs-measured", [*cjs, *rel[:cjs_files]], None),
        ("validate-cold", validate, lambda: drop_cache(project)),
    ]
    if cjs_files < size:
        steps.append(("cjs-startup", [*cjs, rel[0]], None))
    for _ in range(runs):
        for key, argv, before in steps:
            if before is not None:
                before()
            series[key].add(run(argv, project))
    drop_cache(project)
    series["validate-cold"].add_tree(run(validate, project, sample=True))
    stage("floor, check-jsonschema, cold validate")

    if cjs_files < size:
        measured, startup = series["cjs-measured"], series["cjs-startup"]
        per_file = (measured.median - startup.median) / (cjs_files - 1)
        cjs_series = Series(
            "check-jsonschema, EXTRAPOLATED",
            [startup.median + per_file * size],
            measured.maxrss_kib,
            note=f"{startup.median:.2f} s start-up + {per_file * 1000:.2f} ms/file x N, measured on "
            f"{cjs_files:,} files: {', '.join(f'{s:.2f}' for s in measured.seconds)} s",
            extrapolated=True,
        )
    else:
        cjs_series = series["cjs-measured"]
        cjs_series.label = "check-jsonschema (all files)"

    warm = Series("balprov validate, warm, 1 file changed")
    run(validate, project)  # fills the cache
    originals: dict[Path, str] = {}
    for index in range(runs):
        path = files[(index * 7919 + size // 2) % size]
        original = change_one(path, f"run {index} at {time.time_ns()}")
        originals.setdefault(path, original)
        warm.add(run(validate, project))
    for path, text in originals.items():
        path.write_text(text, encoding="utf-8")
    stage("warm validate")

    plan_file = project / ".balprov" / "all-creates.json"
    plan_out = Series("setup: balprov plan -o of N creates (1 run)")
    plan_out.add(run(balprov("plan", "--today", TODAY, "-o", str(plan_file)), project))
    apply = Series("setup: balprov apply of that plan, N creates (1 run)")
    apply.add(run(balprov("apply", str(plan_file), "--today", TODAY), project))
    stage("state build (plan -o + apply of N creates)")

    # The no-change plan, first with the cache removed before each run, then with the cache as a previous
    # run left it (one untimed run first): the steady state of a CI job that restores its cache.
    plan_argv = balprov("plan", "--detailed-exitcode", "--today", TODAY)
    plan_cold = Series("balprov plan --detailed-exitcode, no change, cold (cache removed)")
    for _ in range(runs):
        drop_cache(project)
        plan_cold.add(run(plan_argv, project, expect=0))
    drop_cache(project)
    plan_cold.add_tree(run(plan_argv, project, expect=0, sample=True))
    plan = Series("balprov plan --detailed-exitcode, no change, warm cache")
    run(plan_argv, project, expect=0)
    for _ in range(runs):
        plan.add(run(plan_argv, project, expect=0))
    plan.add_tree(run(plan_argv, project, expect=0, sample=True))
    stage("no-change plan")

    result.series = {
        "floor": series["floor"],
        "cjs": cjs_series,
        "validate-cold": series["validate-cold"],
        "validate-warm": warm,
        "plan-cold": plan_cold,
        "plan": plan,
        "plan-out": plan_out,
        "apply": apply,
    }
    if cjs_series.extrapolated:
        result.series["cjs-measured"] = series["cjs-measured"]
        result.series["cjs-startup"] = series["cjs-startup"]
    result.stages_s["total"] = sum(result.stages_s.values())
    return result


# ---------------------------------------------------------------------------------------------------
# Report


def size_table(result: SizeResult, runs: int) -> str:
    floor, cjs = result.series["floor"].median, result.series["cjs"].median
    out = [
        f"### {result.files:,} cabinets ({result.lines_per_file:.1f} lines each on average; medians of {runs}; "
        f"whole run of this size {result.stages_s['total']:.0f} s)",
        "",
        "| command | median s | runs (s) | x floor | check-jsonschema / this | largest process MiB "
        "| whole tree RSS / PSS MiB (processes) |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for key in ORDER:
        s = result.series[key]
        runs_text = "extrapolated" if s.extrapolated else ", ".join(f"{x:.2f}" for x in s.seconds)
        tree = f"{s.tree_rss_kib / MIB:.0f} / {s.tree_pss_kib / MIB:.0f} ({s.processes})" if s.tree_rss_kib else "-"
        out.append(
            f"| {s.label} | {s.median:.3f} | {runs_text} | {s.median / floor:.2f} | {cjs / s.median:.1f} "
            f"| {s.largest_mib:.0f} | {tree} |"
        )
    if result.series["cjs"].extrapolated:
        out.append(f"\ncheck-jsonschema: {result.series['cjs'].note}.")
    stages = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.stages_s.items() if name != "total")
    out.append(f"\nStages: {stages}.")
    out.append(f"RPPS shared by several files (allowed, no cross-file rule): {result.shared_rpps:,}.")
    return "\n".join(out)


GROWTH_ROWS: tuple[tuple[str, str, Callable[[Series], float], str], ...] = (
    ("floor", "floor", lambda s: s.median, "s"),
    ("cjs", "check-jsonschema", lambda s: s.median, "s"),
    ("validate-cold", "validate cold", lambda s: s.median, "s"),
    ("validate-warm", "validate warm, 1 changed", lambda s: s.median, "s"),
    ("plan-cold", "plan, no change, cold", lambda s: s.median, "s"),
    ("plan", "plan, no change, warm", lambda s: s.median, "s"),
    ("plan-out", "setup: plan -o of N creates (1 run)", lambda s: s.median, "s"),
    ("apply", "setup: apply of N creates (1 run)", lambda s: s.median, "s"),
    ("validate-cold", "validate cold, largest process", lambda s: s.largest_mib, "MiB"),
    ("validate-cold", "validate cold, whole tree PSS", lambda s: s.tree_pss_kib / MIB, "MiB"),
    ("plan-cold", "plan cold, whole tree PSS", lambda s: s.tree_pss_kib / MIB, "MiB"),
    ("plan", "plan warm, largest process", lambda s: s.largest_mib, "MiB"),
    ("plan", "plan warm, whole tree RSS (upper bound)", lambda s: s.tree_rss_kib / MIB, "MiB"),
    ("plan", "plan warm, whole tree PSS", lambda s: s.tree_pss_kib / MIB, "MiB"),
    ("apply", "apply of N creates, largest process", lambda s: s.largest_mib, "MiB"),
)


def slopes(results: Sequence[SizeResult], key: str, value: Callable[[Series], float]) -> list[float]:
    """Cost per 1,000 files between consecutive sizes."""
    return [
        (value(b.series[key]) - value(a.series[key])) / (b.files - a.files) * 1000
        for a, b in itertools.pairwise(results)
    ]


def growth_table(results: Sequence[SizeResult]) -> str:
    sizes = [r.files for r in results]
    steps = [f"{a:,}->{b:,}" for a, b in itertools.pairwise(sizes)]
    out = [
        f"### Growth ({' / '.join(f'{n:,}' for n in sizes)} files)",
        "",
        "| figure | "
        + " | ".join(f"{n:,}" for n in sizes)
        + " | "
        + " | ".join(f"per 1,000 files {s}" for s in steps)
        + f" | x{sizes[-1] / sizes[0]:.0f} files gives |",
        "|---|" + "---:|" * (len(sizes) + len(steps) + 1),
    ]
    notes = []
    for key, label, value, unit in GROWTH_ROWS:
        values = [value(r.series[key]) for r in results]
        per_k = slopes(results, key, value)
        ratio = values[-1] / values[0] if values[0] else float("nan")
        digits = 3 if unit == "s" else 1
        out.append(
            f"| {label} ({unit}) | "
            + " | ".join(f"{v:.{digits}f}" for v in values)
            + " | "
            + " | ".join(f"{p:.{digits + 1}f} {unit}" for p in per_k)
            + f" | x{ratio:.1f} |"
        )
        if len(per_k) >= 2 and per_k[0] > 0 and per_k[-1] > 1.25 * per_k[0]:
            notes.append(f"{label}: {per_k[-1] / per_k[0]:.2f}x the cost per 1,000 files of the first step")
    out.append("")
    out.append(
        "Faster than linear growth (last step's cost per file > 1.25x the first's): " + ("; ".join(notes) or "none")
    )
    return "\n".join(out)


@dataclass
class Verdict:
    target: str
    measured: str
    ok: bool | None  # None: the size it needs was not measured

    @property
    def word(self) -> str:
        return "n/a" if self.ok is None else "PASS" if self.ok else "FAIL"


def verdicts(results: Sequence[SizeResult]) -> list[Verdict]:
    by_size = {r.files: r for r in results}
    out: list[Verdict] = []
    at10 = by_size.get(10_000)
    if at10 is None:
        out += [
            Verdict("cold validate of 10,000 <= 1.0x the libyaml floor", "10,000 not measured", None),
            Verdict("cold validate of 10,000 >= 25x faster than check-jsonschema", "10,000 not measured", None),
            Verdict("warm validate, 1 file changed among 10,000, < 0.3 s", "10,000 not measured", None),
        ]
    else:
        cold, floor, cjs = (at10.series[k].median for k in ("validate-cold", "floor", "cjs"))
        extrapolated = " (check-jsonschema extrapolated)" if at10.series["cjs"].extrapolated else ""
        warm = at10.series["validate-warm"].median
        out += [
            Verdict(
                "cold validate of 10,000 <= 1.0x the libyaml floor",
                f"{cold:.2f} s / {floor:.2f} s = {cold / floor:.2f}x",
                cold <= floor,
            ),
            Verdict(
                "cold validate of 10,000 >= 25x faster than check-jsonschema",
                f"{cjs:.1f} s / {cold:.2f} s = {cjs / cold:.1f}x{extrapolated}",
                cjs / cold >= 25,
            ),
            Verdict("warm validate, 1 file changed among 10,000, < 0.3 s", f"{warm:.3f} s", warm < 0.3),
        ]
    at50 = by_size.get(50_000)
    if at50 is None:
        out += [
            Verdict(f"no-change plan of 50,000 < 5 s ({which})", "50,000 not measured", None)
            for which in ("cold, cache removed", "warm cache")
        ]
    else:
        for key, which in (("plan-cold", "cold, cache removed"), ("plan", "warm cache")):
            plan = at50.series[key].median
            out.append(Verdict(f"no-change plan of 50,000 < 5 s ({which})", f"{plan:.2f} s", plan < 5))
    # Memory: the largest whole-tree figure of any balprov command (PSS sum, or the largest process if more).
    peaks = [max(max(r.series[k].tree_mib, r.series[k].largest_mib) for k in BALPROV_KEYS) for r in results]
    if at50 is None:
        out.append(Verdict("peak memory < 1 GiB at 50,000", "50,000 not measured", None))
    else:
        peak = peaks[[r.files for r in results].index(50_000)]
        out.append(
            Verdict(
                "peak memory < 1 GiB at 50,000 (whole tree PSS, or largest process)", f"{peak:.0f} MiB", peak < 1024
            )
        )
    if len(results) >= 3:
        pairs = itertools.pairwise(zip(peaks, (r.files for r in results), strict=True))
        per_k = [(b - a) / (nb - na) * 1000 for (a, na), (b, nb) in pairs]
        linear = all(p <= 1.25 * per_k[0] + 1 for p in per_k[1:])  # 1 MiB of slack: noise at small slopes
        out.append(
            Verdict(
                "peak memory grows linearly (cost per 1,000 files of later steps <= 1.25x the first)",
                ", ".join(f"{p:.1f} MiB/1,000" for p in per_k),
                linear,
            )
        )
    else:
        out.append(Verdict("peak memory grows linearly", "needs 3 sizes", None))
    return out


def render(results: Sequence[SizeResult], runs: int, started: float) -> tuple[str, list[Verdict]]:
    out = [
        f"balprov scale benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}, medians of {runs} "
        "whole-process runs (files in the OS cache).",
        "Memory: 'largest process' = ru_maxrss of the largest single process of the command's tree (parent or "
        "one worker), max over the runs; 'whole tree' = RSS and PSS summed over the tree (peak number of processes "
        "in brackets), sampled every 10 ms in one extra untimed run. RSS sums count the pages forked workers share "
        "with their parent several times (an upper bound); PSS splits them: the memory targets use PSS.",
        "",
    ]
    for result in results:
        out += [size_table(result, runs), ""]
    if len(results) >= 2:
        out += [growth_table(results), ""]
    found = verdicts(results)
    out += ["### Targets (issue #10)", "", "| target | measured | verdict |", "|---|---|---|"]
    out += [f"| {v.target} | {v.measured} | {v.word} |" for v in found]
    out += ["", f"Whole benchmark: {time.perf_counter() - started:.0f} s."]
    return "\n".join(out), found


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text}") from None
    if not sizes or sizes[0] < 2:
        raise argparse.ArgumentTypeError("sizes must be at least 2 files")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    as_installed()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=parse_sizes, default=list(DEFAULT_SIZES), help="comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (median)")
    parser.add_argument("--peer-full", action="store_true", help="time check-jsonschema on all N files")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", type=Path, help="generate the projects in this folder and keep them")
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target FAILs")
    args = parser.parse_args(argv)
    runs: int = max(1, args.runs)
    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="balprov-scale-", dir="/tmp")) if args.keep is None else args.keep
    scratch.mkdir(parents=True, exist_ok=True)

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    results: list[SizeResult] = []
    try:
        for size in args.sizes:
            log(f"{size:,} cabinets ...")
            results.append(measure_size(size, scratch, runs, args.peer_full, args.seed, log))
    finally:
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    text, found = render(results, runs, started)
    print(text)
    if args.json is not None:
        figures = {
            "cores": os.cpu_count(),
            "python": sys.version.split()[0],
            "runs": runs,
            "total_s": time.perf_counter() - started,
            "sizes": [r.to_json() for r in results],
            "targets": [{**asdict(v), "verdict": v.word} for v in found],
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 1 if args.check and any(v.ok is False for v in found) else 0


if __name__ == "__main__":
    sys.exit(main())
