"""Carry out actions on the server, for the CLI and the GUI alike: what the settings
plan for new mail (`act_on`) and what a person asks for on listed messages
(`act_on_records`, `undo_last`).

Every connection first settles what an earlier, interrupted run left in the journal
(`recover`), then acts. `app.mail.imap_actions` and `app.mail.pop3` keep the model of
where each message is up to date as they move it; an action that changes nothing is
noted on the message's row here. Each outcome is reported in one line a person can
read.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress

import imapclient.exceptions
from imapclient import IMAPClient

from app.mail import imap_actions
from app.mail.connect import open_imap
from app.mail.imap_actions import Outcome, Target
from app.mail.imap_scan import ServerMessage
from app.mail.pop3 import Pop3Result, quarantine_pop3, recover_pop3
from app.services.server_scan import Planned
from app.store.accounts import Account
from app.store.localcopy import LocalCopies
from app.store.state import Location, MessageRecord, State

#: What a person can ask for on listed messages.
KINDS = ("quarantine", "release", "delete")


@contextmanager
def imap_session(account: Account, password: str) -> Iterator[IMAPClient]:
    """A logged-in connection, logged out at the end; a connection already lost then
    is only closed (what was lost is reported by the command that met it)."""
    client = open_imap(account, password)
    try:
        yield client
    finally:
        try:
            client.logout()
        except (OSError, imapclient.exceptions.IMAPClientError):
            with suppress(OSError, imapclient.exceptions.IMAPClientError):
                client.shutdown()


def new_batch() -> str:
    """An id shared by the actions of one user request: what ``undo`` reverses."""
    return uuid.uuid4().hex[:12]


def target(message: ServerMessage) -> Target:
    return Target(
        message.folder, message.uidvalidity, message.uid, message.message_id, message.size
    )


def act_on(
    account: Account,
    password: str,
    planned: Sequence[Planned],
    state: State,
    copies: LocalCopies,
    *,
    dry_run: bool = False,
) -> list[str]:
    """Quarantine or delete what ``planned`` says; one line per message."""
    if dry_run:
        return [f"would {p.action}: {p.message.source}" for p in planned]
    batch = new_batch()
    if account.protocol == "pop3":
        uidls = [p.message.uidl for p in planned if isinstance(p.message, Pop3Result)]
        return act_pop3(account, password, uidls, state, copies)
    with imap_session(account, password) as client:
        lines = recovered_lines(client, state, account)
        for action in ("quarantine", "delete"):
            chosen = [
                target(p.message)
                for p in planned
                if p.action == action and isinstance(p.message, ServerMessage)
            ]
            if not chosen:
                continue
            if action == "quarantine":
                outcomes = imap_actions.quarantine(client, state, account, chosen, batch)
            else:
                outcomes = imap_actions.delete(client, state, copies, account, chosen, batch)
            lines.extend(_noted(state, account, outcomes))
        return lines


def act_on_records(  # noqa: PLR0917 - the action, its messages and the stores
    account: Account,
    password: str,
    kind: str,
    records: Sequence[MessageRecord],
    state: State,
    copies: LocalCopies,
) -> list[str]:
    """Quarantine, release or delete listed messages of one account (``kind`` one of
    `KINDS`), from where the model says each is now; one line per message."""
    if kind not in KINDS:
        raise ValueError(f"unknown action {kind!r}")
    if account.protocol == "pop3":
        local = [r for r in records if r.local_copy]
        if kind == "release":
            return [
                f"NOT changed: {r.source}: a POP3 server cannot take messages back; the local "
                f"copy stays at {r.local_copy}"
                for r in local
            ]
        lines = []
        if kind == "delete":  # out of the local quarantine; the copy stays, as ever
            for record in local:
                state.keep_locally(account.id, record.uidl, record.local_copy, action="delete")
                lines.append(f"deleted {record.source}; local copy at {record.local_copy}")
        remote = [r.uidl for r in records if not r.local_copy]
        if remote:
            lines += act_pop3(account, password, remote, state, copies)
        return lines
    batch = new_batch()
    with imap_session(account, password) as client:
        lines = recovered_lines(client, state, account)
        # Recovery may have moved some: act on where each is now.
        now = [state.find(account.id, r.location) or r for r in records]
        targets = [Target(r.folder, r.uidvalidity, r.uid, r.message_id, r.size) for r in now]
        if kind == "quarantine":
            outcomes = imap_actions.quarantine(client, state, account, targets, batch)
        elif kind == "release":
            outcomes = imap_actions.release(client, state, account, targets, batch)
        else:
            outcomes = imap_actions.delete(client, state, copies, account, targets, batch)
        lines.extend(_noted(state, account, outcomes))
        return lines


def undo_last(account: Account, password: str, state: State) -> list[str]:
    """Reverse the account's last quarantine or release batch; one line per message
    (none when there is nothing to undo)."""
    if account.protocol == "pop3" or state.last_batch(account.id) is None:
        return []
    with imap_session(account, password) as client:
        lines = recovered_lines(client, state, account)
        outcomes = imap_actions.undo(client, state, account, new_batch())
        lines.extend(_noted(state, account, outcomes))
        return lines


def _noted(state: State, account: Account, outcomes: Sequence[Outcome]) -> list[str]:
    """Describe each outcome; a message an action could not move says so on its row."""
    for outcome in outcomes:
        if not outcome.ok:
            where = outcome.target
            record = state.find(account.id, Location(where.folder, where.uidvalidity, where.uid))
            if record is not None:
                state.set_action(record, "failed")
    return [describe(account, o) for o in outcomes]


def recovered_lines(client: IMAPClient, state: State, account: Account) -> list[str]:
    """Settle interrupted actions; say what was settled."""
    return [
        f"finished an interrupted {r.entry.kind} ({r.state}): {r.detail}"
        for r in imap_actions.recover(client, state, account)
    ]


def describe(account: Account, outcome: Outcome) -> str:
    where = f"{outcome.target.folder} UID {outcome.target.uid}"
    if outcome.status == "moved":
        return f"moved {where} of {account.label} to {outcome.folder}"
    if outcome.status == "deleted":
        return f"deleted {where} of {account.label}; local copy at {outcome.local_copy}"
    return f"NOT changed: {where} of {account.label}: {outcome.reason}"


def act_pop3(
    account: Account, password: str, uidls: Sequence[str], state: State, copies: LocalCopies
) -> list[str]:
    """POP3 has no folders: quarantine and delete both keep a local copy, then DELE."""
    lines = [
        f"finished an interrupted quarantine ({a.outcome}): {a.detail or a.uidl}"
        for a in recover_pop3(account, password, state, copies)
    ]
    for action in quarantine_pop3(account, password, state, copies, uidls, batch_id=new_batch()):
        if action.outcome == "done":
            lines.append(
                f"removed UIDL {action.uidl} from {account.label}; "
                f"local copy at {action.local_copy}"
            )
        else:
            lines.append(
                f"NOT removed: UIDL {action.uidl} of {account.label}: "
                f"{action.detail or action.outcome}"
            )
    return lines
