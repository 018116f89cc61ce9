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
from app.core.parse import is_serious

ID = "UNREADABLE"
SEVERITY = Severity.MEDIUM


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    serious = [d for d in facts.defects if is_serious(d)]
    if serious:
        yield Hit(tuple(serious[:10]))
