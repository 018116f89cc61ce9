"""An archive is attached whose contents cannot be listed.

MailSentry reads the table of contents of zip files without unpacking them. This
archive's contents could not be read: it is of a type that cannot be listed without
unpacking (RAR, 7-Zip, CAB), it holds further archives, or it is damaged or not what
its name says. A program may be inside. Ask the sender before opening it.
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
        elif found is not None:
            nested = [
                m
                for m in found.members
                if any(ctx.policy.is_archive(e) for e in names.extensions_of(m)[:1])
            ]
            if nested:
                yield Hit(
                    (
                        f"{label} holds further archives: "
                        f"{', '.join(names.escape(m) for m in nested[:5])}",
                    ),
                    part.path,
                )
        elif (
            any(ctx.policy.is_archive(e) for n in part.names for e in names.extensions_of(n)[:1])
            and part.size
        ):
            yield Hit(
                (f"{label}: named as an archive, but the content is not one MailSentry can read",),
                part.path,
            )
