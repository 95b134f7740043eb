"""Path safety: what a pull request can put under `cabinets/` cannot make balprov read outside the
repository, block, crash, or print a file name that forges output; a `metadata.name` cannot steer a
generated path.

Each test fails when its protection (validation/discovery.py, the schema's name pattern) is removed.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from balprov.project import load_project
from balprov.validation import ValidateOptions, validate
from balprov.validation.discovery import discover, escapes

from .support import TODAY, lilas_text, make_project, run_balprov

SECRET = "outside-secret-7f3a9c"
NAME_PATTERN = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="symbolic links and FIFOs")


def _outside(tmp_path: Path) -> Path:
    """A folder beside the repository holding what a link could reach: a secret and a valid cabinet."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(f"password: {SECRET}\n", encoding="utf-8")
    (outside / "stolen.yaml").write_text(lilas_text().replace("cabinet-des-lilas-93260", "stolen-cabinet"))
    return outside


def _report(root: Path):  # type: ignore[no-untyped-def]
    project = load_project(None, root)
    return validate(project, ValidateOptions(paths=[project.cabinets_dir], today=TODAY))


@posix_only
def test_a_symlinked_file_leading_outside_is_reported_and_not_read(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    root = make_project(tmp_path / "repo", {"ok.yaml": lilas_text()})
    (root / "cabinets" / "evil.yaml").symlink_to(outside / "secret.yaml")
    result = run_balprov("validate", "--format", "json", "cabinets", cwd=root)
    assert result.returncode == 1
    assert SECRET not in result.stdout + result.stderr
    found = [d for d in json.loads(result.stdout)["diagnostics"] if d["file"] == "cabinets/evil.yaml"]
    assert [(d["rule"], d["severity"], d["message"]) for d in found] == [
        ("yaml-syntax", "error", "symbolic link to a place outside the repository: not read")
    ]


@posix_only
def test_a_symlinked_folder_leading_outside_is_reported_and_not_walked(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    root = make_project(tmp_path / "repo", {"ok.yaml": lilas_text()})
    (root / "cabinets" / "elsewhere").symlink_to(outside)
    report = _report(root)
    assert [(d.file, d.rule, d.message) for d in report.diagnostics if d.file.startswith("cabinets/elsewhere")] == [
        ("cabinets/elsewhere", "yaml-syntax", "symbolic link to a place outside the repository: not read")
    ]
    assert "stolen-cabinet" not in report.names


@posix_only
def test_a_named_symlink_leading_outside_is_refused_too(tmp_path: Path) -> None:
    """`--changed-since` and a workflow's file list name files one by one: the same check applies."""
    outside = _outside(tmp_path)
    root = make_project(tmp_path / "repo", {})
    (root / "cabinets" / "evil.yaml").symlink_to(outside / "stolen.yaml")
    refused: dict[str, str] = {}
    found = discover([root / "cabinets" / "evil.yaml"], root, refused)
    assert [display for _, display in found] == ["cabinets/evil.yaml"]
    assert list(refused.values()) == ["symbolic link to a place outside the repository: not read"]
    result = run_balprov("validate", "cabinets/evil.yaml", cwd=root)
    assert result.returncode == 1 and "stolen-cabinet" not in result.stdout


@posix_only
def test_links_inside_the_repository_are_still_read(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo", {})
    (root / "shared").mkdir()
    (root / "shared" / "lilas.yaml").write_text(lilas_text(), encoding="utf-8")
    (root / "cabinets" / "lilas.yaml").symlink_to(root / "shared" / "lilas.yaml")
    assert not escapes(str(root / "cabinets" / "lilas.yaml"), str(root))
    report = _report(root)
    assert report.errors == 0 and "cabinet-des-lilas-93260" in report.names


@posix_only
def test_a_fifo_is_reported_instead_of_blocking_the_run(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo", {"ok.yaml": lilas_text()})
    os.mkfifo(root / "cabinets" / "pipe.yaml")
    result = run_balprov("validate", "cabinets", cwd=root)  # a blocked open would hit run_balprov's timeout
    assert result.returncode == 1
    assert "cabinets/pipe.yaml:1:1 error [yaml-syntax] not a regular file: not read" in result.stdout


ODD_NAMES = ["with space.yaml", "-leading-dash.yaml", "new\nline.yaml", "tab\there.yaml", "100%,a:b.yaml"]


@posix_only
@pytest.mark.parametrize("fmt", ["text", "json", "github", "junit", "sarif"])
def test_odd_file_names_are_read_and_shown_safely(tmp_path: Path, fmt: str) -> None:
    root = make_project(tmp_path / "repo", {name: "kind: [" for name in ODD_NAMES})
    (root / "cabinets" / os.fsdecode(b"latin1-\xe9.yaml")).write_text("kind: [", encoding="utf-8")
    result = run_balprov("validate", "--format", fmt, "cabinets", cwd=root)
    assert result.returncode == 1, result.stderr
    out = result.stdout
    if fmt == "text":
        assert "cabinets/new\\x0aline.yaml:" in out and "\nline.yaml" not in out  # no forged line
        assert "cabinets/-leading-dash.yaml:" in out and "cabinets/with space.yaml:" in out
    elif fmt == "json":
        files = {d["file"] for d in json.loads(out)["diagnostics"]}
        assert {f"cabinets/{name}" for name in ODD_NAMES} <= files
    elif fmt == "github":
        # one annotation per line: a newline in a name must not start a forged `::` command
        assert all(line.startswith(("::", "balprov: ")) for line in out.splitlines() if line)
        assert "file=cabinets/new%0Aline.yaml," in out and "file=cabinets/100%25%2Ca%3Ab.yaml," in out
    else:
        assert "new" in out and "leading-dash" in out
    # a name that is not UTF-8 is shown with its byte escaped (run_balprov decodes the output strictly)
    assert ("latin1-\\\\xe9.yaml" if fmt in ("json", "sarif") else "latin1-\\xe9.yaml") in out


@given(st.from_regex(NAME_PATTERN, fullmatch=True))
def test_every_name_the_schema_accepts_stays_inside_its_folder(name: str) -> None:
    """Generated paths are `<folder>/<metadata.name>.<ext>` (report pages, `new`): the name pattern
    allows neither '/', '..', a leading '-' (an option) nor a leading '.' (a hidden file)."""
    folder = Path("/srv/out")
    for suffix in (".yaml", ".html", ".csv"):
        path = Path(os.path.normpath(folder / f"{name}{suffix}"))
        assert path.parent == folder and not path.name.startswith(("-", "."))


@pytest.mark.parametrize("name", ["../escape", "a/b", "..", ".hidden", "-option", "a\\b", "abc\x00", "Upper"])
def test_a_hostile_metadata_name_is_a_schema_error_and_nothing_is_planned(tmp_path: Path, name: str) -> None:
    text = lilas_text().replace("name: cabinet-des-lilas-93260", f"name: {json.dumps(name)}")
    root = make_project(tmp_path / "repo", {"lilas.yaml": text})
    report = _report(root)
    assert any(d.rule == "schema" and d.path == "/metadata/name" for d in report.diagnostics), report.diagnostics
    result = run_balprov("plan", cwd=root)
    assert result.returncode != 0 and "nothing was planned" in result.stderr


@pytest.mark.parametrize("value", ["../outside", "/etc", "cabinets/../.."])
def test_the_cabinets_folder_cannot_lead_outside_the_repository(tmp_path: Path, value: str) -> None:
    """balprov.yaml comes from pull requests too: `cabinets: /etc` would make validate read other files."""
    (tmp_path / "outside").mkdir()
    config = "version: 1\ncabinets: " + value + "\noperators:\n  - id: demo\n    domain: demo.mssante.fr\n"
    root = make_project(tmp_path / "repo", {}, config=config)
    result = run_balprov("validate", cwd=root)
    assert result.returncode == 2
    assert f"balprov.yaml:2:11: cabinets: '{value}' leads outside the folder holding balprov.yaml" in result.stderr


def test_too_many_files_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from balprov.errors import UsageError
    from balprov.validation import discovery

    root = make_project(tmp_path / "repo", {f"c{index}.yaml": "" for index in range(4)})
    monkeypatch.setattr(discovery, "MAX_FILES", 3)
    with pytest.raises(UsageError, match=r"more than 3 files to read in .*cabinets; the limit is 3 per run"):
        discover([root / "cabinets"], root)
    monkeypatch.setattr(discovery, "MAX_FILES", 4)
    assert len(discover([root / "cabinets"], root)) == 4


@posix_only
def test_a_template_linked_outside_is_not_read(tmp_path: Path) -> None:
    """The sandbox guards what a template does, not where its text comes from: `templates/plan/markdown.j2
    -> /proc/self/environ` would print CI's environment in the plan comment."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "environ.j2").write_text(f"{SECRET}\n", encoding="utf-8")
    root = make_project(tmp_path / "repo", {"lilas.yaml": lilas_text()})
    (root / "templates" / "plan").mkdir(parents=True)
    (root / "templates" / "plan" / "markdown.j2").symlink_to(outside / "environ.j2")
    result = run_balprov("plan", "--format", "markdown", cwd=root)
    assert result.returncode == 2 and SECRET not in result.stdout + result.stderr
    assert (
        "template plan/markdown.j2: a symbolic link to a file outside the templates folder: not read" in result.stderr
    )


@posix_only
def test_a_templates_folder_linked_outside_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "plan").mkdir(parents=True)
    (outside / "plan" / "markdown.j2").write_text(f"{SECRET}\n", encoding="utf-8")
    root = make_project(tmp_path / "repo", {"lilas.yaml": lilas_text()})
    (root / "templates").symlink_to(outside)
    result = run_balprov("plan", "--format", "markdown", cwd=root)
    assert result.returncode == 2 and SECRET not in result.stdout + result.stderr
    assert "templates: a symbolic link to a folder outside the repository: not read" in result.stderr


@posix_only
def test_a_template_linked_inside_the_templates_folder_is_used(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo", {"lilas.yaml": lilas_text()})
    (root / "templates" / "plan").mkdir(parents=True)
    (root / "templates" / "plan" / "mine.j2").write_text("custom {{ summary.create }}\n", encoding="utf-8")
    (root / "templates" / "plan" / "text.j2").symlink_to(root / "templates" / "plan" / "mine.j2")
    result = run_balprov("plan", cwd=root)
    assert result.returncode == 0 and result.stdout == "custom 1\n"
