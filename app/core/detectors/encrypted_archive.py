"""An attached archive is locked with a password.

Password-protected archives cannot be checked by any virus scanner on the way, which is
why criminals send them with the password in the text ("invoice, password 1234").
Many offices also send them on purpose. Open it only if you expected it from this
sender; the file names inside are shown as evidence.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core import names
from app.core.attachments import shown_name
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "ENCRYPTED_ARCHIVE"
SEVERITY = Severity.MEDIUM


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    for part in facts.leaves:
        if part.archive is not None and part.archive.encrypted:
            inside = ", ".join(names.escape(m) for m in part.archive.members[:5])
            yield Hit((f"{shown_name(part)} is password-protected; it holds {inside}",), part.path)
