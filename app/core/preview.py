"""A safe text preview of a message: what it says, as plain text, before the user
decides what to do with it.

The message's own text is chosen as a mail client would show it (a ``text/plain``
body part, else a ``text/html`` one reduced to text); HTML is never rendered: tags are
dropped, links are written out as ``text <address>`` and images as ``[image]``, so
nothing is loaded and a link cannot hide where it goes. Hidden characters (controls,
bidi overrides, zero-width characters) are shown escaped, as in the risk panel. Every
step is bounded: at most `PREVIEW_BYTES` of the encoded part are read and at most
`PREVIEW_CHARS` characters are returned.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass
from email.message import Message
from email.policy import compat32
from html.parser import HTMLParser

from app.core.facts import Part, decode_text
from app.core.mime import decode_body
from app.core.names import is_hidden_char
from app.core.parse import MAX_DEPTH, MAX_PARTS

#: Encoded bytes of the chosen text part read at most (a server fetch asks for as many).
PREVIEW_BYTES = 96 * 1024
#: Characters of text shown at most.
PREVIEW_CHARS = 20_000
#: Charsets decoded by a wider codec that agrees on every character they share: mail
#: labelled ISO-2022-JP or Shift_JIS often carries the Windows extensions (①, ㈱).
_WIDER = {
    "iso-2022-jp": "iso2022_jp_ext",  # then `_jis_as_cp932` for the Windows extensions
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "euc-jp": "euc_jis_2004",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "iso-8859-1": "cp1252",
    "us-ascii": "utf-8",
}
_STATEFUL = ("iso-2022", "utf-7")
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?([A-Za-z0-9_.:-]{1,40})", re.I)


@dataclass(frozen=True)
class Preview:
    """The text to show; ``kind`` says where it came from ("plain", "html", or "none"
    when the message has no text of its own), ``truncated`` that there is more."""

    text: str
    kind: str
    truncated: bool = False


NO_TEXT = Preview("", "none")


# -- choosing the part --------------------------------------------------------------------


def choose(parts: list[Part]) -> Part | None:
    """The part a mail client shows as the message's text: the first plain-text body
    part, else the first HTML one."""
    bodies = [p for p in parts if p.is_body_text]
    for wanted in ("text/plain", "text/html"):
        for part in bodies:
            if part.content_type == wanted:
                return part
    return None


def from_message(raw: bytes) -> Preview:
    """The preview of a whole message (or of its first lines, as POP3 ``TOP`` gives).

    Read with Python's ``email`` (compat32, which reads every shape without raising
    and is the reading most mail clients share); `tests/test_preview.py` checks that it
    picks the part MailSentry's own reader would, with the same text."""
    limit = PREVIEW_BYTES * 8
    try:
        message = email.message_from_bytes(raw[:limit], policy=compat32)
        found = _body_text(message)
        if found is None:
            return NO_TEXT
        subtype, charset, payload, encoded = found
    except (ValueError, LookupError, TypeError, AttributeError, AssertionError):
        return NO_TEXT  # a shape even compat32 cannot walk: nothing to show
    complete = len(raw) <= limit and encoded <= PREVIEW_BYTES
    return _preview(payload[:PREVIEW_BYTES], subtype, charset, complete=complete)


def _body_text(message: Message) -> tuple[str, str | None, bytes, int] | None:
    """The first text/plain body part (else text/html) outside attached messages:
    its subtype, charset, decoded bytes and encoded length."""
    bodies: list[Message] = []
    stack = [(message, 0)]
    while stack and len(bodies) < MAX_PARTS:
        part, depth = stack.pop()
        if part.get_content_maintype() == "message":
            continue  # an attached or returned message: its text is not this one's
        if part.is_multipart():
            children = part.get_payload()
            if depth < MAX_DEPTH and isinstance(children, list):
                stack.extend(
                    (child, depth + 1) for child in reversed(children) if isinstance(child, Message)
                )
        elif part.get_content_maintype() == "text" and not (
            part.get_filename()
            or part.get_param("name")
            or part.get_content_disposition() == "attachment"
        ):
            bodies.append(part)
    for wanted in ("plain", "html"):
        for part in bodies:
            if part.get_content_subtype() == wanted:
                payload = part.get_payload(decode=True)
                encoded = part.get_payload()
                size = len(encoded) if isinstance(encoded, str) else 0
                data = payload if isinstance(payload, bytes) else b""
                return wanted, part.get_content_charset(), data, size
    return None


# -- decoding the part --------------------------------------------------------------------


def from_part(body: bytes, part: Part, *, complete: bool) -> Preview:
    """The preview of one text part's encoded ``body`` (all of it when ``complete``,
    else its first bytes), as a server fetch gives it."""
    payload, _ = decode_body(body[:PREVIEW_BYTES], part.encoding)
    subtype = part.content_type.partition("/")[2]
    return _preview(payload, subtype, part.charset, complete=complete)


def _preview(payload: bytes, subtype: str, charset: str | None, *, complete: bool) -> Preview:
    """Decoded bytes of a text part to the preview (a cut line at the end is dropped)."""
    if not complete:
        cut = payload.rfind(b"\n")
        payload = payload[: cut + 1] if cut > 0 else payload
    if charset is None and subtype == "html":
        found = _META_CHARSET.search(payload[:4096])
        charset = found.group(1).decode("ascii") if found else None
    text = decode(payload, charset)
    kind = "plain"
    if subtype == "html":
        text = html_to_text(text)
        kind = "html"
    text = escape_hidden(_tidy(text))
    truncated = not complete or len(text) > PREVIEW_CHARS
    return Preview(text[:PREVIEW_CHARS], kind, truncated)


def decode(data: bytes, charset: str | None) -> str:
    """Text by the declared charset, read by its wider relative where mail needs one;
    a stateful charset cut short, a wrong label or an unknown one still decodes."""
    label = (charset or "us-ascii").strip().strip('"').lower()
    wider = _WIDER.get(label)
    if wider is not None:
        try:
            return data.decode(wider)
        except (UnicodeDecodeError, LookupError):
            pass
    if label == "iso-2022-jp":
        return _jis_as_cp932(data)
    if label.startswith(_STATEFUL):
        try:
            return data.decode(label, errors="replace")
        except LookupError:
            pass
    return decode_text(data, charset)


_JIS_ESCAPE = re.compile(rb"\x1b(\(B|\(J|\(I|\$@|\$B)")


def _jis_as_cp932(data: bytes) -> str:
    """ISO-2022-JP as Windows writes it (CP50220: NEC and IBM extensions in the JIS X
    0208 set, which Python's codecs refuse): each two-byte JIS code becomes its
    Shift_JIS code and the whole is read as CP932. Other escapes read as ASCII."""
    out = bytearray()
    mode = b"(B"
    pos = 0
    for match in [*_JIS_ESCAPE.finditer(data), None]:
        chunk = data[pos : match.start() if match else len(data)]
        if mode in (b"$@", b"$B"):
            for i in range(0, len(chunk) - 1, 2):
                c1, c2 = chunk[i], chunk[i + 1]
                if 0x21 <= c1 <= 0x7E and 0x21 <= c2 <= 0x7E:
                    out += bytes(_jis_to_sjis(c1, c2))
                else:
                    out += b"?"
        elif mode == b"(I":
            out += bytes(c + 0x80 if 0x21 <= c <= 0x5F else c for c in chunk)
        else:
            out += chunk
        if match:
            mode, pos = match.group(1), match.end()
    return out.decode("cp932", errors="replace")


def _jis_to_sjis(c1: int, c2: int) -> tuple[int, int]:
    first = ((c1 + 1) >> 1) + (0x70 if c1 <= 0x5E else 0xB0)
    if c1 & 1:
        return first, c2 + (0x1F if c2 <= 0x5F else 0x20)
    return first, c2 + 0x7E


def _tidy(text: str) -> str:
    """One kind of line end, no trailing blanks, at most one empty line in a row."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def escape_hidden(text: str) -> str:
    """Controls, bidi overrides and invisible characters as ``\\u202e``; line ends and
    tabs stay (they are how text is laid out)."""
    return _HIDDEN.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _hidden_class() -> re.Pattern[str]:
    chars = [
        chr(c)
        for c in range(0x10000)
        if not 0xD800 <= c <= 0xDFFF and chr(c) not in "\n\t" and is_hidden_char(chr(c))
    ]
    return re.compile("[" + re.escape("".join(chars)) + "\U000e0001-\U000e007f]")


_HIDDEN = _hidden_class()


# -- HTML to text ---------------------------------------------------------------------------

_SKIP = frozenset({"script", "style", "head", "title", "template", "svg", "object", "iframe"})
_BLOCK = frozenset(
    {
        "p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5",
        "h6", "blockquote", "pre", "hr", "section", "article", "header", "footer", "dl",
        "dt", "dd", "form", "center", "address",
    }
)  # fmt: skip


class _TextOf(HTMLParser):
    """Collects the text a browser would paint, with links and images as words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.size = 0
        self.skipping = 0
        self.pre = 0
        self.links: list[tuple[str, int]] = []  # href, where its text starts in out

    def emit(self, text: str) -> None:
        if self.size <= PREVIEW_CHARS * 2:  # the rest is never shown
            self.out.append(text)
            self.size += len(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
            return
        if self.skipping:
            return
        found = {k: (v or "") for k, v in attrs}
        if tag in _BLOCK:
            self.emit("\n")
        if tag == "li":
            self.emit("• ")
        elif tag == "pre":
            self.pre += 1
        elif tag in ("td", "th"):
            self.emit(" ")
        elif tag == "a":
            self.links.append((found.get("href", "").strip(), len(self.out)))
        elif tag == "img":
            alt = " ".join(found.get("alt", "").split())
            self.emit(f"[image: {alt}]" if alt else "[image]")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "img", "hr"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping:
            return
        if tag == "a" and self.links:
            href, start = self.links.pop()
            shown = " ".join("".join(self.out[start:]).split())
            if href and not href.startswith("#") and href.removeprefix("mailto:") != shown:
                self.emit(f" <{href}>")
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in _BLOCK or tag in ("td", "th"):
            self.emit("\n" if tag in _BLOCK else " ")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        self.emit(data if self.pre else re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """The painted text of an HTML document; link targets written after their text."""
    parser = _TextOf()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # a malformed declaration: keep what was read
        pass
    lines = ("".join(parser.out)).split("\n")
    return "\n".join(line.strip(" ") for line in lines)
