"""The sender's name shows a different address than the real one.

The name part of the sender reads like an e-mail address (``"boss@yourcompany.jp"
<someone@elsewhere.example>``), but the message really comes from another address.
Many mail programs show only the name, so the mail looks as if it came from someone
you know. MailSentry does not trust such a sender.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "DISPLAY_NAME_SPOOF"
SEVERITY = Severity.MEDIUM

_ADDRESS = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    for address in facts.from_:
        for shown in _ADDRESS.findall(address.display):
            if address.addr and shown.lower() != address.addr.lower():
                yield Hit(
                    (
                        f"From: {address.display} <{address.addr}>",
                        f"the name shows {shown}, the message is from {address.addr}",
                    )
                )
                return
