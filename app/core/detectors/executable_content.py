"""An attachment's content is a program, whatever its name says.

The first bytes of the file are those of a program (a Windows ``MZ`` executable, a
Windows shortcut, a Linux or Mac program, or compiled help). The name or declared type
may say otherwise, but your computer may still run it. Do not open it.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core import magic
from app.core.attachments import shown_name
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "EXECUTABLE_CONTENT"
SEVERITY = Severity.HIGH


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    for part in facts.leaves:
        kind = magic.sniff(part.head)
        if kind in magic.EXECUTABLE_KINDS:
            first = part.head[:4].hex(" ")
            yield Hit(
                (f"{shown_name(part)}: content is a {kind} (starts with {first})",), part.path
            )
