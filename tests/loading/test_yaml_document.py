"""load_yaml and PositionIndex: every problem a file can have, with its exact position and rule."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from balprov.loading import PositionIndex, Problem, load_yaml
from balprov.loading.limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, SAFE_COMPOSE_BOUND

REPO = Path(__file__).resolve().parents[2]
LILAS = (REPO / "cabinets" / "cabinet-des-lilas.yaml").read_text(encoding="utf-8")


def only(raw: bytes | str) -> Problem:
    """The single problem of a file that has exactly one."""
    loaded = load_yaml(raw.encode() if isinstance(raw, str) else raw)
    assert len(loaded.problems) == 1, loaded.problems
    return loaded.problems[0]


def where(problem: Problem) -> tuple[int, int, str]:
    return problem.line, problem.column, problem.rule


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# --- well-formed files -------------------------------------------------------------------------------


def test_a_shipped_cabinet_loads_without_problems() -> None:
    loaded = load_yaml(LILAS.encode())
    assert loaded.problems == []
    assert loaded.text == LILAS
    spec = loaded.data["spec"]
    assert spec["cotitulaires"][1]["nominatedBy"] == "10107592585"
    assert spec["delegataires"][0]["rpps"] is None
    assert spec["delegataires"][0]["rights"] == ["read", "send"]
    assert spec["listeRouge"] is False
    assert spec["usage"].endswith("secrétariat.\n")


def test_dates_stay_strings() -> None:
    loaded = load_yaml(b"validFrom: 2026-12-01\nvalidUntil: '2027-01-31'\nstamp: 2026-12-01T10:00:00Z\n")
    assert loaded.problems == []
    assert loaded.data == {"validFrom": "2026-12-01", "validUntil": "2027-01-31", "stamp": "2026-12-01T10:00:00Z"}


def test_an_unquoted_rpps_becomes_a_number_and_a_quoted_one_stays_text() -> None:
    loaded = load_yaml(b"unquoted: 10107592585\nquoted: \"10107592585\"\nsingle: '10001045367'\n")
    assert loaded.problems == []
    assert loaded.data == {"unquoted": 10107592585, "quoted": "10107592585", "single": "10001045367"}


def test_an_unquoted_rpps_is_reported_by_the_schema_as_a_number_to_quote() -> None:
    from balprov.rules import RULES
    from balprov.validation.schema_check import SchemaCheck

    text = LILAS.replace('- rpps: "10107592585"', "- rpps: 10107592585")
    loaded = load_yaml(text.encode())
    assert loaded.data["spec"]["cotitulaires"][0]["rpps"] == 10107592585
    overlap = tuple(p for rule in RULES.values() for p in rule.schema_overlap)
    findings = SchemaCheck(overlap).findings(loaded.data)
    assert [(f.path, f.message) for f in findings] == [
        ("/spec/cotitulaires/0/rpps", '10107592585 is a number; quote it so it stays text: "10107592585"')
    ]
    assert PositionIndex(loaded.text).locate("/spec/cotitulaires/0/rpps") == (24, 13)


def test_plain_scalars_resolve_as_the_yaml_1_1_safe_loader_does() -> None:
    loaded = load_yaml(
        dedent("""
            a: ~
            b: null
            c: true
            d: off
            e: 1.5
            f: 0x1f
            g: "true"
            h: ''
            i:
            j: =
            k: <<
            l: -1
            m: .inf
            n: yes please
        """).encode()
    )
    assert loaded.problems == []
    assert loaded.data == {
        "a": None,
        "b": None,
        "c": True,
        "d": False,
        "e": 1.5,
        "f": 31,
        "g": "true",
        "h": "",
        "i": None,
        "j": "=",
        "k": "<<",
        "l": -1,
        "m": float("inf"),
        "n": "yes please",
    }


def test_a_utf8_byte_order_mark_is_accepted_and_not_counted_as_a_column() -> None:
    loaded = load_yaml(b"\xef\xbb\xbfa: b\nc: [d\n")
    assert loaded.text.startswith("a: b")
    assert [where(p) for p in loaded.problems] == [(3, 1, "yaml-syntax")]
    assert load_yaml(b"\xef\xbb\xbfa: b\n").data == {"a": "b"}


def test_crlf_line_endings_keep_positions() -> None:
    loaded = load_yaml(b"a: b\r\nc: d\r\nc: e\r\n")
    assert [where(p) for p in loaded.problems] == [(3, 1, "yaml-duplicate-key")]


def test_a_leading_document_marker_is_one_document() -> None:
    loaded = load_yaml(b"---\na: 1\n...\n")
    assert loaded.problems == []
    assert loaded.data == {"a": 1}


# --- syntax --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected", "fragment"),
    [
        ("a: b\nc: [1, 2\nd: e\n", (3, 2), "did not find expected ',' or ']'"),
        ("a: b\n  c: d\n", (2, 4), "mapping values are not allowed in this context"),
        ("a:\n\tb: c\n", (2, 1), "found character that cannot start any token"),
        ('a: "unterminated\n', (2, 1), "found unexpected end of stream"),
        ('x:\n  éé: "a\\q"\n', (2, 9), "found unknown escape character"),
        ("a: *nowhere\n", (1, 4), "found undefined alias"),
        ("- a\nb: c\n", (2, 1), "did not find expected '-' indicator (while parsing a block collection)"),
        ("...\n", (1, 1), "did not find expected node content"),
    ],
)
def test_syntax_errors_are_positioned(raw: str, expected: tuple[int, int], fragment: str) -> None:
    problem = only(raw)
    assert (problem.line, problem.column) == expected
    assert problem.rule == "yaml-syntax"
    assert fragment in problem.message
    assert problem.path == ""


def test_a_complex_key_is_reported_and_skipped() -> None:
    loaded = load_yaml(b"? [a, b]\n: c\nd: e\n")
    assert loaded.data == {"d": "e"}
    assert [where(p) for p in loaded.problems] == [(1, 3, "yaml-syntax")]
    assert "a mapping key must be a plain value" in loaded.problems[0].message


# --- duplicate keys --------------------------------------------------------------------------------------


def test_a_duplicate_key_is_reported_at_the_second_key() -> None:
    loaded = load_yaml(b"a: 1\nb: 2\na: 3\n")
    assert loaded.data == {"a": 3, "b": 2}
    problem = loaded.problems[0]
    assert (where(problem), problem.path) == ((3, 1, "yaml-duplicate-key"), "/a")
    assert "duplicate key 'a' (first at line 1)" in problem.message


def test_a_nested_duplicate_key_names_its_path_and_each_repetition() -> None:
    loaded = load_yaml(
        dedent("""
            spec:
              cotitulaires:
                - rpps: "1"
                  lastName: A
                  rpps: "2"
                  rpps: "3"
        """).encode()
    )
    assert [(where(p), p.path) for p in loaded.problems] == [
        ((5, 7, "yaml-duplicate-key"), "/spec/cotitulaires/0/rpps"),
        ((6, 7, "yaml-duplicate-key"), "/spec/cotitulaires/0/rpps"),
    ]
    assert all("(first at line 3)" in p.message for p in loaded.problems)
    assert loaded.data["spec"]["cotitulaires"][0]["rpps"] == "3"


def test_a_duplicate_key_in_a_flow_mapping() -> None:
    problem = only('profession: {code: "10", label: A, code: "60"}\n')
    assert (where(problem), problem.path) == ((1, 36, "yaml-duplicate-key"), "/profession/code")


# --- tags: never executed ------------------------------------------------------------------------------


def test_a_python_tag_is_reported_and_not_executed(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    raw = f"a: b\nc: !!python/object/apply:os.system ['touch {target}']\n"
    problem = only(raw)
    assert (where(problem), problem.path) == ((2, 4, "yaml-unsafe"), "/c")
    assert "tag !!python/object/apply:os.system is not allowed (it was not executed)" in problem.message
    assert not target.exists()


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/new:os.system",
        "!!python/name:os.system",
        "!!python/module:os",
        "!!python/object:pathlib.Path",
    ],
)
def test_other_python_tags_are_reported_and_not_executed(tag: str, tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    problem = only(f'value: {tag} ["touch {target}"]\n')
    assert where(problem) == (1, 8, "yaml-unsafe")
    assert f"tag {tag} is not allowed" in problem.message
    assert not target.exists()


def test_a_tag_on_a_key_is_reported() -> None:
    loaded = load_yaml(b"spec:\n  !!python/name:os.system name: x\n")
    assert loaded.data == {"spec": {"name": "x"}}
    assert [(where(p), p.path) for p in loaded.problems] == [((2, 3, "yaml-unsafe"), "/spec/name")]


def test_binary_and_set_tags_are_reported() -> None:
    loaded = load_yaml(b"a: !!binary aGVsbG8=\nb: !!set {x, y}\nc: !custom text\n")
    assert [(where(p), p.path) for p in loaded.problems] == [
        ((1, 4, "yaml-unsafe"), "/a"),
        ((2, 4, "yaml-unsafe"), "/b"),
        ((3, 4, "yaml-unsafe"), "/c"),
    ]
    assert [p.message.split(" is ")[0] for p in loaded.problems] == ["tag !!binary", "tag !!set", "tag !custom"]
    assert loaded.data["a"] == "aGVsbG8="  # the text, never decoded


def test_standard_explicit_tags_are_accepted() -> None:
    loaded = load_yaml(b'a: !!str 10107592585\nb: !!int "3"\nc: !!map {x: 1}\nd: !!seq [1]\n')
    assert loaded.problems == []
    assert loaded.data == {"a": "10107592585", "b": 3, "c": {"x": 1}, "d": [1]}


def test_a_merge_key_is_reported_and_not_merged() -> None:
    loaded = load_yaml(b"base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n")
    assert loaded.data == {"base": {"x": 1}, "c": {"y": 2}}
    problem = loaded.problems[0]
    assert (where(problem), problem.path) == ((3, 3, "yaml-unsafe"), "/c")
    assert "merge keys (<<) are not supported" in problem.message


# --- aliases, nesting ----------------------------------------------------------------------------------


def test_a_billion_laughs_is_stopped() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    loaded = load_yaml("\n".join(lines).encode())
    assert loaded.data is None
    problem = loaded.problems[-1]
    assert problem.rule == "yaml-unsafe"
    assert f"more than {MAX_NODES:,} values once aliases are expanded" in problem.message
    # stopped while expanding e (9^5 values), long before i, at an x of a's list (line 1)
    assert (problem.line, problem.column, problem.path) == (1, 23, "/e/0/2/0/3/5")


def test_a_few_aliases_are_fine() -> None:
    loaded = load_yaml(b"x: &r ['10107592585']\ny: *r\n")
    assert loaded.problems == []
    assert loaded.data == {"x": ["10107592585"], "y": ["10107592585"]}


@pytest.mark.parametrize("raw", ["a: &a [*a]\n", "&a [*a]\n", "&m {k: *m}\n"])
def test_a_recursive_alias_is_stopped(raw: str) -> None:
    loaded = load_yaml(raw.encode())
    assert loaded.data is None
    problem = loaded.problems[-1]
    assert problem.rule == "yaml-unsafe"
    assert f"nesting deeper than {MAX_DEPTH} levels" in problem.message


def test_deep_block_nesting_is_stopped_at_the_first_level_too_deep() -> None:
    text = "".join("  " * level + "k:\n" for level in range(40))
    problem = only(text)
    assert problem.rule == "yaml-unsafe"
    assert f"nesting deeper than {MAX_DEPTH} levels" in problem.message
    # depth counts collections: the 33rd mapping starts at the key of line 34, column 67
    assert (problem.line, problem.column) == (MAX_DEPTH + 2, 2 * (MAX_DEPTH + 1) + 1)
    assert problem.path == "/k" * (MAX_DEPTH + 1)


def test_moderate_nesting_is_fine() -> None:
    loaded = load_yaml(("[" * 20 + "]" * 20).encode())
    assert loaded.problems == []


@pytest.mark.parametrize(
    ("name", "raw_expression"),
    [
        ("flow sequences", "b'[' * 200_000"),
        ("flow sequences, closed", "b'[' * 100_000 + b']' * 100_000"),
        ("flow mappings", "b'{a: ' * 200_000"),
        ("block sequences", "b'- ' * 200_000 + b'x'"),
        ("complex keys", "b'? ' * 200_000"),
    ],
)
def test_very_deep_nesting_does_not_crash_the_process(name: str, raw_expression: str) -> None:
    # In a child process: libyaml's recursive C composer overflows the C stack on deep input (a
    # segmentation fault, not an exception); the loader must stop such a file before it gets there.
    code = (
        "import json, sys\n"
        "from balprov.loading import load_yaml\n"
        f"loaded = load_yaml({raw_expression})\n"
        "print(json.dumps([[p.line, p.column, p.rule, p.message] for p in loaded.problems]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, (name, done.returncode, done.stderr[-2000:])
    problems = json.loads(done.stdout)
    assert len(problems) == 1
    line, column, rule, message = problems[0]
    assert rule == "yaml-unsafe"
    assert line == 1
    assert "nesting deeper than" in message
    assert column <= 4 * 1001  # stopped early, near the limit, not at the end of the file


def test_the_event_scan_guard_reports_the_first_level_too_deep() -> None:
    # Over SAFE_COMPOSE_BOUND nesting characters, the file is scanned event by event first.
    text = "- " * (SAFE_COMPOSE_BOUND + 1) + "x\n"
    problem = only(text)
    assert where(problem) == (1, 2 * MAX_DEPTH + 1, "yaml-unsafe")
    assert f"nesting deeper than {MAX_DEPTH} levels" in problem.message


def test_many_dashes_in_text_do_not_make_a_file_fail() -> None:
    # The guard counts characters that may open a level; text full of them is still read normally.
    loaded = load_yaml(("usage: " + "-" * (SAFE_COMPOSE_BOUND + 10) + "\n").encode())
    assert loaded.problems == []


# --- documents -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["", "   \n\n", "# only\n# comments\n", "---\n", "# c\n--- # c\n"])
def test_an_empty_file_is_reported(raw: str) -> None:
    problem = only(raw)
    assert (where(problem), problem.path) == ((1, 1, "yaml-syntax"), "")
    assert "file is empty" in problem.message


@pytest.mark.parametrize(("raw", "expected"), [("~\n", (1, 1)), ("--- null\n", (1, 5)), ("# c\n\nNULL\n", (3, 1))])
def test_a_null_document_is_reported_not_skipped(raw: str, expected: tuple[int, int]) -> None:
    problem = only(raw)
    assert (problem.line, problem.column, problem.rule) == (*expected, "yaml-syntax")
    assert "(null): a cabinet file holds one YAML mapping" in problem.message


def test_several_documents_are_reported_at_the_second() -> None:
    problem = only("a: 1\n---\nb: 2\n")
    assert where(problem) == (2, 1, "yaml-syntax")
    assert "several documents in one file" in problem.message


# --- bytes ---------------------------------------------------------------------------------------------


def test_non_utf8_is_reported_at_the_bad_byte() -> None:
    problem = only(b"a: b\nc: d\xffe\n")
    assert where(problem) == (2, 5, "yaml-syntax")
    assert "not UTF-8: byte 0xff" in problem.message


def test_non_utf8_column_counts_characters_not_bytes() -> None:
    problem = only("é: é".encode() + b"\xe9t\xe9\n")  # Latin-1 'été' after UTF-8 text: 4 characters
    assert where(problem) == (1, 5, "yaml-syntax")
    assert "byte 0xe9" in problem.message


def test_non_utf8_after_a_byte_order_mark() -> None:
    assert where(only(b"\xef\xbb\xbfab\xff\n")) == (1, 3, "yaml-syntax")


def test_a_nul_byte_is_reported_where_it_is() -> None:
    problem = only(b"a: b\nc: \x00\n")
    assert where(problem) == (2, 4, "yaml-syntax")
    assert "NUL byte" in problem.message


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        ("a: b\n".encode("utf-16"), "UTF-16"),
        ("a: b\n".encode("utf-16-be"), None),
        (b"\xfe\xff" + "a: b\n".encode("utf-16-be"), "UTF-16"),
        ("a: b\n".encode("utf-32"), "UTF-32"),
    ],
)
def test_utf16_and_utf32_are_reported(raw: bytes, encoding: str | None) -> None:
    problem = only(raw)
    assert problem.rule == "yaml-syntax"
    if encoding is None:  # no byte-order mark: the NUL bytes give it away
        assert where(problem) == (1, 1, "yaml-syntax")
        assert "NUL byte" in problem.message
    else:
        assert where(problem) == (1, 1, "yaml-syntax")
        assert f"{encoding} text" in problem.message


@pytest.mark.parametrize(
    ("raw", "expected", "code"),
    [
        ("a: b\nc: x\x07y\n", (2, 5), "#x0007"),
        ("éé: x\x07y\n", (1, 6), "#x0007"),  # columns count characters, not UTF-8 bytes
        ('é: "\x1b"\n', (1, 5), "#x001b"),
        ("a: \ufffe\n", (1, 4), "#xfffe"),
    ],
)
def test_control_characters_are_reported(raw: str, expected: tuple[int, int], code: str) -> None:
    problem = only(raw)
    assert (problem.line, problem.column) == expected
    assert problem.rule == "yaml-syntax"
    assert f"character {code} is not allowed in YAML" in problem.message


def test_escaped_control_characters_load_and_are_left_to_the_schema() -> None:
    assert load_yaml(b'a: "x\\x07y"\n').data == {"a": "x\x07y"}


def test_yaml_1_1_line_breaks_do_not_shift_line_numbers() -> None:
    # libyaml breaks lines at NEL/LS/PS; editors do not: positions follow the editor.
    text = 'a: "b\u2028c"\nd: e\nd: f\n'
    loaded = load_yaml(text.encode())
    assert [where(p) for p in loaded.problems] == [(3, 1, "yaml-duplicate-key")]
    assert "(first at line 2)" in loaded.problems[0].message
    broken = load_yaml("a: b\u2028\u2028\nc: [d\n".encode())
    assert [where(p) for p in broken.problems] == [(3, 1, "yaml-syntax")]
    assert PositionIndex("x: \x85\ny: z\n").locate("/y") == (2, 4)


def test_a_file_over_the_size_limit_is_refused_unread() -> None:
    problem = only(b"a: " + b"x" * MAX_FILE_BYTES + b"\n")
    assert where(problem) == (1, 1, "yaml-unsafe")
    assert f"the limit is {MAX_FILE_BYTES:,}" in problem.message
    assert load_yaml(b"a: " + b"x" * (MAX_FILE_BYTES - 4) + b"\n").problems == []


# --- positions -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lilas() -> PositionIndex:
    return PositionIndex(LILAS)


@pytest.mark.parametrize(
    ("path", "at_key", "expected"),
    [
        ("/spec/cotitulaires/0/rpps", False, (24, 13)),  # the value
        ("/spec/cotitulaires/0/rpps", True, (24, 7)),  # its key
        ("/spec/cotitulaires/1/nominatedBy", False, (37, 20)),
        ("/spec/cotitulaires/0/profession/code", False, (28, 26)),  # inside a flow mapping
        ("/spec/structure/addressLines/0", False, (18, 20)),  # inside a flow sequence
        ("/spec/delegataires/0/delegatedBy/1", False, (45, 36)),
        ("/spec/delegataires/0/rpps", False, (40, 13)),  # null is a value too
        ("/spec/usage", False, (21, 10)),  # a block scalar: its indicator
        ("/metadata/name", False, (7, 9)),
        ("/spec/cotitulaires", False, (23, 3)),  # a collection: its key
        ("/spec/cotitulaires", True, (23, 3)),
        ("/spec/cotitulaires/1", False, (31, 7)),  # a sequence item: where the item starts
    ],
)
def test_locate_values_and_keys(lilas: PositionIndex, path: str, at_key: bool, expected: tuple[int, int]) -> None:
    assert lilas.locate(path, at_key=at_key) == expected


@pytest.mark.parametrize(
    ("path", "at_key", "expected"),
    [
        ("/spec/cotitulaires/1/civility/x", False, (32, 17)),  # below a scalar: the scalar
        ("/spec/cotitulaires/1/missing", True, (31, 7)),  # a missing key: the enclosing item
        ("/spec/cotitulaires/7", False, (23, 3)),  # a missing item: the list's key
        ("/spec/onboarding/zzz", True, (46, 3)),
        ("/nope/x", False, (4, 1)),  # nothing matches: the document itself
        ("", False, (4, 1)),
    ],
)
def test_locate_missing_paths_gives_the_nearest_enclosing_one(
    lilas: PositionIndex, path: str, at_key: bool, expected: tuple[int, int]
) -> None:
    assert lilas.locate(path, at_key=at_key) == expected


def test_locate_a_repeated_key_gives_the_last_value_the_one_the_document_holds() -> None:
    text = 'rpps: "10107592585"\nname: x\nrpps: "10107592586"\n'
    assert load_yaml(text.encode()).data["rpps"] == "10107592586"
    index = PositionIndex(text)
    assert index.locate("/rpps") == (3, 7)
    assert index.locate("/rpps", at_key=True) == (3, 1)


def test_locate_escapes_json_pointer_characters() -> None:
    index = PositionIndex('"a/b": 1\n"c~d":\n  e: 2\n')
    assert index.locate("/a~1b") == (1, 8)
    assert index.locate("/c~0d/e", at_key=True) == (3, 3)


def test_locate_in_text_that_does_not_parse_falls_back_to_the_start() -> None:
    assert PositionIndex("a: [\n").locate("/a") == (1, 1)


def test_locate_follows_aliases_and_survives_recursive_ones() -> None:
    index = PositionIndex("x: &r {k: v}\ny: *r\n")
    assert index.locate("/y/k") == (1, 11)  # the anchored value, where it is written
    recursive = PositionIndex("a: &a [*a]\n")
    assert recursive.locate("/a/0/0/0") == (1, 4)


# --- the resolver shortcut -----------------------------------------------------------------------------

_RESOLVER_SAMPLES = [
    "",
    "~",
    "null",
    "Null",
    "NULL",
    "true",
    "True",
    "yes",
    "No",
    "off",
    "On",
    "y",
    "n",
    "0",
    "-1",
    "+1",
    "0x1F",
    "0o17",
    "017",
    "0b101",
    "1_000",
    "1:30",
    "1.5",
    "-.5",
    ".inf",
    "-.Inf",
    ".nan",
    "1e3",
    "1.0e+3",
    "2026-12-01",
    "2026-12-01T10:00:00Z",
    "2026-1-1",
    "<<",
    "=",
    "10107592585",
    "e-CPS",
    "firstName",
    "Médecin",
    "-",
    ".",
]


@pytest.mark.parametrize("value", _RESOLVER_SAMPLES)
def test_the_loader_resolves_plain_scalars_exactly_as_the_safe_loader(value: str) -> None:
    import yaml
    from yaml.nodes import ScalarNode

    from balprov.loading.yaml_document import _Loader

    expected = yaml.SafeLoader("").resolve(ScalarNode, value, (True, False))
    loader = _Loader("")
    try:
        assert loader.resolve(ScalarNode, value, (True, False)) == expected
        assert loader.resolve(ScalarNode, value, (True, False)) == expected  # the remembered answer too
        assert loader.resolve(ScalarNode, value, (False, True)) == "tag:yaml.org,2002:str"
    finally:
        loader.dispose()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789-+.:_eExXoObB~nNuUlLtTrRfFaAsSyYiI<= ")), max_size=12))
def test_the_loader_resolves_generated_plain_scalars_as_the_safe_loader(value: str) -> None:
    import yaml
    from yaml.nodes import ScalarNode

    from balprov.loading.yaml_document import _Loader

    expected = yaml.SafeLoader("").resolve(ScalarNode, value, (True, False))
    loader = _Loader("")
    try:
        assert loader.resolve(ScalarNode, value, (True, False)) == expected
    finally:
        loader.dispose()
