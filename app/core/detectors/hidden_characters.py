"""The file name contains invisible or direction-changing characters.

Characters such as U+202E (right-to-left override) make a name display in a different
order than it really has: ``invoice_<U+202E>fdp.exe`` appears as ``invoice_exe.pdf``.
Zero-width characters, control characters and NUL bytes hide parts of a name from you
or from filters. No honest program needs them in a file name. The names of the files
inside an attached zip are checked the same way: the archive program shows them to you
just as the mail program shows an attachment's name.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core import names
from app.core.attachments import shown_name
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "HIDDEN_CHARACTERS"
SEVERITY = Severity.HIGH


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    for part in facts.attachments:
        members = part.archive.members if part.archive is not None else ()
        for name in (*part.names, *members):
            hidden = names.hidden_chars(name)
            if hidden:
                shown = ", ".join(dict.fromkeys(hidden))
                where = "" if name in part.names else f"{shown_name(part)} holds "
                yield Hit((f"{where}{names.escape(name)} (hidden: {shown})",), part.path)
                break
