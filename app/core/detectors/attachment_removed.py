"""A note in the text says an attachment was removed or converted on the way.

Mail programs, mailing lists and virus filters leave a line where they took out an
attachment (Eudora's ``Attachment Converted: "C:\\...\\CKGIHLCK.EXE"``, a list's
``[Non-text (application/octet-stream) part of message omitted, filename ...]``, a
filter's "the attachment was removed"). The attachment is gone, so this is harmless in
itself; with no sender, no subject and no other text it is what is left of a worm's
mail after a filter cleaned it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts, part_text
from app.core.findings import Severity

ID = "ATTACHMENT_REMOVED"
SEVERITY = Severity.INFO

NOTE = re.compile(
    r"^.*(?:attachment converted\s*:|"
    r"part of (?:this |the )?message (?:was |has been )?(?:omitted|removed|deleted|stripped)|"
    r"attachment\b.{0,80}\b(?:was|were|has been|have been) (?:removed|deleted|stripped|"
    r"detached|quarantined|blocked)|"
    r"(?:removed|deleted|stripped|detached) (?:an |the |this |one )?attachment|"
    r"添付ファイル.{0,60}(?:削除|除去|取り除)).*$",
    re.I | re.M,
)
#: Thunderbird replaces a deleted attachment with a part of this type.
DELETED_TYPE = "text/x-moz-deleted"


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    notes = removal_notes(facts)
    if notes:
        yield Hit(tuple(notes[:3]))


def removal_notes(facts: MessageFacts) -> list[str]:
    """Every removal note in the message's text parts, one line each."""
    out: list[str] = []
    for part in facts.leaves:
        if part.content_type == DELETED_TYPE:
            out.append(f"part {part.path}: {part.content_type} {part.name or ''}".rstrip())
        elif part.content_type in ("text/plain", "text/html") and not part.in_message:
            out += [" ".join(m.group(0).split()) for m in NOTE.finditer(part_text(part))]
    return out
