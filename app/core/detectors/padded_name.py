"""The file name is padded to push its real extension out of sight.

A long run of spaces, underscores, dots or dashes in the middle of a name
(``report.pdf                                .exe``) makes the mail client cut the name
off before the real extension. Look at the end of the name: that is the type of the
file. A name that is merely long, with no padding, is not counted here, nor one that
goes on well past its run of blanks; the names of files inside an attached archive are
checked too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.core import names
from app.core.attachments import names_inside
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "PADDED_NAME"
SEVERITY = Severity.MEDIUM

_PADDING = re.compile(r"[ _.\-\u3000\u00a0]{10,}")
#: What may follow the padding: the real extension and a few characters, no more (a
#: name that goes on after a run of underscores hides nothing).
_TAIL = 12


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    for part in facts.attachments:
        for name, where in names_inside(part):
            base = names.windows_name(name)
            ext = names.extension(base)
            match = _PADDING.search(base)
            if match and ext and 0 < len(base) - match.end() <= _TAIL:
                shown = names.escape(base)
                short = shown if len(shown) <= 60 else f"{shown[:28]}…{shown[-28:]}"
                yield Hit(
                    (f'{where}"{short}" ({len(base)} characters, real extension .{ext})',),
                    part.path,
                )
                break
