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

A false item is reported at its value, a missing one at the `onboarding` key, a missing checklist at
the `spec` key.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from balprov.i18n import N_, _
from balprov.rules.base import Finding, RuleContext, spec_of

ID = "onboarding-incomplete"
LEVEL = "warning"
ITEMS = {
    "patientsInformed": N_("patients have not been informed that a shared mailbox is used"),
    "partnersNotified": N_("external partners have not been told about the mailbox"),
}


def check(document: Any, context: RuleContext) -> Iterator[Finding]:
    spec = spec_of(document)
    if not spec:
        return
    if "onboarding" not in spec:
        yield Finding(
            "/spec",
            _("no onboarding checklist: add spec.onboarding (patientsInformed, partnersNotified)"),
            at_key=True,
        )
        return
    onboarding = spec["onboarding"]
    if onboarding is None:  # `onboarding:` left empty: every item is missing, reported at that key
        onboarding = {}
    if not isinstance(onboarding, dict):
        return
    for key, message in ITEMS.items():
        if key not in onboarding:
            yield Finding(
                "/spec/onboarding", _("{message} ({key} is missing)").format(message=_(message), key=key), at_key=True
            )
        elif onboarding[key] is not True:
            text = _("{message} ({key} is false)") if onboarding[key] is False else _("{message} ({key} is not true)")
            yield Finding(f"/spec/onboarding/{key}", text.format(message=_(message), key=key))
