"""The message pretends to be a delivery failure notice, and carries a program.

Its subject, sender or text says a mail could not be delivered, but instead of a
delivery report it carries a program for you to open. Real delivery reports never ask
you to open an attachment to read them. This is how Mydoom, Netsky and many later
worms spread.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.core.attachments import archive_executables, is_executable, shown_name
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "FAKE_BOUNCE"
SEVERITY = Severity.HIGH

BOUNCE_WORDS = re.compile(
    r"undeliver|delivery (?:status|fail|report|notification|problem)|returned mail|"
    r"mail delivery|failure notice|could not be delivered|non-?delivery|"
    r"mail (?:system|transaction) (?:error|failed)|returned to sender|delivery has failed|"
    r"配信(?:不能|エラー|失敗)|配送(?:エラー|失敗)|送信(?:エラー|失敗)|届きませんでした|宛先不明",
    re.I,
)
_DAEMONS = re.compile(r"^(?:mailer-daemon|postmaster|mail-?daemon)@", re.I)


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    programs = [
        p
        for p in facts.leaves
        if not p.in_message and (is_executable(p, ctx.policy) or archive_executables(p, ctx.policy))
    ]
    if not programs:
        return
    clue = bounce_clue(facts)
    if clue:
        yield Hit((clue, f"attachment: {shown_name(programs[0])}"), programs[0].path)


def bounce_clue(facts: MessageFacts) -> str | None:
    """The header or text line that makes the message look like a bounce."""
    subject = facts.subject or ""
    if BOUNCE_WORDS.search(subject):
        return f"Subject: {subject}"
    for address in facts.from_:
        if _DAEMONS.match(address.addr):
            return f"From: {address.addr}"
    match = BOUNCE_WORDS.search(facts.visible_text)
    if match:
        start = max(0, match.start() - 30)
        return f"text: …{facts.visible_text[start : match.end() + 30]}…"
    return None
