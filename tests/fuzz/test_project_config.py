"""Fuzzing the `balprov.yaml` reader: whatever the file holds (it is in the repository, so a pull request
can change it), `load_project` returns a Project or raises ConfigError (exit 2), never another exception.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from balprov.errors import ConfigError
from balprov.project import Project, load_project

from .budget import FUZZ

BASE = """version: 1
cabinets: cabinets
operators:
  - id: demo
    domain: demo.mssante.fr
    provider:
      type: ldap
      url: ldaps://ldap.example:636
      bindDN: cn=balprov,dc=example
      password: ${BALPROV_FUZZ_SECRET}
      baseDN: ou=bal,dc=example
state:
  backend: postgres
  dsn: postgresql://balprov:${BALPROV_FUZZ_SECRET}@127.0.0.1:1/balprov
rules:
  rpps-checksum: off
"""

SPECIALS = [
    ": ",
    "- ",
    "&a ",
    "*a",
    "<<: *a\n",
    "{",
    "}",
    "[",
    "]",
    "${",
    "$${",
    "${NOPE}",
    "${BALPROV_FUZZ_SECRET}",
    "\t",
    "\x00",
    "'",
    '"',
    "|",
    ">",
    "#",
    "!!python/object/apply:os.system ['true'] ",
    "\n---\n",
    "~",
    "off",
    "on",
    "yes",
    "null",
    "1e999",
    "-1",
    "[]",
    "{}",
    "\u2028",
    "é",
    "\n  - id: demo\n",
]


def load(raw: bytes) -> Project | None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "balprov.yaml"
        path.write_bytes(raw)
        try:
            return load_project(path, Path(folder))
        except ConfigError:
            return None


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    text = BASE
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.sampled_from(SPECIALS) | st.text(max_size=6))
        if kind == "insert":
            text = text[:at] + piece + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        else:
            text = text[:at] + piece + text[at + len(piece) :]
    return text.encode("utf-8", "surrogatepass")


def test_the_base_loads(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("BALPROV_FUZZ_SECRET", "s3cret")
    project = load(BASE.encode())
    assert project is not None and project.state_backend == "postgres"


@FUZZ
@given(st.binary(max_size=1500))
@example(b"")
@example(b"[]")
@example(b"version: 1\noperators: []\nrules: {schema: false}\n")
def test_any_bytes(raw: bytes) -> None:
    load(raw)


@FUZZ
@given(damaged(), st.sampled_from([None, "s3cret", "", "${NESTED}", "a\nb"]))
def test_a_damaged_real_config(raw: bytes, secret: str | None) -> None:
    previous = os.environ.pop("BALPROV_FUZZ_SECRET", None)
    if secret is not None:
        os.environ["BALPROV_FUZZ_SECRET"] = secret
    try:
        load(raw)
    finally:
        os.environ.pop("BALPROV_FUZZ_SECRET", None)
        if previous is not None:
            os.environ["BALPROV_FUZZ_SECRET"] = previous
