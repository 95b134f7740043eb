"""bench/scale.py runs end to end on a tiny size, so that it cannot rot between measurements."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROWS = (
    "floor: python -c read + yaml.compose",
    "check-jsonschema (all files)",
    "balprov validate, cold (cache removed)",
    "balprov validate, warm, 1 file changed",
    "balprov plan --detailed-exitcode, no change, cold (cache removed)",
    "balprov plan --detailed-exitcode, no change, warm cache",
    "setup: balprov plan -o of N creates (1 run)",
    "setup: balprov apply of that plan, N creates (1 run)",
)
TARGETS = (
    "cold validate of 10,000 <= 1.0x the libyaml floor",
    "cold validate of 10,000 >= 25x faster than check-jsonschema",
    "warm validate, 1 file changed among 10,000, < 0.3 s",
    "no-change plan of 50,000 < 5 s (cold, cache removed)",
    "no-change plan of 50,000 < 5 s (warm cache)",
    "peak memory < 1 GiB at 50,000",
    "peak memory grows linearly",
)


def test_scale_benchmark_runs_and_prints_its_tables(repo_root: Path, tmp_path: Path) -> None:
    figures = tmp_path / "scale.json"
    done = subprocess.run(
        [sys.executable, "bench/scale.py", "--sizes", "50", "--runs", "1", "--json", str(figures)],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "### 50 cabinets" in out
    header = (
        "| command | median s | runs (s) | x floor | check-jsonschema / this | largest process MiB "
        "| whole tree RSS / PSS MiB (processes) |"
    )
    assert header in out
    table = out.split(header, 1)[1].split("\n\n", 1)[0].splitlines()[2:]  # after the |---| line
    assert len(table) == len(ROWS)
    for line, label in zip(table, ROWS, strict=True):
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert cells[0].startswith(label), line
        assert len(cells) == 7, line
        for number in (cells[1], cells[3], cells[4], cells[5]):
            assert re.fullmatch(r"\d+(\.\d+)?", number), line
    sampled = [i for i, line in enumerate(table) if re.search(r"\| \d+ / \d+ \(\d+\) \|$", line)]
    assert sampled == [2, 4, 5]  # validate cold, both plans: the whole tree sampled

    verdicts = out.split("### Targets (issue #10)", 1)[1]
    for target in TARGETS:
        assert re.search(re.escape(target) + r".*\| (PASS|FAIL|n/a) \|$", verdicts, re.MULTILINE), target

    raw = json.loads(figures.read_text(encoding="utf-8"))
    (size,) = raw["sizes"]
    assert size["files"] == 50
    assert set(size["commands"]) == {
        "floor",
        "cjs",
        "validate-cold",
        "validate-warm",
        "plan-cold",
        "plan",
        "plan-out",
        "apply",
    }
    assert all(len(c["seconds"]) == 1 and c["median_s"] > 0 for c in size["commands"].values())
    assert size["commands"]["plan"]["tree_pss_mib"] > 0
