"""Time `balprov annuaire check` on a large extraction against a large state.

    .venv/bin/python bench/annuaire.py [--lines 1000000] [--mailboxes 10000] [--runs 3] [--json] [--keep DIR]

Builds, in a temporary project (not timed):

- a state of N applied mailboxes, recorded straight through the state backend (no provider, no plan):
  the cabinets of bench/validate.py's generator, normalized as apply records them;
- an extraction of L lines in the real 31-column layout: the rows `export annuaire --format csv` writes
  for those mailboxes, 1% of the mailboxes left out (missing), one holder dropped from another 1%
  (wrong holders), 20 unknown CAB addresses of the project's domain, and, around them, PER, ORG and CAB
  rows of other domains up to L lines; the same file zipped, as ANS ships it.

Then times whole processes, `balprov annuaire check FILE --format json` on the .txt and on the .zip,
interleaved, medians of --runs, with the peak RSS of the process (ru_maxrss). Targets at 1,000,000
lines and 10,000 mailboxes: under 10 s and under 150 MB. The check exits 1 (the planted disagreements).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from balprov.exports.extraction import HEADER
from balprov.exports.extraction_csv import rows
from balprov.loading import load_yaml
from balprov.planning.normalize import digest, normalize, principal_of
from balprov.state import AppliedChange
from balprov.state.sqlite import SqliteState
from validate import REPO, TODAY, Generator, Measure, as_installed, rpps, run_once, tool

TARGET_SECONDS = 10.0
TARGET_MIB = 150.0
ZIP_MEMBER = "Extraction_Correspondance_MSSante_202611290800.txt"
OTHER_DOMAINS = ("medecin.mssante.fr", "pharmacien.mssante.fr", "infirmier.mssante.fr", "ch-lyon.mssante.fr")


def make_state(project: Path, count: int, rng: random.Random) -> list[dict[str, Any]]:
    """`count` generated cabinets, normalized and recorded in the project's state as apply would."""
    generator = Generator(rng)
    definitions = []
    with SqliteState(project / ".balprov" / "state.db") as state:
        for _ in range(count):
            definition = normalize(load_yaml(generator.cabinet().encode("utf-8")).data, TODAY)
            state.record(
                AppliedChange(
                    name=definition["name"],
                    address=definition["address"],
                    action="create",
                    definition=definition,
                    digest=digest(definition),
                    provider_ids={},
                    accountable=principal_of(definition),
                    actor="bench",
                    host="bench",
                    git_commit=None,
                    plan_id=None,
                )
            )
            definitions.append(definition)
    return definitions


def our_lines(definitions: list[dict[str, Any]], rng: random.Random) -> list[str]:
    """The published rows of the state, with 1% of the mailboxes missing, 1% missing a holder, 20 unknown."""
    shown = list(definitions)
    rng.shuffle(shown)
    missing, short = len(shown) // 100, len(shown) // 100
    lines: list[str] = []
    for index, definition in enumerate(shown):
        if index < missing:
            continue
        published = ["|".join(fields) for fields in rows([definition])]
        if index < missing + short and len(published) > 1:
            published = published[1:]
        lines += published
    for index in range(20):
        number = rpps(rng)
        lines.append(f"CAB|inconnu-{index}.75002@demo.mssante.fr|8|{number}|8{number}" + "|" * 26)
    return lines


def filler(rng: random.Random) -> Iterator[str]:
    """Rows of other domains and types, as wide as real ones."""
    index = 0
    while True:
        index += 1
        number = rpps(rng) if index % 1000 == 0 else f"10{index:09d}"
        kind = "PER" if index % 10 else ("ORG" if index % 20 else "CAB")
        domain = OTHER_DOMAINS[index % len(OTHER_DOMAINS)]
        yield (
            f"{kind}|prenom.nom{index}@{domain}|8|{number}|8{number}||||DR|NOM{index % 997}|Prénom|C|Civil|10|Médecin|"
            f"SM54|Médecine générale||CABINET MEDICAL {index % 5003}|||BAT A|{index % 200 + 1}||R|DE LA PAIX||"
            f"75002 PARIS|75002|75|France"
        )


def write_extraction(path: Path, ours: list[str], total: int, rng: random.Random) -> None:
    """`total` data lines: ours scattered evenly among the filler."""
    every = max(1, total // max(1, len(ours)))
    others = filler(rng)
    pending = iter(ours)
    written = 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(HEADER + "\n")
        chunk: list[str] = []
        for index in range(total):
            line = next(pending, None) if index % every == 0 else None
            chunk.append(line if line is not None else next(others))
            if len(chunk) == 10_000:
                out.write("\n".join(chunk) + "\n")
                written += len(chunk)
                chunk = []
        for line in pending:  # what did not fit (only when ours outnumber the slots)
            chunk.append(line)
        if chunk:
            out.write("\n".join(chunk) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    as_installed()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--mailboxes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--keep", type=Path, help="build the project in DIR and keep it")
    options = parser.parse_args(argv)
    rng = random.Random(11)

    scratch = Path(tempfile.mkdtemp(prefix="balprov-bench-annuaire-")) if options.keep is None else options.keep
    try:
        project = scratch / "project"
        (project / "cabinets").mkdir(parents=True)
        shutil.copy(REPO / "balprov.yaml", project / "balprov.yaml")
        definitions = make_state(project, options.mailboxes, rng)
        ours = our_lines(definitions, rng)
        text = project / ZIP_MEMBER
        write_extraction(text, ours, options.lines, rng)
        with zipfile.ZipFile(project / "extraction.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(text, ZIP_MEMBER)
        size_mib = text.stat().st_size / 2**20
        zip_mib = (project / "extraction.zip").stat().st_size / 2**20
        check = [*tool("balprov"), "annuaire", "check", "--format", "json"]
        commands: dict[str, tuple[list[str], Path, int]] = {
            f"check .txt ({size_mib:.0f} MiB)": ([*check, ZIP_MEMBER], project, options.lines),
            f"check .zip ({zip_mib:.0f} MiB)": ([*check, "extraction.zip"], project, options.lines),
        }
        measures = _measure(commands, options.runs)
    finally:
        if options.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)

    if options.json:
        print(
            json.dumps(
                {
                    "lines": options.lines,
                    "mailboxes": options.mailboxes,
                    "runs": options.runs,
                    "measures": {
                        m.label: {"median_s": m.median, "runs_s": m.seconds, "peak_mib": m.peak_mib} for m in measures
                    },
                },
                indent=2,
            )
        )
        return 0
    print(
        f"`balprov annuaire check`: {options.lines:,}-line extraction, {options.mailboxes:,} applied mailboxes "
        f"({len(ours):,} of the lines theirs); whole processes, medians of {options.runs} runs\n"
    )
    print("| file | median s | runs (s) | peak RSS MiB | target |\n|---|---:|---|---:|---|")
    for m in measures:
        ok = m.median < TARGET_SECONDS and m.peak_mib < TARGET_MIB
        runs = ", ".join(f"{s:.2f}" for s in m.seconds)
        verdict = "met" if ok else "MISSED"
        target = f"{verdict} (<{TARGET_SECONDS:g} s, <{TARGET_MIB:g} MB)"
        print(f"| {m.label} | {m.median:.2f} | {runs} | {m.peak_mib:.0f} | {target} |")
    return 0


def _measure(commands: dict[str, tuple[list[str], Path, int]], runs: int) -> list[Measure]:
    """Interleaved round by round, as validate.measure_round_robin, expecting exit 1 (the planted disagreements)."""
    measures = {label: Measure(label, lines) for label, (_, _, lines) in commands.items()}
    for _ in range(runs):
        for label, (argv, cwd, _) in commands.items():
            seconds, rss = run_once(argv, cwd, expect=1)
            measures[label].seconds.append(seconds)
            measures[label].maxrss_kib.append(rss)
    return list(measures.values())


if __name__ == "__main__":
    raise SystemExit(main())
