"""The model of where each message is, as the CLI and the GUI show and use it: what is
listed where, each account's quarantine as a place with its counts, and the actions
that only make sense there (release and trust the sender) or on what is listed
(rescan with the current settings).

`app.store.state` holds the model; this module only reads it, and acts through
`app.services.actions`, which keeps it up to date.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from app.core.judge import judge_bytes, judge_readings
from app.core.rules import Rules
from app.mail.connect import open_imap, server_errors
from app.mail.imap_scan import facts_builder, select_readonly
from app.mail.imap_session import Connection
from app.mail.pop3 import scan_pop3
from app.services.actions import act_on_records
from app.store.accounts import Account
from app.store.localcopy import LocalCopies
from app.store.records import message_record
from app.store.settings import Settings, SettingsStore
from app.store.state import MessageRecord, State

#: What POP3's quarantine is called where a folder name would be.
LOCAL_QUARANTINE = "local quarantine"


@dataclass(frozen=True)
class Quarantine:
    """One account's quarantine: its IMAP folder, or POP3's local copies."""

    account: Account
    name: str  # the folder's name, or `LOCAL_QUARANTINE`
    records: tuple[MessageRecord, ...]

    @property
    def counts(self) -> Counter[str]:
        """Messages by verdict ("dangerous", "suspicious", "clean")."""
        return Counter(r.verdict for r in self.records)


def listed(
    state: State,
    *,
    account: str | None = None,
    folder: str | None = None,
    verdict: str | None = None,
) -> list[MessageRecord]:
    """What MailSentry knows is where now, optionally narrowed. ``folder`` also
    matches `LOCAL_QUARANTINE` for POP3 mail kept locally."""
    records = state.messages(account)
    if folder is not None:
        records = [r for r in records if folder_of(r) == folder]
    if verdict is not None:
        records = [r for r in records if r.verdict == verdict]
    return records


def folder_of(record: MessageRecord) -> str:
    """The folder a message is in now, as a person names it."""
    if record.uidl and record.quarantined:
        return LOCAL_QUARANTINE
    return record.folder


def where(record: MessageRecord) -> str:
    """Where the message is now: its URL on the server, or its local copy's path."""
    if record.place == "deleted" or (record.uidl and record.quarantined):
        return record.local_copy
    return record.source


def quarantines(state: State, accounts: Iterable[Account]) -> list[Quarantine]:
    """Every account's quarantine with what is in it (empty ones too)."""
    found = []
    for account in accounts:
        mine = [r for r in state.messages(account.id) if r.quarantined]
        name = LOCAL_QUARANTINE if account.protocol == "pop3" else account.quarantine
        found.append(Quarantine(account, name, tuple(mine)))
    return found


def find(state: State, urls: Iterable[str]) -> tuple[list[MessageRecord], list[str]]:
    """The messages listed under ``urls`` (their current or first URL), and the URLs
    MailSentry knows nothing about."""
    known: list[MessageRecord] = []
    unknown: list[str] = []
    for url in urls:
        record = state.find_source(url) or state.find_source(_requoted(url))
        if record is None:
            unknown.append(url)
        elif record not in known:
            known.append(record)
    return known, unknown


def _requoted(url: str) -> str:
    """A URL typed with its folder unquoted ("Junk mail") as MailSentry writes it."""
    head, sep, path = url.partition("://")
    authority, slash, rest = path.partition("/")
    folder, semi, tail = rest.partition(";")
    return f"{head}{sep}{authority}{slash}{quote(unquote(folder), safe='/')}{semi}{tail}"


def trust_senders(settings: SettingsStore, records: Iterable[MessageRecord]) -> list[str]:
    """Add each message's sender to the trusted senders (programs stay blocked: see
    `app.core.verdict`); the addresses added."""
    values = dict(settings.current.values)
    trusted = list(values["trust.senders"])
    added = []
    for record in records:
        sender = record.sender.split(",")[0].strip().lower()
        if sender and sender not in trusted:
            trusted.append(sender)
            added.append(sender)
    if added:
        values["trust.senders"] = trusted
        settings.save(values)
    return added


def release_and_trust(  # noqa: PLR0917 - the messages, where they go, and the stores
    account: Account,
    password: str,
    records: Sequence[MessageRecord],
    state: State,
    copies: LocalCopies,
    settings: SettingsStore,
) -> list[str]:
    """Release ``records`` and trust their senders (future mail from them is judged as
    from a known sender; programs stay blocked); one line per message, then one per
    sender trusted."""
    lines = act_on_records(account, password, "release", records, state, copies)
    return lines + [f"trusted {sender}" for sender in trust_senders(settings, records)]


def rescan(
    account: Account,
    password: str,
    records: Sequence[MessageRecord],
    state: State,
    *,
    settings: Settings,
    copies: LocalCopies,
) -> list[MessageRecord]:
    """Judge ``records`` again with the current settings, where each is now, and update
    their rows; the records as they are now. Nothing on the server changes."""
    rules = settings.rules(me=account.address or None)
    mine = [r for r in records if r.account == account.id]
    local = [r for r in mine if r.local_copy and r.place in ("deleted", "quarantine")]
    for record in local:
        try:
            raw = copies.load(Path(record.local_copy))
        except OSError:
            continue
        verdict, readings = judge_bytes(raw, rules)
        state.update_verdict(
            record, message_record(record.account, record.folder, record.source, verdict,
                                   readings[0] if readings else None, size=record.size),
        )  # fmt: skip
    kept = {r.id for r in local}
    remote = [r for r in mine if r.id not in kept and r.place in ("folder", "quarantine")]
    if account.protocol == "pop3":
        if remote:  # POP3 cannot fetch one message by its UIDL: judge them all again
            scan_pop3(account, password, state, rules, everything=True)
    elif remote:
        _rescan_imap(account, password, remote, state, rules)
    ids = {r.id for r in mine}
    return [r for r in state.messages(account.id) if r.id in ids]


def _rescan_imap(
    account: Account,
    password: str,
    records: Sequence[MessageRecord],
    state: State,
    rules: Rules,
) -> None:
    """Build each message's facts again where the model places it, and judge them."""
    # A Connection that can log in again: a message that makes the server drop the
    # connection is judged on its own and the others still are.
    connection = Connection.open(lambda: open_imap(account, password))
    try:
        by_folder: dict[str, list[MessageRecord]] = {}
        for record in records:
            by_folder.setdefault(record.folder, []).append(record)
        for folder, group in by_folder.items():
            with server_errors():
                validity = select_readonly(connection.client, folder)
            current = {r.uid: r for r in group if r.uidvalidity == validity and r.uid}
            builder = facts_builder(connection, folder, validity)
            with server_errors():
                built = builder.build(sorted(current))
            for uid, readings in built.items():
                record = current[uid]
                verdict = judge_readings(readings, rules)
                state.update_verdict(
                    record, message_record(record.account, folder, record.source, verdict,
                                           readings[0], uidvalidity=validity, uid=uid),
                )  # fmt: skip
    finally:
        connection.close()
