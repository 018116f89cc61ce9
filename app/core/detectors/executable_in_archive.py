"""A compressed archive (zip) attached to the message contains a program.

Packing a program into a zip file gets it past filters that look only at the outer
name. The archive's directory lists the files below; one of them runs as a program as
soon as it is opened from the archive.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core import names
from app.core.attachments import archive_executables, shown_name
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "EXECUTABLE_IN_ARCHIVE"
SEVERITY = Severity.HIGH


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    for part in facts.leaves:
        members = archive_executables(part, ctx.policy)
        if members:
            shown = ", ".join(names.escape(m) for m in members[:5])
            more = f" and {len(members) - 5} more" if len(members) > 5 else ""
            yield Hit((f"{shown_name(part)} contains {shown}{more}",), part.path)
