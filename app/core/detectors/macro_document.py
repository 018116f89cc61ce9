"""An Office document that can contain macros.

Macro-enabled documents (``.docm``, ``.xlsm``, ``.pptm`` and relatives, or a document
whose contents hold a macro project) can run programs when you click "Enable content".
Criminals send them as invoices and delivery notes. Never enable macros in a document
from someone you do not know.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core.attachments import name_tier, shown_name
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity
from app.core.risk import MACRO_MEMBERS

ID = "MACRO_DOCUMENT"
SEVERITY = Severity.MEDIUM


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    for part in facts.attachments:
        tier = name_tier(part, ctx.policy)
        if tier is not None and tier[0] == "macro":
            yield Hit((f"{shown_name(part)} (.{tier[1]}: macro-enabled Office type)",), part.path)
        elif part.archive is not None and any(
            m.lower().rsplit("/", 1)[-1] in MACRO_MEMBERS for m in part.archive.members
        ):
            yield Hit((f"{shown_name(part)} contains a macro project (vbaProject.bin)",), part.path)
