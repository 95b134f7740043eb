"""Secret sweep: recognisable fake secrets are given to balprov the way CI gives them (environment
variables referenced as `${VAR}` in balprov.yaml: a PostgreSQL DSN password and an LDAP bind password,
both pointing at a closed port), then every command runs in every format, on its success and error
paths, with and without --debug; the secrets must appear in no stdout, stderr or file balprov wrote.

The real console script runs in subprocesses (in parallel threads: ~10 s in all).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from balprov.exports.extraction import COLUMNS, SEPARATOR

REPO = Path(__file__).resolve().parent.parent
_SCRIPT = Path(sys.executable).parent / "balprov"
COMMAND = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "balprov"]

DSN_SECRET = "PgSweep9f1cPw"
LDAP_SECRET = "LdapSweep4e7bPw"
SECRETS = (DSN_SECRET, LDAP_SECRET)
ENV = {"BALPROV_SWEEP_DSN_PASSWORD": DSN_SECRET, "BALPROV_SWEEP_LDAP_PASSWORD": LDAP_SECRET, "NO_COLOR": "1"}

LDAP = """    provider:
      type: ldap
      url: ldap://127.0.0.1:1
      bindDN: cn=balprov,dc=example,dc=org
      password: ${BALPROV_SWEEP_LDAP_PASSWORD}
      baseDN: ou=bal,dc=example,dc=org
      timeout: 2
"""
OPERATOR = "version: 1\noperators:\n  - id: demo\n    domain: demo.mssante.fr\n"
CONFIGS = {
    # the shared state on a PostgreSQL server that refuses connections: every state command fails
    "postgres": OPERATOR
    + LDAP
    + "state:\n  backend: postgres\n  dsn: postgresql://balprov:${BALPROV_SWEEP_DSN_PASSWORD}@127.0.0.1:1/balprov\n",
    # a local state: plan and apply get as far as the LDAP server, which refuses connections
    "ldap": OPERATOR + LDAP + "state:\n  backend: sqlite\n  path: .balprov/state.db\n",
    # the secrets resolved into values the schema refuses: the error quotes the file, not the values
    "misplaced": OPERATOR
    + LDAP.replace("timeout: 2", "timeout: ${BALPROV_SWEEP_LDAP_PASSWORD}")
    + "state:\n  backend: ${BALPROV_SWEEP_DSN_PASSWORD}\n",
}

NAME = "cabinet-des-lilas-93260"
EXTRACTION = (SEPARATOR.join(COLUMNS) + "\n").encode("utf-8")


def commands() -> list[list[str]]:
    runs: list[list[str]] = []
    for fmt in ("text", "json", "github", "junit", "sarif"):
        runs.append(["validate", "--format", fmt, "-o", f"out/validate.{fmt}"])
        runs.append(["validate", "--format", fmt])
    for fmt in ("text", "json", "markdown"):
        runs.append(["plan", "--format", fmt, "-o", f"out/plan-{fmt}.json"])
        runs.append(["plan", "--format", fmt, "--refresh"])
    runs += [
        ["apply", "--auto-approve"],
        ["apply", "--auto-approve", "--continue-on-error"],
        ["apply", "--auto-approve", "missing-plan.json"],
        ["state", "list"],
        ["state", "show", NAME],
        ["state", "history"],
        ["state", "history", NAME],
        ["state", "migrate"],
        ["annuaire", "check", "extraction.txt"],
        ["annuaire", "check", "extraction.txt", "-o", "out/check.txt"],
        ["annuaire", "check", "missing.zip"],
        ["notice", "patients", NAME],
        ["notice", "partners", NAME, "-o", "out/partners.txt"],
        ["notice", "patients", "no-such-mailbox"],
        ["rules"],
        ["rules", "--format", "json"],
        ["explain", "rpps-checksum"],
        ["explain", "no-such-rule"],
        ["force-unlock", "bogus-lock-id"],
    ]
    for fmt in ("csv", "fhir", "fhir-patch"):
        runs.append(["export", "annuaire", "--format", fmt, "-o", f"out/export-{fmt}"])
    runs.append(["export", "annuaire", "--format", "fhir-patch", "--plan", "missing-plan.json"])
    # --debug on user errors: still no traceback, still no secret
    runs += [["--debug", *run] for run in (["plan"], ["apply", "--auto-approve"], ["state", "list"], ["validate"])]
    return runs


def _project(root: Path, config: str) -> Path:
    root.mkdir(parents=True)
    (root / "balprov.yaml").write_text(config, encoding="utf-8")
    shutil.copytree(REPO / "cabinets", root / "cabinets")
    (root / "out").mkdir()
    (root / "extraction.txt").write_bytes(EXTRACTION)
    return root


def _run(root: Path, args: list[str]) -> tuple[list[str], int, str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR")}
    environment.update(ENV)
    result = subprocess.run(
        [*COMMAND, *args], cwd=root, env=environment, capture_output=True, stdin=subprocess.DEVNULL, timeout=60
    )
    return args, result.returncode, (result.stdout + result.stderr).decode("utf-8", "replace")


@pytest.mark.parametrize("kind", sorted(CONFIGS))
def test_no_secret_in_any_output(tmp_path: Path, kind: str) -> None:
    root = _project(tmp_path / kind, CONFIGS[kind])
    with ThreadPoolExecutor(max_workers=8) as pool:
        # one project per thread would lose the state the commands share; they run concurrently on one
        # (the misplaced config stops every command at loading: a few suffice)
        runs = commands() if kind != "misplaced" else [["validate"], ["plan"], ["state", "list"], ["--debug", "plan"]]
        results = list(pool.map(lambda args: _run(root, args), runs))
    leaks = [(args, code) for args, code, output in results if any(secret in output for secret in SECRETS)]
    assert leaks == []
    crashes = [(args, output) for args, code, output in results if "Traceback" in output or code == 70]
    assert crashes == []
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert len(written) >= 9  # the project, and what the commands wrote
    leaked = [str(path) for path in written if any(secret.encode() in path.read_bytes() for secret in SECRETS)]
    assert leaked == []


def test_the_sweep_would_see_a_leak(tmp_path: Path) -> None:
    """The secrets do reach balprov: a config that prints its values back (a schema error on a literal
    value) shows them, so the sweep above is not vacuous."""
    config = CONFIGS["misplaced"].replace("${BALPROV_SWEEP_LDAP_PASSWORD}", LDAP_SECRET)
    root = _project(tmp_path / "literal", config)
    _, code, output = _run(root, ["validate"])
    assert code == 2 and LDAP_SECRET in output
