"""The message has no text to read.

There is nothing in the body for a person to read, only attachments (or nothing, or a
note that an attachment was removed). A real person who sends a file usually says
what it is. Mail that is only an attachment is typical of worms; be very careful with
whatever is attached.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core.detectors.attachment_removed import NOTE
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts, part_text
from app.core.findings import Severity

ID = "NO_TEXT"
SEVERITY = Severity.INFO


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    if facts.text_unseen or facts.defects:
        return  # we could not read enough to say there is no text
    bodies = [p for p in facts.parts if p.is_body_text]
    if any(NOTE.sub("", part_text(p)).strip() for p in bodies):
        return
    if bodies:
        yield Hit(
            tuple(
                f"part {p.path}: {p.content_type}, {p.size} bytes, no visible text" for p in bodies
            )
        )
    else:
        yield Hit(("no text part at all",))
