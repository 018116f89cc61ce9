"""The file name ends in dots, spaces or an NTFS stream name.

Windows silently drops dots and spaces at the end of a file name, so ``setup.exe.`` or
``photo.exe   `` becomes a program named ``.exe`` once saved, while filters that check
the last characters see no extension at all. A name such as ``setup.exe::$DATA`` or
``setup.exe:x`` names a data stream of ``setup.exe``: a program that saves the file
under that name writes ``setup.exe``.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core import names
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "NAME_TRAILING_JUNK"
SEVERITY = Severity.MEDIUM


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    for part in facts.attachments:
        for name in part.names:
            base = names.basename(name).split("\x00", 1)[0]
            host = names.stream_host(base)
            if host != base and ctx.policy.tier(names.extension(names.windows_name(host))):
                shown = f'"{names.escape(name)}" is written to "{names.escape(host)}"'
                yield Hit((shown,), part.path)
                break
            if base and base != base.rstrip(" .") and base.rstrip(" ."):
                yield Hit(
                    (
                        f'"{names.escape(name)}" is saved as '
                        f'"{names.escape(names.windows_name(name))}"',
                    ),
                    part.path,
                )
                break
