"""Two addresses differ only by accents, case, punctuation or one character.

Correspondents type addresses by hand; two mailboxes a keystroke apart will receive each other's
patient data sooner or later (fiche, step 3: avoid names close to another structure's). Reported on
the later file, naming the earliest one it is confused with.

"One character" is one character added, removed or replaced, once accents, case and punctuation are
set aside; two changes (a digit dropped here and another added there) are not confusable.

Passing:

    cabinet-des-lilas.93260@demo.mssante.fr
    cabinet-des-roses.75011@demo.mssante.fr
    cabinet-des-lilas.92600@demo.mssante.fr    # two characters apart from the first

Failing:

    cabinet-des-lilas.93260@demo.mssante.fr
    cabinet-des-lilas.93250@demo.mssante.fr    # one character apart
    cabinet.des.lilas.93260@demo.mssante.fr    # punctuation apart
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from balprov.rules.base import Finding, ProjectFinding, Summary

ID = "name-confusable"
LEVEL = "warning"


def skeleton(address: str) -> str:
    """The address without accents, case and punctuation."""
    ascii_text = unicodedata.normalize("NFKD", address).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9@]", "", ascii_text.lower())


def _deletions(text: str) -> set[str]:
    return {text[:i] + text[i + 1 :] for i in range(len(text))}


def within_one_edit(first: str, second: str) -> bool:
    """Whether one character added, removed or replaced turns one text into the other (or they are equal)."""
    if len(first) > len(second):
        first, second = second, first
    if len(second) - len(first) > 1:
        return False
    index = 0
    while index < len(first) and first[index] == second[index]:
        index += 1
    if len(first) == len(second):
        return first[index + 1 :] == second[index + 1 :]
    return first[index:] == second[index + 1 :]


def check_project(summaries: list[Summary]) -> Iterator[ProjectFinding]:
    # Two skeletons within one edit share a one-deletion variant, or one is a deletion of the other
    # (the symmetric-deletion index): linear in the number of files instead of comparing every pair.
    # Sharing a variant is necessary, not sufficient (deleting a different character from each may
    # leave the same text: 93260 and 92600 both give 9260), so each candidate is then checked.
    earlier: list[tuple[Summary, str, str]] = []  # (summary, skeleton, lowercase address), in path order
    by_variant: dict[str, int | list[int]] = {}  # variant -> the file(s) that have it, by position in `earlier`
    for summary in summaries:
        address = summary.address
        if address is None:
            continue
        skel = skeleton(address)
        variants = _deletions(skel)
        variants.add(skel)
        lowered = address.lower()
        position = len(earlier)
        candidates: set[int] = set()
        for variant in variants:
            hits = by_variant.get(variant)
            if hits is None:  # nearly always: a list only for the variants that several files share
                by_variant[variant] = position
            elif isinstance(hits, int):
                candidates.add(hits)
                by_variant[variant] = [hits, position]
            else:
                candidates.update(hits)
                hits.append(position)
        for index in sorted(candidates):  # the earliest file first: the message names the same one every run
            other, other_skel, other_lowered = earlier[index]
            if other_lowered != lowered and within_one_edit(skel, other_skel):
                message = f"address {address} is easily confused with {other.address} ({other.file})"
                yield ProjectFinding(summary.file, Finding("/spec/address", message), other.file)
                break
        earlier.append((summary, skel, lowered))
