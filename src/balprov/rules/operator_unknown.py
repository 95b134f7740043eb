"""`spec.operator` names an operator declared in balprov.yaml.

The operator imposes the mailbox's domain and is where `balprov apply` provisions it; an unknown id
is usually a typo.

Passing (balprov.yaml declares `id: demo`):

    spec:
      operator: demo

Failing:

    spec:
      operator: dmeo
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from balprov.i18n import _
from balprov.rules.base import Finding, RuleContext, spec_of

ID = "operator-unknown"
LEVEL = "error"


def check(document: Any, context: RuleContext) -> Iterator[Finding]:
    operator = spec_of(document).get("operator")
    if isinstance(operator, str) and operator not in context.operators:
        known = ", ".join(sorted(context.operators)) or _("none")
        message = _("operator {operator!r} is not declared in balprov.yaml (known: {known})")
        yield Finding("/spec/operator", message.format(operator=operator, known=known))
