"""Judge the new messages of IMAP folders, incrementally, changing nothing.

Folders are opened read-only (``EXAMINE``) and every fetch is a ``PEEK``, so a scan
never changes a flag. Per folder the state file keeps ``UIDVALIDITY`` and the last
judged UID, written in the same transaction as the verdicts of each batch: a restart
neither rescans nor skips, and a changed ``UIDVALIDITY`` rescans the folder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from urllib.parse import quote

import imapclient
import imapclient.exceptions

from app.core.facts import MessageFacts
from app.core.findings import Level
from app.core.judge import judge_readings
from app.core.rules import Rules
from app.core.verdict import Verdict
from app.mail.errors import FolderMissing
from app.mail.imap_facts import BATCH, BuildStats, ImapFactsBuilder
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


def facts_builder(client: imapclient.IMAPClient) -> ImapFactsBuilder:
    """A facts builder over one connection (the selected folder)."""

    def search_uu(uids: Sequence[int]) -> set[int]:
        criteria = ["UID", ",".join(str(u) for u in uids), "OR", "BODY", "begin ", "OR"]
        criteria += ["BODY", "=ybegin", "BODY", "converted with BinHex"]
        found = client.search(criteria)
        return {int(u) for u in found}

    def fetch_raw(uid: int) -> bytes:
        data = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {})
        raw = data.get(b"BODY[]", b"")
        return raw if isinstance(raw, bytes) else b""

    return ImapFactsBuilder(client.fetch, search_uu, fetch_raw)


def select_readonly(client: imapclient.IMAPClient, folder: str) -> int:
    """EXAMINE ``folder``; its UIDVALIDITY. A missing folder is a clear error."""
    try:
        info = client.select_folder(folder, readonly=True)
    except imapclient.exceptions.IMAPClientError as error:
        raise FolderMissing(f"{folder}: {error}") from None
    return int(info[b"UIDVALIDITY"])


def new_uids(client: imapclient.IMAPClient, after: int) -> list[int]:
    """UIDs above ``after`` (``UID n:*`` also returns the last message when none is
    newer, so filter)."""
    return sorted(int(u) for u in client.search(["UID", f"{after + 1}:*"]) if int(u) > after)


def scan_folder(
    client: imapclient.IMAPClient,
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
    message, as a one-off report does); record each batch."""
    uidvalidity = select_readonly(client, folder)
    checkpoint = state.checkpoint(account.id, folder)
    if checkpoint is None or checkpoint[0] != uidvalidity:
        state.reset_folder(account.id, folder, uidvalidity)
        checkpoint = (uidvalidity, 0)
    uids = new_uids(client, 0 if everything else checkpoint[1])
    builder = facts_builder(client)
    judged: list[ServerMessage] = []
    for start in range(0, len(uids), BATCH):
        if cancelled():
            break
        batch = uids[start : start + BATCH]
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
            checkpoint_uid=batch[-1],
            account=account.id,
            folder=folder,
            uidvalidity=uidvalidity,
        )
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
