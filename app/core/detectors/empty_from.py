"""The From header is missing or names no sender.

Every normal message says who wrote it. A message with an empty ``From:`` (or none)
was most likely written by a program, not a person: the 2001 Hybris worm sent exactly
such mail. Mail clients show these as "(no sender)". Be careful with any attachment.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "EMPTY_FROM"
SEVERITY = Severity.LOW


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    values = facts.all("From")
    if not values:
        yield Hit(("(no From: header)",))
    elif not any(a.addr for a in facts.from_):
        yield Hit(tuple(f"From: {v}" for v in values))
