"""Containers a mail client opens for the user, read for the files they carry.

Outlook and Exchange wrap attachments in ``winmail.dat`` (TNEF) and ``.msg`` files;
calendar invitations carry files inline (``ATTACH;VALUE=BINARY``); OneNote pages embed
files; HTML and SVG pages can build a file in the browser from a string in a script
("HTML smuggling"). Each reader here returns the names and the bytes of what the
container holds, so a program inside is judged like any program. Every reader is
bounded in entries and bytes; a damaged container is an error (suspicious, not clean).
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass, field

from app.core import magic

#: Files taken from one container.
MAX_FILES = 1_000
_PAGE_EXTENSIONS = frozenset({"htm", "html", "shtml", "xht", "xhtml", "svg", "hta"})
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TNEF_MAGIC = b"\x78\x9f\x3e\x22"
_ONENOTE_MAGIC = bytes.fromhex("e4525c7b8cd8a74daeb15378d02996d3")
#: OneNote's FileDataStoreObject header: {BDE316E7-2665-4511-A4C4-8D4D0B7A9EAC}.
_ONENOTE_FILE_DATA = bytes.fromhex("e716e3bd65261145a4c48d4d0b7a9eac")


@dataclass
class Opened:
    """What a container holds: names (as a person sees them), the names whose bytes
    are a program, the bytes of each file (for archives inside), or why it failed."""

    kind: str
    label: str
    members: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    files: list[tuple[str, bytes]] = field(default_factory=list)
    error: str | None = None

    def add(self, name: str, data: bytes | None) -> None:
        if len(self.members) >= MAX_FILES:
            self.error = f"too many files to list (over {MAX_FILES:,})"
            return
        self.members.append(name)
        if data is not None:
            self.files.append((name, data))
            if magic.is_executable(data[:256]):
                self.programs.append(name)


Opener = Callable[[bytes], Opened]


def opener_for(head: bytes, extensions: set[str]) -> Opener | None:
    """The reader for a part whose first bytes (or the extensions of its names, lower
    case) say it is a container."""
    if head.startswith(_TNEF_MAGIC):
        return read_tnef
    if head.startswith(_ONENOTE_MAGIC):
        return read_onenote
    if head.startswith(_OLE_MAGIC) and "msg" in extensions:
        return read_msg
    if head[:64].lower().lstrip().startswith(b"begin:vcalendar"):
        return read_icalendar
    if extensions & _PAGE_EXTENSIONS:
        return read_html
    return None


# -- TNEF (winmail.dat) ------------------------------------------------------------------

_ATT_RENDDATA = 0x00069002  # starts each attachment
_ATT_TITLE = 0x00018010  # its 8.3 file name
_ATT_DATA = 0x0006800F  # its bytes
_ATT_MAPI = 0x00069005  # its MAPI properties (the long file name)
_PR_ATTACH_LONG_FILENAME = 0x3707
_PR_ATTACH_FILENAME = 0x3704
_PR_DISPLAY_NAME = 0x3001


def read_tnef(data: bytes) -> Opened:
    """TNEF (MS-OXTNEF): a signature, a key, then attribute records (level, id, length,
    data, checksum). Attachments are the records after each ``attAttachRendData``."""
    opened = Opened("tnef", "Outlook TNEF container (winmail.dat)")
    pos = 6
    current: dict[str, bytes | str] | None = None
    found: list[dict[str, bytes | str]] = []
    while pos + 9 <= len(data):
        level, attribute, length = struct.unpack("<BII", data[pos : pos + 9])
        body = data[pos + 9 : pos + 9 + length]
        if level not in (1, 2) or len(body) < length or pos + 11 + length > len(data):
            opened.error = "the TNEF data is damaged or cut off"
            break
        pos += 11 + length  # 2 bytes of checksum follow the data
        if attribute == _ATT_RENDDATA:
            if len(found) >= MAX_FILES:
                opened.error = f"too many files to list (over {MAX_FILES:,})"
                break
            current = {}
            found.append(current)
        elif current is not None and attribute == _ATT_TITLE:
            current["title"] = _cstring(body)
        elif current is not None and attribute == _ATT_DATA:
            current["data"] = body
        elif current is not None and attribute == _ATT_MAPI:
            current.update(_mapi_names(body))
    for number, attachment in enumerate(found, 1):
        name = next(
            (
                value
                for key in ("long", "short", "title", "display")
                if isinstance(value := attachment.get(key), str) and value
            ),
            f"(attachment {number})",
        )
        data_value = attachment.get("data")
        opened.add(name, data_value if isinstance(data_value, bytes) else None)
    return opened


def _cstring(raw: bytes) -> str:
    return raw.split(b"\x00", 1)[0].decode("cp1252", "replace")


_FIXED_SIZES = {
    0x2: 2,
    0x3: 4,
    0x4: 4,
    0x5: 8,
    0x6: 8,
    0x7: 8,
    0xA: 4,
    0xB: 2,
    0x14: 8,
    0x40: 8,
    0x48: 16,
}
_VARIABLE = {0x1E, 0x1F, 0x102, 0xD}


def _mapi_names(block: bytes) -> dict[str, str]:
    """The file names in a TNEF MAPI property list (MS-OXTNEF 2.1.3.5), if readable."""
    wanted = {
        _PR_ATTACH_LONG_FILENAME: "long",
        _PR_ATTACH_FILENAME: "short",
        _PR_DISPLAY_NAME: "display",
    }
    out: dict[str, str] = {}
    try:
        (count,) = struct.unpack("<I", block[:4])
        pos = 4
        for _ in range(min(count, 500)):
            kind, prop = struct.unpack("<HH", block[pos : pos + 4])
            pos += 4
            if prop >= 0x8000:  # a named property: GUID, then a number or a name
                (is_name,) = struct.unpack("<I", block[pos + 16 : pos + 20])
                pos += 20
                if is_name:
                    (length,) = struct.unpack("<I", block[pos : pos + 4])
                    pos += 4 + (length + 3) // 4 * 4
                else:
                    pos += 4
            multi, base = kind & 0x1000, kind & 0x0FFF
            values = 1
            if multi or base in _VARIABLE:
                (values,) = struct.unpack("<I", block[pos : pos + 4])
                pos += 4
            for _ in range(min(values, 1000)):
                if base in _VARIABLE:
                    (length,) = struct.unpack("<I", block[pos : pos + 4])
                    raw = block[pos + 4 : pos + 4 + length]
                    pos += 4 + (length + 3) // 4 * 4
                    if prop in wanted and base in (0x1E, 0x1F):
                        out[wanted[prop]] = _mapi_string(raw, base)
                elif base in _FIXED_SIZES:
                    pos += (_FIXED_SIZES[base] + 3) // 4 * 4
                else:
                    return out  # a type this reader does not know: stop, keep what it has
    except struct.error:
        pass
    return out


def _mapi_string(raw: bytes, base: int) -> str:
    text = raw.decode("utf-16-le", "replace") if base == 0x1F else raw.decode("cp1252", "replace")
    return text.split("\x00", 1)[0]


# -- Outlook .msg (Compound File Binary) ---------------------------------------------------


def read_msg(data: bytes) -> Opened:
    """An Outlook message file (MS-OXMSG): attachments are the ``__attach_version1.0_*``
    storages; an attached message's own attachments are read too (two levels)."""
    opened = Opened("msg", "Outlook message file")
    try:
        import olefile  # noqa: PLC0415 - only when a .msg is met

        with olefile.OleFileIO(data) as ole:
            _msg_attachments(ole, [], opened, depth=0)
    except ImportError:
        opened.error = "Outlook messages cannot be read here (olefile is not installed)"
    except Exception as error:  # noqa: BLE001 - a damaged file must not stop the scan
        opened.error = f"the Outlook message is damaged ({type(error).__name__})"
    return opened


def _msg_attachments(ole: object, prefix: list[str], opened: Opened, depth: int) -> None:
    storages = sorted(
        {
            tuple(entry[: len(prefix) + 1])
            for entry in ole.listdir(streams=True, storages=True)  # type: ignore[attr-defined]
            if len(entry) > len(prefix)
            and entry[: len(prefix)] == prefix
            and entry[len(prefix)].lower().startswith("__attach_version1.0_")
        }
    )
    for storage in storages:
        path = list(storage)

        def stream(tag: str, path: list[str] = path) -> bytes | None:
            name = [*path, f"__substg1.0_{tag}"]
            if not ole.exists(name):  # type: ignore[attr-defined]
                return None
            return ole.openstream(name).read()  # type: ignore[attr-defined, no-any-return]

        name = next(
            (
                _mapi_string(raw, 0x1F if tag.endswith("001F") else 0x1E)
                for tag in ("3707001F", "3707001E", "3704001F", "3704001E", "3001001F", "3001001E")
                if (raw := stream(tag))
            ),
            f"(attachment {len(opened.members) + 1})",
        )
        opened.add(name, stream("37010102"))
        inner = [*path, "__substg1.0_3701000D"]
        if depth < 1 and ole.exists(inner):  # type: ignore[attr-defined]
            _msg_attachments(ole, inner, opened, depth + 1)


# -- iCalendar ------------------------------------------------------------------------------

_ICAL_ATTACH = re.compile(rb"^ATTACH((?:;[^:\r\n]*)?):", re.IGNORECASE | re.MULTILINE)
_ICAL_NAME = re.compile(
    rb";(?:X-FILENAME|FILENAME|X-APPLE-FILENAME|X-ORACLE-FILENAME|X-MS-FILENAME)"
    rb"=(\"[^\"]*\"|[^;:]*)",
    re.IGNORECASE,
)


def read_icalendar(data: bytes) -> Opened:
    """Files inline in a calendar (RFC 5545 ``ATTACH;VALUE=BINARY;ENCODING=BASE64``)."""
    opened = Opened("icalendar", "iCalendar invitation")
    text = re.sub(rb"\r?\n[ \t]", b"", data)  # unfold
    for match in _ICAL_ATTACH.finditer(text):
        params = match.group(1)
        if b"BINARY" not in params.upper() and b"BASE64" not in params.upper():
            continue  # a link (ATTACH:https://...), not a file
        end = text.find(b"\n", match.end())
        value = text[match.end() : end if end >= 0 else len(text)].strip()
        named = _ICAL_NAME.search(params)
        name = named.group(1).strip(b'"').decode("utf-8", "replace") if named else ""
        try:
            payload = base64.b64decode(value, validate=False)
        except (binascii.Error, ValueError):
            payload = b""
        opened.add(name or f"(attachment {len(opened.members) + 1})", payload)
        if opened.error:
            break
    return opened


# -- OneNote --------------------------------------------------------------------------------

#: How much of a OneNote section is searched for file names (embedded files are
#: found in the whole section).
NAME_SCAN_BYTES = 8 << 20
#: The end of a UTF-16 file name: a dot, a 2-5 character extension, a NUL character.
_UTF16_EXTENSION = re.compile(rb"\.\x00(?:[A-Za-z0-9]\x00){2,5}\x00\x00")


def _utf16_names(data: bytes) -> list[str]:
    """File names stored as UTF-16 text: each extension found, walked back over the
    printable characters before it (a bounded walk, so the search stays linear)."""
    found: list[str] = []
    for match in _UTF16_EXTENSION.finditer(data):
        start = match.start()
        while (
            start >= 2
            and match.start() - start < 240
            and 0x20 <= data[start - 2] <= 0x7E
            and data[start - 1] == 0
        ):
            start -= 2
        if start < match.start():
            name = data[start : match.end() - 2].decode("utf-16-le", "replace")
            if name not in found:
                found.append(name)
        if len(found) >= 100:
            break
    return found


def read_onenote(data: bytes) -> Opened:
    """Files embedded in a OneNote section (MS-ONESTORE FileDataStoreObject: a GUID,
    the length, then the file's bytes); names from the UTF-16 file names it stores."""
    opened = Opened("onenote", "OneNote section")
    found = _utf16_names(data[:NAME_SCAN_BYTES])
    at = data.find(_ONENOTE_FILE_DATA)
    number = 0
    while at >= 0 and not opened.error:
        number += 1
        (length,) = struct.unpack("<Q", data[at + 16 : at + 24].ljust(8, b"\x00"))
        blob = data[at + 36 : at + 36 + length]
        kind = magic.sniff(blob[:256]) or "data"
        opened.add(f"(embedded file {number}: {kind})", blob)
        at = data.find(_ONENOTE_FILE_DATA, at + 36 + max(len(blob), 1))
    for name in found:
        opened.add(name, None)
    return opened


# -- HTML smuggling -------------------------------------------------------------------------

_SMUGGLING = re.compile(
    rb"msSaveOrOpenBlob|msSaveBlob|createObjectURL|\.download\s*=|\bdownload\s*=|"
    rb"data:application/(?:octet-stream|x-msdownload|zip|x-zip)",
    re.IGNORECASE,
)
_DOWNLOAD_NAME = re.compile(
    rb"""(?:\bdownload\s*=\s*|msSaveOrOpenBlob\s*\([^,]{1,200},\s*|msSaveBlob\s*\([^,]{1,200},\s*)"""
    rb"""(["'])([^"'<>\r\n]{1,200})\1""",
    re.IGNORECASE,
)
_BASE64_LITERAL = re.compile(rb"""["'`]([A-Za-z0-9+/=\s\\]{200,})["'`]""")
_DATA_URI = re.compile(
    rb"data:application/[a-z0-9.+-]+;base64,([A-Za-z0-9+/=]{16,})", re.IGNORECASE
)


def read_html(data: bytes) -> Opened:
    """A page that builds a file in the browser: a ``Blob`` saved by
    ``msSaveOrOpenBlob`` or a link with a ``download`` name, from base64 in a script
    (``atob``) or a ``data:`` URI. The file's name and, where it is a plain base64
    string, its bytes."""
    opened = Opened("html", "web page that builds a file in the browser")
    if not _SMUGGLING.search(data):
        return opened
    file_names = list(
        dict.fromkeys(m.group(2).decode("utf-8", "replace") for m in _DOWNLOAD_NAME.finditer(data))
    )
    payloads = [m.group(1) for m in _DATA_URI.finditer(data)]
    payloads += [m.group(1) for m in _BASE64_LITERAL.finditer(data)]
    decoded = [_b64(p) for p in payloads[:20]]
    decoded = [d for d in decoded if d]
    for number, blob in enumerate(decoded):
        name = file_names[number] if number < len(file_names) else f"(file {number + 1})"
        opened.add(name, blob)
    for name in file_names[len(decoded) :]:
        opened.add(name, None)
    return opened


def _b64(text: bytes) -> bytes:
    cleaned = re.sub(rb"[^A-Za-z0-9+/=]", b"", text.replace(b"\\n", b"").replace(b"\\r", b""))
    try:
        return base64.b64decode(cleaned + b"=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError):
        return b""
