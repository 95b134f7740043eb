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
from typing import Any

from balprov.i18n import _
from balprov.rules.base import Finding, ProjectFinding, ProjectMemo, Summary

ID = "name-confusable"
LEVEL = "warning"
REMEMBERS = True  # check_project takes a ProjectMemo: the validation cache keeps the close pairs between runs


_NOT_KEPT = re.compile(r"[^a-z0-9@]")


def skeleton(address: str) -> str:
    """The address without accents, case and punctuation."""
    if address.isascii():  # nearly always: NFKD would change nothing (~40% of the rule's time at 10,000 files)
        return _NOT_KEPT.sub("", address.lower())
    ascii_text = unicodedata.normalize("NFKD", address).encode("ascii", "ignore").decode()
    return _NOT_KEPT.sub("", ascii_text.lower())


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


# Up to this many texts, a group is compared pair by pair; larger ones are split again.
_PAIRWISE_MAX = 8
_SHORT = 3  # texts this short are indexed by their deletions (at most 4 each) instead of split


def _thirds(text: str) -> tuple[tuple[str, str], ...]:
    """(key, the rest) pairs: two texts within one edit share a key, and then their rests are within one
    edit too (the pigeonhole principle: one edit touches one third of the shorter text). For a text of
    length n cut at b1 = n // 3 and b2 = 2n // 3 into A B C, a key is two thirds and the rest the third
    one: an edit in A leaves B C intact (at the same place from the end), in B leaves A and C, in C leaves
    A B. A text of length n + 1 also files itself under n's keys, its thirds after an insertion shifted
    by one. The tags (length, letter) and "|" cannot be mistaken for skeleton characters ([a-z0-9@])."""
    m = len(text)
    b1, b2 = m // 3, 2 * m // 3
    c1, c2 = (m - 1) // 3, 2 * (m - 1) // 3
    first, middle, last = text[:b1], text[b1:b2], text[b2:]
    head, tail = text[:c1], text[c2 + 1 :]
    return (
        (f"{m}A{middle}|{last}", first),
        (f"{m}B{first}|{last}", middle),
        (f"{m}C{first}|{middle}", last),
        (f"{m - 1}A{text[c1 + 1 : c2 + 1]}|{tail}", text[: c1 + 1]),
        (f"{m - 1}B{head}|{tail}", text[c1 : c2 + 1]),
        (f"{m - 1}C{head}|{text[c1:c2]}", text[c2:]),
    )


def _candidates(items: list[tuple[int, str]], out: set[tuple[int, int]]) -> None:
    """Adds to `out` the (earlier, later) pairs of ids among distinct texts, given in id order, that may be
    one edit apart: every pair that is, and a few more.

    Texts sharing a key differ only in their rests, which are a third as long: a large group is split
    again on them (addresses share a lot: "centre-medical-…@same.domain" differ in a few characters),
    so the work stays linear in the number of texts instead of growing with a group's square."""
    if max(len(text) for _, text in items) <= _SHORT:  # a third of nothing: symmetric deletions instead
        by_variant: dict[str, list[int]] = {}
        for ident, text in items:
            for variant in _deletions(text) | {text}:
                by_variant.setdefault(variant, []).append(ident)
        for idents in by_variant.values():
            out.update((earlier, later) for j, later in enumerate(idents) for earlier in idents[:j])
        return
    # A key nearly always belongs to one text only: a list is made for the few that several share.
    groups: dict[str, tuple[int, str] | list[tuple[int, str]]] = {}
    get = groups.get
    for ident, text in items:
        for key, rest in _thirds(text):
            found = get(key)
            if found is None:
                groups[key] = (ident, rest)
            elif type(found) is tuple:
                groups[key] = [found, (ident, rest)]
            else:
                found.append((ident, rest))  # type: ignore[union-attr]
    for group in groups.values():
        if type(group) is not list:
            continue
        if len(group) <= _PAIRWISE_MAX:  # ids stay in order: the earlier one first
            out.update((earlier, later) for j, (later, _) in enumerate(group) for earlier, _ in group[:j])
        else:
            _candidates(group, out)


def _close_pairs(texts: list[str]) -> dict[int, list[int]]:
    """Index -> indexes of the other texts within one edit of it."""
    pairs: set[tuple[int, int]] = set()
    if len(texts) > 1:
        _candidates(list(enumerate(texts)), pairs)
    neighbours: dict[int, list[int]] = {}
    for a, b in pairs:
        if within_one_edit(texts[a], texts[b]):
            neighbours.setdefault(a, []).append(b)
            neighbours.setdefault(b, []).append(a)
    return neighbours


# Up to this many new skeletons, the pairs kept from the last run are completed by comparing each new one
# with every skeleton of a length one apart at most; beyond it, the whole search runs again.
_INCREMENTAL_MAX = 64


def _updated_pairs(texts: list[str], previous: Any, new: set[str]) -> dict[int, list[int]] | None:
    """The close pairs among `texts` from last run's pairs (complete over every text not in `new`) and a
    comparison of each new text with the others; None when `previous` is not a list of text pairs."""
    if type(previous) is not list or not all(
        type(pair) is list and len(pair) == 2 and type(pair[0]) is str and type(pair[1]) is str for pair in previous
    ):
        return None
    index = {text: position for position, text in enumerate(texts)}
    pairs = {(index[a], index[b]) for a, b in previous if a in index and b in index and a != b}
    by_length: dict[int, list[int]] = {}
    for position, text in enumerate(texts):
        by_length.setdefault(len(text), []).append(position)
    for text in new:
        position = index[text]
        for length in (len(text) - 1, len(text), len(text) + 1):
            for other in by_length.get(length, ()):
                if other != position and within_one_edit(text, texts[other]):
                    pairs.add((min(position, other), max(position, other)))
    neighbours: dict[int, list[int]] = {}
    for a, b in pairs:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    return neighbours


def check_project(summaries: list[Summary], memo: ProjectMemo | None = None) -> Iterator[ProjectFinding]:
    # Files with the same skeleton are grouped first: the search runs on distinct skeletons (a thousand
    # copies of one address cost one), then each file takes the earliest file of its own group or of a
    # neighbouring one whose address is not the very same (that is address-duplicate's to report).
    # With a memo (the validation cache), the pairs of close skeletons found last run are kept and only the
    # skeletons of new or changed files are compared (~0.07 s saved at 10,000 files).
    entries = [summary for summary in summaries if summary.address is not None]
    lowered = [summary.address.lower() for summary in entries if summary.address is not None]
    groups: dict[str, list[int]] = {}
    for position, summary in enumerate(entries):
        assert summary.address is not None
        groups.setdefault(skeleton(summary.address), []).append(position)
    texts = list(groups)
    neighbours = None
    if memo is not None and memo.previous is not None:
        new = {skeleton(s.address) for s in entries if s.file in memo.fresh and s.address is not None}
        if len(new) <= _INCREMENTAL_MAX:
            neighbours = _updated_pairs(texts, memo.previous, new)
    if neighbours is None:
        neighbours = _close_pairs(texts)
    if memo is not None:
        memo.result = sorted([texts[a], texts[b]] for a, others in neighbours.items() for b in others if a < b)
    # Per group: its first file, and its first file with another address than that one (or None)
    firsts = [
        (positions[0], next((p for p in positions if lowered[p] != lowered[positions[0]]), None))
        for positions in groups.values()
    ]
    group_of = {position: index for index, positions in enumerate(groups.values()) for position in positions}
    for position, summary in enumerate(entries):
        group = group_of[position]
        earliest: int | None = None
        for other_group in (group, *neighbours.get(group, ())):
            first, first_other = firsts[other_group]
            candidate = first if lowered[first] != lowered[position] else first_other
            if candidate is not None and candidate < position and (earliest is None or candidate < earliest):
                earliest = candidate
        if earliest is not None:  # the earliest file: the message names the same one every run
            other = entries[earliest]
            message = _("address {address} is easily confused with {other} ({file})").format(
                address=summary.address, other=other.address, file=other.file
            )
            yield ProjectFinding(summary.file, Finding("/spec/address", message), other.file)
