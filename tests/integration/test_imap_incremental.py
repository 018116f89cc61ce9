"""Incremental IMAP scanning and watching against the private Dovecot (no fakes).

The state file remembers per folder its UIDVALIDITY and the last judged UID, in the same
transaction as the verdicts: a restart neither rescans nor skips, a new UIDVALIDITY
rescans, and a scan changes no flag. The watch (IDLE) judges new mail about half a
second after it arrives (Dovecot notices new mail and tells an idling client after
~0.5 s), reconnects when the server restarts, and polls where IDLE is missing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from imapclient import IMAPClient

from app.core.rules import Rules
from app.mail import imap_scan
from app.mail.connect import open_imap
from app.mail.errors import MailError
from app.mail.imap_scan import ServerMessage, facts_builder, scan_folder
from app.mail.imap_session import Connection
from app.mail.imap_watch import watch_folder
from app.store.accounts import Account
from app.store.state import State
from tests.integration.conftest import corpus, expected_verdict
from tests.servers.dovecot import MailUser, PrivateDovecot
from tests.servers.proxy import FaultProxy

NAMES = (
    "plain_text",
    "hybris_english",
    "docm_stranger",
    "zip_with_exe",
    "uuencode_in_text",  # found by SEARCH BODY "begin ", then read
    "two_content_types",  # ambiguous: downloaded whole (BODY.PEEK[])
    "pdf_invoice",
    "bounce_postfix_full",
)


def account_for(server: PrivateDovecot | FaultProxy, user: MailUser, port: int = 0) -> Account:
    return Account(
        id=f"imap-{user.name}",
        protocol="imap",
        host=server.host,
        port=port or (server.port if isinstance(server, FaultProxy) else server.imap_port),
        security="plain",
        username=user.name,
    )


def note(tag: str) -> bytes:
    return (
        f"From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nSubject: {tag}\r\n"
        f"Message-ID: <{tag}@example.org>\r\n\r\nHello.\r\n"
    ).encode()


@contextmanager
def connected(account: Account, user: MailUser) -> Iterator[IMAPClient]:
    client = open_imap(account, user.password)
    try:
        yield client
    finally:
        client.logout()


def scan(account: Account, user: MailUser, state: State, folder: str = "INBOX") -> list[int]:
    """One scan on a fresh connection; the UIDs it judged."""
    with connected(account, user) as client:
        return [m.uid for m in scan_folder(client, account, folder, state, Rules())]


# -- incremental scanning -------------------------------------------------------------------


def test_a_restart_neither_rescans_nor_skips(
    dovecot: PrivateDovecot, mail_user: MailUser, tmp_path: Path
) -> None:
    account = account_for(dovecot, mail_user)
    uids = dovecot.append_many(
        mail_user.name, mail_user.password, "INBOX", [corpus(n) for n in NAMES]
    )
    path = tmp_path / "state.sqlite3"
    state = State(path)
    with connected(account, mail_user) as client:
        judged = scan_folder(client, account, "INBOX", state, Rules())
    assert [m.uid for m in judged] == uids
    assert {m.uid: m.verdict.level.value for m in judged} == {
        uid: expected_verdict(name) for uid, name in zip(uids, NAMES, strict=True)
    }
    validity = judged[0].uidvalidity
    assert state.checkpoint(account.id, "INBOX") == (validity, uids[-1])
    state.close()

    restarted = State(path)  # as after a restart: the same file, a new process
    assert scan(account, mail_user, restarted) == []
    more = dovecot.append_many(
        mail_user.name, mail_user.password, "INBOX", [note(f"n{i}") for i in range(3)]
    )
    assert scan(account, mail_user, restarted) == more  # exactly the three new ones
    assert scan(account, mail_user, restarted) == []
    assert len(restarted.messages(account.id)) == len(NAMES) + 3
    restarted.close()


def test_a_scan_stopped_between_batches_resumes_after_the_last_recorded_batch(
    dovecot: PrivateDovecot, mail_user: MailUser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of 2 (instead of 500) so 7 messages take 4 batches; the scan "crashes"
    after hearing of the second batch. Everything heard of was recorded; the next scan
    judges exactly the rest."""
    monkeypatch.setattr(imap_scan, "BATCH", 2)
    account = account_for(dovecot, mail_user)
    uids = dovecot.append_many(
        mail_user.name, mail_user.password, "INBOX", [note(f"b{i}") for i in range(7)]
    )
    state = State(tmp_path / "state.sqlite3")
    heard: list[int] = []

    class Crash(Exception):
        pass

    def on_result(message: ServerMessage) -> None:
        heard.append(message.uid)
        if len(heard) == 4:
            raise Crash

    with connected(account, mail_user) as client, pytest.raises(Crash):
        scan_folder(client, account, "INBOX", state, Rules(), on_result=on_result)
    assert heard == uids[:4]
    assert scan(account, mail_user, State(tmp_path / "state.sqlite3")) == uids[4:]
    state.close()


def test_a_new_uidvalidity_rescans_the_folder(
    dovecot: PrivateDovecot, mail_user: MailUser, tmp_path: Path
) -> None:
    account = account_for(dovecot, mail_user)
    state = State(tmp_path / "state.sqlite3")
    messages = [note(f"w{i}") for i in range(3)]

    # A folder deleted and created again by another client: same UIDs 1-3, new validity.
    first = dovecot.append_many(mail_user.name, mail_user.password, "Work", messages)
    assert scan(account, mail_user, state, "Work") == first
    old = state.checkpoint(account.id, "Work")
    with connected(account, mail_user) as other:
        other.delete_folder("Work")
        other.create_folder("Work")
    again = dovecot.append_many(mail_user.name, mail_user.password, "Work", messages)
    assert again == first  # the same UIDs: only UIDVALIDITY tells them apart
    assert scan(account, mail_user, state, "Work") == again
    new = state.checkpoint(account.id, "Work")
    assert old is not None and new is not None and new[0] != old[0]
    assert {r.uidvalidity for r in state.messages(account.id)} == {new[0]}

    # INBOX cannot be deleted: the server's admin tool gives it a new UIDVALIDITY.
    inbox = dovecot.append_many(mail_user.name, mail_user.password, "INBOX", messages)
    assert scan(account, mail_user, state) == inbox
    assert scan(account, mail_user, state) == []
    dovecot.doveadm("mailbox", "update", "-u", mail_user.name, "--uid-validity", "77", "INBOX")
    assert scan(account, mail_user, state) == inbox
    assert state.checkpoint(account.id, "INBOX") == (77, inbox[-1])
    state.close()


FLAG_SETS: tuple[tuple[str, ...], ...] = (
    (),
    ("\\Seen",),
    ("\\Flagged",),
    ("\\Answered", "\\Seen"),
    ("\\Draft",),
    ("$Forwarded", "\\Flagged"),
    ("\\Seen", "$Label1"),
    (),
)


def flags_and_modseq(client: IMAPClient, folder: str) -> tuple[dict[int, frozenset[bytes]], int]:
    """FLAGS of every message (\\Recent aside: a session property) and the folder's
    HIGHESTMODSEQ, which any change of any flag raises."""
    status = client.folder_status(folder, ["HIGHESTMODSEQ"])
    client.select_folder(folder, readonly=True)
    flags = {
        uid: frozenset(bytes(f) for f in data[b"FLAGS"]) - {b"\\Recent"}
        for uid, data in client.fetch(client.search("ALL"), ["FLAGS"]).items()
    }
    return flags, int(status[b"HIGHESTMODSEQ"])


def test_a_scan_changes_no_flag(
    dovecot: PrivateDovecot, mail_user: MailUser, tmp_path: Path
) -> None:
    account = account_for(dovecot, mail_user)
    for name, flags in zip(NAMES, FLAG_SETS, strict=True):
        dovecot.append_many(
            mail_user.name, mail_user.password, "INBOX", [corpus(name)], flags=flags
        )
    state = State(tmp_path / "state.sqlite3")
    with connected(account, mail_user) as looker:
        before, modseq = flags_and_modseq(looker, "INBOX")
    assert sum(b"\\Seen" not in f for f in before.values()) == 5

    judged = scan(account, mail_user, state)
    assert len(judged) == len(NAMES)
    with connected(account, mail_user) as client:
        # Even on a folder opened read-write (where a plain BODY[] fetch would set
        # \Seen), building the facts fetches only with PEEK.
        client.select_folder("INBOX")
        builder = facts_builder(client)
        built = builder.build(judged)
        assert set(built) == set(judged)
        assert builder.stats.fallbacks >= 1  # two_content_types was downloaded whole
        assert builder.stats.content_bytes > 0
        client.unselect_folder()
        assert flags_and_modseq(client, "INBOX") == (before, modseq)
    state.close()


# -- watching -------------------------------------------------------------------------------


@dataclass
class Watcher:
    """``watch_folder`` on a thread, judging with ``scan_folder``; records when each UID
    was judged and every error it reported."""

    account: Account
    user: MailUser
    state: State
    poll_seconds: float = 60.0
    judged: dict[int, float] = field(default_factory=dict)
    errors: list[MailError] = field(default_factory=list)
    scans: int = 0
    cancelled: Callable[[], bool] = lambda: False
    stop: threading.Event = field(default_factory=threading.Event)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def on_change(self, connection: Connection) -> None:
        found = scan_folder(
            connection, self.account, "INBOX", self.state, Rules(), cancelled=self.cancelled
        )
        with self.changed:
            self.scans += 1
            for message in found:
                self.judged[message.uid] = time.monotonic()
            self.changed.notify_all()

    def on_error(self, error: MailError) -> None:
        with self.changed:
            self.errors.append(error)

    def wait_for(self, uids: list[int], timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: set(uids) <= set(self.judged), timeout)

    def wait_for_scans(self, count: int, timeout: float = 10) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.scans >= count, timeout)

    @contextmanager
    def running(self) -> Iterator[Watcher]:
        thread = threading.Thread(
            target=watch_folder,
            args=(
                lambda: open_imap(self.account, self.user.password),
                "INBOX",
                self.on_change,
                self.stop,
            ),
            kwargs={"poll_seconds": self.poll_seconds, "on_error": self.on_error},
            daemon=True,
        )
        thread.start()
        try:
            assert self.wait_for_scans(1), "the first scan did not happen"
            yield self
        finally:
            self.stop.set()
            thread.join(10)
            assert not thread.is_alive()


def test_idle_judges_new_mail_within_a_second(
    dovecot: PrivateDovecot, mail_user: MailUser, tmp_path: Path
) -> None:
    account = account_for(dovecot, mail_user)
    (old,) = dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [note("old")])
    state = State(tmp_path / "state.sqlite3")
    latencies = []
    with Watcher(account, mail_user, state).running() as watcher:
        assert list(watcher.judged) == [old]
        for i, name in enumerate(("hybris_english", "plain_text", "zip_with_exe")):
            if i:
                time.sleep(0.05)
            arrived = time.monotonic()
            uids = dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [corpus(name)])
            assert watcher.wait_for(uids, timeout=5), "new mail was not judged"
            latencies.append(watcher.judged[uids[0]] - arrived)
    state.close()
    print(f"IDLE-to-verdict latency: {', '.join(f'{s * 1000:.0f} ms' for s in latencies)}")
    assert max(latencies) < 1.0
    assert watcher.errors == []


def test_mail_that_arrives_during_a_scan_is_judged_too(
    dovecot: PrivateDovecot, mail_user: MailUser, tmp_path: Path
) -> None:
    """New mail appended while a scan runs (after its SEARCH, before its FETCH) is
    announced by Dovecot inside the FETCH answer, which imapclient keeps to itself; the
    watch must notice it anyway, not wait for the next message."""
    account = account_for(dovecot, mail_user)
    (first,) = dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [note("a")])
    state = State(tmp_path / "state.sqlite3")
    during: list[int] = []

    def append_during_the_first_scan() -> bool:
        if not during:
            during.extend(
                dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [note("b")])
            )
        return False

    watcher = Watcher(account, mail_user, state, cancelled=append_during_the_first_scan)
    with watcher.running():
        assert watcher.wait_for([first, *during], timeout=3), "mail that came mid-scan waits"
    state.close()
    assert watcher.errors == []


def test_the_watch_reconnects_after_the_server_restarts(
    dovecot_factory: Callable[..., PrivateDovecot], tmp_path: Path
) -> None:
    server = dovecot_factory()
    user = server.new_user()
    account = account_for(server, user)
    (first,) = server.append_many(user.name, user.password, "INBOX", [note("r0")])
    state = State(tmp_path / "state.sqlite3")
    with Watcher(account, user, state).running() as watcher:
        server.restart()  # its sessions end; the watch sees its connection drop
        (second,) = server.append_many(user.name, user.password, "INBOX", [note("r1")])
        assert watcher.wait_for([first, second], timeout=10), "no reconnect after restart"
        assert watcher.scans >= 2
        assert watcher.errors, "the dropped connection was reported"
        assert all("Nothing was changed" in e.user_message for e in watcher.errors)
        # And IDLE works again on the new connection.
        (third,) = server.append_many(user.name, user.password, "INBOX", [note("r2")])
        arrived = time.monotonic()
        assert watcher.wait_for([third], timeout=5)
        assert watcher.judged[third] - arrived < 1.0
    state.close()


def test_without_idle_the_watch_polls(
    dovecot: PrivateDovecot,
    mail_user: MailUser,
    tmp_path: Path,
    fault_proxy: Callable[..., FaultProxy],
) -> None:
    proxy = fault_proxy(hide_capabilities=("IDLE",))
    account = account_for(proxy, mail_user)
    state = State(tmp_path / "state.sqlite3")
    with Watcher(account, mail_user, state, poll_seconds=0.2).running() as watcher:
        uids = dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [note("p")])
        assert watcher.wait_for(uids, timeout=3)
        assert watcher.scans >= 2
    state.close()
    assert watcher.errors == []
