"""`balprov plan` / `apply` end to end with the ldap provider against a real slapd.

The shipped examples (the fiche's four cases, 7 mailboxes) are applied through the command line
in-process, the directory is read back with `ldapsearch`, changed by hand with `ldapmodify`, and the
fault cases are provoked for real: a closed port, a wrong password, an entry balprov did not create,
a server stopped (SIGSTOP) in the middle of an apply. The bind password never shows in any output.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from balprov.state.sqlite import SqliteState
from clirun import Result, Run, run_in_process
from services.slapd import Slapd, SlapdUnavailable, Writes, free_port, launch, unavailable

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-11-29"
PASSWORD_VARIABLE = "BALPROV_TEST_LDAP_PASSWORD"
FAKE_PASSWORD = "Zq9-FAKE-bind-secret-7731"
LILAS = "cabinet-des-lilas-93260"
LILAS_AT = "cabinet-des-lilas.93260@demo.mssante.fr"


@dataclass
class Directory:
    """The test's branch of a slapd, and the project pointing at it."""

    slapd: Slapd
    base: str
    project: Path

    @property
    def bal(self) -> str:
        return f"ou=bal,{self.base}"

    def root(self, address: str) -> str:
        return f"mail={address},{self.bal}"

    def roots(self) -> dict[str, dict[str, list[str]]]:
        return self.slapd.search(self.bal, "(mail=*)", "*", scope="one")

    def subtree(self, address: str) -> dict[str, dict[str, list[str]]]:
        return self.slapd.search(self.root(address))

    def csns(self) -> dict[str, list[str]]:
        """entryCSN of every entry: it changes with every write to the entry."""
        found = self.slapd.search(self.base, "(objectClass=*)", "entryCSN")
        return {dn: attributes["entryCSN"] for dn, attributes in found.items()}


def write_config(root: Path, url: str, base: str, **extra: Any) -> None:
    lines = [
        "version: 1",
        "operators:",
        "  - id: demo",
        "    domain: demo.mssante.fr",
        "    provider:",
        "      type: ldap",
        f"      url: {url}",
        "      bindDN: cn=admin,dc=balprov,dc=test",
        f"      password: ${{{PASSWORD_VARIABLE}}}",
        f"      baseDN: {base}",
        *(f"      {key}: {value}" for key, value in {"timeout": 5, **extra}.items()),
        "state:",
        "  backend: sqlite",
        "  path: .balprov/state.db",
    ]
    (root / "balprov.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_project(root: Path, slapd: Slapd, **extra: Any) -> Directory:
    base = slapd.new_base("cli")
    shutil.copytree(REPO / "cabinets", root / "cabinets")
    write_config(root, slapd.url, base, **extra)
    return Directory(slapd, base, root)


@pytest.fixture
def directory(tmp_path: Path, slapd: Slapd, monkeypatch: pytest.MonkeyPatch) -> Directory:
    monkeypatch.setenv(PASSWORD_VARIABLE, slapd.root_password)
    return make_project(tmp_path, slapd)


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """balprov in-process from the project folder, as the console script runs it (exit code included)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")

    def invoke(*args: str) -> Result:
        return run_in_process(capsys, [*args, "--today", TODAY] if args[0] in ("plan", "apply") else args)

    return invoke


def edit(project: Path, relative: str, old: str, new: str) -> None:
    path = project / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, (relative, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def state_names(run: Run) -> list[str]:
    listed = run("state", "list", "--format", "json")
    assert listed.code == 0, listed.err
    return sorted(m["name"] for m in json.loads(listed.out)["mailboxes"])


def no_secret(*results: Result, secret: str) -> None:
    for result in results:
        assert secret not in result.both


# ---------------------------------------------------------------------------------------------------
# apply, re-apply, update, drift, delete


def test_apply_the_examples_then_reapply_changes_nothing(run: Run, directory: Directory, writes: Writes) -> None:
    planned = run("plan", "-o", "plan.json")
    assert planned.code == 0, planned.err
    assert planned.out.splitlines()[0] == "Plan: 7 to create, 0 to update, 0 to delete, 0 unchanged."
    applied = run("apply", "plan.json")
    assert applied.code == 0, applied.both
    assert "Apply: 7 applied, 0 failed, 0 not attempted." in applied.out

    roots = directory.roots()
    assert len(roots) == 7
    lilas = roots[directory.root(LILAS_AT)]
    assert lilas["displayName"] == ["Cabinet des Lilas"]
    assert "Cabinet médical de groupe, secrétariat partagé" in lilas["description"]
    held = directory.subtree(LILAS_AT)
    holders = held[f"cn=cotitulaires,{directory.root(LILAS_AT)}"]
    assert holders["owner"] == [f"uid=10107592585,ou=cotitulaires,{directory.root(LILAS_AT)}"]
    assert len(holders["member"]) == 2
    claire = held[f"uid=claire.dupont,ou=delegataires,{directory.root(LILAS_AT)}"]
    assert claire["businessCategory"] == ["read", "send"]
    assert len(claire["seeAlso"]) == 2
    shown = json.loads(run("state", "show", LILAS, "--format", "json").out)
    assert shown["provider_ids"] == {"ldap_dn": directory.root(LILAS_AT)}

    writes.take()
    csns = directory.csns()
    again = run("apply", "--auto-approve")
    assert again.code == 0 and again.out.startswith("No changes."), again.both
    refreshed = run("plan", "--refresh", "--detailed-exitcode")
    assert refreshed.code == 0, refreshed.both
    assert "Drift" not in refreshed.out
    assert writes.take() == []
    assert directory.csns() == csns


def test_a_rerun_after_the_state_missed_a_change_converges_without_writing_it_twice(
    run: Run, directory: Directory, writes: Writes, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = SqliteState.record

    def killed_before_recording(state: SqliteState, change: Any) -> int:
        if change.name == LILAS:
            raise RuntimeError("killed between the provider and the state")
        return record(state, change)

    monkeypatch.setattr(SqliteState, "record", killed_before_recording)
    first = run("apply", "--auto-approve")
    assert first.code == 1 and "killed between the provider and the state" in first.out
    assert state_names(run) == []
    assert directory.root(LILAS_AT) in directory.roots()  # the directory is one change ahead

    monkeypatch.setattr(SqliteState, "record", record)
    writes.take()
    rerun = run("apply", "--auto-approve")
    assert rerun.code == 0, rerun.both
    assert len(state_names(run)) == 7
    assert [dn for _, dn in writes.take() if dn.endswith(directory.root(LILAS_AT))] == []
    assert run("plan", "--refresh", "--detailed-exitcode").code == 0


def test_update_rights_a_removed_delegate_and_a_new_principal(run: Run, directory: Directory) -> None:
    assert run("apply", "--auto-approve").code == 0
    project = directory.project
    edit(project, "cabinets/cabinet-des-lilas.yaml", "rights: [read, send]", "rights: [read]")
    edit(
        project,
        "cabinets/sgami/administration.yaml",
        "    - id: ines.robert\n      lastName: Robert\n      firstName: Inès\n      role: Gestionnaire\n"
        '      rights: [read]\n      delegatedBy: ["10003000295"]\n',
        "",
    )
    saint_jean = "cabinets/cabinet-infirmier-saint-jean.yaml"
    edit(project, saint_jean, "      principal: true\n", "")
    edit(project, saint_jean, "      firstName: Karim\n", "      firstName: Karim\n      principal: true\n")

    planned = run("plan")
    assert planned.out.splitlines()[0] == "Plan: 0 to create, 3 to update, 0 to delete, 4 unchanged."
    assert '~ delegataires[claire.dupont].rights: ["read", "send"] -> ["read"]' in planned.out
    applied = run("apply", "--auto-approve")
    assert applied.code == 0, applied.both

    lilas = directory.root(LILAS_AT)
    assert directory.subtree(LILAS_AT)[f"uid=claire.dupont,ou=delegataires,{lilas}"]["businessCategory"] == ["read"]
    sgami_at = "sgami-sud-est.administration.69003@demo.mssante.fr"
    sgami = directory.subtree(sgami_at)
    assert f"uid=ines.robert,ou=delegataires,{directory.root(sgami_at)}" not in sgami
    assert sgami[f"cn=delegataires,{directory.root(sgami_at)}"]["member"] == [
        f"uid=marc.lambert,ou=delegataires,{directory.root(sgami_at)}"
    ]
    jean_at = "cabinet-infirmier-saint-jean.69005@demo.mssante.fr"
    jean = directory.subtree(jean_at)
    assert jean[f"cn=cotitulaires,{directory.root(jean_at)}"]["owner"] == [
        f"uid=10003000089,ou=cotitulaires,{directory.root(jean_at)}"
    ]
    assert jean[f"uid=10003000014,ou=cotitulaires,{directory.root(jean_at)}"]["employeeType"] == ["cotitulaire"]
    assert run("plan", "--refresh", "--detailed-exitcode").code == 0


def test_a_hand_change_is_drift_and_a_refreshed_plan_repairs_it(run: Run, directory: Directory) -> None:
    assert run("apply", "--auto-approve").code == 0
    lilas = directory.root(LILAS_AT)
    directory.slapd.modify(f"dn: {lilas}\nchangetype: modify\nreplace: displayName\ndisplayName: Changed by hand\n")
    directory.slapd.modify(
        f"dn: cn=delegataires,{lilas}\nchangetype: modify\nadd: member\nmember: uid=intruder,{directory.base}\n"
    )
    assert run("plan", "--detailed-exitcode").code == 0  # without --refresh, the state is all plan sees

    refreshed = run("plan", "--refresh", "--detailed-exitcode")
    assert refreshed.code == 2, refreshed.both
    assert "Drift: 1 mailbox(es) changed at the operator outside balprov:" in refreshed.out
    assert f"{LILAS} ({LILAS_AT})" in refreshed.out
    assert 'displayName: recorded "Cabinet des Lilas", found "Changed by hand"' in refreshed.out
    assert f'"unexpected": ["uid=intruder,{directory.base}"]' in refreshed.out
    assert '~ displayName: "Changed by hand" -> "Cabinet des Lilas"' in refreshed.out

    assert run("plan", "--refresh", "-o", "repair.json").code == 0
    repaired = run("apply", "repair.json")
    assert repaired.code == 0, repaired.both
    held = directory.subtree(LILAS_AT)
    assert held[lilas]["displayName"] == ["Cabinet des Lilas"]
    assert held[f"cn=delegataires,{lilas}"]["member"] == [f"uid=claire.dupont,ou=delegataires,{lilas}"]
    assert run("plan", "--refresh", "--detailed-exitcode").code == 0


def test_a_removed_mailbox_is_deleted_with_its_subtree_only_with_allow_delete(run: Run, directory: Directory) -> None:
    assert run("apply", "--auto-approve").code == 0
    (directory.project / "cabinets" / "sgami" / "administration.yaml").unlink()
    sgami_at = "sgami-sud-est.administration.69003@demo.mssante.fr"
    refused = run("apply", "--auto-approve")
    assert refused.code == 1 and "--allow-delete" in refused.err
    assert directory.subtree(sgami_at)
    deleted = run("apply", "--auto-approve", "--allow-delete")
    assert deleted.code == 0, deleted.both
    assert directory.subtree(sgami_at) == {}
    assert len(directory.roots()) == 6
    assert run("plan", "--refresh", "--detailed-exitcode").code == 0


# ---------------------------------------------------------------------------------------------------
# faults: each a clear message, exit 1 or 3, a state that matches the directory, no password shown


def test_an_unreachable_directory(run: Run, tmp_path: Path, slapd: Slapd, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_VARIABLE, FAKE_PASSWORD)
    shutil.copytree(REPO / "cabinets", tmp_path / "cabinets")
    write_config(tmp_path, f"ldap://127.0.0.1:{free_port()}", "ou=nowhere,dc=balprov,dc=test", timeout=2)
    applied = run("apply", "--auto-approve")
    assert applied.code == 1
    assert "cannot reach the directory (connect)" in applied.out
    assert "Apply: 0 applied, 1 failed, 6 not attempted." in applied.out
    assert state_names(run) == []
    debug = run("--debug", "apply", "--auto-approve")
    assert debug.code == 1 and "Traceback" not in debug.both
    no_secret(applied, debug, secret=FAKE_PASSWORD)


def test_a_refused_bind(run: Run, directory: Directory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_VARIABLE, FAKE_PASSWORD)
    applied = run("apply", "--auto-approve")
    assert applied.code == 1
    assert "bind as cn=admin,dc=balprov,dc=test refused by the directory: invalidCredentials (49)" in applied.out
    assert state_names(run) == []
    assert directory.roots() == {}
    monkeypatch.setenv(PASSWORD_VARIABLE, directory.slapd.root_password)
    assert run("apply", "--auto-approve").code == 0
    monkeypatch.setenv(PASSWORD_VARIABLE, FAKE_PASSWORD)
    refreshed = run("plan", "--refresh")
    assert refreshed.code == 1 and "invalidCredentials (49)" in refreshed.err
    no_secret(applied, refreshed, secret=FAKE_PASSWORD)


def test_a_missing_password_variable(run: Run, directory: Directory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_VARIABLE)
    referenced = run("apply", "--auto-approve")  # password: ${VAR}, resolved when balprov.yaml is read
    assert referenced.code in (1, 2) and PASSWORD_VARIABLE in referenced.both
    config = directory.project / "balprov.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace(f"password: ${{{PASSWORD_VARIABLE}}}", f"passwordEnv: {PASSWORD_VARIABLE}"))
    named = run("apply", "--auto-approve")
    assert named.code == 1
    assert f"the bind password's environment variable {PASSWORD_VARIABLE} is not set" in named.out
    assert "Traceback" not in referenced.both + named.both
    assert directory.roots() == {}


def test_a_foreign_entry_is_refused_then_adopted(run: Run, directory: Directory) -> None:
    slapd, lilas = directory.slapd, directory.root(LILAS_AT)
    slapd.add(f"dn: {directory.bal}\nobjectClass: organizationalUnit\nou: bal\n")
    slapd.add(
        f"dn: {lilas}\nobjectClass: inetOrgPerson\nobjectClass: labeledURIObject\nmail: {LILAS_AT}\n"
        "cn: Made by the platform\nsn: Lilas\nlabeledURI: https://platform.example/lilas\n"
    )
    refused = run("apply", "--auto-approve")
    assert refused.code == 1
    assert (
        f"FAILED create {LILAS} ({LILAS_AT}): ldap provider (operator demo, {slapd.url}): cannot create {LILAS_AT}: "
        f"{lilas} already exists in the directory and was not created by balprov; refusing to take it over"
    ) in refused.out
    assert "Apply: 0 applied, 1 failed, 6 not attempted." in refused.out
    assert state_names(run) == [] and list(directory.roots()) == [lilas]

    partly = run("apply", "--auto-approve", "--continue-on-error")
    assert partly.code == 3
    assert "Apply: 6 applied, 1 failed, 0 not attempted." in partly.out
    assert LILAS not in state_names(run) and len(state_names(run)) == 6
    assert directory.roots()[lilas]["cn"] == ["Made by the platform"]

    adopted = run("apply", "--auto-approve", "--adopt")
    assert adopted.code == 0, adopted.both
    assert LILAS in state_names(run)
    held = directory.roots()[lilas]
    assert held["cn"] == ["Cabinet des Lilas"] and held["labeledURI"] == ["https://platform.example/lilas"]
    assert run("plan", "--refresh", "--detailed-exitcode").code == 0
    no_secret(refused, partly, adopted, secret=slapd.root_password)


@pytest.fixture
def private_slapd(tmp_path: Path) -> Iterator[Slapd]:
    """A slapd of this test's own: it is paused in the middle of an apply."""
    try:
        server = launch(tmp_path / "slapd")
    except SlapdUnavailable as error:
        unavailable(str(error))
        raise
    try:
        yield server
    finally:
        server.stop()


def test_a_directory_that_stops_answering_mid_apply(
    run: Run, tmp_path: Path, private_slapd: Slapd, writes: Writes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_VARIABLE, private_slapd.root_password)
    directory = make_project(tmp_path, private_slapd, timeout=1)
    adds: list[str] = []

    def pause_at_the_fifteenth_add(operation: str, dn: str) -> None:
        if operation == "add":
            adds.append(dn)
            if len(adds) == 15:  # inside the second mailbox (Lilas takes ou=bal and its 9 entries)
                private_slapd.pause()

    writes.before = pause_at_the_fifteenth_add
    try:
        applied = run("apply", "--auto-approve")
    finally:
        private_slapd.resume()
    writes.before = None
    assert applied.code == 3, applied.both
    assert "FAILED create cabinet-infirmier-saint-jean-69005" in applied.out
    assert "the directory did not answer within 1s (add " in applied.out
    assert "the change may or may not have reached the directory" in applied.out
    assert "Apply: 1 applied, 1 failed, 5 not attempted." in applied.out
    # the state holds exactly what succeeded, and the directory holds it whole
    assert state_names(run) == [LILAS]
    refreshed = run("plan", "--refresh")
    assert refreshed.code == 0 and "Drift" not in refreshed.out, refreshed.both

    rerun = run("apply", "--auto-approve")
    assert rerun.code == 0, rerun.both
    assert len(state_names(run)) == 7 and len(directory.roots()) == 7
    assert run("plan", "--refresh", "--detailed-exitcode").code == 0
    no_secret(applied, refreshed, rerun, secret=private_slapd.root_password)
