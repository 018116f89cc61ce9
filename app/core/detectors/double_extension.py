"""The file name has two extensions, and the real one is a program.

A name like ``invoice.pdf.exe`` or ``photo.jpg.scr`` shows a harmless type first; when
Windows hides known extensions the person sees only ``invoice.pdf``. The last extension
is what counts: this file is a program. Names of the files inside an attached archive
are read the same way.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.core import names
from app.core.attachments import names_inside
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Severity

ID = "DOUBLE_EXTENSION"
SEVERITY = Severity.HIGH

#: Extensions people trust at a glance: what a decoy extension looks like.
DECOYS = frozenset(
    [
        "txt",
        "text",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "pdf",
        "rtf",
        "odt",
        "ods",
        "odp",
        "csv",
        "xml",
        "jpg",
        "jpeg",
        "png",
        "gif",
        "bmp",
        "tif",
        "tiff",
        "heic",
        "webp",
        "svg",
        "mp3",
        "mp4",
        "m4a",
        "wav",
        "wma",
        "avi",
        "mov",
        "mpg",
        "mpeg",
        "wmv",
        "mkv",
        "zip",
        "rar",
        "7z",
        "htm",
        "html",
        "eml",
        "msg",
        "jtd",
        "jtdc",
        "ichitaro",
    ]
)


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    for part in facts.attachments:
        for name, where in names_inside(part):
            exts = names.all_extensions(name)
            if len(exts) < 2:
                continue
            last, decoy = exts[-1], exts[-2]
            if ctx.policy.tier(last) in ("block", "warn") and decoy in DECOYS:
                shown = f"{where}{names.escape(name)} (looks like .{decoy}, really .{last})"
                yield Hit((shown,), part.path)
                break
