"""Fetch what a message preview needs, and no more: on IMAP the chosen text part only
(its first `PREVIEW_BYTES`, read with ``PEEK``: no flag changes), on POP3 the first
`POP3_LINES` lines with ``TOP`` (which, unlike ``RETR``, does not mark mail as read),
from a file its first bytes. The text itself is made by `app.core.preview`.

Runs on the account's worker, never on the GUI thread.
"""

from __future__ import annotations

import poplib
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import imapclient
import imapclient.exceptions

from app.core.mime import read_header_block
from app.core.parse import describe_part
from app.core.preview import PREVIEW_BYTES, Preview, choose, from_message, from_part
from app.mail.connect import open_imap, open_pop3
from app.mail.imap_facts import Node, tree
from app.mail.imap_scan import select_readonly
from app.store.accounts import Account
from app.store.state import MessageRecord

#: Lines a POP3 preview reads with ``TOP``: the header and about 30 KB of body.
POP3_LINES = 400
#: Leaf parts whose headers are read to choose the text (a message with more is odd).
MAX_LEAVES = 60


class PreviewUnavailable(Exception):
    """The message is no longer where MailSentry last saw it (the text says so)."""


def preview_record(account: Account | None, password: str, record: MessageRecord) -> Preview:
    """The preview of ``record`` where it is now: on its server, or in a file (the
    demo's, or the local copy kept of mail deleted from the server)."""
    if account is None:
        return file_preview(Path(record.source))
    if record.place == "deleted" or (record.uidl and record.quarantined):
        return file_preview(Path(record.local_copy))
    if account.protocol == "pop3":
        return pop3_preview(account, password, record.uidl)
    client = open_imap(account, password)
    try:
        return imap_preview(client, record.folder, record.uidvalidity, record.uid)
    finally:
        with suppress(OSError, imapclient.exceptions.IMAPClientError):
            client.logout()


def file_preview(path: Path) -> Preview:
    with path.open("rb") as handle:
        return from_message(handle.read(PREVIEW_BYTES * 8))


def imap_preview(client: imapclient.IMAPClient, folder: str, uidvalidity: int, uid: int) -> Preview:
    """Three small commands: the structure and top header, the leaf parts' headers,
    then the first bytes of the chosen text part."""
    gone = PreviewUnavailable(f"The message is no longer in {folder} on the server.")
    if select_readonly(client, folder) != uidvalidity:
        raise gone
    first = client.fetch([uid], ["BODYSTRUCTURE", "BODY.PEEK[HEADER]"]).get(uid)
    if not first or b"BODYSTRUCTURE" not in first:
        raise gone
    leaves = list(_leaves(tree(first[b"BODYSTRUCTURE"])))[:MAX_LEAVES]
    sections = [n.header_section for n in leaves if n.header_section]
    headers = (
        client.fetch([uid], [f"BODY.PEEK[{s}]" for s in sections]).get(uid, {}) if sections else {}
    )
    parts = {}
    for node in leaves:
        if node.header_section is None:  # a single-part message: its own header
            header = _item(first, "BODY[HEADER]")
        else:
            header = _item(headers, f"BODY[{node.header_section}]")
        part = describe_part(read_header_block(header), node.path, (), "first")[0]
        parts[node.path] = (part, node)
    chosen = choose([part for part, _ in parts.values()])
    if chosen is None:
        return Preview("", "none")
    node = parts[chosen.path][1]
    item = f"BODY.PEEK[{node.path}]<0.{PREVIEW_BYTES}>"
    body = _item(client.fetch([uid], [item]).get(uid, {}), f"BODY[{node.path}]<0>")
    return from_part(body, chosen, complete=node.encoded_size <= len(body))


def _leaves(node: Node) -> Iterator[Node]:
    """Leaf parts outside attached messages (their text is not this message's)."""
    if node.kind == "leaf":
        yield node
    elif node.kind == "multipart":
        for child in node.children:
            yield from _leaves(child)


def _item(data: dict[bytes, Any], key: str) -> bytes:
    value = data.get(key.encode())
    return value if isinstance(value, bytes) else b""


def pop3_preview(account: Account, password: str, uidl: str) -> Preview:
    """The first lines of the message with this UIDL, read with ``TOP``."""
    server = open_pop3(account, password)
    try:
        number = _number_of(server, uidl)
        if number is None:
            raise PreviewUnavailable("The message is no longer on the POP3 server.")
        _, lines, _ = server.top(number, POP3_LINES)
        raw = b"\r\n".join(lines) + b"\r\n"
        with suppress(OSError, poplib.error_proto):
            server.quit()  # nothing was marked for deletion: QUIT changes nothing
        return from_message(raw)
    finally:
        with suppress(OSError):
            server.close()


def _number_of(server: poplib.POP3, uidl: str) -> int | None:
    for line in server.uidl()[1]:
        words = line.decode("latin-1").split()
        if len(words) >= 2 and words[1] == uidl:
            return int(words[0])
    return None
