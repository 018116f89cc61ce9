"""The file name ends in dots, spaces or an NTFS stream name.

Windows silently drops dots and spaces at the end of a file name, so ``setup.exe.`` or
``photo.exe   `` becomes a program named ``.exe`` once saved, while filters that check
the last characters see no extension at all. A name such as ``setup.exe::$DATA`` or
``setup.exe:x`` names a data stream of ``setup.exe``: a program that saves the file
under that name writes ``setup.exe``. The names of files and folders inside an attached
archive are checked too: a name ending in a space is how a 2023 flaw in WinRAR was used
to run a script when a person opened what looked like a PDF.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core import names
from app.core.attachments import shown_name
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "NAME_TRAILING_JUNK"
SEVERITY = Severity.MEDIUM


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    for part in facts.attachments:
        hit = next((h for n in part.names if (h := _junk(n, ctx))), None)
        if hit is None and part.archive is not None:
            hit = next((f"{shown_name(part)} holds {h}" for m in part.archive.members
                        if (h := _member_junk(m))), None)
        if hit is not None:
            yield Hit((hit,), part.path)


def _junk(name: str, ctx: Context) -> str | None:
    base = names.basename(name).split("\x00", 1)[0]
    host = names.stream_host(base)
    if host != base and ctx.policy.tier(names.extension(names.windows_name(host))):
        return f'"{names.escape(name)}" is written to "{names.escape(host)}"'
    if base and base != base.rstrip(" .") and base.rstrip(" ."):
        return f'"{names.escape(name)}" is saved as "{names.escape(names.windows_name(name))}"'
    return None


def _member_junk(member: str) -> str | None:
    """A file or folder in an archive whose name ends in a space or a dot: unpacked on
    Windows it loses them, and archive programs that compare names get confused (the
    WinRAR flaw of 2023 ran ``doc.pdf /doc.pdf .cmd`` when ``doc.pdf `` was opened)."""
    for piece in member.rstrip("/").split("/"):
        if piece != piece.rstrip(" .") and piece.rstrip(" ."):
            return f'"{names.escape(member)}" ("{names.escape(piece)}" ends in a space or dot)'
    return None
