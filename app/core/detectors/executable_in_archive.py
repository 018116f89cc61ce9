"""An archive, disk image or container attached to the message holds a program.

Packing a program into a zip, 7-Zip, RAR or tar archive, a disk image (.iso), an
Outlook or Exchange container (winmail.dat, .msg) or a OneNote or calendar file gets it
past filters that look only at the outer name. The list below names what is inside;
one of them runs as a program as soon as it is opened from there.
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
            kind = f" ({part.archive.label})" if part.archive and part.archive.label else ""
            yield Hit((f"{shown_name(part)}{kind} contains {shown}{more}",), part.path)
