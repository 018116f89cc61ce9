"""Build `MessageFacts` on an IMAP server without downloading attachments.

For a batch of UIDs this asks, in a few batched commands:

1. ``BODYSTRUCTURE``, ``RFC822.SIZE`` and the header fields the detectors read
   (``BODY.PEEK[HEADER.FIELDS (...)]``): the shape of every message;
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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import imapclient.exceptions
from imapclient.response_types import BodyData

from app.core import archive as zipdir
from app.core.facts import HEAD_BYTES, HEADER_FIELDS, MessageFacts, Part, is_message_type
from app.core.mime import base64_tail, decode_body, read_header_block
from app.core.parse import (
    MAX_DEPTH,
    archive_of,
    describe_part,
    embedded_files,
    is_encoded_file,
    may_hold_encoded_files,
    readings,
)

BATCH = 500
MAX_DETAIL_PARTS = 200
_KNOWN_ENCODINGS = ("7bit", "8bit", "binary", "base64", "quoted-printable", "")
_FIELDS = " ".join(name.upper() for name in HEADER_FIELDS)
HEADER_ITEM = f"BODY.PEEK[HEADER.FIELDS ({_FIELDS})]"
#: Encoded bytes fetched for a part's head: enough to decode `HEAD_BYTES` in each
#: transfer encoding (base64 grows 4/3 plus line breaks; quoted-printable up to 3x).
_HEAD_FETCH = {"base64": HEAD_BYTES * 4 // 3 + 48, "quoted-printable": HEAD_BYTES * 3}

Fetch = Callable[[Sequence[int], Sequence[str]], dict[int, dict[bytes, Any]]]


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
    """The part tree of an imapclient ``BodyData`` (the root has path "")."""
    if structure.is_multipart:
        root = Node("", "multipart", "7bit", None)
        root.children = [_node(child, str(i)) for i, child in enumerate(structure[0], 1)]
        return root
    return _node(structure, "1", header_section=None)


def _node(body: Any, path: str, header_section: str | None = "") -> Node:
    section = f"{path}.MIME" if header_section == "" else header_section
    if isinstance(body[0], list):
        node = Node(path, "multipart", "7bit", section)
        node.children = [_node(c, f"{path}.{i}") for i, c in enumerate(body[0], 1)]
        return node
    maintype = _text(body[0]).lower()
    subtype = _text(body[1]).lower()
    encoding = _text(body[5]).lower() if len(body) > 5 else ""
    if maintype == "message" and subtype in ("rfc822", "global") and len(body) > 8:
        node = Node(path, "message", encoding, section)
        inner = BodyData.create(body[8]) if isinstance(body[8], tuple) else body[8]
        if inner and isinstance(inner[0], list):
            body_node = Node(f"{path}.TEXT", "multipart", "7bit", f"{path}.HEADER")
            body_node.children = [_node(c, f"{path}.{i}") for i, c in enumerate(inner[0], 1)]
        else:
            body_node = _node(inner, f"{path}.1", header_section=f"{path}.HEADER")
        node.children = [body_node]
        return node
    encoded_size = body[6] if len(body) > 6 and isinstance(body[6], int) else 0
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
    size: int
    root: Node
    data: dict[bytes, Any] = field(default_factory=dict)
    uu_candidate: bool = False
    parts: list[Part] = field(default_factory=list)


class ImapFactsBuilder:
    """Builds facts for UIDs of the selected folder through a ``fetch`` function.

    ``fetch(uids, items)`` is `IMAPClient.fetch`; ``search_uu(uids)`` returns the UIDs
    whose body may hold a uuencoded, yEnc or BinHex file (server-side search);
    ``fetch_raw(uid)`` downloads a whole message for the fallback. Kept apart from the
    connection so the facts logic can be read (and tested) on its own.
    """

    def __init__(
        self,
        fetch: Fetch,
        search_uu: Callable[[Sequence[int]], set[int]],
        fetch_raw: Callable[[int], bytes],
    ) -> None:
        self._fetch = fetch
        self._search_uu = search_uu
        self._fetch_raw = fetch_raw
        self.stats = BuildStats()

    def build(self, uids: Sequence[int]) -> dict[int, list[MessageFacts]]:
        """Every reading of every message in ``uids`` (missing UIDs are left out)."""
        out: dict[int, list[MessageFacts]] = {}
        for start in range(0, len(uids), BATCH):
            out.update(self._build_batch(uids[start : start + BATCH]))
        return out

    def _fetch_counted(self, uids: Sequence[int], items: Sequence[str]) -> dict[int, Any]:
        self.stats.commands += 1
        return self._fetch(uids, items)

    def _build_batch(self, uids: Sequence[int]) -> dict[int, list[MessageFacts]]:
        first = self._fetch_counted(uids, ["BODYSTRUCTURE", "RFC822.SIZE", HEADER_ITEM])
        pending = [
            _Pending(
                uid,
                _header_bytes(data),
                int(data.get(b"RFC822.SIZE", 0)),
                tree(data[b"BODYSTRUCTURE"]),
            )
            for uid, data in first.items()
            if b"BODYSTRUCTURE" in data
        ]
        self.stats.messages += len(pending)
        details = self._fetch_details(pending)
        uu_candidates: set[int] = set()
        if pending:
            self.stats.commands += 1
            uu_candidates = self._search_uu([p.uid for p in pending])
        out: dict[int, list[MessageFacts]] = {}
        for item in pending:
            item.data = details.get(item.uid, {})
            item.uu_candidate = item.uid in uu_candidates
            facts = self._assemble(item)
            if facts is None:
                self.stats.fallbacks += 1
                self.stats.commands += 1
                raw = self._fetch_raw(item.uid)
                self.stats.content_bytes += len(raw)
                out[item.uid] = readings(raw)
            else:
                out[item.uid] = [facts]
        return out

    def _fetch_details(self, pending: list[_Pending]) -> dict[int, dict[bytes, Any]]:
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
        for items, uids in groups.items():
            if items:
                details.update(self._fetch_group(uids, list(items)))
        return details

    def _fetch_group(self, uids: list[int], items: list[str]) -> dict[int, dict[bytes, Any]]:
        """One FETCH for many messages. Dovecot refuses the whole command when one
        message has a broken part, so a refused group is split in halves until the
        broken messages are alone; those fall back to their raw bytes."""
        try:
            fetched = self._fetch_counted(uids, items)
        except imapclient.exceptions.IMAPClientError:
            if len(uids) == 1:
                return {}
            middle = len(uids) // 2
            return {
                **self._fetch_group(uids[:middle], items),
                **self._fetch_group(uids[middle:], items),
            }
        for data in fetched.values():
            self.stats.content_bytes += sum(
                len(v) for k, v in data.items() if isinstance(v, bytes) and k != b"SEQ"
            )
        return dict(fetched)

    def _assemble(self, item: _Pending) -> MessageFacts | None:
        top = read_header_block(item.headers)
        if top.oddities or top.defects or not self._add(item, item.root, ()):
            return None
        return MessageFacts(headers=tuple(top.fields), parts=tuple(item.parts), size=item.size)

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
            block = read_header_block(item.headers)
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
            whole = self._fetch_counted([item.uid], [f"BODY.PEEK[{node.path}]"])
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
        data = self._fetch_counted([uid], [f"BODY.PEEK[{path}]<{offset}.{length}>"])
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
