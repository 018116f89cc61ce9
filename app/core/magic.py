"""What the first bytes of a file say it is, whatever its name or declared type."""

from __future__ import annotations

#: Kinds of content that run as a program when opened.
EXECUTABLE_KINDS = frozenset(
    {"windows-executable", "windows-shortcut", "elf", "mach-o", "windows-help"}
)

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (
        b"L\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00F",
        "windows-shortcut",
    ),
    (b"\x7fELF", "elf"),
    (b"\xfe\xed\xfa\xce", "mach-o"),
    (b"\xfe\xed\xfa\xcf", "mach-o"),
    (b"\xce\xfa\xed\xfe", "mach-o"),
    (b"\xcf\xfa\xed\xfe", "mach-o"),
    (b"ITSF", "windows-help"),
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"MSCF", "cab"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"{\\rtf", "rtf"),
)


def sniff(head: bytes) -> str | None:
    """Name the kind of content ``head`` starts with, or None if unknown."""
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:2] == b"MZ" and len(head) >= 2:
        return "windows-executable"
    return None


def is_executable(head: bytes) -> bool:
    return sniff(head) in EXECUTABLE_KINDS


#: Declared MIME types that ask the receiving program to run the content.
EXECUTABLE_TYPES = frozenset(
    {
        "application/x-msdownload",
        "application/x-msdos-program",
        "application/x-dosexec",
        "application/x-executable",
        "application/x-ms-dos-executable",
        "application/hta",
        "application/x-ms-shortcut",
        "application/x-msi",
        "application/x-ms-installer",
        "application/vnd.microsoft.portable-executable",
        "application/x-javascript",
        "application/javascript",
        "text/javascript",
        "application/x-bat",
        "application/x-sh",
        "application/x-vbscript",
        "text/vbscript",
        "application/x-elf",
    }
)

#: Declared types that promise something to look at, not to run.
VIEW_TYPES_PREFIXES = ("image/", "audio/", "video/", "text/plain", "application/pdf")
