"""How long the property sweeps run: ``MAILSENTRY_SWEEP`` examples per property (a
number; ``full`` for a long run; 200 unless set), with the Hypothesis settings they
share (reproducible, no example database, no deadline: the work is bounded by the
product's own limits, not by Hypothesis's clock)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_ASKED = os.environ.get("MAILSENTRY_SWEEP", "").strip().lower()
SWEEP = 2000 if _ASKED == "full" else int(_ASKED) if _ASKED.isdigit() else 200
SWEEP_SETTINGS = settings(
    max_examples=SWEEP,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
