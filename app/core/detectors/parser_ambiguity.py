"""The message can be read in more than one way.

Its structure is written twice in different ways (two content types, two boundaries,
two different names for one attachment, a header line that is not a header). Different
mail programs and virus scanners then see different contents; attackers use this so
that the scanner sees a harmless message and your mail program shows the dangerous
one. MailSentry judged every reading and kept the worst. The message is suspicious
only when a reading holds something that could do harm (a program, an unnamed binary,
a risky type, an archive, names that disagree about a risky type); a plain text or a
picture that every reading shows the same harmless way is not.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity
from app.core.risk import exposure

ID = "PARSER_AMBIGUITY"
SEVERITY = Severity.MEDIUM


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    if facts.ambiguities:
        risks = exposure(facts, ctx.policy)
        yield Hit(facts.ambiguities + tuple(f"this reading holds {r}" for r in risks[:3]))
