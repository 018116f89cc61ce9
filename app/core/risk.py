"""What in one reading of a message could do harm.

A structural defect or a second reading of a message is only worth a warning when
what a reader would get could hurt: a program, an unnamed binary, a risky type, an
archive, names that disagree about a risky type, or content that could not be seen at
all. A plain text or a PDF in a clumsily built message stays harmless however it is
read. `exposure` says what, if anything, makes a reading risky, in words for the
evidence; the verdict rules use it to decide whether a doubt about the reading counts.
"""

from __future__ import annotations

import re

from app.core import magic, names
from app.core.attachments import archive_executables, is_executable, name_tier, shown_name
from app.core.extensions import ExtensionPolicy
from app.core.facts import Archive, MessageFacts, Part
from app.core.names import extensions_of

#: Archive members that hold Office macros.
MACRO_MEMBERS = ("vbaproject.bin", "vbadata.xml")

#: Kinds of content whose bytes are a file a viewer shows, not a program.
VIEWED_KINDS = frozenset({"pdf", "png", "jpeg", "gif", "rtf"})
#: Declared types a mail program shows or plays itself (an inline picture in a
#: newsletter): bytes that are not a program (checked first) are harmless there.
MEDIA_TYPES = ("image/", "audio/", "video/")
#: Bytes that never occur in text (ESC is kept for ISO-2022-JP, form feed for old mail).
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
#: A defect that names a part (``part 2.1: ...``); any other defect is about the message.
_PART_DEFECT = re.compile(r"^part ([0-9A-Za-z.]+):")


def exposure(facts: MessageFacts, policy: ExtensionPolicy) -> list[str]:
    """Why this reading could do harm (empty when it holds only harmless content)."""
    out = [f"{shown_name(p)}: {why}" for p in facts.leaves if (why := part_risk(p, policy))]
    out += unseen_content(facts)
    return out


def part_risk(part: Part, policy: ExtensionPolicy) -> str | None:
    """What makes one leaf part risky, or None when it is harmless however it is read."""
    if is_executable(part, policy) or archive_executables(part, policy):
        return "a program"
    tier = name_tier(part, policy)
    if tier is not None:
        return f"a risky type (.{tier[1]})"
    if part.archive is not None:
        return archive_risk(part.archive, policy)
    if any(policy.is_archive(ext) for name in part.names for ext in extensions_of(name)):
        return "named as an archive, but not one that could be listed"
    if (
        is_binary(part.head)
        and not part.names
        and not part.content_type.startswith(MEDIA_TYPES)
        and magic.sniff(part.head) not in VIEWED_KINDS
    ):
        return "unnamed binary content"
    return None


def archive_risk(archive: Archive, policy: ExtensionPolicy) -> str | None:
    """An archive is harmless only when its whole list was read and names nothing
    risky: no program, script, macro project or further archive."""
    if archive.error or archive.encrypted:
        return "an archive whose contents are not known"
    for member in archive.members:
        base = member.rsplit("/", 1)[-1]
        if base.lower() in MACRO_MEMBERS:
            return "a macro project"
        for ext in extensions_of(base):
            if policy.tier(ext) is not None or policy.is_archive(ext):
                return f"an archive holding {names.escape(base)}"
    return None


def is_binary(head: bytes) -> bool:
    """Bytes that are not text (a viewer's file format or a program, say)."""
    return bool(_BINARY.search(head))


def unseen_content(facts: MessageFacts) -> list[str]:
    """Defects that leave content unread: a multipart whose parts could not be found,
    parts beyond a bound, damage outside any one leaf. A defect inside one leaf part is
    judged by that part's own risk instead."""
    leaves = {p.path for p in facts.leaves}
    out: list[str] = []
    for defect in facts.defects:
        match = _PART_DEFECT.match(defect)
        if match is None or match.group(1) not in leaves:
            out.append(f"content not read: {defect}")
    return out
