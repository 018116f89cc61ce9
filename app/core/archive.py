"""List what a zip holds from its central directory alone, extracting nothing.

A zip's central directory sits at its end and names every member, even when the
members themselves are encrypted. The reader takes a ``read(offset, length)`` callable
so the same code works on bytes in memory and on ranges fetched from an IMAP server.

It reads what Python's `zipfile` reads (a comment after the end record, data in front
of the archive such as a self-extracting stub, ZIP64 end records, end records whose
directory offset is wrong), and it is stricter where a lenient reader would hide
members: a directory that is cut off, an entry that runs past the directory's end,
or fewer entries than the end record declares is an error, never a short list.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

from app.core.facts import Archive

Reader = Callable[[int, int], bytes]

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_EOCD64 = b"PK\x06\x06"
_EOCD64_SIZE = 56
_EOCD64_LOCATOR = b"PK\x06\x07"
_LOCATOR_SIZE = 20
_CENTRAL = b"PK\x01\x02"
_ENTRY_SIZE = 46
#: The end record is 22 bytes plus a comment of up to 64 KiB: a short tail is read
#: first (what a remote reader fetches), the longest possible one only if needed.
_TAIL_WINDOWS = (4096, _EOCD_SIZE + 0xFFFF)
#: The largest directory read: some 15,000 entries with 20-character names (22,000
#: at most), beyond real mail and within the time one message may take to judge; a
#: larger one is "too many entries to list", never a short list.
MAX_DIRECTORY_BYTES = 1 << 20


def is_zip(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC)


def list_zip(read: Reader, size: int) -> Archive:
    """Read member names from the central directory of a zip of ``size`` bytes."""
    found = _end_record(read, size)
    if isinstance(found, str):
        return Archive("zip", error=found)
    eocd_pos, record = found
    (_, _, _, _, count, cd_size, _, _) = struct.unpack("<4sHHHHIIH", record)
    declared: int | None = None if count == 0xFFFF else count
    directory_end = eocd_pos
    zip64 = _zip64_record(read, size, eocd_pos)
    if zip64 is not None:
        directory_end, declared, cd_size = zip64
    elif cd_size == 0xFFFFFFFF:
        return Archive("zip", error="a ZIP64 directory without its end record")
    if cd_size > MAX_DIRECTORY_BYTES:
        return Archive(
            "zip",
            error=f"too many entries to list (a directory of {cd_size:,} bytes, "
            f"over {MAX_DIRECTORY_BYTES:,})",
        )
    # The directory ends where the end record starts; this also works for archives
    # with data in front of them (self-extracting), where the stored offset is off.
    start = directory_end - cd_size
    if start < 0:
        return Archive("zip", error="the zip directory points outside the file")
    data = read(start, cd_size)
    if len(data) < cd_size:
        return Archive("zip", error="the zip directory is cut off")
    return _parse_central(data, declared)


def _end_record(read: Reader, size: int) -> tuple[int, bytes] | str:
    """The position and bytes of the end-of-central-directory record, or an error."""
    for window in _TAIL_WINDOWS:
        tail_len = min(size, window)
        tail = read(size - tail_len, tail_len)
        at = _end_record_at(tail)
        if at >= 0:
            # A remote reader may return a shorter tail than asked for.
            return size - len(tail) + at, tail[at : at + _EOCD_SIZE]
        if tail_len == size:
            break
    return "the zip directory is missing or cut off"


def _end_record_at(tail: bytes) -> int:
    """Where in ``tail`` the end record starts, or -1: the last signature whose comment
    ends exactly at the end; failing that, like `zipfile`, the last signature with a
    whole record after it (a signature inside the comment is passed over)."""
    fallback = at = tail.rfind(_EOCD, 0, max(0, len(tail) - _EOCD_SIZE + 4))
    while at >= 0:
        (comment_len,) = struct.unpack("<H", tail[at + 20 : at + 22])
        if at + _EOCD_SIZE + comment_len == len(tail):
            return at
        at = tail.rfind(_EOCD, 0, at)
    return fallback


def _zip64_record(read: Reader, size: int, eocd_pos: int) -> tuple[int, int, int] | None:
    """(start of the ZIP64 end record, entry count, directory size) when there is one.

    Like `zipfile`, the record is looked for right before its locator, which sits right
    before the end record; its absolute offset is not trusted (data may be in front)."""
    if eocd_pos < _LOCATOR_SIZE + _EOCD64_SIZE:
        return None
    locator = read(eocd_pos - _LOCATOR_SIZE, _LOCATOR_SIZE)
    if not locator.startswith(_EOCD64_LOCATOR):
        return None
    record_pos = eocd_pos - _LOCATOR_SIZE - _EOCD64_SIZE
    record = read(record_pos, _EOCD64_SIZE)
    if len(record) < _EOCD64_SIZE or not record.startswith(_EOCD64):
        return None
    count, cd_size = struct.unpack("<QQ", record[32:48])
    return record_pos, count, cd_size


def _parse_central(data: bytes, declared: int | None) -> Archive:
    members: list[str] = []
    encrypted = False
    pos = 0
    while pos < len(data):
        if len(data) - pos < _ENTRY_SIZE or data[pos : pos + 4] != _CENTRAL:
            return Archive("zip", tuple(members), encrypted, "the zip directory is damaged")
        (flags,) = struct.unpack_from("<H", data, pos + 8)
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, pos + 28)
        end = pos + _ENTRY_SIZE + name_len + extra_len + comment_len
        if end > len(data):
            return Archive(
                "zip",
                tuple(members),
                encrypted,
                "a zip directory entry runs past the end of the directory",
            )
        # A name ends at a NUL, as `zipfile` and Windows read it ("x.exe\0.txt" is x.exe).
        raw_name = data[pos + _ENTRY_SIZE : pos + _ENTRY_SIZE + name_len].split(b"\0", 1)[0]
        members.append(raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace"))
        encrypted = encrypted or bool(flags & 0x1)
        pos = end
    if declared is not None and len(members) < declared:
        return Archive(
            "zip",
            tuple(members),
            encrypted,
            f"the zip directory is cut off ({len(members):,} of {declared:,} entries)",
        )
    return Archive("zip", tuple(members), encrypted)
