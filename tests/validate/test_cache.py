"""The validation cache never changes a result: the same diagnostics, names and plan references with it,
without it, cold or warm, after edits, renames, severity changes, and whatever state the cache file is in.
It only saves work: unchanged files are not parsed again."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import stat
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balprov.diagnostics import Severity
from balprov.planning.make import DESIRED_REF_ID, desired_ref, is_desired_ref
from balprov.project import Project, load_project
from balprov.validation import ValidateOptions, ValidationReport, engine, file_check, validate
from balprov.validation.cache import CACHE_FOLDER, Entry, ResultCache

# the fuzzers' damaged and random files (tests/ is on sys.path; imported here, outside any running test)
from test_properties import any_file

from .support import MIXED, REPO, run_balprov

TODAY = "2026-11-29"
HOUR_AGO = time.time() - 3600
SHIPPED = sorted((REPO / "cabinets").rglob("*.yaml"))


def make_project(root: Path, files: dict[str, bytes], config: str | None = None) -> Project:
    (root / "cabinets").mkdir(parents=True, exist_ok=True)
    (root / "balprov.yaml").write_text(config or (MIXED / "balprov.yaml").read_text(encoding="utf-8"))
    for name, raw in files.items():
        (root / "cabinets" / name).write_bytes(raw)
    return load_project(None, root)


def settle(root: Path) -> None:
    """Files last modified an hour ago: old enough for the stat index to vouch for them."""
    for path in (root / "cabinets").rglob("*.yaml"):
        os.utime(path, (HOUR_AGO, HOUR_AGO))


def run(project: Project, *, cache: bool, plan: bool = False, jobs: int = 1, **extra: Any) -> ValidationReport:
    options = ValidateOptions(paths=[project.cabinets_dir], today=TODAY, jobs=jobs, cache=cache, **extra)
    if plan:  # what `balprov plan` keeps of each valid file
        options = dataclasses.replace(options, keep=_keep, keep_id=DESIRED_REF_ID, keep_check=is_desired_ref)
    return validate(project, options)


def _keep(document: Any, file: str) -> Any:
    return desired_ref(document, file, TODAY)


def outcome(report: ValidationReport) -> tuple[Any, ...]:
    """Everything a command reads from a report; cached references come back as JSON (lists for tuples)."""
    documents = json.loads(json.dumps(report.documents, sort_keys=True))
    return report.files, [d.as_dict() for d in report.diagnostics], report.names, documents


def shipped_and_broken() -> dict[str, bytes]:
    files = {path.name: path.read_bytes() for path in SHIPPED}
    files.update({path.name: path.read_bytes() for path in (MIXED / "cabinets").glob("*.yaml")})
    lilas = (REPO / "cabinets" / "cabinet-des-lilas.yaml").read_bytes()
    files["z-copy-of-lilas.yaml"] = lilas  # duplicates: cross-file rules from cached summaries
    files["z-empty.yaml"] = b""
    files["z-binary.yaml"] = b"\x00\xff\xfe"
    files["z-tag.yaml"] = b"!!python/object/apply:os.system ['true']\n"
    return files


@pytest.mark.parametrize("plan", [False, True])
def test_cold_and_warm_runs_report_exactly_what_an_uncached_run_reports(tmp_path: Path, plan: bool) -> None:
    project = make_project(tmp_path, shipped_and_broken())
    settle(tmp_path)
    uncached = outcome(run(project, cache=False, plan=plan))
    assert uncached[1], "the fixture must have findings, or the comparison proves little"
    assert outcome(run(project, cache=True, plan=plan)) == uncached  # cold: fills the cache
    assert outcome(run(project, cache=True, plan=plan)) == uncached  # warm: from the stat index
    assert outcome(run(project, cache=True, plan=plan, jobs=2)) == uncached


def test_a_warm_run_parses_only_the_changed_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path, {path.name: path.read_bytes() for path in SHIPPED})
    settle(tmp_path)
    run(project, cache=True)
    parsed: list[int] = []
    real = file_check.load_yaml
    monkeypatch.setattr(file_check, "load_yaml", lambda raw: parsed.append(len(raw)) or real(raw))
    assert outcome(run(project, cache=True)) == outcome(run(project, cache=False))
    assert sorted(parsed) == sorted(len(p.read_bytes()) for p in SHIPPED)  # the uncached run only
    parsed.clear()
    changed = tmp_path / "cabinets" / SHIPPED[0].name
    changed.write_bytes(changed.read_bytes() + b"# edited\n")
    report = run(project, cache=True)
    assert parsed == [changed.stat().st_size]
    assert outcome(report) == outcome(run(project, cache=False))


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(tmp_path: Path) -> None:
    # The stat index also compares the inode change time, which no one can set back.
    project = make_project(tmp_path, {"a.yaml": SHIPPED[0].read_bytes()})
    settle(tmp_path)
    before = outcome(run(project, cache=True))
    path = tmp_path / "cabinets" / "a.yaml"
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b"operator: demo", b"operator: dem0", 1))  # same size: unknown operator
    os.utime(path, (HOUR_AGO, HOUR_AGO))
    after = outcome(run(project, cache=True))
    assert after != before and after == outcome(run(project, cache=False))
    assert "operator-unknown" in {d["rule"] for d in after[1]}


def test_a_file_changed_just_after_the_run_that_recorded_it_is_read_again(tmp_path: Path) -> None:
    # Racy clean (git's term): recorded within two seconds of its last change, the stat proves nothing.
    project = make_project(tmp_path, {"a.yaml": SHIPPED[0].read_bytes()})
    run(project, cache=True)
    cache = ResultCache.open(tmp_path / CACHE_FOLDER, _only_context(tmp_path))
    path = tmp_path / "cabinets" / "a.yaml"
    info = path.stat()
    key = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)
    assert cache.digest_by_stat("cabinets/a.yaml", key) is None
    settle(tmp_path)
    run(project, cache=True)
    cache = ResultCache.open(tmp_path / CACHE_FOLDER, _only_context(tmp_path))
    info = path.stat()
    key = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)
    assert cache.digest_by_stat("cabinets/a.yaml", key) is not None


def _only_context(root: Path) -> str:
    [path] = (root / CACHE_FOLDER).glob("validate-*.json")
    header = json.loads(path.read_bytes().partition(b"\n")[0])
    context: str = header["context"]
    return context


def test_a_severity_change_in_balprov_yaml_is_never_answered_from_the_old_results(tmp_path: Path) -> None:
    project = make_project(tmp_path, shipped_and_broken())
    settle(tmp_path)
    before = outcome(run(project, cache=True))
    warning = next(d["rule"] for d in before[1] if d["severity"] == "warning")
    error = next(d["rule"] for d in before[1] if d["severity"] == "error" and d["rule"] != warning)
    config = (tmp_path / "balprov.yaml").read_text() + f"rules:\n  {warning}: error\n  {error}: off\n"
    (tmp_path / "balprov.yaml").write_text(config)
    changed = load_project(None, tmp_path)
    assert changed.severities[error] == Severity.OFF
    cached = outcome(run(changed, cache=True))
    assert cached == outcome(run(changed, cache=False))
    assert error not in {d["rule"] for d in cached[1]}
    assert {d["severity"] for d in cached[1] if d["rule"] == warning} == {"error"}


def test_another_day_or_operator_is_another_context(tmp_path: Path) -> None:
    project = make_project(tmp_path, shipped_and_broken())
    run(project, cache=True)
    later = ValidateOptions(paths=[project.cabinets_dir], today="2031-01-01", cache=True)
    assert outcome(validate(project, later)) == outcome(
        validate(project, ValidateOptions(paths=[project.cabinets_dir], today="2031-01-01"))
    )
    assert len(list((tmp_path / CACHE_FOLDER).glob("validate-*.json"))) == 2


def test_a_renamed_file_keeps_its_entry_under_its_new_name(tmp_path: Path) -> None:
    project = make_project(tmp_path, shipped_and_broken())
    settle(tmp_path)
    run(project, cache=True, plan=True)
    (tmp_path / "cabinets" / "b-rules.yaml").rename(tmp_path / "cabinets" / "renamed.yaml")
    (tmp_path / "cabinets" / "a-valid.yaml").rename(tmp_path / "cabinets" / "a-renamed.yaml")
    cached = outcome(run(project, cache=True, plan=True))
    assert cached == outcome(run(project, cache=False, plan=True))
    assert "cabinets/renamed.yaml" in {d["file"] for d in cached[1]}
    assert "cabinets/a-renamed.yaml" in cached[3]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
        pytest.param(lambda raw: b"", id="empty"),
        pytest.param(lambda raw: b"\x00garbage\xff" * 10, id="garbage"),
        pytest.param(lambda raw: raw.replace(b'"format": 1', b'"format": 99'), id="other-format"),
        pytest.param(lambda raw: raw.replace(b'"error"', b'"warning"'), id="edited-body"),
    ],
)
def test_a_damaged_cache_file_counts_as_empty(tmp_path: Path, damage: Any) -> None:
    project = make_project(tmp_path, shipped_and_broken())
    settle(tmp_path)
    expected = outcome(run(project, cache=False))
    run(project, cache=True)
    [path] = (tmp_path / CACHE_FOLDER).glob("validate-*.json")
    path.write_bytes(damage(path.read_bytes()))
    assert outcome(run(project, cache=True)) == expected
    assert outcome(run(project, cache=True)) == expected  # and it was rewritten whole


def _rewrite(path: Path, change: Any) -> None:
    """Edits the body and recomputes its checksum, as a well-meaning tool (or a bug) might."""
    import hashlib

    header, _, body = path.read_bytes().partition(b"\n")
    content = json.loads(body)
    change(content)
    body = json.dumps(content).encode()
    meta = json.loads(header)
    meta["sha256"] = hashlib.sha256(body).hexdigest()
    path.write_bytes(json.dumps(meta).encode() + b"\n" + body)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda c: c["entries"].update({k: "nonsense" for k in c["entries"]}), id="entry-not-a-list"),
        pytest.param(lambda c: c["entries"].update({k: [[["x"]], None, None] for k in c["entries"]}), id="bad-diag"),
        pytest.param(lambda c: c["entries"].update({k: [[], [1, 2], None] for k in c["entries"]}), id="bad-summary"),
        pytest.param(lambda c: c["index"].update({k: [[1], "x"] for k in c["index"]}), id="bad-index"),
        pytest.param(lambda c: c.update({"index": [], "entries": []}), id="wrong-types"),
        pytest.param(lambda c: c.update({"recorded_ns": "soon"}), id="bad-time"),
        pytest.param(
            lambda c: [e.__setitem__(2, [e[2][0], 5]) for e in c["entries"].values() if e[2]], id="bad-plan-reference"
        ),
        pytest.param(
            lambda c: [e.__setitem__(2, [e[2][0], ["n", "d", [1]]]) for e in c["entries"].values() if e[2]],
            id="bad-scheduled",
        ),
    ],
)
def test_entries_of_the_wrong_shape_are_recomputed(tmp_path: Path, change: Any) -> None:
    project = make_project(tmp_path, shipped_and_broken())
    settle(tmp_path)
    expected = outcome(run(project, cache=False, plan=True))
    run(project, cache=True, plan=True)
    [path] = (tmp_path / CACHE_FOLDER).glob("validate-*.json")
    _rewrite(path, change)
    assert outcome(run(project, cache=True, plan=True)) == expected


def test_a_cache_from_another_context_is_not_read(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"a.yaml": SHIPPED[0].read_bytes()})
    run(project, cache=True)
    [path] = (tmp_path / CACHE_FOLDER).glob("validate-*.json")
    foreign = path.with_name("validate-" + "0" * 32 + ".json")
    shutil.copy(path, foreign)
    assert ResultCache.open(tmp_path / CACHE_FOLDER, "0" * 64).raw_entries == {}


def test_the_cache_is_private_and_written_atomically(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"a.yaml": SHIPPED[0].read_bytes()})
    run(project, cache=True)
    folder = tmp_path / CACHE_FOLDER
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [stat.S_IMODE(p.stat().st_mode) for p in folder.glob("validate-*")] == [0o600]
    assert sorted(p.name for p in folder.iterdir()) == [
        ".gitignore",
        "CACHEDIR.TAG",
        *(p.name for p in folder.glob("validate-*")),
    ]  # no temporary left behind


def test_the_cache_folder_is_ignored_by_git_even_without_a_gitignore(tmp_path: Path) -> None:
    import subprocess

    project = make_project(tmp_path, {"a.yaml": SHIPPED[0].read_bytes()})
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    run(project, cache=True)
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert ".balprov" not in status.stdout and "cabinets/a.yaml" in status.stdout


def test_an_unwritable_cache_is_not_an_error(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"a.yaml": SHIPPED[0].read_bytes()})
    (tmp_path / ".balprov").write_text("a file where the folder should be")
    assert outcome(run(project, cache=True)) == outcome(run(project, cache=False))


def test_only_the_newest_contexts_are_kept(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"a.yaml": SHIPPED[0].read_bytes()})
    for day in range(1, 8):
        validate(project, ValidateOptions(paths=[project.cabinets_dir], today=f"2026-12-0{day}", cache=True))
    assert len(list((tmp_path / CACHE_FOLDER).glob("validate-*.json"))) == 4


def test_the_parallel_path_fills_and_uses_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 2)
    project = make_project(tmp_path, shipped_and_broken())
    expected = outcome(run(project, cache=False, plan=True))
    assert outcome(run(project, cache=True, plan=True, jobs=2)) == expected
    settle(tmp_path)  # new stat: files are hashed again by the workers, found by content
    assert outcome(run(project, cache=True, plan=True, jobs=2)) == expected
    assert outcome(run(project, cache=True, plan=True, jobs=2)) == expected  # stat index this time


def test_context_files_named_by_pre_commit_use_and_keep_their_entries(tmp_path: Path) -> None:
    project = make_project(tmp_path, shipped_and_broken())
    settle(tmp_path)
    run(project, cache=True)
    named = ValidateOptions(
        paths=[project.cabinets_dir / "z-copy-of-lilas.yaml"], today=TODAY, context=[project.cabinets_dir], cache=True
    )
    uncached = ValidateOptions(
        paths=[project.cabinets_dir / "z-copy-of-lilas.yaml"], today=TODAY, context=[project.cabinets_dir]
    )
    assert outcome(validate(project, named)) == outcome(validate(project, uncached))
    cache = ResultCache.open(tmp_path / CACHE_FOLDER, _only_context(tmp_path))
    assert len(cache.raw_entries) == len(shipped_and_broken()) - 1  # every file's entry (the copy shares one)


def test_entry_round_trip() -> None:
    entry = Entry([[3, 5, "schema", "error", "message", "/spec"]], ("name", None), ("id", ["x", "y", []]))
    assert Entry.from_json(json.loads(json.dumps(entry.as_json()))) == entry


def test_the_command_line_writes_the_cache_and_no_cache_leaves_it_alone(tmp_path: Path) -> None:
    make_project(tmp_path, {"a.yaml": SHIPPED[0].read_bytes()})
    assert run_balprov("validate", "--no-cache", cwd=tmp_path).returncode == 0
    assert not (tmp_path / ".balprov").exists()
    first = run_balprov("validate", cwd=tmp_path)
    assert first.returncode == 0 and (tmp_path / CACHE_FOLDER).is_dir()
    second = run_balprov("validate", cwd=tmp_path)
    assert (second.returncode, second.stdout) == (first.returncode, first.stdout)
    assert run_balprov("plan", "--no-cache", cwd=tmp_path).stdout == run_balprov("plan", cwd=tmp_path).stdout


# --- property: whatever the files and their edits, cached results are uncached results -------------

EXAMPLES = max(20, int(os.environ.get("BALPROV_FUZZ_EXAMPLES", "1000")) // 10)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_cached_results_equal_uncached_ones_through_any_sequence_of_edits(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:

    root = tmp_path_factory.mktemp("cache-prop")
    files = data.draw(st.lists(any_file, min_size=1, max_size=4))
    project = make_project(root, {f"c{i}.yaml": raw for i, raw in enumerate(files)})
    for _round in range(3):
        if data.draw(st.booleans()):
            settle(root)
        plan = data.draw(st.booleans())
        assert outcome(run(project, cache=True, plan=plan)) == outcome(run(project, cache=False, plan=plan))
        for path in sorted((root / "cabinets").iterdir()):
            action = data.draw(st.sampled_from(["keep", "keep", "replace", "delete", "copy"]))
            if action == "replace":
                path.write_bytes(data.draw(any_file))
            elif action == "delete":
                path.unlink()
            elif action == "copy":
                shutil.copy(path, path.with_name("copy-" + path.name))


def test_a_run_that_changes_nothing_does_not_rewrite_the_cache(tmp_path: Path) -> None:
    project = make_project(tmp_path, shipped_and_broken())
    settle(tmp_path)
    run(project, cache=True)  # records the stat of files an hour old
    [path] = (tmp_path / CACHE_FOLDER).glob("validate-*.json")
    written = path.stat().st_ino, path.stat().st_mtime_ns
    expected = outcome(run(project, cache=True))
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == written
    (tmp_path / "cabinets" / "z-empty.yaml").unlink()  # a file gone: its entry goes too
    assert outcome(run(project, cache=True)) != expected
    assert (path.stat().st_ino, path.stat().st_mtime_ns) != written
    assert outcome(run(project, cache=True)) == outcome(run(project, cache=False))


# --- the confusable rule's memo: kept pairs completed with the new addresses only ------------------------

LILAS = (REPO / "cabinets" / "cabinet-des-lilas.yaml").read_text(encoding="utf-8")


def cabinet(name: str, local: str) -> bytes:
    text = LILAS.replace("name: cabinet-des-lilas-93260", f"name: {name}", 1)
    return text.replace("address: cabinet-des-lilas.93260@", f"address: {local}@", 1).encode()


def test_confusable_pairs_are_kept_between_runs_and_completed_with_the_changed_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from balprov.rules import name_confusable

    files = {f"c{i:03d}.yaml": cabinet(f"cab-{i:03d}", f"cabinet-{i * 7919 % 100_000:05d}.x") for i in range(80)}
    files["near-a.yaml"] = cabinet("near-a", "centre-medical-du-lac.51100")
    files["near-b.yaml"] = cabinet("near-b", "centre-medical-du-lac.51110")  # one digit apart: confusable
    project = make_project(tmp_path, files)
    settle(tmp_path)
    full_searches: list[int] = []
    real = name_confusable._close_pairs
    monkeypatch.setattr(name_confusable, "_close_pairs", lambda texts: full_searches.append(len(texts)) or real(texts))

    def same_as_uncached() -> list[str]:
        cached = outcome(run(project, cache=True))
        assert cached == outcome(run(project, cache=False))
        return [d["file"] for d in cached[1] if d["rule"] == "name-confusable"]

    assert same_as_uncached() == ["cabinets/near-b.yaml"]
    full_searches.clear()
    edits: list[tuple[str, bytes | None, list[str]]] = [
        # c001 now one digit from near-a (reported on near-a, the later path); near-b still next to near-a
        ("c001.yaml", cabinet("cab-001", "centre-medical-du-lac.51101"), ["near-a", "near-b"]),
        ("near-a.yaml", None, []),  # one side of both kept pairs gone: 51101 and 51110 are two digits apart
        ("c002.yaml", cabinet("cab-002", "cabinet-07919.y"), []),
        ("c003.yaml", cabinet("cab-003", "cabinet-07918.x"), []),  # close to c001's old address, now gone
        ("c004.yaml", cabinet("cab-004", "cabinet-07918.xy"), ["c004"]),  # a new pair between two changed files
        ("copy.yaml", cabinet("copy", "centre-medical-du-lac.51110"), ["c004"]),  # near-b's very address
    ]
    for name, content, expected in edits:
        path = tmp_path / "cabinets" / name
        if content is None:
            path.unlink()
        else:
            path.write_bytes(content)
        assert same_as_uncached() == [f"cabinets/{stem}.yaml" for stem in expected], name
    assert len(full_searches) == len(edits)  # the uncached runs only: every cached run completed the kept pairs


@pytest.mark.parametrize(
    "entry",
    [
        Entry([], ('n"é\u2028\\x', "a@b"), None),
        Entry([], (None, "a\x01"), None),
        Entry([[1, 2, "rule", "error", 'm"', "/p"]], ("n", None), None),
        Entry([], None, None),
        Entry([], ("n", "a"), ("id", ["x", "y", [{"a": 1}]])),
    ],
)
def test_results_encoded_by_hand_read_back_as_json_does(entry: Entry) -> None:
    from balprov.validation.cache import encode

    encoded = encode('cabinets/é"x.yaml', (1, 2, 3, 4, 5), "ab", entry)
    assert encoded is not None
    assert Entry.from_json(json.loads(encoded[0])) == entry
    assert json.loads("{" + encoded[1] + "}") == {'cabinets/é"x.yaml': [[1, 2, 3, 4, 5], "ab"]}
