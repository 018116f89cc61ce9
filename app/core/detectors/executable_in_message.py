"""A program is hidden inside a returned or forwarded message.

The message carries another message (a bounce, "your mail could not be delivered", or
a forwarded mail), and that inner message carries a program. Worms such as Mydoom and
Netsky dressed themselves up as bounces so that people would open the "returned"
attachment. A real bounce never needs you to open a program.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core.attachments import archive_executables, is_executable, shown_name
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "EXECUTABLE_IN_MESSAGE"
SEVERITY = Severity.HIGH


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    for part in facts.leaves:
        if not part.in_message:
            continue
        if is_executable(part, ctx.policy) or archive_executables(part, ctx.policy):
            yield Hit(
                (f"{shown_name(part)} inside the attached message (part {part.path})",), part.path
            )
