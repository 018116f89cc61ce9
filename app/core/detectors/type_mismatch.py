"""The attachment's name, declared type and content disagree.

The message says the file is one thing (a picture, a PDF, a text) while its name or its
bytes say it is a program. Mail programs and Windows decide differently which of these
to believe, and attackers use that gap to get a program opened as if it were a
document. Treat the file as the program it really is. A script (``.vbs``, ``.js``,
``.bat``) whose text is declared as ``text/plain`` is typed honestly (a script is
text) and is judged by its name alone.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core import magic
from app.core.attachments import name_tier, shown_name
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity
from app.core.risk import is_binary

ID = "TYPE_MISMATCH"
SEVERITY = Severity.HIGH


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    for part in facts.attachments:
        tier = name_tier(part, ctx.policy)
        named_program = tier is not None and tier[0] == "block"
        kind = magic.sniff(part.head)
        declared = part.content_type
        label = shown_name(part)
        if kind in magic.EXECUTABLE_KINDS and not named_program and part.names:
            yield Hit((f"{label}: named like a document but the content is a {kind}",), part.path)
        elif (
            named_program
            and declared.startswith(magic.VIEW_TYPES_PREFIXES)
            and not (declared.startswith("text/plain") and not is_binary(part.head))
        ):
            yield Hit(
                (f"{label}: declared as {declared} but named .{tier[1] if tier else ''}",),
                part.path,
            )
        elif declared in magic.EXECUTABLE_TYPES and part.names and not named_program:
            yield Hit((f"{label}: named like a document but declared as {declared}",), part.path)
