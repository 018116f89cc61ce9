"""Hostile messages are judged, never crash, and keep the program they carry in view.

Each message of `tests.hostile` attacks the reader's time or memory (the security
review's finding 3 and the classes behind it). The bound is checked by work, not by a
clock: the message is judged, the program after the hostile construct is still found
(or a limit was reached and recorded, so the message is never clean), and the traced
memory peak stays under the per-message budget. The times are printed by
`benchmarks/bench_scan.py`.
"""

from __future__ import annotations

import tracemalloc

import pytest

from app.core.judge import judge_bytes
from app.core.rules import Rules
from tests.hostile import HOSTILE, Hostile

pytestmark = pytest.mark.slow

BUDGET_BYTES = 200 * 1024 * 1024


@pytest.mark.parametrize("case", HOSTILE, ids=[h.name for h in HOSTILE])
def test_hostile_message_is_judged_within_the_memory_budget(case: Hostile) -> None:
    raw = case.build()
    tracemalloc.start()
    try:
        verdict, facts = judge_bytes(raw, Rules())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert facts, "the message was read, not given up on"
    assert verdict.level.value == case.expect, case.why
    assert peak < BUDGET_BYTES
