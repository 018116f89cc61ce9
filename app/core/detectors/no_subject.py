"""The message has no subject.

People almost always write a subject. Worms that copy themselves by mail often leave it
out, especially on Japanese systems where the 2001 Hybris worm sent mail with no
subject and no text at all. On its own this is harmless.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "NO_SUBJECT"
SEVERITY = Severity.INFO


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    if facts.subject is None:
        yield Hit(("(no Subject: header)",))
    elif not facts.subject.strip():
        yield Hit(("Subject: (empty)",))
