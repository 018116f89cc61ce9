"""The envelope sender is empty (Return-Path: <>).

The server recorded ``MAIL FROM:<>``: the message claims to come from nobody. That is
normal for bounces, read receipts and auto-replies, which must never cause loops; it
is also what the W32.Hybris worm and others used so that no reply can ever reach the
infected sender. Where the message has no Return-Path, a receiving server's
``(envelope-from <>)`` note in a Received line says the same. On its own this means
nothing; together with no sender name, no subject, no text and a program attached, it
is the worm's signature.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "NULL_SENDER"
SEVERITY = Severity.LOW

#: Exim and sendmail note the envelope sender in the Received line they write.
_ENVELOPE_FROM = re.compile(r"\benvelope-from[\s=]*(<[^<>]*>|[^\s;()<>]+)", re.I)


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    if facts.return_path == "":
        yield Hit((f"Return-Path: {facts.first('Return-Path')}",))
    elif facts.return_path is None:
        for raw in facts.all("Received"):
            match = _ENVELOPE_FROM.search(raw)
            if match:  # the newest note is the one the user's own server wrote
                if match.group(1).strip("<> \t") == "":
                    yield Hit((f"Received: {' '.join(raw.split())}",))
                return
