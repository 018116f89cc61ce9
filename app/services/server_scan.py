"""Scan a mailbox on a server and act on what was found: shared by the CLI and the GUI.

Scanning and acting are separate steps with separate connections, so a scan never
changes anything and every action goes through the journal (`app.mail.imap_actions`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.core.findings import Level
from app.core.rules import Rules
from app.mail.connect import open_imap
from app.mail.imap_reconcile import reconcile_account
from app.mail.imap_scan import ServerMessage, scan_folder
from app.mail.imap_session import Connection
from app.mail.imap_transport import Bounds
from app.mail.pop3 import Pop3Limits, Pop3Result, scan_pop3
from app.services.scan import Result
from app.store.accounts import Account
from app.store.settings import Settings
from app.store.state import Location, State

Judged = ServerMessage | Pop3Result


def as_result(message: Judged) -> Result:
    return Result(message.source, message.verdict, message.facts)


def pop3_limits(settings: Settings) -> Pop3Limits:
    """The bounds of a POP3 scan, as the settings give them."""
    return Pop3Limits(
        message_bytes=int(settings["watch.pop3_max_message_mb"]) * 1024 * 1024,
        message_seconds=float(settings["watch.pop3_message_seconds"]),
        session_seconds=float(settings["watch.pop3_session_minutes"]) * 60,
    )


def imap_bounds(settings: Settings) -> Bounds:
    """The bounds of an IMAP session, as the settings give them."""
    return Bounds(deadline_s=float(settings["watch.imap_command_seconds"]))


def scan_server(
    account: Account,
    password: str,
    folder: str,
    state: State,
    rules: Rules,
    *,
    on_result: Callable[[Result], None] = lambda _: None,
    everything: bool = False,
    limits: Pop3Limits = Pop3Limits(),  # noqa: B008 - frozen: sharing the default is safe
    bounds: Bounds = Bounds(),  # noqa: B008 - frozen too
) -> Sequence[Judged]:
    """Judge the mailbox's messages (all of them with ``everything``, else only new
    ones) and record them; nothing on the server changes."""
    if account.protocol == "pop3":
        return scan_pop3(
            account,
            password,
            state,
            rules,
            everything=everything,
            limits=limits,
            on_result=lambda r: on_result(Result(r.source, r.verdict, r.facts)),
        )
    connection = Connection.open(lambda: open_imap(account, password, bounds=bounds))
    try:
        reconcile_account(connection.client, state, account, also=(folder,))
        return scan_folder(
            connection,
            account,
            folder,
            state,
            rules,
            everything=everything,
            on_result=lambda m: on_result(as_result(m)),
        )
    finally:
        connection.close()


@dataclass(frozen=True)
class Planned:
    """One action the settings ask for on one judged message."""

    message: Judged
    action: str


def plan(
    messages: Sequence[Judged],
    settings: Settings,
    account: Account,
    *,
    state: State | None = None,
) -> list[Planned]:
    """The action for each flagged message: the account's choice, else the settings'.

    With ``state``, only mail seen for the first time is acted on: a message the model
    knew elsewhere before (released or undone by the user, moved back by another
    program) is left where it is, since acting again would overrule a person. Mail in
    the quarantine folder already is where it should be.
    """
    out: list[Planned] = []
    for message in messages:
        level = message.verdict.level
        if level is Level.CLEAN:
            continue
        if isinstance(message, ServerMessage) and (
            message.folder == account.quarantine
            or (state is not None and _moved_here(state, account, message))
        ):
            continue
        action = account.actions.get(level.value) or settings[f"actions.{level.value}"]
        if action in ("quarantine", "delete"):
            out.append(Planned(message, action))
    return out


def _moved_here(state: State, account: Account, message: ServerMessage) -> bool:
    """Whether the model knew this message somewhere else before it came here."""
    at = Location(message.folder, message.uidvalidity, message.uid)
    known = state.find(account.id, at)
    return known is not None and known.first_source != known.source
