"""Keep the model of where each message is true to the server at every check: mail
another program moved or expunged is noticed, and the quarantine folder's contents
are known (MailSentry's own moves are followed as they happen, by `imap_actions`).

A check costs one ``EXAMINE`` per folder when nothing left it: if the folder holds as
many messages as the model places there plus one per UID handed out since the last
judged one, nothing can have left (a message gone would have to be made up by more new
ones than there are new UIDs). Otherwise ``UID SEARCH ALL`` lists what is there.
"""

from __future__ import annotations

from collections.abc import Callable

import imapclient
import imapclient.exceptions

from app.core.rules import Rules
from app.mail.imap_scan import scan_folder
from app.mail.imap_session import Connection
from app.store.accounts import Account
from app.store.state import MessageRecord, State


def reconcile_folder(
    client: imapclient.IMAPClient, state: State, account: Account, folder: str
) -> list[MessageRecord]:
    """Bring the model of ``folder`` in line with the server; the messages that left it
    (none if the folder does not exist)."""
    listed = _listing(client, state, account, folder)
    if listed is None:
        return []
    uidvalidity, uids = listed
    if uids is None:  # nothing can have left
        return []
    return state.reconcile(
        account.id, folder, uidvalidity, uids, quarantine=folder == account.quarantine
    )


def reconcile_account(
    client: imapclient.IMAPClient, state: State, account: Account, *, also: tuple[str, ...] = ()
) -> list[MessageRecord]:
    """`reconcile_folder` over every place of the account MailSentry looks at (its
    watched folders and its quarantine folder), before any of them is scanned: a
    message another program moved between them is then found again by its key
    instead of being taken for new mail. ``also``: more folders to look at."""
    places = dict.fromkeys((*account.folders, *also, account.quarantine))
    return [gone for folder in places for gone in reconcile_folder(client, state, account, folder)]


def sync_quarantine(
    client: imapclient.IMAPClient | Connection,
    state: State,
    account: Account,
    rules: Rules,
    cancelled: Callable[[], bool] = lambda: False,
) -> None:
    """Know what the account's quarantine folder holds: what arrived there that
    MailSentry did not put there is judged (never acted on or announced) and placed in
    quarantine. Run after `reconcile_account`. (With a `Connection`, a message that
    makes the server drop the connection is judged in a new session.)"""
    folder = account.quarantine
    current = client.client if isinstance(client, Connection) else client
    listed = _listing(current, state, account, folder)
    if listed is None:
        return
    uidvalidity, uids = listed
    judged = scan_folder(client, account, folder, state, rules, cancelled=cancelled)
    if judged:
        held = state.uids(account.id, folder, uidvalidity) if uids is None else uids
        present = held | {m.uid for m in judged}
        state.reconcile(account.id, folder, uidvalidity, present, quarantine=True)


def _listing(
    client: imapclient.IMAPClient, state: State, account: Account, folder: str
) -> tuple[int, set[int] | None] | None:
    """The folder's UIDVALIDITY and every UID it holds, or None for the UIDs when
    nothing the model places there can have left; None when the folder does not
    exist."""
    try:
        # EXAMINE, not STATUS: STATUS on the selected folder may answer from this
        # session's view, which has not seen another program's expunges yet.
        info = client.select_folder(folder, readonly=True)
    except imapclient.exceptions.IMAPClientAbortError:
        raise
    except imapclient.exceptions.IMAPClientError:
        return None
    uidvalidity = int(info[b"UIDVALIDITY"])
    placed = state.uids(account.id, folder, uidvalidity)
    checkpoint = state.checkpoint(account.id, folder)
    uidnext = info.get(b"UIDNEXT")
    if checkpoint is not None and checkpoint[0] == uidvalidity and isinstance(uidnext, int):
        last = checkpoint[1]
        handed_out = max(0, uidnext - 1 - last)
        if int(info[b"EXISTS"]) == sum(u <= last for u in placed) + handed_out:
            return uidvalidity, None
    return uidvalidity, {int(u) for u in client.search(["ALL"])}
