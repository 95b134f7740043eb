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


# A bucket larger than this is searched with the deletion index instead of pair by pair: many addresses
# may share half a skeleton (same town, same domain, same length), and pairs would grow as its square.
_PAIRWISE_MAX = 48

_Key = tuple[int, bool, str]


def _half_keys(skel: str) -> tuple[_Key, _Key, _Key, _Key]:
    """Two skeletons within one edit share one of these keys (the pigeonhole principle: one edit leaves one
    half intact). For a shorter text `a` of length n, with h = n // 2: a substitution or an insertion at or
    after h leaves a[:h] intact; before h, a[h:] is intact, at the same place from the end. A text of length
    n + 1 therefore also files itself under n's keys, its middle character set aside."""
    n = len(skel)
    h, g = n // 2, (n - 1) // 2
    return (n, False, skel[:h]), (n, True, skel[h:]), (n - 1, False, skel[:g]), (n - 1, True, skel[g + 1 :])


def _pairs(bucket: list[int], skeletons: list[str]) -> Iterator[tuple[int, int]]:
    """(earlier, later) positions in `bucket` that may be one edit apart."""
    if len(bucket) <= _PAIRWISE_MAX:
        for j, later in enumerate(bucket):
            for earlier in bucket[:j]:
                yield earlier, later
        return
    # Symmetric deletions: two texts within one edit share a one-deletion variant, or one is a deletion
    # of the other; linear in the bucket's size.
    by_variant: dict[str, list[int]] = {}
    for position in bucket:
        variants = _deletions(skeletons[position])
        variants.add(skeletons[position])
        for variant in variants:
            by_variant.setdefault(variant, []).append(position)
    for positions in by_variant.values():
        for j, later in enumerate(positions):
            for earlier in positions[:j]:
                yield earlier, later


def check_project(summaries: list[Summary]) -> Iterator[ProjectFinding]:
    # Candidates (files that share a half-key) first, then each checked exactly: linear in the number of
    # files; about 4 dictionary entries per file, where a deletion index needs one per character (~45).
    entries = [summary for summary in summaries if summary.address is not None]
    skeletons = [skeleton(summary.address) for summary in entries if summary.address is not None]
    buckets: dict[_Key, int | list[int]] = {}
    for position, skel in enumerate(skeletons):
        for key in _half_keys(skel):
            hits = buckets.get(key)
            if hits is None:  # nearly always: a list only for the keys several files share
                buckets[key] = position
            elif isinstance(hits, int):
                buckets[key] = [hits, position]
            else:
                hits.append(position)
    candidates: dict[int, set[int]] = {}
    for hits in buckets.values():
        if isinstance(hits, list):
            for earlier, later in _pairs(hits, skeletons):
                candidates.setdefault(later, set()).add(earlier)
    for position in sorted(candidates):
        summary, skel = entries[position], skeletons[position]
        address = summary.address
        assert address is not None
        lowered = address.lower()
        for index in sorted(candidates[position]):  # the earliest file first: the message names the same one every run
            other = entries[index]
            assert other.address is not None
            if other.address.lower() != lowered and within_one_edit(skel, skeletons[index]):
                message = f"address {address} is easily confused with {other.address} ({other.file})"
                yield ProjectFinding(summary.file, Finding("/spec/address", message), other.file)
                break
