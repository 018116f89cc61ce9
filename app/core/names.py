"""Attachment names as Windows will treat them, and as a person can read them.

An executable hides behind a harmless-looking name by characters the eye cannot see
(U+202E turns ``gpj.exe`` into ``exe.jpg``), by what Windows drops (trailing dots and
spaces), by what C code stops at (NUL), or by a CLSID in place of an extension.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote

#: Bidirectional controls: they reorder how the rest of the name is displayed.
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Characters that take no space or look like blank space but are not a space.
INVISIBLE = frozenset(
    "\u00ad\u034f\u115f\u1160\u180e\u200b\u200c\u200d\u2060\u2061\u2062"
    "\u2063\u2064\u3164\ufeff\uffa0\u2800"
)

_CLSID = re.compile(
    r"\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{12}\}"
)


def is_hidden_char(char: str) -> bool:
    """Control, bidi, zero-width or blank-looking: anything a person cannot see."""
    if char in BIDI or char in INVISIBLE:
        return True
    return unicodedata.category(char) in ("Cc", "Cf") and char not in "\t"


def _hidden_class() -> str:
    """One regex class of every character `is_hidden_char` accepts: escaping is then one
    C-speed search for most text. The Basic Multilingual Plane is scanned once; beyond
    it, the few format characters Unicode has are listed."""
    chars = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF and is_hidden_char(chr(c))]
    astral = (
        "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
        "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    )
    return re.escape("".join(chars)) + astral


_HIDDEN_CLASS = _hidden_class()
#: Any hidden character (control, bidi, zero-width, blank-looking).
HIDDEN = re.compile(f"[{_HIDDEN_CLASS}]")
#: What `escape` rewrites: the hidden characters, plus backslash and tab.
_NEEDS_ESCAPE = re.compile(f"[{_HIDDEN_CLASS}{re.escape(chr(92) + chr(9))}]")


def escape(text: str) -> str:
    """Show hidden characters as ``\\u202e`` (or ``\\x00``) so evidence can be read."""
    if not _NEEDS_ESCAPE.search(text):
        return text
    out: list[str] = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif is_hidden_char(char) or char == "\t":
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def basename(name: str) -> str:
    """The last path component: some mailers send ``C:\\dir\\file.exe``."""
    return re.split(r"[\\/]", name)[-1]


@lru_cache(maxsize=4096)
def windows_name(name: str) -> str:
    """The name Windows would store: hidden characters removed, trailing dots and
    spaces dropped, and everything after a NUL cut off. (Every detector asks about the
    same few names: they are remembered.)"""
    name = basename(name).split("\x00", 1)[0]
    if _NEEDS_ESCAPE.search(name):
        name = "".join(c for c in name if not is_hidden_char(c))
    return name.rstrip(" .")


def stream_host(name: str) -> str:
    """The file an NTFS stream name writes to: ``x.exe::$DATA`` and ``x.exe:s`` are
    written to ``x.exe`` when a program passes the name on unchanged."""
    return basename(name).split(":", 1)[0]


def extension(name: str) -> str:
    """The lower-case extension of a name (without dot), "" when there is none."""
    stem, dot, ext = name.rpartition(".")
    return ext.strip().lower() if dot and stem else ""


@lru_cache(maxsize=4096)
def extensions_of(name: str) -> tuple[str, ...]:
    """Every extension a program might act on for this name, most likely first.

    The Windows view comes first; then the name as a non-Windows client shows it
    (hidden characters kept, trailing junk kept), then the part after a NUL, then the
    file an NTFS stream name (``x.exe::$DATA``) writes to, then the name with its
    percent escapes decoded (``x%2Eexe``, ``x.exe%00.pdf``), as web mail decodes them.
    """
    found: list[str] = []
    base = basename(name)
    stream = windows_name(stream_host(base))
    decoded = windows_name(unquote(base)) if "%" in base else ""
    for candidate in (windows_name(base), base, base.replace("\x00", ""), stream, decoded):
        ext = extension(candidate)
        if ext and ext not in found:
            found.append(ext)
    clsid = _CLSID.search(base)
    if clsid and "clsid" not in found:
        found.append("clsid")
    return tuple(found)


def clsid(name: str) -> str | None:
    """The CLSID used as an extension (``file.{3050F4D8-...}``), if any."""
    match = _CLSID.search(basename(name))
    if match and basename(name)[: match.start()].endswith("."):
        return match.group(0)
    return None


def all_extensions(name: str) -> list[str]:
    """All dot-separated extensions of the Windows name, in order (``a.pdf.exe`` →
    ``["pdf", "exe"]``)."""
    clean = windows_name(name)
    pieces = clean.split(".")
    return (
        [p.strip().lower() for p in pieces[1:]]
        if len(pieces) > 1 and pieces[0]
        else [p.strip().lower() for p in pieces[2:]]
    )


def hidden_chars(name: str) -> list[str]:
    """The hidden characters in ``name``, escaped, in order of appearance."""
    return [escape(c) for c in name if is_hidden_char(c)]
