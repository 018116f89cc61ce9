"""The message is addressed to "undisclosed recipients".

The sender hid the list of people the message went to. Newsletters do this for
privacy, but so do worms and spammers sending to addresses they harvested. On its own
this is only a hint.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "UNDISCLOSED_RECIPIENTS"
SEVERITY = Severity.INFO

_EMPTY_GROUP = re.compile(r'^\s*(?:"[^"]*"|[^:@<>"]*)\s*:\s*;?\s*$')


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    for value in facts.all("To"):
        if _EMPTY_GROUP.match(value):
            yield Hit((f"To: {value}",))
            return
