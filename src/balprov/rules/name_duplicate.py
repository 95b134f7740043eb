"""Two files use the same `metadata.name`.

The name identifies a mailbox in plans, in the state and on the command line (`state show NAME`);
it must be unique across the repository. The later file is reported, naming the earlier one.

Passing: every metadata.name appears in one file.

Failing:

    # cabinets/a.yaml
    metadata: {name: cabinet-des-lilas-93260}
    # cabinets/b.yaml
    metadata: {name: cabinet-des-lilas-93260}
"""

from __future__ import annotations

from collections.abc import Iterator

from balprov.i18n import _
from balprov.rules.base import Finding, ProjectFinding, Summary

ID = "name-duplicate"
LEVEL = "error"


def check_project(summaries: list[Summary]) -> Iterator[ProjectFinding]:
    first: dict[str, str] = {}
    for summary in summaries:
        if summary.name is None:
            continue
        if summary.name in first:
            message = _("name {name!r} is already used by {file}").format(name=summary.name, file=first[summary.name])
            yield ProjectFinding(summary.file, Finding("/metadata/name", message), first[summary.name])
        else:
            first[summary.name] = summary.file
