"""No noise on honest mail: Python's own ``test_email`` messages (benign mail of every
odd shape, shipped by Debian's ``libpython3.11-testsuite``, installed by
``.ci/system-deps``) are never dangerous, and suspicious only where a careful mail
administrator would agree."""

from __future__ import annotations

import sysconfig
from pathlib import Path

from app.core.findings import Level
from app.core.judge import judge_bytes
from app.core.parse import readings
from app.core.risk import exposure
from app.core.rules import Rules

CPYTHON_DATA = Path(sysconfig.get_paths()["stdlib"]) / "test" / "test_email" / "data"
RULES = Rules()


def cpython_verdicts() -> dict[str, tuple[Level, tuple[str, ...]]]:
    files = sorted(CPYTHON_DATA.glob("msg_*.txt"))
    assert len(files) >= 45, f"install libpython3.11-testsuite ({CPYTHON_DATA})"
    out = {}
    for path in files:
        verdict, _ = judge_bytes(path.read_bytes(), RULES)
        out[path.name] = (verdict.level, verdict.reasons)
    return out


def test_cpython_test_email_messages_are_never_dangerous_and_rarely_suspicious():
    verdicts = cpython_verdicts()
    assert [n for n, (level, _) in verdicts.items() if level is Level.DANGEROUS] == []
    suspicious = {n: why for n, (level, why) in verdicts.items() if level is Level.SUSPICIOUS}
    assert len(suspicious) <= 2, suspicious
    # What is left is content the reader could not split into parts (a multipart body
    # with no delimiter line at all): unseen content, never a rule firing on harmless mail.
    for name in suspicious:
        facts = readings((CPYTHON_DATA / name).read_bytes())
        unseen = [r for f in facts for r in exposure(f, RULES.policy)]
        assert unseen and all(r.startswith("content not read") for r in unseen), name
