"""The organisation checklist of the fiche's step 4 is complete.

Before relying on a shared mailbox, the structure informs its patients that one is used and tells
its external partners about it (fiche, step 4). A missing or false item is a reminder, not a block.

Passing:

    onboarding:
      patientsInformed: true
      partnersNotified: true

Failing:

    onboarding:
      patientsInformed: true
      partnersNotified: false
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from balprov.rules.base import Finding, RuleContext, spec_of

ID = "onboarding-incomplete"
LEVEL = "warning"
ITEMS = {
    "patientsInformed": "patients have not been informed that a shared mailbox is used",
    "partnersNotified": "external partners have not been told about the mailbox",
}


def check(document: Any, context: RuleContext) -> Iterator[Finding]:
    spec = spec_of(document)
    if not spec:
        return
    onboarding = spec.get("onboarding")
    if onboarding is None:
        yield Finding(
            "/spec",
            "no onboarding checklist: add spec.onboarding (patientsInformed, partnersNotified)",
            at_key=True,
        )
        return
    if not isinstance(onboarding, dict):
        return
    for key, message in ITEMS.items():
        if onboarding.get(key) is not True:
            where = f"/spec/onboarding/{key}" if key in onboarding else "/spec/onboarding"
            yield Finding(
                where,
                f"{message} ({key} is {'false' if key in onboarding else 'missing'})",
                at_key=key not in onboarding,
            )
