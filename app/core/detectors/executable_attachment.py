"""An attachment is a program (by its file name).

Its name ends in an extension that Windows runs when the file is opened, such as
``.exe``, ``.scr``, ``.pif``, ``.js`` or ``.lnk``, or a disk image (``.iso``) that opens
as a drive full of programs. Opening it runs whatever its author wanted. Do not open it
unless you asked this exact sender for this exact file, and even then scan it first
with an up-to-date antivirus. A part with no name that is declared as a program
(``application/x-msdownload``, ``application/hta``) is saved under a program's
extension by mail programs that name files by their type.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core import magic, names
from app.core.attachments import name_tier, shown_name
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts, Part
from app.core.findings import Severity

ID = "EXECUTABLE_ATTACHMENT"
SEVERITY = Severity.HIGH


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    for part in facts.attachments:
        tier = name_tier(part, ctx.policy)
        if tier is not None and tier[0] == "block":
            note = (
                "not on your allowed list"
                if ctx.policy.mode == "allow-list" and tier[1] not in ctx.policy.tiers.block
                else "runs as a program"
            )
            yield Hit((f"{shown_name(part)} (.{tier[1]}: {note})", *_holds(part)), part.path)
        elif not part.names and part.content_type in magic.EXECUTABLE_TYPES:
            declared = f"declared as {part.content_type}, a program type"
            yield Hit((f"{shown_name(part)} ({declared})",), part.path)


def _holds(part: Part) -> tuple[str, ...]:
    """What a disk image (or other container named as a program) holds, as listed."""
    found = part.archive
    if found is None or not found.members:
        return ()
    shown = ", ".join(names.escape(m) for m in found.members[:8])
    more = f" and {len(found.members) - 8} more" if len(found.members) > 8 else ""
    return (f"{shown_name(part)} ({found.label or found.kind}) holds {shown}{more}",)
