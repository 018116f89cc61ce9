"""An archive is attached whose contents cannot be listed.

MailSentry lists what archives, disk images and mail containers hold without unpacking
them (zip, 7-Zip, RAR, CAB, tar, gzip, ISO 9660, winmail.dat, .msg), and looks into
archives inside archives a few levels deep. This one could not be listed: its format
cannot be read here (ACE, ARJ, UDF disk images), it is damaged, nested too deeply, too
large, or not what its name says. A program may be inside. Ask the sender before
opening it.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core import names
from app.core.attachments import shown_name
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "ARCHIVE_UNLISTABLE"
SEVERITY = Severity.MEDIUM


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    for part in facts.attachments:
        found = part.archive
        label = shown_name(part)
        if found is not None and found.error:
            yield Hit((f"{label}: {found.error}",), part.path)
        elif found is None and (
            any(ctx.policy.is_archive(e) for n in part.names for e in names.extensions_of(n)[:1])
            and part.size
        ):
            yield Hit(
                (f"{label}: named as an archive, but the content is not one MailSentry can read",),
                part.path,
            )
