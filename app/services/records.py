"""What the state file keeps of a judged message: enough for the views to list it and
explain it without the message itself."""

from __future__ import annotations

from app.core import names
from app.core.facts import MessageFacts
from app.core.verdict import Verdict
from app.services.report import finding_dict
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
    known_size = 0
    if facts is not None:
        sender = ", ".join(a.addr or a.display for a in facts.from_)
        subject = facts.subject or ""
        date = facts.first("Date") or ""
        attachments = tuple(names.escape(p.names[0]) for p in facts.attachments if p.names)
        known_size = facts.size
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
    )
