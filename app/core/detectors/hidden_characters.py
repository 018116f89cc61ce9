"""The file name contains invisible or direction-changing characters.

Characters such as U+202E (right-to-left override) make a name display in a different
order than it really has: ``invoice_<U+202E>fdp.exe`` appears as ``invoice_exe.pdf``.
Zero-width characters, control characters and NUL bytes hide parts of a name from you
or from filters. No honest program needs them in a file name. The names of the files
inside an attached zip are checked the same way: the archive program shows them to you
just as the mail program shows an attachment's name. The joiners that Persian, Indic
scripts and emoji need between two of their own characters (U+200C, U+200D) are part of
writing, not hidden, as long as they stay out of the extension.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from app.core import names
from app.core.attachments import names_inside
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

_JOINERS = "\u200c\u200d"

ID = "HIDDEN_CHARACTERS"
SEVERITY = Severity.HIGH


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    for part in facts.attachments:
        for name, where in names_inside(part):
            hidden = [
                names.escape(c)
                for i, c in enumerate(name)
                if names.is_hidden_char(c) and not writing_joiner(name, i)
            ]
            if hidden:
                shown = ", ".join(dict.fromkeys(hidden))
                yield Hit((f"{where}{names.escape(name)} (hidden: {shown})",), part.path)
                break


def writing_joiner(name: str, index: int) -> bool:
    """A zero-width (non-)joiner between two non-ASCII letters or symbols, before the
    extension: how Persian, Indic scripts and emoji sequences are written."""
    if name[index] not in _JOINERS or not 0 < index < len(name) - 1:
        return False
    if "." not in name[index:]:
        return False  # inside the extension: no script needs it there
    return all(
        not c.isascii() and unicodedata.category(c)[0] in "LMS"
        for c in (name[index - 1], name[index + 1])
    )
