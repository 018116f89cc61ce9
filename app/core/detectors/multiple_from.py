"""The message names more than one sender.

It has several From headers, or one From header with several addresses. Mail
programs disagree about which one to show, so you may see a sender the message did not
come from. MailSentry does not trust any sender of such a message.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "MULTIPLE_FROM"
SEVERITY = Severity.MEDIUM


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    values = facts.all("From")
    if len(values) > 1 or len([a for a in facts.from_ if a.addr]) > 1:
        yield Hit(tuple(f"From: {v}" for v in values))
