"""The file name ends in a class identifier instead of an extension.

A name like ``readme.txt.{3050F4D8-98B5-11CF-BB82-00AA00BDCE0B}`` is opened by the
program that the identifier names, while Windows Explorer hides the identifier and
shows ``readme.txt``. This trick has no legitimate use in mail.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core import names
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "CLSID_EXTENSION"
SEVERITY = Severity.HIGH


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    for part in facts.attachments:
        for name in part.names:
            clsid = names.clsid(name)
            if clsid:
                yield Hit((f"{names.escape(name)} (ends in {clsid})",), part.path)
                break
