"""The address's domain is the domain of the mailbox's operator.

The domain is imposed by the chosen operator (fiche, step 3): a mailbox at operator `demo` lives
under `demo`'s domain.

Passing (operator demo has domain demo.mssante.fr):

    address: cabinet-des-lilas.93260@demo.mssante.fr
    operator: demo

Failing:

    address: cabinet-des-lilas.93260@other.mssante.fr
    operator: demo
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from balprov.i18n import _
from balprov.rules.base import Finding, RuleContext, spec_of

ID = "address-domain"
LEVEL = "error"


def check(document: Any, context: RuleContext) -> Iterator[Finding]:
    spec = spec_of(document)
    address, operator = spec.get("address"), spec.get("operator")
    if not isinstance(address, str) or "@" not in address or operator not in context.operators:
        return
    domain = address.rsplit("@", 1)[1]
    expected = context.operators[operator]
    if domain.lower() != expected:
        yield Finding(
            "/spec/address",
            _("domain {domain!r} is not {expected!r}, the domain of operator {operator!r}").format(
                domain=domain, expected=expected, operator=operator
            ),
        )
