"""List what an archive holds from its directory alone, extracting nothing.

A zip's central directory sits at its end and names every member, even when the
members themselves are encrypted. The reader takes a ``read(offset, length)`` callable
so the same code works on bytes in memory and on ranges fetched from an IMAP server.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

from app.core.facts import ARCHIVE_TAIL_BYTES, Archive

Reader = Callable[[int, int], bytes]

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_CENTRAL = b"PK\x01\x02"
_MAX_MEMBERS = 10_000

#: Archive formats this reader recognises but cannot list (by leading bytes).
UNLISTABLE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"MSCF", "cab"),
    (b"**ACE**", "ace"),
    (b"\x60\xea", "arj"),
)


def is_zip(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC)


def sniff_unlistable(head: bytes) -> str | None:
    """The kind of a recognised archive we cannot list, else None."""
    for magic, kind in UNLISTABLE_MAGIC:
        if head.startswith(magic) or (kind == "ace" and head[7:14] == magic):
            return kind
    return None


def list_zip(read: Reader, size: int) -> Archive:
    """Read member names from the central directory of a zip of ``size`` bytes."""
    # The end record is 22 bytes plus a comment of up to 64 KiB: look in a short tail
    # first (what a remote reader fetches), the longest possible one only if needed.
    for window in (4096, 65_557):
        tail_len = min(size, window)
        tail = read(size - tail_len, tail_len)
        eocd_at = tail.rfind(_EOCD)
        if eocd_at >= 0 and len(tail) - eocd_at >= 22:
            break
        if tail_len == size:
            break
    if eocd_at < 0 or len(tail) - eocd_at < 22:
        return Archive("zip", error="the zip directory is missing or cut off")
    (_, _, _, _, count, cd_size, cd_offset, _) = struct.unpack(
        "<4sHHHHIIH", tail[eocd_at : eocd_at + 22]
    )
    eocd_pos = size - len(tail) + eocd_at  # a remote reader may return a shorter tail
    if count == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
        locator = tail[max(0, eocd_at - 20) : eocd_at]
        if not locator.startswith(_EOCD64_LOCATOR):
            return Archive("zip", error="a ZIP64 directory without its locator")
        (eocd64_pos,) = struct.unpack("<Q", locator[8:16])
        record = read(eocd64_pos, 56)
        if len(record) < 56:
            return Archive("zip", error="the ZIP64 directory is cut off")
        count, cd_size, cd_offset = struct.unpack("<QQQ", record[32:56])
        eocd_pos = eocd64_pos
    if cd_size > ARCHIVE_TAIL_BYTES:
        return Archive("zip", error=f"the zip directory is too large ({cd_size} bytes)")
    # The directory ends where the end record starts; this also works for archives
    # with data in front of them (self-extracting), where cd_offset is off.
    start = eocd_pos - cd_size
    if start < 0:
        return Archive("zip", error="the zip directory points outside the file")
    return _parse_central(read(start, cd_size), count)


def _parse_central(data: bytes, count: int) -> Archive:
    members: list[str] = []
    encrypted = False
    pos = 0
    while pos + 46 <= len(data) and len(members) < _MAX_MEMBERS:
        if data[pos : pos + 4] != _CENTRAL:
            return Archive("zip", tuple(members), encrypted, "the zip directory is damaged")
        flags = struct.unpack("<H", data[pos + 8 : pos + 10])[0]
        name_len, extra_len, comment_len = struct.unpack("<HHH", data[pos + 28 : pos + 34])
        raw_name = data[pos + 46 : pos + 46 + name_len]
        members.append(raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace"))
        encrypted = encrypted or bool(flags & 0x1)
        pos += 46 + name_len + extra_len + comment_len
    if len(members) < min(count, _MAX_MEMBERS):
        return Archive("zip", tuple(members), encrypted, "the zip directory is cut off")
    return Archive("zip", tuple(members), encrypted)
