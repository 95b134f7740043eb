"""Two addresses differ only by accents, case, punctuation or one character.

Correspondents type addresses by hand; two mailboxes a keystroke apart will receive each other's
patient data sooner or later (fiche, step 3: avoid names close to another structure's). Reported on
the later file, naming the earlier one.

Passing:

    cabinet-des-lilas.93260@demo.mssante.fr
    cabinet-des-roses.75011@demo.mssante.fr

Failing:

    cabinet-des-lilas.93260@demo.mssante.fr
    cabinet-des-lilas.93250@demo.mssante.fr    # one character apart
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


def check_project(summaries: list[Summary]) -> Iterator[ProjectFinding]:
    # Two skeletons within one edit share a one-deletion variant, or one is a deletion of the other
    # (the symmetric-deletion index): linear in the number of files instead of comparing every pair.
    first_with: dict[str, Summary] = {}
    for summary in summaries:
        address = summary.address
        if address is None:
            continue
        skel = skeleton(address)
        variants = _deletions(skel)
        variants.add(skel)
        lowered = address.lower()
        for variant in variants:
            other = first_with.get(variant)
            if other is not None and other.address is not None and other.address.lower() != lowered:
                message = f"address {address} is easily confused with {other.address} ({other.file})"
                yield ProjectFinding(summary.file, Finding("/spec/address", message))
                break
        for variant in variants:
            first_with.setdefault(variant, summary)
