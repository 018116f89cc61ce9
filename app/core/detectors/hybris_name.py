"""The program's name is eight random capital letters, as worms make them.

W32.Hybris named its attachment with eight random letters from A to P followed by
``.EXE`` or ``.SCR`` (``CKGIHLCK.EXE``, ``LCOLCKLC.EXE``), so that searching for the
name finds nothing. Other worms use similar random names. A person does not name a
file like that.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.core import names
from app.core.attachments import name_tier
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "HYBRIS_NAME"
SEVERITY = Severity.MEDIUM

_EIGHT = re.compile(r"[A-Z]{8}")
_A_TO_P = re.compile(r"[A-P]{8}")
_VOWELS = set("AEIOU")


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    for part in facts.attachments:
        if name_tier(part, ctx.policy) is None:
            continue
        for name in part.names:
            stem = names.windows_name(name).rsplit(".", 1)[0]
            if not _EIGHT.fullmatch(stem):
                continue
            if _A_TO_P.fullmatch(stem):
                yield Hit(
                    (f"{names.escape(name)} (8 letters, all from A to P)",),
                    part.path,
                    Severity.HIGH,
                )
            elif _looks_random(stem):
                yield Hit((f"{names.escape(name)} (8 random-looking letters)",), part.path)
            break


def _looks_random(stem: str) -> bool:
    """Too few vowels, or a long consonant run: not a word or an abbreviation."""
    vowels = sum(c in _VOWELS for c in stem)
    longest = max(len(run) for run in re.split("[AEIOUY]", stem))
    return vowels <= 1 or longest >= 5
