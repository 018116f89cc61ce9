"""Judge the new messages of IMAP folders, incrementally, changing nothing.

Folders are opened read-only (``EXAMINE``) and every fetch is a ``PEEK``, so a scan
never changes a flag. Per folder the state file keeps ``UIDVALIDITY`` and the last
judged UID, written in the same transaction as the verdicts of each batch: a restart
neither rescans nor skips, and a changed ``UIDVALIDITY`` rescans the folder.

Every message listed gets a verdict (one that cannot be read is *unreadable*), and the
checkpoint never moves past a message without one; a message that disappeared from
the folder meanwhile needs none.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

import imapclient
import imapclient.exceptions

from app.core.facts import MessageFacts
from app.core.findings import Level
from app.core.judge import judge_readings
from app.core.rules import Rules
from app.core.verdict import Verdict
from app.mail.connect import server_errors
from app.mail.errors import ConnectionLost, FolderMissing, ServerError
from app.mail.imap_facts import BATCH, BuildStats, ImapFactsBuilder
from app.mail.imap_session import Connection
from app.store.accounts import Account
from app.store.records import message_record
from app.store.state import State


@dataclass(frozen=True)
class ServerMessage:
    """One judged message on the server, with what an action needs to find it again."""

    account: Account
    folder: str
    uidvalidity: int
    uid: int
    size: int
    verdict: Verdict
    facts: MessageFacts | None

    @property
    def source(self) -> str:
        return imap_url(self.account, self.folder, self.uidvalidity, self.uid)

    @property
    def message_id(self) -> str | None:
        return self.facts.message_id if self.facts else None


def imap_url(
    account: Account, folder: str, uidvalidity: int | None = None, uid: int | None = None
) -> str:
    """An RFC 5092 IMAP URL: ``imap://USER@HOST:PORT/INBOX;UIDVALIDITY=V/;UID=N``."""
    scheme = "imaps" if account.security == "tls" else "imap"
    url = f"{scheme}://{account.url_authority}/"
    url += quote(folder, safe="/")
    if uidvalidity is not None:
        url += f";UIDVALIDITY={uidvalidity}"
    if uid is not None:
        url += f"/;UID={uid}"
    return url


class FolderSource:
    """The builder's commands on one selected folder of a `Connection`; a new session
    selects the folder again and must find the same ``UIDVALIDITY``."""

    def __init__(
        self, connection: Connection, folder: str | None = None, uidvalidity: int | None = None
    ) -> None:
        self.connection = connection
        self.folder = folder
        self.uidvalidity = uidvalidity

    def fetch(self, uids: Sequence[int], items: Sequence[str]) -> dict[int, dict[bytes, Any]]:
        return dict(self.connection.client.fetch(list(uids), list(items)))

    def search_uu(self, uids: Sequence[int]) -> set[int]:
        criteria = ["UID", _uid_set(uids), "OR", "BODY", "begin ", "OR"]
        criteria += ["BODY", "=ybegin", "BODY", "converted with BinHex"]
        found = self.connection.client.search(criteria)
        return {int(u) for u in found}

    def fetch_raw(self, uid: int, limit: int) -> bytes | None:
        data = self.connection.client.fetch([uid], [f"BODY.PEEK[]<0.{limit + 1}>"])
        if uid not in data:
            return None
        raw = data[uid].get(b"BODY[]<0>", b"")
        return raw if isinstance(raw, bytes) else b""

    def present(self, uids: Sequence[int]) -> set[int]:
        return {int(u) for u in self.connection.client.search(["UID", _uid_set(uids)])}

    def reconnect(self) -> None:
        client = self.connection.reopen()
        if self.folder is None:
            raise ConnectionLost("the server closed the connection")
        if select_readonly(client, self.folder) != self.uidvalidity:
            raise ConnectionLost("the folder was renewed on the server while it was scanned")


def _uid_set(uids: Sequence[int]) -> str:
    return ",".join(str(u) for u in uids)


def facts_builder(
    client: imapclient.IMAPClient | Connection,
    folder: str | None = None,
    uidvalidity: int | None = None,
) -> ImapFactsBuilder:
    """A facts builder over one connection (the selected folder; with ``folder`` and a
    `Connection` that can reopen, it survives a dropped connection)."""
    connection = client if isinstance(client, Connection) else Connection(client)
    return ImapFactsBuilder(FolderSource(connection, folder, uidvalidity))


def select_readonly(client: imapclient.IMAPClient, folder: str) -> int:
    """EXAMINE ``folder``; its UIDVALIDITY. A missing folder is a clear error."""
    try:
        info = client.select_folder(folder, readonly=True)
    except imapclient.exceptions.IMAPClientAbortError:
        raise
    except imapclient.exceptions.IMAPClientError as error:
        raise FolderMissing(f"{folder}: {error}") from None
    uidvalidity = info.get(b"UIDVALIDITY")
    if not isinstance(uidvalidity, int) or isinstance(uidvalidity, bool) or uidvalidity <= 0:
        raise ServerError(
            f"{folder}: the server did not say which UIDVALIDITY the folder has, so "
            "MailSentry cannot tell which messages it has judged"
        )
    return uidvalidity


def new_uids(client: imapclient.IMAPClient, after: int) -> list[int]:
    """UIDs above ``after`` (``UID n:*`` also returns the last message when none is
    newer, so filter)."""
    return sorted(int(u) for u in client.search(["UID", f"{after + 1}:*"]) if int(u) > after)


def scan_folder(
    client: imapclient.IMAPClient | Connection,
    account: Account,
    folder: str,
    state: State,
    rules: Rules,
    *,
    on_result: Callable[[ServerMessage], None] = lambda _: None,
    cancelled: Callable[[], bool] = lambda: False,
    stats: BuildStats | None = None,
    everything: bool = False,
) -> list[ServerMessage]:
    """Judge every message of ``folder`` not judged before (``everything``: every
    message, as a one-off report does); record each batch. With a `Connection` that
    can reopen, a message that makes the server drop the connection stops only itself."""
    connection = client if isinstance(client, Connection) else Connection(client)
    with server_errors():
        uidvalidity = select_readonly(connection.client, folder)
    checkpoint = state.checkpoint(account.id, folder)
    if checkpoint is None or checkpoint[0] != uidvalidity:
        state.reset_folder(account.id, folder, uidvalidity)
        checkpoint = (uidvalidity, 0)
    with server_errors():
        uids = new_uids(connection.client, 0 if everything else checkpoint[1])
    builder = facts_builder(connection, folder, uidvalidity)
    judged: list[ServerMessage] = []
    for start in range(0, len(uids), BATCH):
        if cancelled():
            break
        batch = uids[start : start + BATCH]
        with server_errors():
            facts = builder.build(batch)
        sizes = {uid: f[0].size if f else 0 for uid, f in facts.items()}
        results = [
            ServerMessage(
                account,
                folder,
                uidvalidity,
                uid,
                sizes[uid],
                judge_readings(facts[uid], rules),
                facts[uid][0],
            )
            for uid in batch
            if uid in facts
        ]
        try:
            state.record_batch(
                [
                    message_record(
                        r.account.id,
                        r.folder,
                        r.source,
                        r.verdict,
                        r.facts,
                        uidvalidity=uidvalidity,
                        uid=r.uid,
                    )
                    for r in results
                ],
                checkpoint_uid=_checkpoint(batch, set(facts) | builder.gone),
                account=account.id,
                folder=folder,
                uidvalidity=uidvalidity,
            )
        except sqlite3.Error:
            for result in results:  # the verdicts stand, even where they cannot be kept
                on_result(result)
            raise
        for result in results:
            on_result(result)
        # Keep the facts only where an action may need them: a folder of 100,000 clean
        # messages must not be held in memory.
        judged.extend(
            r if r.verdict.level is not Level.CLEAN else replace(r, facts=None) for r in results
        )
    if stats is not None:
        for name in ("messages", "fallbacks", "content_bytes", "commands"):
            setattr(stats, name, getattr(stats, name) + getattr(builder.stats, name))
    return judged


def _checkpoint(batch: Sequence[int], handled: set[int]) -> int | None:
    """The highest UID of ``batch`` below which every message was handled (judged, or
    gone from the folder); None when the first one was not."""
    last = None
    for uid in batch:
        if uid not in handled:
            break
        last = uid
    return last
