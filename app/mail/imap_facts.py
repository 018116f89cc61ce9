"""Build `MessageFacts` on an IMAP server without downloading attachments.

For a batch of UIDs this asks, in a few batched commands:

1. ``BODYSTRUCTURE``, ``RFC822.SIZE`` and the top header without the bulky fields
   no detector reads (``BODY.PEEK[HEADER.FIELDS.NOT (DKIM-SIGNATURE ...)]``, bounded):
   the shape of every message. Unlike ``HEADER.FIELDS`` this also shows a line that is
   not a header field, where the file reader sees two readings;
2. for every part, its MIME header (``BODY.PEEK[n.MIME]``), its decoded size
   (``BINARY.SIZE[n]``) and the first few hundred encoded bytes of its content
   (``BODY.PEEK[n]<0.len>``), decoded here: magic bytes and the start of texts;
3. only where needed: the tail of a zip (its central directory), and the whole of
   the text parts of messages a server-side ``SEARCH BODY`` for ``begin ``, ``=ybegin``
   or ``converted with BinHex`` names (uuencoded, yEnc and BinHex files hide there).

The part headers are interpreted by the same `describe_part` as the raw builder, so
names and types agree exactly. Where a message could be read two ways, or a part's
encoding is unknown, the raw builder is the only reliable reader: that message is
downloaded whole and judged from its bytes (``fallbacks`` counts them).

One message never stops more than itself: a command that fails for a batch is split
until the message that makes it fail is alone; that message is then downloaded whole
(up to `MAX_WHOLE_BYTES`) and, when even that fails, judged *unreadable* with the
reason. A command that loses the connection (a server that drops it on one message)
opens a new session and carries on the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeVar

import imapclient.exceptions
from imapclient.response_types import BodyData

from app.core import archive as zipdir
from app.core.facts import HEAD_BYTES, HEADER_FIELDS, MessageFacts, Part, is_message_type
from app.core.mime import HeaderBlock, base64_tail, decode_body, read_header_block
from app.core.parse import (
    MAX_DEPTH,
    archive_of,
    describe_part,
    embedded_files,
    is_encoded_file,
    may_hold_encoded_files,
    readings,
)
from app.mail.errors import ConnectionLost, MailError

BATCH = 500
MAX_DETAIL_PARTS = 200
#: The largest message downloaded whole to be read from its bytes (the raw reader needs
#: about five times a message's size in memory: this keeps a message under ~200 MB).
MAX_WHOLE_BYTES = 40 << 20
#: Connections lost one after another with no command answered in between before the
#: scan gives up: enough to isolate one message that drops the connection in a full
#: batch by halving (log2 of `BATCH`, plus the whole download).
MAX_LOSSES_IN_ROW = 12
#: A BODYSTRUCTURE nested deeper than this is not walked (the raw reader stops earlier).
_MAX_TREE_DEPTH = MAX_DEPTH + 8
_KNOWN_ENCODINGS = ("7bit", "8bit", "binary", "base64", "quoted-printable", "")
#: Header fields no detector reads that make up most of a large header (signatures,
#: authentication results, relays' notes): left out of the header fetch.
_BULKY_FIELDS = (
    "DKIM-Signature",
    "X-Google-DKIM-Signature",
    "ARC-Seal",
    "ARC-Message-Signature",
    "ARC-Authentication-Results",
    "Authentication-Results",
    "Received-SPF",
    "X-Received",
    "X-Google-Smtp-Source",
    "X-Gm-Message-State",
    "X-Forefront-Antispam-Report",
    "X-Microsoft-Antispam-Message-Info",
    "X-MS-Exchange-AntiSpam-MessageData-0",
    "X-MS-Exchange-Organization-Network-Message-Id",
    "List-Unsubscribe",
    "References",
)
#: A top header longer than this (without the bulky fields) is read from the whole
#: message, whose reader has its own bounds.
MAX_HEADER_BYTES = 256 << 10
_WANTED = frozenset(name.lower() for name in HEADER_FIELDS)
_NOT = " ".join(name.upper() for name in _BULKY_FIELDS if name.lower() not in _WANTED)
HEADER_ITEM = f"BODY.PEEK[HEADER.FIELDS.NOT ({_NOT})]<0.{MAX_HEADER_BYTES}>"
#: Encoded bytes fetched for a part's head: enough to decode `HEAD_BYTES` in each
#: transfer encoding (base64 grows 4/3 plus line breaks; quoted-printable up to 3x).
_HEAD_FETCH = {"base64": HEAD_BYTES * 4 // 3 + 48, "quoted-printable": HEAD_BYTES * 3}

_T = TypeVar("_T")


class Source(Protocol):
    """The IMAP commands the builder needs, on the selected folder."""

    def fetch(self, uids: Sequence[int], items: Sequence[str]) -> dict[int, dict[bytes, Any]]:
        """``UID FETCH``."""

    def search_uu(self, uids: Sequence[int]) -> set[int]:
        """The UIDs whose body may hold a uuencoded, yEnc or BinHex file (server-side
        search)."""

    def fetch_raw(self, uid: int, limit: int) -> bytes | None:
        """Up to ``limit + 1`` bytes of the whole message; None if the server sent none."""

    def present(self, uids: Sequence[int]) -> set[int]:
        """Which of ``uids`` the folder still holds."""

    def reconnect(self) -> None:
        """A new session on the same folder; raises `MailError` when there is none."""


class MalformedStructure(ValueError):
    """A BODYSTRUCTURE that does not describe a message."""


def lost_connection(error: BaseException) -> bool:
    """True when ``error`` leaves the session unusable (imaplib's abort, a socket error,
    a timeout): the next command needs a new connection."""
    return isinstance(error, imapclient.exceptions.IMAPClientAbortError | OSError)


def failure_reason(error: BaseException) -> str:
    """Why a command failed for one message, in a plain sentence."""
    if isinstance(error, TimeoutError):
        return f"the server did not send it in time ({_short(error)})"
    if lost_connection(error):
        return f"the server dropped the connection while sending it ({_short(error)})"
    if isinstance(error, imapclient.exceptions.IMAPClientError):
        return f"the server refused to send it ({_short(error)})"
    if isinstance(error, RecursionError):
        return "the server described it as nested too deeply"
    if isinstance(error, MalformedStructure):
        return f"the server described its structure wrongly ({_short(error)})"
    return f"the server's answer for it could not be read ({type(error).__name__})"


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 160 else text[:157] + "..."


@dataclass
class Node:
    """One part of a BODYSTRUCTURE, numbered as IMAP numbers it."""

    path: str
    kind: str  # "multipart", "message", "leaf"
    encoding: str
    header_section: str | None  # the section whose header describes this part
    encoded_size: int = 0
    children: list[Node] = field(default_factory=list)


@dataclass
class BuildStats:
    """What building facts cost, for the benchmark and the closing figures."""

    messages: int = 0
    fallbacks: int = 0
    content_bytes: int = 0
    commands: int = 0


def tree(structure: Any) -> Node:
    """The part tree of an imapclient ``BodyData`` (the root has path "");
    `MalformedStructure` when it describes no message."""
    if not isinstance(structure, tuple | list) or not structure:
        raise MalformedStructure("no structure")
    if isinstance(structure[0], list):
        root = Node("", "multipart", "7bit", None)
        root.children = [_node(c, str(i), depth=1) for i, c in enumerate(structure[0], 1)]
        return root
    return _node(structure, "1", header_section=None)


def _node(body: Any, path: str, header_section: str | None = "", depth: int = 0) -> Node:
    if depth > _MAX_TREE_DEPTH:
        raise MalformedStructure("nested too deeply")
    if not isinstance(body, tuple | list) or not body:
        raise MalformedStructure(f"part {path} is empty")
    section = f"{path}.MIME" if header_section == "" else header_section
    if isinstance(body[0], list):
        node = Node(path, "multipart", "7bit", section)
        node.children = [_node(c, f"{path}.{i}", depth=depth + 1) for i, c in enumerate(body[0], 1)]
        return node
    if len(body) < 7:
        raise MalformedStructure(f"part {path} has {len(body)} fields")
    maintype = _text(body[0]).lower()
    subtype = _text(body[1]).lower()
    encoding = _text(body[5]).lower()
    inner = body[8] if len(body) > 8 else None
    # Dovecot does not open message/global: its inner structure is NIL. Such a part is
    # a leaf here, and a message type as a leaf is read from the raw bytes.
    opened = isinstance(inner, tuple | list)
    if maintype == "message" and subtype in ("rfc822", "global") and opened:
        node = Node(path, "message", encoding, section)
        inner = BodyData.create(inner) if isinstance(inner, tuple) else inner
        if inner and isinstance(inner[0], list):
            body_node = Node(f"{path}.TEXT", "multipart", "7bit", f"{path}.HEADER")
            body_node.children = [
                _node(c, f"{path}.{i}", depth=depth + 2) for i, c in enumerate(inner[0], 1)
            ]
        else:
            body_node = _node(inner, f"{path}.1", f"{path}.HEADER", depth + 1)
        node.children = [body_node]
        return node
    encoded_size = body[6] if isinstance(body[6], int) else 0
    return Node(path, "leaf", encoding, section, encoded_size)


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _walk(node: Node) -> Iterable[Node]:
    yield node
    for child in node.children:
        yield from _walk(child)


@dataclass
class _Pending:
    """One message on its way through the builder: what was fetched, what was built."""

    uid: int
    headers: bytes
    top: HeaderBlock
    size: int
    root: Node
    data: dict[bytes, Any] = field(default_factory=dict)
    uu_candidate: bool = False
    parts: list[Part] = field(default_factory=list)


class ImapFactsBuilder:
    """Builds facts for UIDs of the selected folder through a `Source` of commands.

    Kept apart from the connection so the facts logic can be read (and tested) on its
    own. ``gone`` collects the UIDs the folder no longer held when they were asked for.
    """

    def __init__(self, source: Source) -> None:
        self._source = source
        self._losses_in_row = 0
        self.stats = BuildStats()
        self.gone: set[int] = set()

    def build(self, uids: Sequence[int]) -> dict[int, list[MessageFacts]]:
        """Every reading of every message in ``uids`` still on the server; a message
        that could not be read is one reading with a defect that says why."""
        out: dict[int, list[MessageFacts]] = {}
        for start in range(0, len(uids), BATCH):
            out.update(self._build_batch(uids[start : start + BATCH]))
        return out

    def _command(self, call: Callable[[], _T]) -> _T:
        """Run one command. When it loses the connection, open a new session before
        the error goes on to the caller, which then treats it as that command's
        failure; too many losses in a row end the scan (the server, not a message)."""
        self.stats.commands += 1
        try:
            result = call()
        except MailError:
            raise
        except Exception as error:
            if lost_connection(error):
                self._losses_in_row += 1
                if self._losses_in_row > MAX_LOSSES_IN_ROW:
                    raise ConnectionLost(
                        f"lost {self._losses_in_row} times in a row: {_short(error)}"
                    ) from None
                self._source.reconnect()
            raise
        self._losses_in_row = 0
        return result

    def _fetch_split(
        self, uids: Sequence[int], items: Sequence[str]
    ) -> tuple[dict[int, dict[bytes, Any]], dict[int, str]]:
        """One FETCH for many messages, and why it failed for those it failed for.
        Dovecot refuses the whole command when one message has a broken part (or drops
        the connection on it), so a failed group is split in halves until each message
        that fails is alone."""
        try:
            fetched = self._command(lambda: self._source.fetch(uids, items))
        except MailError:
            raise
        except Exception as error:  # noqa: BLE001 - whatever one message does stays its own
            if len(uids) == 1:
                return {}, {uids[0]: failure_reason(error)}
            middle = len(uids) // 2
            head, head_failed = self._fetch_split(uids[:middle], items)
            tail, tail_failed = self._fetch_split(uids[middle:], items)
            return {**head, **tail}, {**head_failed, **tail_failed}
        for data in fetched.values():
            self.stats.content_bytes += sum(
                len(v) for k, v in data.items() if isinstance(v, bytes) and k != b"SEQ"
            )
        return dict(fetched), {}

    def _build_batch(self, uids: Sequence[int]) -> dict[int, list[MessageFacts]]:
        first, failed = self._fetch_split(uids, ["BODYSTRUCTURE", "RFC822.SIZE", HEADER_ITEM])
        out: dict[int, list[MessageFacts]] = {}
        pending: list[_Pending] = []
        for uid in uids:
            data = first.get(uid)
            if data is None or b"BODYSTRUCTURE" not in data:
                reason = failed.get(uid, "the server did not send it")
                self._whole(uid, reason, b"", out)
                continue
            headers = _header_bytes(data)
            try:
                top = read_header_block(headers)
                # Two readings, or a header past a bound: only the bytes tell (and the
                # server need not search such a message for encoded files).
                whole = top.oddities or top.defects or len(headers) >= MAX_HEADER_BYTES
                root = None if whole else tree(data[b"BODYSTRUCTURE"])
            except Exception as error:  # noqa: BLE001 - a hostile structure is one message's
                self._whole(uid, failure_reason(error), headers, out)
                continue
            if root is None:
                self._whole(uid, "", headers, out)
                continue
            pending.append(_Pending(uid, headers, top, _size(data), root))
        self.stats.messages += len(uids)
        details, detail_failed = self._fetch_details(pending)
        uu_candidates = self._uu_candidates([p.uid for p in pending])
        for item in pending:
            if item.uid in detail_failed:
                self._whole(item.uid, detail_failed[item.uid], item.headers, out)
                continue
            item.data = details.get(item.uid, {})
            item.uu_candidate = item.uid in uu_candidates
            try:
                facts = self._assemble(item)
            except MailError:
                raise
            except Exception as error:  # noqa: BLE001 - one message's failure is its own
                self._whole(item.uid, failure_reason(error), item.headers, out)
                continue
            if facts is None:
                self._whole(item.uid, "", item.headers, out)
            else:
                out[item.uid] = [facts]
        return out

    def _uu_candidates(self, uids: list[int]) -> set[int]:
        """Messages whose text may hide uuencoded files; all of them when the server
        cannot say (their text parts are then read whole)."""
        if not uids:
            return set()
        try:
            return self._command(lambda: self._source.search_uu(uids))
        except MailError:
            raise
        except Exception:  # noqa: BLE001 - not knowing means looking
            return set(uids)

    def _whole(
        self, uid: int, reason: str, headers: bytes, out: dict[int, list[MessageFacts]]
    ) -> None:
        """Judge ``uid`` from its whole bytes; unreadable (with ``reason`` and what went
        wrong here) when they cannot be had or read; left out when it is gone."""
        self.stats.fallbacks += 1
        try:
            raw = self._command(lambda: self._source.fetch_raw(uid, MAX_WHOLE_BYTES))
        except MailError:
            raise
        except Exception as error:  # noqa: BLE001 - the last resort before "unreadable"
            out[uid] = [_unreadable(headers, reason or failure_reason(error))]
            return
        if raw is None:
            if uid not in self._present(uid):
                self.gone.add(uid)
                return
            out[uid] = [_unreadable(headers, reason or "the server did not send it")]
            return
        self.stats.content_bytes += len(raw)
        if len(raw) > MAX_WHOLE_BYTES:
            limit = f"it is larger than {MAX_WHOLE_BYTES >> 20} MB"
            out[uid] = [_unreadable(headers, f"{reason}; {limit}" if reason else limit)]
            return
        try:
            out[uid] = readings(raw)
        except Exception as error:  # noqa: BLE001 - a hostile message must not stop a scan
            why = f"its bytes could not be read ({type(error).__name__})"
            out[uid] = [_unreadable(headers, why)]

    def _present(self, uid: int) -> set[int]:
        try:
            return self._command(lambda: self._source.present([uid]))
        except MailError:
            raise
        except Exception:  # noqa: BLE001 - when the server cannot say, assume it is there
            return {uid}

    def _fetch_details(
        self, pending: list[_Pending]
    ) -> tuple[dict[int, dict[bytes, Any]], dict[int, str]]:
        """Part headers, decoded sizes and heads, one command per shape of message."""
        groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for item in pending:
            nodes = list(_walk(item.root))
            # A part the server cannot decode (unknown encoding), or so many parts that
            # the command grows too long: such messages are read from their raw bytes.
            if len(nodes) <= MAX_DETAIL_PARTS and all(
                n.encoding in _KNOWN_ENCODINGS for n in nodes
            ):
                groups[tuple(_detail_items(item.root))].append(item.uid)
        details: dict[int, dict[bytes, Any]] = {}
        failed: dict[int, str] = {}
        for items, uids in groups.items():
            if items:
                fetched, group_failed = self._fetch_split(uids, list(items))
                details.update(fetched)
                failed.update(group_failed)
        return details, failed

    def _assemble(self, item: _Pending) -> MessageFacts | None:
        if not self._add(item, item.root, ()):
            return None
        fields = _wanted(item.top.fields)
        return MessageFacts(headers=fields, parts=tuple(item.parts), size=item.size)

    def _add(
        self,
        item: _Pending,
        node: Node,
        ancestors: tuple[str, ...],
        boundaries: frozenset[str] = frozenset(),
    ) -> bool:
        """Append the part for ``node`` and its children; False when only the raw
        bytes can tell what this message is (``boundaries``: those of the multiparts
        around it, as a nested one that reuses one is read differently by clients)."""
        if node.header_section is None:
            block = item.top
        else:
            block = read_header_block(_section(item.data, f"BODY[{node.header_section}]"))
        if node.header_section is not None and (block.oddities or block.defects):
            return False
        base, ctype, notes, defects = describe_part(
            block, node.path if node.header_section else "", ancestors, "first"
        )
        if notes or defects or base.encoding not in _KNOWN_ENCODINGS:
            return False
        base = replace(base, path=node.path)
        if node.kind == "leaf" and (
            is_message_type(base.content_type) or base.content_type == "message/partial"
        ):
            return False  # a message type the server does not open (message/news)
        inner = (base.content_type, *ancestors)
        if node.kind == "multipart":
            boundary = ctype.param("boundary", "first")
            if (
                len(ancestors) >= MAX_DEPTH
                or not base.content_type.startswith("multipart/")
                or not boundary
                or boundary in boundaries
                or not node.children
                or (
                    base.content_type != "multipart/digest"
                    and any(
                        not _section(item.data, f"BODY[{c.header_section}]").strip()
                        for c in node.children
                        if c.header_section
                    )
                )
            ):
                # Too deep, or a part the server made up where no boundary matched
                # (its header is empty): only the raw bytes say what clients see.
                return False
            item.parts.append(base)
            return all(self._add(item, c, inner, boundaries | {boundary}) for c in node.children)
        if node.kind == "message":
            if base.encoding not in ("7bit", "8bit", "binary"):
                return False
            item.parts.append(base)
            return self._add(item, node.children[0], inner)
        return self._add_leaf(item, node, base)

    def _add_leaf(self, item: _Pending, node: Node, base: Part) -> bool:
        # Sizes are the part's octets as sent, which BODYSTRUCTURE gives exactly
        # (Dovecot 2.3's BINARY.SIZE is wrong for a base64 part followed by another).
        size = node.encoded_size
        encoded = _section(item.data, f"BODY[{node.path}]<0>")
        head, defects = decode_body(encoded, base.encoding)
        complete = len(encoded) >= size
        if (complete and defects) or (not complete and len(head) < HEAD_BYTES):
            return False  # broken or unusual encoding: only the raw bytes tell
        head = head[:HEAD_BYTES]
        part = replace(
            base,
            size=size,
            head=head,
            archive=archive_of(head, base.names, self._tail_reader(item, node, base, size), size),
        )
        item.parts.append(part)
        if is_encoded_file(base) or (item.uu_candidate and may_hold_encoded_files(base)):
            items = [f"BODY.PEEK[{node.path}]"]
            whole = self._command(lambda: self._source.fetch([item.uid], items))
            body = _section(whole.get(item.uid, {}), f"BODY[{node.path}]")
            self.stats.content_bytes += len(body)
            payload, _ = decode_body(body, base.encoding)
            found, problems = embedded_files(part, payload)
            if problems:
                return False  # a block that cannot be read: the raw reader says so
            item.parts.extend(found)
        return True

    def _tail_reader(self, item: _Pending, node: Node, base: Part, size: int) -> zipdir.Reader:
        """Read decoded bytes of a part by offset. IMAP ranges count *encoded* bytes,
        so for base64 the whole encoded tail is fetched and decoded from a line start;
        a zip directory is small and at the very end, so this stays cheap."""
        cache: dict[str, bytes] = {}

        def read(offset: int, length: int) -> bytes:
            if offset == 0:  # from the start (archives other than zip): a bounded head
                return self._decoded_head(item.uid, node, base.encoding, length)
            want = size - offset  # decoded bytes needed from the end
            if "tail" not in cache or len(cache["tail"]) < want:
                cache["tail"] = self._decoded_tail(item.uid, node, base.encoding, size, want)
            tail = cache["tail"]
            start = len(tail) - (size - offset)
            return tail[max(0, start) : max(0, start) + length]

        return read

    def _decoded_head(self, uid: int, node: Node, encoding: str, length: int) -> bytes:
        """The first ``length`` decoded bytes of a part: a ranged fetch of enough
        encoded bytes, or of the whole part when that was not enough."""
        span = {"base64": length * 4 // 3 + length // 19 + 96}.get(encoding, length)
        if encoding not in ("7bit", "8bit", "binary", "", "base64"):
            span = node.encoded_size
        encoded = self._range(uid, node.path, 0, min(span, node.encoded_size))
        decoded = decode_body(encoded, encoding)[0]
        if len(decoded) < length and span < node.encoded_size:
            decoded = decode_body(self._range(uid, node.path, 0, node.encoded_size), encoding)[0]
        return decoded[:length]

    def _decoded_tail(self, uid: int, node: Node, encoding: str, size: int, want: int) -> bytes:
        """The last ``want`` decoded bytes of a part, from a ranged fetch."""
        if encoding in ("7bit", "8bit", "binary", ""):
            offset = max(0, node.encoded_size - want)
            return self._range(uid, node.path, offset, node.encoded_size - offset)
        # base64: fetch enough encoded text and line it up from its end (`base64_tail`);
        # more when junk made it short; the whole part when only all of it can say
        # where its groups start (padding before the end), as for other encodings.
        span = want * 4 // 3 + want // 19 + 96
        while encoding == "base64" and span < node.encoded_size:
            offset = node.encoded_size - span
            tail = base64_tail(self._range(uid, node.path, offset, span))
            if tail is None:
                break
            if len(tail) >= want:
                return tail
            span *= 2
        return decode_body(self._range(uid, node.path, 0, node.encoded_size), encoding)[0]

    def _range(self, uid: int, path: str, offset: int, length: int) -> bytes:
        items = [f"BODY.PEEK[{path}]<{offset}.{length}>"]
        data = self._command(lambda: self._source.fetch([uid], items))
        body = _section(data.get(uid, {}), f"BODY[{path}]<{offset}>")
        self.stats.content_bytes += len(body)
        return body


def _detail_items(root: Node) -> list[str]:
    items: list[str] = []
    for node in _walk(root):
        if node.header_section is not None:
            items.append(f"BODY.PEEK[{node.header_section}]")
        if node.kind == "leaf":
            length = _HEAD_FETCH.get(node.encoding, HEAD_BYTES)
            items.append(f"BODY.PEEK[{node.path}]<0.{length}>")
            if node.encoding in ("base64", "quoted-printable"):
                # Asked only so that Dovecot decodes the whole part: it refuses the FETCH
                # ([PARSE]) when the encoding is broken, and such a message is then read
                # from its raw bytes. The size it answers is not used (see _add_leaf).
                items.append(f"BINARY.SIZE[{node.path}]")
    return list(dict.fromkeys(items))


def _header_bytes(data: dict[bytes, Any]) -> bytes:
    for key, value in data.items():
        if key.startswith(b"BODY[HEADER.FIELDS"):
            return value if isinstance(value, bytes) else b""
    return b""


def _section(data: dict[bytes, Any], key: str) -> bytes:
    value = data.get(key.encode())
    return value if isinstance(value, bytes) else b""


def _size(data: dict[bytes, Any]) -> int:
    size = data.get(b"RFC822.SIZE", 0)
    return size if isinstance(size, int) and size >= 0 else 0


def _unreadable(headers: bytes, reason: str) -> MessageFacts:
    """The one reading of a message that could not be read: its header fields where
    the server sent them, and the reason as a defect (the message is *unreadable*,
    never clean)."""
    try:
        fields = _wanted(read_header_block(headers).fields) if headers else ()
    except Exception:  # noqa: BLE001 - the reason matters more than the header fields
        fields = ()
    return MessageFacts(headers=fields, parts=(), defects=(f"could not be read: {reason}",))


def _wanted(fields: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The fields the facts keep (those the raw builder keeps)."""
    return tuple((k, v) for k, v in fields if k.lower() in _WANTED)
