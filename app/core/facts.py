"""The facts about one message: everything a detector may look at, and nothing more.

Two builders produce these records: one from raw RFC 5322 bytes (`app.core.parse`) and,
later, one from IMAP ``BODYSTRUCTURE`` + ``HEADER.FIELDS`` + partial fetches. They must
agree exactly, so the record is kept small and *raw*: the top-level header fields named
in `HEADER_FIELDS` as they stand, and a flat list of MIME parts with at most `HEAD_BYTES`
of decoded content each. Everything richer (decoded addresses, Received hops, the text a
reader sees) is derived here from those raw fields, by one implementation for both paths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.utils import getaddresses
from functools import cached_property

#: Header fields a detector may read. The IMAP builder fetches exactly these with
#: ``BODY.PEEK[HEADER.FIELDS (...)]``; the raw builder keeps exactly these.
HEADER_FIELDS: tuple[str, ...] = (
    "Return-Path",
    "From",
    "Sender",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "Received",
    "Delivered-To",
    "X-Original-To",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Content-Disposition",
    "Auto-Submitted",
    "X-Autoreply",
    "X-Autorespond",
    "Precedence",
)

#: How many decoded bytes of each leaf part the facts keep: enough for magic numbers,
#: the start of a body text and a bounce's first lines, small enough to fetch by IMAP
#: for every part of every message.
HEAD_BYTES = 256

#: message/* types whose body is not a message of its own. Every other message/*
#: type is opened as an attached message, as Python's parser does (message/news,
#: and made-up ones an attacker hopes a filter will not open).
MESSAGE_LEAVES = frozenset(
    {
        "message/delivery-status",
        "message/disposition-notification",
        "message/partial",
        "message/external-body",
        "message/feedback-report",
        "message/global-headers",
        "message/global-delivery-status",
        "message/global-disposition-notification",
        "message/tracking-status",
        "message/http",
        "message/sip",
        "message/sipfrag",
        "message/imdn+xml",
        "message/cpim",
    }
)


def is_message_type(content_type: str) -> bool:
    """A part whose content is a whole message with headers and parts of its own."""
    return content_type.startswith("message/") and content_type not in MESSAGE_LEAVES


@dataclass(frozen=True, slots=True)
class Address:
    """One mailbox of an address header, decoded for display."""

    display: str
    addr: str


@dataclass(frozen=True, slots=True)
class Hop:
    """One ``Received:`` header: who connected (HELO name and IP) and who took it."""

    helo: str | None
    ip: str | None
    by: str | None
    raw: str


@dataclass(frozen=True, slots=True)
class Archive:
    """What an archive's directory says, read without extracting anything."""

    kind: str
    members: tuple[str, ...] = ()
    encrypted: bool = False
    error: str | None = None
    #: What it is, in words ("ISO 9660 disk image"), for evidence.
    label: str = ""
    #: Members whose content is a program by its first bytes, whatever their names.
    programs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Part:
    """One MIME part (container or leaf), or a uuencoded block found inside a text.

    ``path`` is the IMAP section number ("1", "2.1"; "" for the top-level multipart,
    "N.TEXT" for the multipart body of an attached message, "N.uuK" for the K-th
    uuencoded block inside text part N). ``ancestors`` lists the content types of the
    enclosing parts, innermost first, so a detector can tell "inside a bounce".
    """

    path: str
    content_type: str
    ancestors: tuple[str, ...] = ()
    name: str | None = None
    filename: str | None = None
    disposition: str | None = None
    encoding: str = "7bit"
    charset: str | None = None
    report_type: str | None = None
    #: Octets of the body as sent (encoded), as IMAP's BODYSTRUCTURE reports them;
    #: for a uuencoded block, its decoded length.
    size: int = 0
    head: bytes = b""
    archive: Archive | None = None
    origin: str = "mime"

    @property
    def is_container(self) -> bool:
        return self.content_type.startswith("multipart/") or is_message_type(self.content_type)

    @property
    def names(self) -> tuple[str, ...]:
        """Every distinct name this part is known by (a client may show either)."""
        out: list[str] = []
        for candidate in (self.filename, self.name):
            if candidate is not None and candidate not in out:
                out.append(candidate)
        return tuple(out)

    @property
    def in_message(self) -> bool:
        """True inside an attached or returned message (forward, bounce)."""
        return any(is_message_type(a) for a in self.ancestors)

    @property
    def is_body_text(self) -> bool:
        """A text the mail client shows as the message body, not as an attachment."""
        return (
            self.content_type in ("text/plain", "text/html")
            and self.origin == "mime"
            and self.disposition != "attachment"
            and not self.names
            and not self.in_message
        )

    @property
    def is_attachment(self) -> bool:
        """A leaf the user could save or open as a file."""
        if self.is_container:
            return False
        if self.names or self.origin != "mime":
            return True
        if self.disposition == "attachment":
            return True
        return not self.content_type.startswith(("text/", "multipart/", "message/"))


@dataclass(frozen=True)
class MessageFacts:
    """The facts of one reading of one message."""

    headers: tuple[tuple[str, str], ...]
    parts: tuple[Part, ...]
    size: int = 0
    ambiguities: tuple[str, ...] = ()
    defects: tuple[str, ...] = ()
    reading: str = "first"

    # -- raw header access -------------------------------------------------------
    def all(self, name: str) -> tuple[str, ...]:
        """Every value of header ``name`` in order (unfolded, undecoded)."""
        return self._index.get(name.lower(), ())

    @cached_property
    def _index(self) -> dict[str, tuple[str, ...]]:
        index: dict[str, list[str]] = {}
        for key, value in self.headers:
            index.setdefault(key.lower(), []).append(value)
        return {key: tuple(values) for key, values in index.items()}

    def first(self, name: str) -> str | None:
        values = self.all(name)
        return values[0] if values else None

    # -- derived views -----------------------------------------------------------
    @cached_property
    def return_path(self) -> str | None:
        """The envelope sender: ``""`` for the null sender ``<>``, None if unknown."""
        value = self.first("Return-Path")
        if value is None:
            return None
        inner = value.strip()
        if inner.startswith("<") and ">" in inner:
            inner = inner[1 : inner.index(">")]
        return inner.strip()

    @cached_property
    def from_(self) -> tuple[Address, ...]:
        """The mailboxes of every From header (several headers mean several groups)."""
        out: list[Address] = []
        for value in self.all("From"):
            out.extend(parse_addresses(value))
        return tuple(out)

    @cached_property
    def to(self) -> tuple[Address, ...]:
        out: list[Address] = []
        for value in self.all("To"):
            out.extend(parse_addresses(value))
        return tuple(out)

    @cached_property
    def subject(self) -> str | None:
        value = self.first("Subject")
        return None if value is None else decode_words(value)

    @cached_property
    def message_id(self) -> str | None:
        value = self.first("Message-ID")
        return None if value is None else value.strip()

    @cached_property
    def received(self) -> tuple[Hop, ...]:
        """The Received chain, newest (the user's own server) first."""
        return tuple(parse_received(v) for v in self.all("Received"))

    @cached_property
    def leaves(self) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if not p.is_container)

    @cached_property
    def attachments(self) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if p.is_attachment)

    @cached_property
    def visible_text(self) -> str:
        """The start of what a reader sees as the body, whitespace collapsed."""
        chunks = [part_text(p) for p in self.parts if p.is_body_text]
        return " ".join(" ".join(chunks).split())

    @cached_property
    def text_unseen(self) -> bool:
        """True when a body text fills its whole head and the head shows nothing (an
        HTML style block, say): there may be text further on that we have not read."""
        return any(
            p.is_body_text and len(p.head) >= HEAD_BYTES and not part_text(p).strip()
            for p in self.parts
        )


_WORD_SPLIT = re.compile(r"\s+")

#: RFC 2047 words decoded in one header value (Python's decoder slows down
#: quadratically with their number); the rest is shown as written.
MAX_ENCODED_WORDS = 1_000
#: Characters of an address header given to the full RFC 5322 parser.
MAX_ADDRESS_CHARS = 4_000


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words; a broken word is kept as written."""
    if "=?" not in value:
        return " ".join(_WORD_SPLIT.split(value.strip()))
    pieces = value.split("=?", MAX_ENCODED_WORDS + 1)
    rest = ""
    if len(pieces) > MAX_ENCODED_WORDS + 1:
        value, rest = "=?".join(pieces[:-1]), "=?" + pieces[-1]
    try:
        return str(make_header(decode_header(value))) + rest
    except (ValueError, LookupError, UnicodeError, AssertionError):
        return value.strip() + rest


#: The everyday forms ``Name <a@b>``, ``"Name" <a@b>`` and ``a@b``, with nothing that
#: needs the full RFC 5322 parser (comments, groups, lists, escapes, routes). Every
#: repeat is possessive, so the match takes linear time whatever the value holds.
_SIMPLE_MAILBOX = re.compile(
    r'\s*+(?:"(?P<quoted>[^"\\]*+)"\s*+|(?P<plain>[^"<>,;:()\\@]*+))'
    r"<(?P<addr>[^<>@\s,;:()\\\"]++@[^<>@\s,;:()\\\"]++)>\s*+"
    r'|\s*+(?P<bare>[^<>@\s,;:()\\"]++@[^<>@\s,;:()\\"]++)\s*+'
)


def parse_addresses(value: str) -> list[Address]:
    """Mailboxes of one address header; an empty header yields one empty mailbox."""
    if not value.strip():
        return [Address("", "")]
    simple = _SIMPLE_MAILBOX.fullmatch(value)
    if simple:  # what getaddresses would say, without its cost (most mail)
        if simple.group("bare"):
            return [Address("", simple.group("bare"))]
        quoted = simple.group("quoted")
        name = quoted if quoted is not None else simple.group("plain").strip()
        return [Address(decode_words(name), simple.group("addr"))]
    try:
        pairs = getaddresses([value[:MAX_ADDRESS_CHARS]])
    except (ValueError, IndexError, TypeError, RecursionError):
        return [Address(decode_words(value), "")]
    out = [Address(decode_words(name), addr.strip()) for name, addr in pairs]
    out = [a for a in out if a.display or a.addr]
    return out or [Address(decode_words(value), "")]


_RECEIVED_FROM = re.compile(r"^\s*from\s+(?P<from>\S+)(?P<rest>.*)$", re.I | re.S)
_HELO = re.compile(r"\((?:HELO|EHLO)\s+([^)\s]+)\s*\)", re.I)
_IP = re.compile(
    r"\[?(?P<ip>(?:\d{1,3}(?:\.(?:\d{1,3}|\*+)){3})|(?:IPv6:)?[0-9a-f]*:[0-9a-f:.]+)\]?",
    re.I,
)
_BY = re.compile(r"\bby\s+([^\s;()]+)", re.I)


def parse_received(raw: str) -> Hop:
    """Pick the HELO name, IP and receiving host out of one Received header.

    Received lines have no strict grammar; servers write ``from HELO (rdns [ip])``
    (Postfix), ``from [ip] (HELO name)`` (Stalker) or ``from name (ip)`` (Eudora).
    An explicit ``(HELO x)`` comment wins; otherwise the word after ``from``.
    """
    text = " ".join(raw[:2000].split())  # the parts we need come first; bounds the regexes
    by_match = _BY.search(text)
    by = by_match.group(1) if by_match else None
    head = text[: by_match.start()] if by_match else text
    match = _RECEIVED_FROM.match(head)
    if not match:
        return Hop(None, None, by, raw)
    helo_match = _HELO.search(head)
    word = match.group("from")
    helo = helo_match.group(1) if helo_match else word
    ip_match = None
    for candidate in _IP.finditer(head):
        if "." in candidate.group("ip") or ":" in candidate.group("ip"):
            ip_match = candidate
            break
    ip = ip_match.group("ip") if ip_match else None
    return Hop(helo.strip("[]"), ip, by, raw)


_UU_BLOCK = re.compile(
    r"^begin(?:-base64)?[ \t]+[0-7]{3,4}[ \t]+\S.*?(?:^end[ \t]*$|\Z)", re.M | re.S
)


def part_text(part: Part) -> str:
    """The decoded start of a text part as a reader sees it: HTML tags and uuencoded
    blocks (which mail clients show as attachments) removed."""
    text = decode_text(part.head, part.charset)
    if part.content_type == "text/html":
        text = strip_html(text)
    return _UU_BLOCK.sub(" ", text.replace("\r\n", "\n"))


def decode_text(data: bytes, charset: str | None) -> str:
    """Bytes to text by the declared charset; unknown or broken charsets still decode."""
    for candidate in (charset or "us-ascii", "utf-8"):
        try:
            return data.decode(_charset_alias(candidate), errors="replace")
        except LookupError:
            continue
    return data.decode("latin-1")


def _charset_alias(charset: str) -> str:
    charset = charset.strip().strip('"').lower()
    return {"us-ascii": "ascii", "x-sjis": "shift_jis", "unknown-8bit": "latin-1"}.get(
        charset, charset
    )


_TAG = re.compile(r"<(script|style|head)\b.*?</\1\s*>|<[^>]*>", re.I | re.S)
_ENTITY = re.compile(r"&(nbsp|#160|#xa0);", re.I)


def strip_html(html: str) -> str:
    """Drop tags, scripts and styles: only what would be painted counts as text."""
    return _ENTITY.sub(" ", _TAG.sub(" ", html))
