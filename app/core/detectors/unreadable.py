"""Part of the message cannot be read reliably.

The message is damaged or built against the rules (missing boundaries, broken
encodings, parts nested too deeply). Mail programs repair such messages in different
ways, so MailSentry cannot promise what you would see. The message is suspicious when
what could be read holds something that could do harm (a program, an unnamed binary, a
risky type, an archive) or when content could not be seen at all; damage inside a text
or a harmless file (a PDF, a picture) is noted but does not make it suspicious.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity
from app.core.risk import exposure

ID = "UNREADABLE"
SEVERITY = Severity.MEDIUM


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    if facts.defects:
        risks = [r for r in exposure(facts, ctx.policy) if not r.startswith("content not read")]
        yield Hit(facts.defects[:10] + tuple(f"this reading holds {r}" for r in risks[:3]))
