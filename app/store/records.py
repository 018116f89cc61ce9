"""What the state file keeps of a judged message: enough for the views to list it and
explain it (header lines, attachment details) without the message itself."""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import Any

from app.core import magic, names
from app.core.facts import MessageFacts, Part
from app.core.findings import Finding
from app.core.verdict import Verdict
from app.store.state import MessageRecord


def message_record(
    account_id: str,
    folder: str,
    source: str,
    verdict: Verdict,
    facts: MessageFacts | None,
    *,
    uidvalidity: int = 0,
    uid: int = 0,
    uidl: str = "",
    size: int | None = None,
) -> MessageRecord:
    sender = subject = date = ""
    attachments: tuple[str, ...] = ()
    details: dict[str, Any] = {}
    known_size = 0
    if facts is not None:
        sender = ", ".join(a.addr or a.display for a in facts.from_)
        subject = facts.subject or ""
        date = facts.first("Date") or ""
        attachments = tuple(names.escape(p.names[0]) for p in facts.attachments if p.names)
        known_size = facts.size
        details = message_details(facts)
    return MessageRecord(
        account=account_id,
        folder=folder,
        source=source,
        verdict=verdict.level.value,
        score=verdict.score,
        uidvalidity=uidvalidity,
        uid=uid,
        uidl=uidl,
        message_id=facts.message_id if facts else None,
        sender=sender,
        subject=subject,
        date=date,
        size=known_size if size is None else size,
        attachments=attachments,
        findings=tuple(finding_dict(f) for f in verdict.findings),
        reasons=verdict.reasons,
        details=details,
        timestamp=date_timestamp(date),
    )


def finding_dict(finding: Finding) -> dict[str, Any]:
    """A finding as the state file and ``--format jsonl`` keep it."""
    return {
        "id": finding.id,
        "severity": finding.severity.label,
        "summary": finding.summary,
        "evidence": list(finding.evidence),
        "part": finding.part,
    }


def date_timestamp(date: str) -> float:
    """A Date header as POSIX time; 0 when it cannot be read."""
    try:
        return parsedate_to_datetime(date).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return 0.0


def message_details(facts: MessageFacts) -> dict[str, Any]:
    """The header lines (escaped) and, per attachment, what it shows and what it is."""
    return {
        # A folded line keeps its tab after unfolding: shown as the space it reads as.
        "headers": [f"{k}: {names.escape(v.replace(chr(9), ' '))}" for k, v in facts.headers],
        "attachments": [attachment_details(p) for p in facts.attachments],
    }


def attachment_details(part: Part) -> dict[str, Any]:
    shown = part.names[0] if part.names else ""
    real = names.windows_name(shown) if shown else ""
    return {
        "part": part.path,
        "shown_name": names.escape(shown),
        "other_names": [names.escape(n) for n in part.names[1:]],
        "real_name": names.escape(real),
        "real_extension": names.extension(real),
        "declared_type": part.content_type,
        "detected_type": magic.sniff(part.head) or "unknown",
        "size": part.size,
        "archive_members": [names.escape(m) for m in part.archive.members[:50]]
        if part.archive
        else [],
    }
