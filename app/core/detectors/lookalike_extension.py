"""The file name shows an extension it does not really have.

The extension is written with characters that only look like the usual ones:
fullwidth letters, Cyrillic or Greek letters that look like Latin ones (a Cyrillic
"ie" and "ha" in place of e and x), a fullwidth dot, or an accent mark hidden on a
letter. You read ``.exe``; Windows, your mail program and a filter each read something
else, and some programs turn the look-alike into the real extension when they save the
file. A name like this has no honest use: it is there to get past a filter. Treat the
file as the type you see; if its content is a program, it is one.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core import names
from app.core.attachments import names_inside
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity
from app.core.lookalikes import lookalike_extension

ID = "LOOKALIKE_EXTENSION"
SEVERITY = Severity.HIGH


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    for part in facts.attachments:
        for name, where in names_inside(part):
            found = lookalike_extension(name)
            if found is None or ctx.policy.tier(found[1]) is None:
                continue
            real, seen = found
            really = f"really .{names.escape(real)}" if real else "really no extension"
            yield Hit((f"{where}{names.escape(name)} (reads as .{seen}, {really})",), part.path)
            break
