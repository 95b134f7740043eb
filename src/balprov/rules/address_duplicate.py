"""Two files define the same address.

The address is the unique key of a mailbox: two definitions of it would fight at every apply. The
later file (in path order) is reported, naming the earlier one.

Passing: every address appears in one file.

Failing:

    # cabinets/a.yaml
    address: cabinet-des-lilas.93260@demo.mssante.fr
    # cabinets/b.yaml
    address: cabinet-des-lilas.93260@demo.mssante.fr
"""

from __future__ import annotations

from collections.abc import Iterator

from balprov.i18n import _
from balprov.rules.base import Finding, ProjectFinding, Summary

ID = "address-duplicate"
LEVEL = "error"


def check_project(summaries: list[Summary]) -> Iterator[ProjectFinding]:
    first: dict[str, str] = {}
    for summary in summaries:
        if summary.address is None:
            continue
        key = summary.address.lower()
        if key in first:
            message = _("address {address} is already defined in {file}").format(
                address=summary.address, file=first[key]
            )
            yield ProjectFinding(summary.file, Finding("/spec/address", message), first[key])
        else:
            first[key] = summary.file
