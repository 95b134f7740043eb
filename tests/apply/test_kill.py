"""An apply killed with SIGKILL at an arbitrary moment, then rerun: nothing lost, nothing duplicated."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COUNT = 300


def make_project(root: Path) -> None:
    shutil.copy(REPO / "balprov.yaml", root / "balprov.yaml")
    (root / "cabinets").mkdir()
    template = (REPO / "cabinets" / "cabinet-infirmier-saint-jean.yaml").read_text(encoding="utf-8")
    for index in range(COUNT):
        text = template.replace("cabinet-infirmier-saint-jean-69005", f"cabinet-{index:04d}-saint-jean-69005")
        text = text.replace("cabinet-infirmier-saint-jean.69005@", f"cabinet-{index:04d}.saint-jean.69005@")
        (root / "cabinets" / f"c{index:04d}.yaml").write_text(text, encoding="utf-8")


def balprov(root: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "balprov", *args],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
    )


def serial(root: Path) -> int:
    try:
        with sqlite3.connect(root / ".balprov" / "state.db", timeout=5) as db:
            row = db.execute("select value from meta where key = 'serial'").fetchone()
    except sqlite3.Error:
        return 0
    return int(row[0]) if row else 0


def test_sigkill_mid_apply_then_rerun_converges(tmp_path: Path) -> None:
    make_project(tmp_path)
    victim = balprov(tmp_path, "apply", "--auto-approve", "--today", "2026-11-29")
    deadline = time.monotonic() + 60
    while serial(tmp_path) < 40 and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert victim.poll() is None, "apply finished before it could be killed: raise COUNT"
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    killed_at = serial(tmp_path)
    assert 40 <= killed_at < COUNT

    rerun = balprov(tmp_path, "apply", "--auto-approve", "--today", "2026-11-29")
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err.decode()

    listed = subprocess.run(
        [sys.executable, "-m", "balprov", "state", "list", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    names = [m["name"] for m in json.loads(listed.stdout)["mailboxes"]]
    assert len(names) == len(set(names)) == COUNT
    with sqlite3.connect(tmp_path / ".balprov" / "operator-demo.db") as db:
        assert db.execute("select count(*) from mailboxes").fetchone()[0] == COUNT
    with sqlite3.connect(tmp_path / ".balprov" / "state.db") as db:
        creates = db.execute("select name, count(*) from journal where action = 'create' group by name").fetchall()
    assert len(creates) == COUNT and all(count == 1 for _, count in creates)
    # The killed process's lock was detected (same host, dead pid) and did not block the rerun.
    plan = subprocess.run(
        [sys.executable, "-m", "balprov", "plan", "--detailed-exitcode", "--today", "2026-11-29"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert plan.returncode == 0, plan.stdout + plan.stderr
