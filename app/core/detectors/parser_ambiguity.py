"""The message can be read in more than one way.

Its structure is written twice in different ways (two content types, two boundaries,
two different names for one attachment). Different mail programs and virus scanners
then see different contents; attackers use this so that the scanner sees a harmless
message and your mail program shows the dangerous one. MailSentry judged every
reading and kept the worst.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "PARSER_AMBIGUITY"
SEVERITY = Severity.MEDIUM


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    if facts.ambiguities:
        yield Hit(facts.ambiguities)
