"""Part of the message cannot be read reliably.

The message is damaged or built against the rules (missing boundaries, broken
encodings, parts nested too deeply). Mail programs repair such messages in different
ways, so MailSentry cannot promise what you would see. It may be harmless, but it is
not known to be: treat its attachments with care.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "UNREADABLE"
SEVERITY = Severity.MEDIUM


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    if facts.defects:
        yield Hit(facts.defects[:10])
