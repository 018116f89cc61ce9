"""A small, tolerant MIME reader that never raises and can read a message two ways.

Python's ``email`` package takes the *first* ``Content-Type`` and ``boundary=``; ClamAV
and several mail clients take the *last*. To judge every reading we need to choose, so
header blocks, parameters, boundaries and transfer encodings are read here by plain
functions with an explicit ``pick`` ("first" or "last"). The ``email`` package is still
used for what it does well: addresses and RFC 2047 words (see `app.core.facts`).
"""

from __future__ import annotations

import binascii
import quopri
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from urllib.parse import unquote_to_bytes

from app.core.facts import decode_text

Pick = str  # "first" or "last"


@dataclass
class HeaderBlock:
    """The fields of one header block, unfolded, in order, plus the body offset.

    ``oddities`` are lines that programs read differently (a continuation with nothing
    to continue, a line that is not a field): where the header ends is then ambiguous.
    """

    fields: list[tuple[str, str]]
    body_start: int
    oddities: list[str] = field(default_factory=list)

    def all(self, name: str) -> list[str]:
        return self._index.get(name.lower(), [])

    @cached_property
    def _index(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for key, value in self.fields:
            index.setdefault(key.lower(), []).append(value)
        return index

    def pick(self, name: str, pick: Pick) -> str | None:
        values = self.all(name)
        if not values:
            return None
        return values[0] if pick == "first" else values[-1]


_FIELD = re.compile(rb"^([\x21-\x39\x3b-\x7e]+)[ \t]*:")


def normalize_newlines(raw: bytes) -> bytes:
    """Every line end (LF, CR or CRLF) to CRLF, as the message travels on the wire
    and as IMAP serves it; Python's parser also ends a line at a bare CR."""
    if b"\r" not in raw:  # files with Unix line ends: one pass
        return raw.replace(b"\n", b"\r\n")
    if raw.count(b"\r") == raw.count(b"\n") == raw.count(b"\r\n"):
        return raw
    return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n")


def read_header_block(
    data: bytes, start: int = 0, stop: int | None = None, *, lenient: bool = False
) -> HeaderBlock:
    """Read header fields from ``start`` up to the blank line that ends them (or ``stop``).

    A line that is neither a field nor a continuation ends the block early (the body
    starts there), as Python's parser does; other programs skip it and read on, which
    is what ``lenient`` does. Either way it is noted.
    """
    fields: list[tuple[bytes, bytearray]] = []
    oddities: list[str] = []
    pos = start
    size = len(data) if stop is None else stop
    while pos < size:
        end = data.find(b"\r\n", pos, size)
        line_end = size if end < 0 else end
        next_pos = size if end < 0 else end + 2
        line = data[pos:line_end]
        if not line:
            pos = next_pos
            break
        if line[:1] in (b" ", b"\t"):
            if fields:
                fields[-1][1].extend(line)
            else:
                oddities.append("the first header line is a continuation")
            pos = next_pos
            continue
        match = _FIELD.match(line)
        if match is None:
            if pos == start and line.startswith(b"From "):
                pos = next_pos  # an mbox separator line in front of the message
                continue
            shown = line[:60].decode("utf-8", "replace")
            oddities.append(f"header line {shown!r} is not a header field")
            if not lenient:
                break
            pos = next_pos
            continue
        fields.append((match.group(1), bytearray(line[match.end() :])))
        pos = next_pos
    decoded = [(name.decode("ascii"), decode_header_bytes(bytes(value))) for name, value in fields]
    return HeaderBlock(decoded, pos, oddities)


def decode_header_bytes(value: bytes) -> str:
    """Header bytes to text: UTF-8 where valid (RFC 6532), else each byte kept visible."""
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        text = value.decode("latin-1")
    return text.strip(" \t")


@dataclass(frozen=True)
class ContentType:
    """A parsed ``Content-Type`` or ``Content-Disposition`` value with every parameter."""

    value: str
    params: dict[str, list[str]]

    def param(self, name: str, pick: Pick) -> str | None:
        values = self.params.get(name)
        if not values:
            return None
        return values[0] if pick == "first" else values[-1]

    def ambiguous(self, name: str) -> bool:
        return len(set(self.params.get(name, ()))) > 1


_TOKEN_VALUE = re.compile(r'\s*([^\s;=]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"?|[^;]*))?\s*')


def parse_params_header(text: str) -> ContentType:
    """Split ``value; k=v; k*0*=...`` into the value and decoded parameter lists.

    RFC 2231 continuations and charsets are joined and decoded; percent-escapes are
    decoded too, so a ``%00`` becomes a real NUL the detectors can show.
    """
    pieces = _split_semicolons(text)
    value = pieces[0].strip().lower() if pieces else ""
    plain: list[tuple[str, str]] = []
    extended: dict[str, dict[int, tuple[str, bool]]] = {}
    order: list[str] = []
    for piece in pieces[1:]:
        match = _TOKEN_VALUE.fullmatch(piece)
        if match is None or match.group(2) is None:
            continue
        key, raw_value = match.group(1).lower(), match.group(2).strip()
        if raw_value.startswith('"'):
            raw_value = re.sub(r"\\(.)", r"\1", raw_value[1:].removesuffix('"'))
        if "*" in key:
            base, _, rest = key.partition("*")
            encoded = rest.endswith("*") or rest == ""
            number = rest.rstrip("*")
            index = int(number) if number.isascii() and number.isdigit() and len(number) <= 4 else 0
            if base not in extended:
                order.append(base)
            extended.setdefault(base, {})[index] = (raw_value, encoded)
        else:
            plain.append((key, raw_value))
            order.append(key)
    params: dict[str, list[str]] = {}
    seen_ext: set[str] = set()
    for key in order:
        if key in extended and key not in seen_ext:
            seen_ext.add(key)
            params.setdefault(key, []).append(_join_rfc2231(extended[key]))
    for key, raw_value in plain:
        params.setdefault(key, []).append(raw_value)
    return ContentType(value, params)


def _split_semicolons(text: str) -> list[str]:
    out: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            out.append("".join(current))
            current = []
            continue
        current.append(char)
    out.append("".join(current))
    return out


def _join_rfc2231(sections: dict[int, tuple[str, bool]]) -> str:
    charset = "us-ascii"
    data = bytearray()
    for number, (value, encoded) in sorted(sections.items()):
        text = value
        if encoded and number == 0 and text.count("'") >= 2:
            charset, _lang, text = text.split("'", 2)
        data.extend(unquote_to_bytes(text) if encoded else text.encode("utf-8", "replace"))
    return decode_text(bytes(data), charset or "us-ascii")


@dataclass(frozen=True)
class Delimiter:
    """One ``--boundary`` (or ``--boundary--``) line of a multipart body.

    ``level`` says whose boundary it is: 0 for the innermost open multipart, 1 for its
    parent, and so on. ``body_end`` is where the part before it ends (the CRLF before
    a delimiter belongs to the delimiter); ``after`` is where the line after it starts.
    """

    at: int
    body_end: int
    after: int
    level: int
    closing: bool


#: Lines a multipart body may hold before its delimiters are given up on: past this,
#: the message is a defect (every line starting with ``--`` is a candidate).
MAX_DELIMITER_CANDIDATES = 200_000


def delimiter_markers(boundaries: tuple[str, ...]) -> tuple[bytes, ...]:
    """``--boundary`` for each boundary, innermost first. Trailing blanks in a declared
    boundary are ignored, as Python's parser does."""
    return tuple(b"--" + b.rstrip(" \t").encode("utf-8", "replace") for b in boundaries)


def find_delimiter(
    data: bytes, start: int, end: int, markers: tuple[bytes, ...], budget: list[int]
) -> Delimiter | None:
    """The first delimiter line of any of ``markers`` between ``start`` and ``end``.

    A delimiter is a whole line ``--boundary`` or ``--boundary--``, trailing blanks
    allowed (RFC 2046, Python's parser, Thunderbird). When several open multiparts
    share a boundary, the innermost one claims the line, as Python and Thunderbird do.
    ``budget`` holds how many candidate lines may still be looked at; at zero the
    search stops (the caller reports that as a defect).
    """
    pos = start
    while pos < end and budget[0] > 0:
        if pos == start and data.startswith(b"--", start):
            at = start
        else:
            found = data.find(b"\r\n--", pos, end)
            if found < 0:
                return None
            at = found + 2
        budget[0] -= 1
        line_end = data.find(b"\r\n", at, end)
        line_end = end if line_end < 0 else line_end
        line = data[at:line_end].rstrip(b" \t")
        for level, marker in enumerate(markers):
            if not line.startswith(marker):
                continue
            rest = line[len(marker) :]
            if rest in (b"", b"--"):
                body_end = at - 2 if at - 2 >= start and data[at - 2 : at] == b"\r\n" else at
                after = min(line_end + 2, end)
                return Delimiter(at, max(start, body_end), after, level, rest == b"--")
        pos = line_end
    return None


_DASH_LINE = re.compile(rb"(?<![^\n])--([^\r\n]{1,200})\r\n(?:\r\n|[\x21-\x39\x3b-\x7e]+[ \t]*:)")


def _loose(boundary: bytes) -> bytes:
    return boundary.strip(b" \t\"'").lower()


def guess_boundary(data: bytes, start: int, end: int, declared: str | None) -> str | None:
    """The boundary a multipart body really uses when its declared one is absent or
    never appears: the declared one written with other case, blanks or quotes, else the
    first ``--X`` line followed by a header field or a blank line. Clients that repair
    such mail (and attackers who rely on it) read the parts this way."""
    candidates = [
        line.removesuffix(b"--") if line.endswith(b"--") and len(line) > 2 else line
        for line in (
            m.group(1).rstrip(b" \t") for m in islice(_DASH_LINE.finditer(data, start, end), 1000)
        )
    ]
    if declared is not None:
        want = _loose(declared.encode("utf-8", "replace"))
        for candidate in candidates:
            if _loose(candidate) == want:
                return candidate.decode("utf-8", "replace")
    return candidates[0].decode("utf-8", "replace") if candidates else None


_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
_WHITESPACE = b" \t\r\n\x0b\x0c"


def _base64_stream(data: bytes) -> tuple[bytes, list[str]]:
    """The base64 characters of ``data`` as complete 4-character groups: whitespace
    and foreign characters dropped (noted), cut at the first ``=``, re-padded."""
    defects: list[str] = []
    stripped = data.translate(None, _WHITESPACE)
    junk = stripped.translate(None, _B64_ALPHABET)
    if junk:
        defects.append("base64 text contains characters outside the base64 alphabet")
        stripped = stripped.translate(None, bytes(set(junk)))
    cleaned = stripped.split(b"=", 1)[0]
    extra = len(cleaned) % 4
    if extra == 1:
        defects.append("base64 text has a truncated final group")
        cleaned = cleaned[:-1]
    elif extra:
        cleaned += b"=" * (4 - extra)
    return cleaned, defects


@dataclass
class Decoded:
    """A part's content after its transfer encoding, decoded only as far as it is read:
    a 20 MB attachment needs its first bytes and maybe a zip directory at its end."""

    size: int
    defects: list[str]
    read: Callable[[int, int], bytes]

    def all(self) -> bytes:
        return self.read(0, self.size)


def decoded_view(data: bytes, encoding: str) -> Decoded:
    """A lazily decoded view of a part body (base64 is decoded by 4-character groups)."""
    if encoding != "base64":
        payload, defects = decode_body(data, encoding)
        return Decoded(len(payload), defects, lambda at, n: payload[at : at + n])
    stream, defects = _base64_stream(data)
    size = len(stream) // 4 * 3 - stream[-2:].count(b"=")

    def read(offset: int, length: int) -> bytes:
        first, last = offset // 3, -(-min(offset + length, size) // 3)
        try:
            chunk = binascii.a2b_base64(stream[first * 4 : last * 4])
        except binascii.Error:
            return b""
        return chunk[offset - first * 3 : offset - first * 3 + length]

    return Decoded(size, defects, read)


def decode_body(data: bytes, encoding: str) -> tuple[bytes, list[str]]:
    """Undo a Content-Transfer-Encoding leniently; list what was wrong with it."""
    defects: list[str] = []
    if encoding == "base64":
        stream, defects = _base64_stream(data)
        try:
            return binascii.a2b_base64(stream), defects
        except binascii.Error:
            defects.append("base64 text cannot be decoded")
            return b"", defects
    if encoding == "quoted-printable":
        return quopri.decodestring(data), defects
    if encoding in ("x-uuencode", "uuencode", "x-uue", "uue"):
        decoded = uudecode_lines(data.split(b"\r\n"))
        if decoded is None:
            defects.append("uuencoded body has no begin line")
            return data, defects
        return decoded[1], defects
    if encoding not in ("7bit", "8bit", "binary", ""):
        defects.append(f"unknown transfer encoding {encoding!r}")
    return data, defects


_UU_BEGIN = re.compile(rb"begin(-base64)?[ \t]+([0-7]{3,4})[ \t]+(\S.*)")
MAX_UU_BLOCKS = 100


def uudecode_lines(lines: list[bytes]) -> tuple[str, bytes] | None:
    """Decode the first uuencoded (or ``begin-base64``) block in ``lines``."""
    for block in find_uu_blocks(lines):
        return block
    return None


def find_uu_blocks(lines: list[bytes]) -> Iterator[tuple[str, bytes]]:
    """Yield ``(filename, decoded bytes)`` for every uuencoded block in ``lines``."""
    index = blocks = 0
    while index < len(lines) and blocks < MAX_UU_BLOCKS:
        line = lines[index]
        index += 1
        match = _UU_BEGIN.match(line) if line.startswith(b"begin") and len(line) < 1024 else None
        if match is None:
            continue
        blocks += 1
        name = decode_header_bytes(match.group(3).rstrip())
        is_b64 = match.group(1) is not None
        chunks: list[bytes] = []
        while index < len(lines):
            line = lines[index]
            index += 1
            if line.strip() in (b"end", b"===="):
                break
            if is_b64:
                chunks.append(line.strip())
                continue
            try:
                chunks.append(binascii.a2b_uu(line))
            except binascii.Error:
                if line.strip():
                    chunks.append(_uu_tolerant(line))
        data = b"".join(chunks)
        if is_b64:
            data, _ = decode_body(data, "base64")
        yield name, data


def _uu_tolerant(line: bytes) -> bytes:
    """Decode a uu line whose length byte disagrees with its content (common)."""
    count = (line[0] - 32) & 0x3F
    try:
        return binascii.a2b_uu(line[: 1 + (count + 2) // 3 * 4])
    except binascii.Error:
        return b""
