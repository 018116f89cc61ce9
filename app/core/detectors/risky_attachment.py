"""An attachment is of a type that can run code or steal data.

The file type (for example ``.html``, ``.hta``'s relatives, ``.rdp``, ``.cab`` or a
OneNote file) is not a program itself, but opening it can run scripts, connect to a
stranger's computer or show a fake login page. Such attachments are common in phishing.
Open only if you expected this file from this sender.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core.attachments import name_tier, shown_name
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "RISKY_ATTACHMENT"
SEVERITY = Severity.MEDIUM


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    for part in facts.attachments:
        tier = name_tier(part, ctx.policy)
        if tier is not None and tier[0] == "warn":
            yield Hit((f"{shown_name(part)} (.{tier[1]})",), part.path)
