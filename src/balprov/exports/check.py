"""`balprov annuaire check`: what a real extraction publishes, compared with the applied state.

Per applied mailbox, one verdict (holders compared by idNat_PS, `8` + RPPS):

| verdict | agrees | when |
|---|---|---|
| `published` | yes | published as CAB with exactly its cotitulaires |
| `unlisted` | yes | liste rouge, and not published |
| `missing` | no | not published at all |
| `wrong-holders` | no | published, but a cotitulaire is missing or someone else is published with it |
| `delegataire-published` | no | a délégataire's RPPS is published with it (délégataires never are: fiche, section 2) |
| `wrong-type` | no | published, but not as CAB (ORG, PER, ...) |
| `liste-rouge-published` | no | liste rouge, yet published |

Then the CAB addresses of the project's operators' domains that the extraction publishes but the state
does not hold (`unknown`). The extraction agrees when every verdict agrees and nothing is unknown;
malformed lines are reported and skipped, and do not change that.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from balprov.exports.extraction import TYPE_CAB
from balprov.exports.extraction_reader import Malformed, PublishedRow, Scan
from balprov.identifiers import idnat_ps
from balprov.planning.normalize import Definition

VERDICTS: dict[str, bool] = {  # verdict -> whether it agrees
    "published": True,
    "unlisted": True,
    "missing": False,
    "wrong-holders": False,
    "delegataire-published": False,
    "wrong-type": False,
    "liste-rouge-published": False,
}
MAX_LINES = 5  # line numbers quoted per address


@dataclass(frozen=True, slots=True)
class Expected:
    """What the state says the extraction should show of one mailbox."""

    name: str
    address: str  # lowercase
    holders: frozenset[str]  # idNat_PS of the cotitulaires
    delegataires: dict[str, str]  # idNat_PS -> délégataire id, for those with an RPPS
    liste_rouge: bool

    @classmethod
    def of(cls, definition: Definition) -> Expected:
        return cls(
            name=str(definition["name"]),
            address=str(definition["address"]).lower(),
            holders=frozenset(idnat_ps(c["rpps"]) for c in definition["cotitulaires"]),
            delegataires={idnat_ps(d["rpps"]): d["id"] for d in definition["delegataires"] if d.get("rpps")},
            liste_rouge=bool(definition.get("listeRouge")),
        )


@dataclass(frozen=True, slots=True)
class MailboxResult:
    name: str
    address: str
    verdict: str
    expected_holders: list[str]
    published_holders: list[str]
    missing_holders: list[str] = field(default_factory=list)
    unexpected_holders: list[str] = field(default_factory=list)
    delegataires_published: list[str] = field(default_factory=list)  # "id (idNat_PS)"
    published_types: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return VERDICTS[self.verdict]


@dataclass(frozen=True, slots=True)
class UnknownAddress:
    address: str
    holders: list[str]
    lines: list[int]


@dataclass(frozen=True)
class CheckReport:
    source: str
    lines: int
    domains: list[str]
    mailboxes: list[MailboxResult]
    unknown: list[UnknownAddress]
    malformed: list[Malformed]
    malformed_count: int
    header_differences: list[str]

    @property
    def agrees(self) -> bool:
        return all(m.agrees for m in self.mailboxes) and not self.unknown

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(VERDICTS, 0)
        for mailbox in self.mailboxes:
            counts[mailbox.verdict] += 1
        return counts

    def as_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "extraction": {
                "file": self.source,
                "lines": self.lines,
                "domains": self.domains,
                "header_differences": self.header_differences,
            },
            "summary": {
                "agree": self.agrees,
                "mailboxes": len(self.mailboxes),
                **self.counts,
                "unknown": len(self.unknown),
                "malformed_lines": self.malformed_count,
            },
            "mailboxes": [
                {
                    "name": m.name,
                    "address": m.address,
                    "verdict": m.verdict,
                    "agrees": m.agrees,
                    "expected_holders": m.expected_holders,
                    "published_holders": m.published_holders,
                    "missing_holders": m.missing_holders,
                    "unexpected_holders": m.unexpected_holders,
                    "delegataires_published": m.delegataires_published,
                    "published_types": m.published_types,
                    "lines": m.lines,
                }
                for m in self.mailboxes
            ],
            "unknown": [{"address": u.address, "holders": u.holders, "lines": u.lines} for u in self.unknown],
            "malformed": [{"line": m.line, "problem": m.problem} for m in self.malformed],
        }


def _verdict(expected: Expected, rows: list[PublishedRow]) -> MailboxResult:
    cab = [row for row in rows if row.type == TYPE_CAB]
    published = {row.holder for row in cab if row.holder}
    delegates = sorted(f"{expected.delegataires[h]} ({h})" for h in published if h in expected.delegataires)
    missing = sorted(expected.holders - published) if rows else []
    unexpected = sorted(published - expected.holders - expected.delegataires.keys())
    if not rows:
        verdict = "unlisted" if expected.liste_rouge else "missing"
    elif expected.liste_rouge:
        verdict = "liste-rouge-published"
    elif not cab:
        verdict = "wrong-type"
    elif delegates:
        verdict = "delegataire-published"
    elif missing or unexpected:
        verdict = "wrong-holders"
    else:
        verdict = "published"
    return MailboxResult(
        name=expected.name,
        address=expected.address,
        verdict=verdict,
        expected_holders=sorted(expected.holders),
        published_holders=sorted(published),
        missing_holders=missing,
        unexpected_holders=unexpected,
        delegataires_published=delegates,
        published_types=sorted({row.type for row in rows}),
        lines=[row.line for row in rows[:MAX_LINES]],
    )


def compare(scan: Scan, expectations: Iterable[Expected], domains: Iterable[str]) -> CheckReport:
    """The verdicts; `expectations` come from the state (`Expected.of` each applied definition)."""
    expected = {e.address: e for e in expectations}
    mailboxes = sorted(
        (_verdict(e, scan.rows.get(address, [])) for address, e in expected.items()), key=lambda m: m.name
    )
    unknown = [
        UnknownAddress(address, sorted({r.holder for r in rows if r.holder}), [r.line for r in rows[:MAX_LINES]])
        for address, rows in sorted(scan.rows.items())
        if address not in expected
    ]
    return CheckReport(
        source=scan.source,
        lines=scan.lines,
        domains=sorted(domains),
        mailboxes=mailboxes,
        unknown=unknown,
        malformed=list(scan.malformed),
        malformed_count=scan.malformed_count,
        header_differences=list(scan.header_differences),
    )
