"""A small, tolerant MIME reader that never raises and can read a message two ways.

Python's ``email`` package takes the *first* ``Content-Type`` and ``boundary=``; ClamAV
and several mail clients take the *last*. To judge every reading we need to choose, so
header blocks, parameters, boundaries and transfer encodings are read here by plain
functions with an explicit ``pick`` ("first" or "last"). The ``email`` package is still
used for what it does well: addresses and RFC 2047 words (see `app.core.facts`).

Every loop here is bounded by the size of its input and by the limits below, whatever
a message holds: what lies past a limit is not read, and that is recorded as a defect
(so a message is never judged as if it had been read in full).
"""

from __future__ import annotations

import binascii
import bisect
import itertools
import quopri
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import islice
from urllib.parse import unquote_to_bytes

from app.core.facts import MAX_ENCODED_WORDS, decode_text

Pick = str  # "first" or "last"

#: Header fields read from one header block; past this only the MIME fields are
#: looked for (up to as many again). Real mail has a few dozen fields; thousands are
#: an attack on the reader.
MAX_HEADER_FIELDS = 1_000
#: Lines of a header block that are not fields before the rest is skimmed.
MAX_ODD_LINES = 100
#: Bytes of a header block searched for MIME fields past those limits (a fast scan,
#: but one that any header line might slow down: bounded too).
SKIM_BYTES = 8 << 20
#: Bytes of one unfolded header field that are read (Postfix's ``header_size_limit``
#: is 102,400 by default: a longer field never reached the mailbox intact).
MAX_FIELD_BYTES = 102_400
#: Parameters read from one ``Content-Type`` or ``Content-Disposition`` (RFC 2231
#: sections count one each; a long file name is a dozen sections).
MAX_PARAMS = 100
#: Characters kept of one decoded parameter value (file names are at most a few
#: hundred; the detectors look at every character of a name).
MAX_PARAM_CHARS = 1_000
#: Padding runs inside one base64 body: each one ends a piece that is decoded on its
#: own, as mail clients do with chunks that were encoded one by one.
MAX_BASE64_PIECES = 10_000


@dataclass
class HeaderBlock:
    """The fields of one header block, unfolded, in order, plus the body offset.

    ``oddities`` are lines that programs read differently (a continuation with nothing
    to continue, a line that is not a field): where the header ends is then ambiguous.
    ``defects`` say what was left unread because it went past a limit.
    """

    fields: list[tuple[str, str]]
    body_start: int
    oddities: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)

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


#: One line without its CRLF (a bare CR or LF stays inside the line, as on the wire).
_LINE = rb"[^\r]*+(?:\r(?!\n)[^\r]*+)*+"
#: One field with its continuation lines, matched in one step however long it is.
_FIELD_TEXT = rb"([\x21-\x39\x3b-\x7e]++)[ \t]*+:(" + _LINE + rb"(?:\r\n[ \t]" + _LINE + rb")*+)"
_FIELD = re.compile(_FIELD_TEXT + rb"(?:\r\n|\Z)")
_CONTINUATIONS = re.compile(rb"(?:[ \t]" + _LINE + rb"(?:\r\n|\Z))++")
#: The MIME fields, still looked for past `MAX_HEADER_FIELDS` (in the next
#: `SKIM_BYTES`), so a pile of junk fields cannot hide a part's Content-Type.
_MIME_FIELD = re.compile(rb"\r\ncontent-(?:type|transfer-encoding|disposition)[ \t]*:")


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
    is what ``lenient`` does. Either way it is noted. Each field is matched in one
    step; past `MAX_HEADER_FIELDS` fields (or `MAX_ODD_LINES` odd lines) the rest of
    the block is only skimmed for its MIME fields.
    """
    size = len(data) if stop is None else stop
    raw: list[tuple[bytes, bytes]] = []
    oddities: list[str] = []
    defects: list[str] = []
    pos = start
    odd_lines = 0
    while pos < size:
        match = _FIELD.match(data, pos, size)
        if match is not None:
            if len(raw) >= MAX_HEADER_FIELDS:
                defects.append(f"more than {MAX_HEADER_FIELDS} header fields")
                pos = _skim(data, pos, size, raw)
                break
            raw.append((match[1], match[2]))
            pos = match.end()
            continue
        end = data.find(b"\r\n", pos, size)
        line_end, next_pos = (size, size) if end < 0 else (end, end + 2)
        if line_end == pos:  # the blank line: the body starts after it
            pos = next_pos
            break
        if data[pos : pos + 1] in (b" ", b"\t"):
            run = _CONTINUATIONS.match(data, pos, size)
            assert run is not None  # noqa: S101 - a line starting with a blank is one
            if raw:
                raw[-1] = (raw[-1][0], raw[-1][1] + data[pos : run.end()])
            else:
                oddities.append("the first header line is a continuation")
            pos = run.end()
            continue
        if pos == start and data.startswith(b"From ", pos, size):
            pos = next_pos  # an mbox separator line in front of the message
            continue
        shown = data[pos : min(line_end, pos + 60)].decode("utf-8", "replace")
        oddities.append(f"header line {shown!r} is not a header field")
        if not lenient:
            break
        pos = next_pos
        odd_lines += 1
        if odd_lines >= MAX_ODD_LINES and pos < size:
            defects.append(f"more than {MAX_ODD_LINES} header lines that are not fields")
            pos = _skim(data, pos, size, raw)
            break
    return HeaderBlock(_unfold(raw, defects), pos, oddities, defects)


def _skim(data: bytes, pos: int, size: int, raw: list[tuple[bytes, bytes]]) -> int:
    """Past a limit: find where the body starts (after the first blank line) without
    reading each line, and keep the MIME fields of the next `SKIM_BYTES` (at most
    `MAX_HEADER_FIELDS`), in their order. Where the header really ends is then not
    known for the strict reading; the defect recorded with it says so."""
    blank = data.find(b"\r\n\r\n", pos - 2, size)
    end, body = (size, size) if blank < 0 else (blank + 2, blank + 4)
    window = data[pos - 2 : min(end, pos + SKIM_BYTES)].lower()  # from the CRLF before
    for count, kept in enumerate(_MIME_FIELD.finditer(window)):
        match = _FIELD.match(data, pos + kept.start(), end)
        if count >= MAX_HEADER_FIELDS:
            break
        if match is not None:
            raw.append((match[1], match[2]))
    return body


def _unfold(raw: list[tuple[bytes, bytes]], defects: list[str]) -> list[tuple[str, str]]:
    """Field names and decoded, unfolded values, each cut at `MAX_FIELD_BYTES`."""
    fields: list[tuple[str, str]] = []
    for name_bytes, folded in raw:
        name = name_bytes[:60].decode("ascii")
        value = folded.replace(b"\r\n", b"") if b"\r\n" in folded else folded
        if len(value) > MAX_FIELD_BYTES:
            value = value[:MAX_FIELD_BYTES]
            defects.append(f"header field {name} is longer than {MAX_FIELD_BYTES} bytes")
        text = decode_header_bytes(value)
        if text.count("=?") > MAX_ENCODED_WORDS:
            defects.append(f"header field {name} has more than {MAX_ENCODED_WORDS} encoded words")
        fields.append((name_bytes.decode("ascii"), text))
    return fields


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
    defects: tuple[str, ...] = ()

    def param(self, name: str, pick: Pick) -> str | None:
        values = self.params.get(name)
        if not values:
            return None
        return values[0] if pick == "first" else values[-1]

    def ambiguous(self, name: str) -> bool:
        return len(set(self.params.get(name, ()))) > 1


#: The pieces of a structured field: a quoted string (its content in group 1; an
#: unclosed one runs to the end), the start of a comment, ``;``, ``=``, other text.
_LEXEME = re.compile(r'"((?:[^"\\]++|\\.?)*+)(?:"|\Z)|\(|;|=|[^"(;=]++', re.DOTALL)
_COMMENT_PIECE = re.compile(r"\\.?|[()]", re.DOTALL)
_QUOTED_PAIR = re.compile(r"\\(.)", re.DOTALL)
_WSP = " \t\r\n"

Lexeme = tuple[str, str]  # kind ("text", "quoted", "=") and text


def parse_params_header(text: str) -> ContentType:
    """Split ``value; k=v; k*0*=...`` into the value and decoded parameter lists.

    Read as RFC 2045 and RFC 5322 say, as conforming clients and Python's ``email``
    (policy ``default``) do: comments ``(...)`` and folding whitespace around the parts
    are dropped, quoted strings are unquoted, text after a closing quote is ignored.
    RFC 2231 continuations and charsets are joined and decoded; percent-escapes are
    decoded too, so a ``%00`` becomes a real NUL the detectors can show. Past
    `MAX_PARAMS` parameters the rest is not read (a defect says so).
    """
    segments, complete = _segments(text)
    value = "".join("".join(piece for _, piece in segments[0]).split()).lower()
    plain: list[tuple[str, str]] = []
    extended: dict[str, dict[int, tuple[str, bool]]] = {}
    order: list[str] = []
    for segment in segments[1:]:
        param = _parameter(segment)
        if param is None:
            continue
        key, raw_value = param
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
    joined = [(k, _join_rfc2231(extended[k])) for k in dict.fromkeys(order) if k in extended]
    params: dict[str, list[str]] = {}
    defects = [] if complete else [f"more than {MAX_PARAMS} parameters"]
    for key, found in joined + plain:
        if len(found) > MAX_PARAM_CHARS:
            defects.append(f"a {key}= longer than {MAX_PARAM_CHARS} characters")
        params.setdefault(key, []).append(found[:MAX_PARAM_CHARS])
    return ContentType(value, params, tuple(dict.fromkeys(defects)))


def transfer_encoding(text: str | None) -> str:
    """The ``Content-Transfer-Encoding`` token, lower case, comments dropped."""
    return parse_params_header(text).value if text else "7bit"


def _segments(text: str) -> tuple[list[list[Lexeme]], bool]:
    """The lexemes of a structured field between its ``;`` (outside quoted strings and
    comments); comments are dropped. False when `MAX_PARAMS` cut the list short."""
    segments: list[list[Lexeme]] = [[]]
    pos, size = 0, len(text)
    while pos < size:
        match = _LEXEME.match(text, pos)
        assert match is not None  # noqa: S101 - every character starts a lexeme
        lexeme = match.group()
        if lexeme == "(":
            pos = _comment_end(text, pos)
            continue
        pos = match.end()
        if lexeme == ";":
            if len(segments) > MAX_PARAMS:
                return segments, False
            segments.append([])
        elif lexeme[0] == '"':
            quoted = match.group(1)
            if "\\" in quoted:
                quoted = "".join(_QUOTED_PAIR.split(quoted))
            segments[-1].append(("quoted", quoted))
        else:
            segments[-1].append(("=" if lexeme == "=" else "text", lexeme))
    return segments, True


def _comment_end(text: str, pos: int) -> int:
    """Where the comment opening at ``pos`` ends (comments nest; an unclosed one runs
    to the end of the field)."""
    depth = 0
    for piece in _COMMENT_PIECE.finditer(text, pos):
        if piece.group() == "(":
            depth += 1
        elif piece.group() == ")":
            depth -= 1
            if depth == 0:
                return piece.end()
    return len(text)


def _parameter(segment: list[Lexeme]) -> tuple[str, str] | None:
    """``(name, value)`` of one ``name=value`` segment; None without a name or ``=``."""
    at = next((i for i, (kind, _) in enumerate(segment) if kind == "="), None)
    if at is None:
        return None
    key = "".join(piece for _, piece in segment[:at]).strip(_WSP).lower()
    if not key:
        return None
    rest = segment[at + 1 :]
    first = next((lex for lex in rest if lex[0] == "quoted" or lex[1].strip(_WSP)), None)
    if first is not None and first[0] == "quoted":
        return key, first[1]
    return key, "".join(piece for _, piece in rest).strip(_WSP)


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
    if not markers or start >= end:
        return None
    # The first few "--" lines are looked at one by one (most mail has no others); past
    # them one compiled scan finds the delimiter however many lines merely look like one.
    pos, looked, hit = start, 0, None
    while looked < _QUICK_LINES and pos < end:
        at = start if pos == start and data.startswith(b"--", start, end) else -1
        if at < 0:
            crlf = data.find(b"\r\n--", pos, end)
            if crlf < 0:
                pos = end
                break
            at = crlf + 2
        looked += 1
        line_end = data.find(b"\r\n", at, end)
        line_end = end if line_end < 0 else line_end
        line = data[at:line_end].rstrip(b" \t")
        if any(line in (m, m + b"--") for m in markers):
            hit = (at, line_end)
            break
        pos = line_end
    if hit is None and pos < end:
        found = _delimiter_lines(markers).search(data, pos, end)
        # Every "--" line on the way counts against the budget, as if each were read.
        looked += data.count(b"\r\n--", pos, end if found is None else found.start())
        if found is not None:
            looked += 1
            hit = (found.start("line"), found.end())
    if looked > budget[0]:
        budget[0] = 0
        return None
    budget[0] -= looked
    if hit is None:
        return None
    at, line_end = hit
    line = data[at:line_end].rstrip(b" \t")
    level, marker = next((n, m) for n, m in enumerate(markers) if line in (m, m + b"--"))
    body_end = at - 2 if at - 2 >= start and data[at - 2 : at] == b"\r\n" else at
    after = min(line_end + 2, end)
    return Delimiter(at, max(start, body_end), after, level, line != marker)


#: "--" lines looked at one by one before a compiled scan takes over.
_QUICK_LINES = 32


@lru_cache(maxsize=256)
def _delimiter_lines(markers: tuple[bytes, ...]) -> re.Pattern[bytes]:
    """A delimiter line of any of ``markers`` after a CRLF, found by one scan in C."""
    line = rb"(?P<line>(?:" + b"|".join(map(re.escape, markers)) + rb")(?:--)?[ \t]*+)(?=\r\n|\Z)"
    return re.compile(rb"\r\n" + line)


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


_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_WHITESPACE = b" \t\r\n\x0b\x0c"
#: Bytes dropped from base64 text before decoding: all but the alphabet and ``=``.
_NOT_BASE64 = bytes(sorted(set(range(256)) - set(_B64_ALPHABET + b"=")))
_PAD_RUN = re.compile(rb"=+")
#: Base64 text is cleaned in slices of this size (bounds the copies of a big part).
_CHUNK = 1 << 20

Buffer = bytes | memoryview


def _piece_size(chars: int) -> int:
    """Bytes decoded from ``chars`` base64 characters (a lone last one gives none)."""
    return chars // 4 * 3 + (0, 0, 1, 2)[chars % 4]


class Base64Text:
    """Base64 text read as the major clients read it, decoded by ranges on demand.

    Characters outside the alphabet (line breaks, junk) are skipped. ``=`` padding
    that completes a group ends a *piece*; decoding goes on with the next piece, as
    Thunderbird does with chunks that were encoded one by one (Python's ``email``
    stops at the first such padding: its content is a prefix of this). Any other ``=``
    is skipped, as in ``binascii.a2b_base64``. A last group of two or three characters
    gives one or two bytes (missing padding); a lone last character gives nothing.
    """

    def __init__(self, data: Buffer) -> None:
        self.defects: list[str] = []
        view = memoryview(data)
        junk = bytearray()
        stream = bytearray()
        for at in range(0, len(view), _CHUNK):
            chunk = bytes(view[at : at + _CHUNK])
            junk += chunk.translate(None, _B64_ALPHABET + b"=" + _WHITESPACE)[:1]
            stream += chunk.translate(None, _NOT_BASE64)
        if junk:
            self.defects.append("base64 text contains characters outside the base64 alphabet")
        first_pad = stream.find(b"=")
        if first_pad < 0 or stream.count(b"=", first_pad) == len(stream) - first_pad:
            if first_pad >= 0:
                del stream[first_pad:]
            self.text = stream  # the usual case: padding at most at the very end
            cuts = [0, len(stream)]
        else:
            self.text, cuts = self._pieces(stream)
        self.pieces = [(a, b) for a, b in itertools.pairwise(cuts) if a < b]
        self.starts: list[int] = []
        size = 0
        for a, b in self.pieces:
            self.starts.append(size)
            size += _piece_size(b - a)
        self.size = size
        if self.pieces and (self.pieces[-1][1] - self.pieces[-1][0]) % 4 == 1:
            self.defects.append("base64 text has a truncated final group")

    def _pieces(self, stream: bytearray) -> tuple[bytearray, list[int]]:
        """The text without ``=`` and the offsets where a padding run ended a group."""
        self.defects.append("base64 text has padding before its end")
        cuts = [0]
        pads = 0
        end = None
        for number, run in enumerate(_PAD_RUN.finditer(stream)):
            at = run.start() - pads  # offset of the run in the text without "="
            if number >= MAX_BASE64_PIECES:
                self.defects.append(
                    f"base64 text has more than {MAX_BASE64_PIECES} padding runs"
                )
                end = run.start()
                break
            pads += len(run.group())
            chars = (at - cuts[-1]) % 4
            if chars == 3 or (chars == 2 and len(run.group()) >= 2):
                cuts.append(at)
        text = (stream if end is None else stream[:end]).replace(b"=", b"")
        cuts.append(len(text))
        return text, cuts

    def read(self, offset: int, length: int) -> bytes:
        """``length`` decoded bytes from ``offset`` (fewer at the end)."""
        end = min(offset + length, self.size)
        out: list[bytes] = []
        index = max(0, bisect.bisect_right(self.starts, offset) - 1)
        while offset < end and index < len(self.pieces):
            a, b = self.pieces[index]
            base = self.starts[index]
            if base >= end:
                break
            low = max(offset, base) - base
            high = min(end, base + _piece_size(b - a)) - base
            if low < high:
                out.append(self._decode(a, b, low, high))
            index += 1
        return b"".join(out)

    def _decode(self, a: int, b: int, low: int, high: int) -> bytes:
        """Bytes ``low:high`` of the piece ``text[a:b]``, decoding only their groups."""
        first, last = low // 3, -(-high // 3)
        start, stop = a + first * 4, min(a + last * 4, b)
        whole = start + (stop - start) // 4 * 4
        view = memoryview(self.text)
        decoded = binascii.a2b_base64(view[start:whole]) if whole > start else b""
        rest = stop - whole
        if rest > 1:
            decoded += binascii.a2b_base64(bytes(view[whole:stop]) + b"=" * (4 - rest))
        skip = low - first * 3
        return decoded[skip : skip + high - low]


@dataclass
class Decoded:
    """A part's content after its transfer encoding, decoded only as far as it is read:
    a 20 MB attachment needs its first bytes and maybe a zip directory at its end."""

    size: int
    defects: list[str]
    read: Callable[[int, int], bytes]

    def all(self) -> bytes:
        return self.read(0, self.size)


def decoded_view(data: Buffer, encoding: str) -> Decoded:
    """A lazily decoded view of a part body. Every read of a range gives exactly the
    bytes a whole decode gives there (base64 is decoded by groups; the other encodings
    are decoded whole, once)."""
    if encoding == "base64":
        text = Base64Text(data)
        return Decoded(text.size, text.defects, text.read)
    payload, defects = decode_body(bytes(data), encoding)
    return Decoded(len(payload), defects, lambda at, n: payload[at : at + n])


def decode_body(data: bytes, encoding: str) -> tuple[bytes, list[str]]:
    """Undo a Content-Transfer-Encoding leniently; list what was wrong with it.

    An unknown encoding leaves the bytes as they are, as mail clients show them.
    """
    if encoding == "base64":
        text = Base64Text(data)
        return text.read(0, text.size), text.defects
    if encoding == "quoted-printable":
        return quopri.decodestring(data), []
    if encoding in UUENCODINGS:
        decoded = uudecode_lines(data.split(b"\r\n"))
        if decoded is None:
            return data, ["uuencoded body has no begin line"]
        return decoded[1], []
    if encoding not in ("7bit", "8bit", "binary", ""):
        return data, [f"unknown transfer encoding {encoding!r}"]
    return data, []


def base64_tail(encoded: bytes) -> bytes | None:
    """Decode the last characters of base64 text (an IMAP range) on their own, lined
    up from the end: the text ends on a whole group, or on one completed by its
    padding. None when a ``=`` sits before the end, which only the whole text can
    place (read the whole part then)."""
    stream = encoded.translate(None, _NOT_BASE64)
    first_pad = stream.find(b"=")
    chars, group = len(stream), 0
    if first_pad >= 0:
        pads = len(stream) - first_pad
        if stream.count(b"=", first_pad) != pads or pads > 2:
            return None
        chars, group = first_pad, 4 - pads
    skip = (chars - group) % 4
    return Base64Text(stream[skip:chars]).read(0, chars)


#: Transfer encodings that are uuencode under another name.
UUENCODINGS = ("x-uuencode", "uuencode", "x-uue", "uue")


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
