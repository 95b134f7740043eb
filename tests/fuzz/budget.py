"""Shared settings of the fuzz tests: a short budget by default, a long one on demand.

`BALPROV_FUZZ_EXAMPLES=50000 pytest tests/fuzz` runs each property that many times (the default keeps
the whole folder under ~20 s, so CI runs it on every change).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("BALPROV_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
