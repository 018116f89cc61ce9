"""Files carried inside a text by the encodings that came before MIME: BinHex 4.0 and yEnc.

Old and Usenet-minded mail clients decode such blocks wherever they find them and show
them as attachments (like uuencode, see `app.core.mime.find_uu_blocks`), so a program
sent this way is a program. Each reader is bounded: at most `MAX_BLOCKS` blocks per
text and `MAX_DECODED` bytes per file; past a bound, or where a block cannot be read,
the reader says so and the message is not called clean.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass

MAX_BLOCKS = 100
#: Decoded bytes kept of one file: enough for its start and an archive's directory.
MAX_DECODED = 16 << 20


@dataclass(frozen=True)
class Block:
    """One file found in a text: its name, its (possibly partial) decoded bytes, and
    what was wrong with it (``None`` when it read cleanly)."""

    kind: str  # "binhex" or "yenc"
    name: str
    data: bytes
    problem: str | None = None


# -- BinHex 4.0 ----------------------------------------------------------------------

BINHEX_MARK = b"(This file must be converted with BinHex"
_HQX_ALPHABET = b"!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr"
_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_HQX_TO_B64 = bytes.maketrans(
    _HQX_ALPHABET + bytes(sorted(set(range(256)) - set(_HQX_ALPHABET))),
    _B64_ALPHABET + b"?" * (256 - 64),
)
_RLE_MARK = 0x90


def find_binhex(text: bytes) -> Iterator[Block]:
    """Every BinHex 4.0 file in ``text``: its name and data fork (the part a Mac or a
    Windows unpacker turns into the file), from the header that precedes it."""
    pos = blocks = 0
    while True:
        mark = text.find(BINHEX_MARK, pos)
        if mark < 0:
            return
        if blocks == MAX_BLOCKS:
            yield Block("binhex", "", b"", f"more than {MAX_BLOCKS} BinHex blocks (not read)")
            return
        blocks += 1
        start = text.find(b":", mark + len(BINHEX_MARK))
        if start < 0:
            yield Block("binhex", "", b"", "BinHex block has no data")
            return
        stop = text.find(b":", start + 1)
        pos = len(text) if stop < 0 else stop + 1
        yield _binhex_file(text[start + 1 : pos if stop < 0 else stop], closed=stop >= 0)


def _binhex_file(encoded: bytes, *, closed: bool) -> Block:
    raw, bad = _hqx_sixbits(encoded)
    stream = _rle90(raw, MAX_DECODED + 512)
    problem = None if closed else "BinHex block is cut short"
    if bad:
        problem = "BinHex block holds characters outside its alphabet"
    if not stream or len(stream) < stream[0] + 22:
        return Block("binhex", "", b"", "BinHex header cannot be read")
    length = stream[0]
    name = stream[1 : 1 + length].decode("mac_roman")
    fields = 1 + length + 1 + 4 + 4 + 2
    data_length = int.from_bytes(stream[fields : fields + 4], "big")
    data_start = fields + 4 + 4 + 2
    data = stream[data_start : data_start + min(data_length, MAX_DECODED)]
    if data_length > MAX_DECODED:
        problem = f"BinHex data fork is larger than {MAX_DECODED} bytes"
    elif len(data) < data_length:
        problem = problem or "BinHex data fork is cut short"
    return Block("binhex", name, data, problem)


def _hqx_sixbits(encoded: bytes) -> tuple[bytes, bool]:
    """BinHex's 6-bit characters to bytes (blanks and line breaks skipped). The bit
    order is base64's, so the characters are mapped onto base64's alphabet."""
    mapped = encoded.translate(None, b" \t\r\n").translate(_HQX_TO_B64)
    bad = b"?" in mapped
    cleaned = mapped.translate(None, b"?")
    extra = len(cleaned) % 4
    if extra == 1:
        cleaned = cleaned[:-1]
    elif extra:
        cleaned += b"=" * (4 - extra)
    return binascii.a2b_base64(cleaned), bad


def _rle90(data: bytes, limit: int) -> bytes:
    """Undo BinHex's run-length coding (``x 0x90 n``: x n times; ``0x90 0`` is 0x90),
    stopping once ``limit`` bytes are out."""
    out = bytearray()
    index = 0
    while index < len(data) and len(out) < limit:
        mark = data.find(_RLE_MARK, index)
        if mark < 0:
            out += data[index:]
            break
        out += data[index:mark]
        count = data[mark + 1] if mark + 1 < len(data) else 0
        if count == 0:
            out.append(_RLE_MARK)
        elif out:
            out += bytes([out[-1]]) * (count - 1)
        index = mark + 2
    return bytes(out[:limit])


# -- yEnc ------------------------------------------------------------------------------

_YBEGIN = re.compile(rb"=ybegin\b([^\r\n]*)")
_YPARAM = re.compile(rb"(\w+)=(\S*)")
_YENC_TABLE = bytes((i - 42) % 256 for i in range(256))


def find_yenc(lines: list[bytes]) -> Iterator[Block]:
    """Every yEnc file (or file part, ``=ypart``) in ``lines``. A later part of a split
    file carries its name but not the start of the file."""
    index = blocks = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        match = _YBEGIN.match(line) if line.startswith(b"=ybegin") else None
        if match is None:
            continue
        if blocks == MAX_BLOCKS:
            yield Block("yenc", "", b"", f"more than {MAX_BLOCKS} yEnc blocks (not read)")
            return
        blocks += 1
        header = match.group(1)
        name = header.partition(b" name=")[2].strip().decode("utf-8", "replace")
        params = dict(_YPARAM.findall(header.partition(b" name=")[0]))
        offset = 0
        if index < len(lines) and lines[index].startswith(b"=ypart"):
            part = dict(_YPARAM.findall(lines[index]))
            index += 1
            begin = part.get(b"begin", b"1")
            offset = int(begin) - 1 if begin.isdigit() and len(begin) < 12 else 0
        chunks: list[bytes] = []
        size = 0
        closed = False
        while index < len(lines):
            line = lines[index]
            index += 1
            if line.startswith(b"=yend"):
                closed = True
                break
            if size < MAX_DECODED:
                chunk = _yenc_line(line)
                chunks.append(chunk)
                size += len(chunk)
        data = b"".join(chunks)[:MAX_DECODED]
        problem = None if closed else "yEnc block has no =yend line"
        if size > MAX_DECODED:
            problem = f"yEnc file is larger than {MAX_DECODED} bytes"
        if offset > 0 or params.get(b"part", b"1") not in (b"1", b""):
            # A later part: its bytes are the middle of a file, not its start.
            data = b""
        yield Block("yenc", name, data, problem)


def _yenc_line(line: bytes) -> bytes:
    """One yEnc line: each byte minus 42, and after ``=`` minus 64 more."""
    pieces = line.rstrip(b"\r\n").split(b"=")
    out = bytearray(pieces[0].translate(_YENC_TABLE))
    for piece in pieces[1:]:
        if piece:
            out.append((piece[0] - 106) % 256)
            out += piece[1:].translate(_YENC_TABLE)
    return bytes(out)
