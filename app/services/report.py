"""How a judged message is written out: a readable table, or one JSON object a line."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from app.core import names
from app.core.findings import Level
from app.services.scan import Result
from app.store.records import finding_dict

ADVICE = (
    "Do not open the attachments of dangerous or suspicious mail. Update your "
    "antivirus and scan with it before opening anything."
)


def as_json(result: Result) -> dict[str, Any]:
    """The documented JSON record of one message."""
    verdict = result.verdict
    return {
        "source": result.source,
        "message_id": result.message_id,
        "verdict": verdict.level.value if verdict else None,
        "score": verdict.score if verdict else None,
        "findings": [finding_dict(f) for f in (verdict.findings if verdict else ())],
        "reasons": list(verdict.reasons) if verdict else [],
        "error": result.error,
    }


def jsonl_line(result: Result) -> str:
    """One JSON line, non-ASCII text kept readable, but every hidden character (C1
    controls such as U+009B, DEL, bidi controls: JSON escapes only C0) written as a
    ``\\u`` escape, so that printing the line to a terminal is safe."""
    line = json.dumps(as_json(result), ensure_ascii=False)
    return names.HIDDEN.sub(lambda m: json.dumps(m.group())[1:-1], line)


def text_block(result: Result) -> str:
    """A few readable lines: verdict, who/what, why, and each finding's evidence; text
    from the mail or the server is escaped (no terminal escape sequence gets through)."""
    esc = names.escape
    if result.verdict is None:
        return f"ERROR       {esc(result.source)}: {esc(result.error or '')}"
    verdict = result.verdict
    facts = result.facts
    sender = subject = "?"
    if facts is not None:
        sender = ", ".join(a.addr or a.display for a in facts.from_) or "(no sender)"
        subject = facts.subject if facts.subject else "(no subject)"
    lines = [
        f"{verdict.level.value.upper():<11} {verdict.score:>5.0f}  {esc(result.source)}",
        f"{'':19}from {esc(sender)} | {esc(subject)}",
    ]
    lines.extend(f"{'':19}because: {esc(reason)}" for reason in verdict.reasons)
    for finding in verdict.findings:
        evidence = "; ".join(esc(e) for e in finding.evidence)
        lines.append(f"{'':19}- {finding.id} ({finding.severity.label}): {evidence}")
    return "\n".join(lines)


def summary(results: Iterable[Result]) -> str:
    counts: Counter[str] = Counter()
    errors = 0
    for result in results:
        if result.verdict is None:
            errors += 1
        else:
            counts[result.verdict.level.value] += 1
    total = sum(counts.values())
    parts = [f"{counts[level.value]} {level.value}" for level in reversed(Level)]
    line = f"{total} message{'s' if total != 1 else ''}: {', '.join(parts)}"
    if errors:
        line += f"; {errors} could not be scanned (see the errors above)"
    if counts[Level.DANGEROUS.value] or counts[Level.SUSPICIOUS.value]:
        line += "\n" + ADVICE
    return line
