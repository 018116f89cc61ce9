"""IMAP quarantine, release, undo, delete and recovery against the private Dovecot.

No fakes: a real Dovecot, and the fault proxy (a real TCP proxy) to hide MOVE and
UIDPLUS and to cut connections. Three capability modes: ``move`` (everything offered),
``uidplus`` (MOVE hidden: COPY + STORE + UID EXPUNGE) and ``neither`` (COPY + STORE;
the originals stay, flagged \\Deleted).

The fault sweep quarantines 50 messages (5 without Message-ID, two of those the same
size) beside a message "another client" flagged \\Deleted and an ordinary one; the
proxy cuts the connection after the k-th client command or the k-th server response.
Then it reconnects (through a proxy hiding the same capabilities, not cutting), runs
``recover``, checks that every message has exactly one copy not flagged \\Deleted,
resumes the quarantine of whatever is still in INBOX and checks again. The kill sweep
runs the quarantine in a child process, SIGKILLs it once the proxy has seen its k-th
command (the proxy adds 10 ms latency, so the kill lands before the answer), and
recovers over a direct connection (all capabilities).

Sweep size, from ``MAILSENTRY_SWEEP``: a session has 9-14 commands and 123-143
responses (MOVE, UIDPLUS-only, neither). Every command k is cut and killed at in every
mode, and every response k in the ``uidplus`` mode (the most steps); the responses of
the other two modes are cut at every 8th k by default, at up to N points (spread evenly)
with ``MAILSENTRY_SWEEP=N``, and at every k with ``MAILSENTRY_SWEEP=full``. The default
runs in ~35 s on 2 cores, ``full`` in ~60 s.
"""

from __future__ import annotations

import json
import math
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from email.parser import BytesHeaderParser
from pathlib import Path

import imapclient.exceptions
import pytest
from imapclient import IMAPClient

from app.mail.errors import FolderMissing, MailError
from app.mail.imap_actions import Outcome, Target, delete, quarantine, recover, release, undo
from app.store.accounts import Account
from app.store.localcopy import LocalCopies
from app.store.state import State
from tests.servers.dovecot import MailUser, PrivateDovecot
from tests.servers.proxy import FaultProxy
from tests.servers.tlsca import CertSet

REPO = Path(__file__).resolve().parents[2]
MODES: dict[str, tuple[str, ...]] = {
    "move": (),
    "uidplus": ("MOVE",),
    "neither": ("MOVE", "UIDPLUS"),
}
PRIMARY_MODE = "uidplus"
SWEEP = os.environ.get("MAILSENTRY_SWEEP", "").strip().lower()
FAULT_MESSAGES = 50
WITHOUT_ID = {3, 17, 18, 31, 44}  # 17 and 18 have the same size and INTERNALDATE
OTHER_DELETED, BYSTANDER = "other-deleted", "bystander"
QUARANTINE = "Quarantine"
ERRORS = (MailError, imapclient.exceptions.IMAPClientError, OSError)
# Dovecot's high-performance mode: login and imap processes are reused, so the sweeps'
# thousands of logins take ~4 ms instead of ~30 ms each.
REUSE_PROCESSES = """\
service imap-login {
  service_count = 0
}
service imap {
  service_count = 0
}
"""


# -- mail and mailboxes -------------------------------------------------------------------


def mail(tag: str, *, message_id: bool = True, body: str = "Hello.") -> bytes:
    """A small message; ``X-Test`` identifies it to the tests (the code never reads it)."""
    lines = [
        "From: Alice <alice@example.org>",
        "To: bob@example.org",
        f"Subject: note {tag}",
        "Date: Tue, 1 Dec 2026 10:00:00 +0100",
        f"X-Test: {tag}",
    ]
    if message_id:
        lines.append(f"Message-ID: <{tag}.x@example.org>")
    return "\r\n".join([*lines, "", body, ""]).encode()


def sweep_tag(n: int) -> str:
    return f"m{n:02d}"


@dataclass(frozen=True)
class Mailbox:
    """A fresh user on the private Dovecot, and its account (direct connection)."""

    dovecot: PrivateDovecot
    user: MailUser
    account: Account

    def via(self, port: int) -> Account:
        """The same account (same id, so the same journal) through another port."""
        return replace(self.account, port=port)

    def append(self, folder: str, messages: list[bytes], flags: tuple[str, ...] = ()) -> list[int]:
        return self.dovecot.append_many(
            self.user.name, self.user.password, folder, messages, flags=flags
        )

    def proxy(self, mode: str, **options: object) -> FaultProxy:
        host, port = self.dovecot.host, self.dovecot.imap_port
        return FaultProxy(host, port, hide_capabilities=MODES[mode], **options)  # type: ignore[arg-type]

    @contextmanager
    def connected(self, port: int | None = None) -> Iterator[IMAPClient]:
        """A plain IMAPClient (``open_imap`` builds a TLS context even for plaintext,
        ~20 ms a connect; the child process of the kill sweep uses it)."""
        client = IMAPClient(self.account.host, port or self.account.port, ssl=False, timeout=30)
        # imapclient writes a SEARCH line and its CRLF separately: without NODELAY, Nagle
        # holds the CRLF for the proxy's delayed ACK (~40 ms per SEARCH).
        client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            client.login(self.user.name, self.user.password)
            yield client
        finally:
            try:
                client.logout()
            except ERRORS:
                with suppress(*ERRORS):
                    client.shutdown()  # after a cut: close the socket all the same


def new_mailbox(dovecot: PrivateDovecot, quarantine_folder: str = QUARANTINE) -> Mailbox:
    user = dovecot.new_user()
    account = Account(
        id=f"imap-{user.name}",
        protocol="imap",
        host=dovecot.host,
        port=dovecot.imap_port,
        security="plain",
        username=user.name,
        quarantine=quarantine_folder,
    )
    return Mailbox(dovecot, user, account)


@pytest.fixture
def box(dovecot: PrivateDovecot) -> Mailbox:
    return new_mailbox(dovecot)


@pytest.fixture(scope="module")
def fast_dovecot(tls_ca: CertSet) -> Iterator[PrivateDovecot]:
    """A private Dovecot in high-performance mode, for the sweeps' many logins."""
    with PrivateDovecot(tls_ca, extra_config=REUSE_PROCESSES) as server:
        yield server


@pytest.fixture
def state(tmp_path: Path) -> Iterator[State]:
    store = State(tmp_path / "state.sqlite")
    yield store
    store.close()


# -- looking at the server ------------------------------------------------------------------


@dataclass(frozen=True)
class Copy:
    folder: str
    uid: int
    flags: frozenset[bytes]

    @property
    def live(self) -> bool:
        return b"\\deleted" not in self.flags


def _headers(data: dict[bytes, object]) -> dict[str, str]:
    raw = next(v for k, v in data.items() if k.startswith(b"BODY[HEADER"))
    assert isinstance(raw, bytes)
    parsed = BytesHeaderParser().parsebytes(raw)
    return {name.lower(): str(value).strip() for name, value in parsed.items()}


def census(
    client: IMAPClient, folders: tuple[str, ...] = ("INBOX", QUARANTINE)
) -> dict[str, list[Copy]]:
    """Every copy of every test message in ``folders``, by X-Test tag (\\Recent ignored)."""
    found: dict[str, list[Copy]] = {}
    for folder in folders:
        if not client.folder_exists(folder):
            continue
        client.select_folder(folder, readonly=True)
        uids = client.search("ALL")
        if not uids:
            continue
        for uid, data in client.fetch(uids, ["FLAGS", "BODY.PEEK[HEADER.FIELDS (X-TEST)]"]).items():
            flags = frozenset(bytes(f).lower() for f in data[b"FLAGS"]) - {b"\\recent"}
            found.setdefault(_headers(data)["x-test"], []).append(Copy(folder, uid, flags))
    return found


def targets_in(
    client: IMAPClient, folder: str, tags: set[str] | None = None, *, with_deleted: bool = False
) -> dict[str, Target]:
    """Targets for the messages in ``folder``, as a scan would give them."""
    validity = client.select_folder(folder, readonly=True)[b"UIDVALIDITY"]
    uids = client.search("ALL")
    items = ["RFC822.SIZE", "FLAGS", "BODY.PEEK[HEADER.FIELDS (X-TEST MESSAGE-ID)]"]
    found: dict[str, Target] = {}
    for uid, data in (client.fetch(uids, items) if uids else {}).items():
        headers = _headers(data)
        deleted = b"\\Deleted" in data[b"FLAGS"]
        if (tags is None or headers["x-test"] in tags) and (with_deleted or not deleted):
            found[headers["x-test"]] = Target(
                folder, validity, uid, headers.get("message-id"), data[b"RFC822.SIZE"]
            )
    return found


def live_folders(copies: dict[str, list[Copy]], tag: str) -> list[str]:
    return [c.folder for c in copies.get(tag, []) if c.live]


def assert_moved(outcomes: list[Outcome], folder: str) -> None:
    bad = [(o.target.uid, o.status, o.reason) for o in outcomes if o.status != "moved"]
    assert not bad
    assert all(o.folder == folder and o.uid for o in outcomes)


# -- actions, one capability mode at a time ---------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_quarantine_moves_exactly_the_chosen_messages(
    box: Mailbox, state: State, mode: str
) -> None:
    box.append("INBOX", [mail(OTHER_DELETED)], flags=("\\Deleted",))
    box.append("INBOX", [mail(f"n{i}", message_id=i != 4) for i in range(8)])
    box.append("INBOX", [mail("flagged")], flags=("\\Flagged",))
    chosen = {"n1", "n4", "n6", "flagged"}  # n4 has no Message-ID
    with box.connected() as client:
        assert not client.folder_exists(QUARANTINE)  # quarantine creates it
        before = census(client)
        targets = targets_in(client, "INBOX", chosen)
    with box.proxy(mode) as proxy, box.connected(proxy.port) as client:
        outcomes = quarantine(client, state, box.via(proxy.port), list(targets.values()), "b1")
    assert_moved(outcomes, QUARANTINE)
    with box.connected() as client:
        after = census(client)
        in_quarantine = targets_in(client, QUARANTINE)
    for tag, copies in before.items():
        expected = [QUARANTINE] if tag in chosen else ["INBOX"] if copies[0].live else []
        assert live_folders(after, tag) == expected, tag
    # Flags travel with the message, and nothing became \Seen.
    assert {c.flags for c in after["flagged"] if c.live} == {frozenset({b"\\flagged"})}
    assert all(b"\\seen" not in c.flags for copies in after.values() for c in copies)
    # "Another client's" \Deleted message is still there, still flagged.
    assert after[OTHER_DELETED] == before[OTHER_DELETED]
    # Without UIDPLUS the originals stay, flagged \Deleted: nothing was expunged.
    originals = [c for tag in chosen for c in after[tag] if c.folder == "INBOX"]
    assert len(originals) == (len(chosen) if mode == "neither" else 0)
    entries = state.journal(batch="b1")
    assert {e.state for e in entries} == {"done"}
    new_uids = {t.uid for t in in_quarantine.values()}
    assert {e.dst_uid for e in entries} == new_uids == {o.uid for o in outcomes}


@pytest.mark.parametrize("mode", MODES)
def test_release_undo_and_release_of_targets(box: Mailbox, state: State, mode: str) -> None:
    box.append("INBOX", [mail(f"i{i}") for i in range(4)])
    box.append("Work", [mail(f"w{i}", message_id=i != 0) for i in range(3)])
    with box.proxy(mode) as proxy, box.connected(proxy.port) as client:
        account = box.via(proxy.port)
        chosen = [*targets_in(client, "INBOX", {"i0", "i2"}).values()]
        chosen += targets_in(client, "Work", {"w0", "w1"}).values()
        assert_moved(quarantine(client, state, account, chosen, "q1"), QUARANTINE)

        # Undo the last batch: everything goes back, and the entries say "undone".
        assert state.last_batch(account.id) == "q1"
        back = undo(client, state, account, "u1")
        assert sorted(o.folder for o in back) == ["INBOX", "INBOX", "Work", "Work"]
        assert {e.state for e in state.journal(batch="q1")} == {"undone"}
        assert state.last_batch(account.id) is None
        placed = census(client, ("INBOX", "Work", QUARANTINE))
        for tag in ("i0", "i2", "w0", "w1"):
            assert live_folders(placed, tag) == ["Work" if tag[0] == "w" else "INBOX"]

        # Quarantine again; release two by journal entry and one as a Target.
        chosen = [*targets_in(client, "INBOX", {"i0", "i2"}).values()]
        chosen += targets_in(client, "Work", {"w0", "w1"}).values()
        quarantine(client, state, account, chosen, "q2")
        entries = {e.message_id: e for e in state.journal(batch="q2")}
        by_entry = [entries["<i2.x@example.org>"], entries["<w1.x@example.org>"]]
        as_target = targets_in(client, QUARANTINE, {"w0"})["w0"]  # no Message-ID
        released = release(client, state, account, [*by_entry, as_target], "r1")
        assert [o.folder for o in released] == ["INBOX", "Work", "Work"]
        placed = census(client, ("INBOX", "Work", QUARANTINE))
        assert live_folders(placed, "i0") == [QUARANTINE]
        for tag in ("i2", "w0", "w1"):
            assert live_folders(placed, tag) == ["Work" if tag[0] == "w" else "INBOX"]

        # Undo the release: back into quarantine.
        assert_moved(undo(client, state, account, "u2"), QUARANTINE)
        placed = census(client, ("INBOX", "Work", QUARANTINE))
        for tag in ("i0", "i2", "w0", "w1"):
            assert live_folders(placed, tag) == [QUARANTINE]
        assert {e.state for e in state.journal(batch="r1")} == {"undone"}
        assert state.last_batch(account.id) == "q2"


@pytest.mark.parametrize("mode", ["move", "neither"])
def test_delete_keeps_owner_only_copies_equal_to_the_server_bytes(
    box: Mailbox, state: State, tmp_path: Path, mode: str
) -> None:
    box.append("INBOX", [mail(f"d{i}", body="x" * (100 * i)) for i in range(4)])
    with box.connected() as client:
        targets = targets_in(client, "INBOX", {"d1", "d3"})
        client.select_folder("INBOX", readonly=True)
        uids = [t.uid for t in targets.values()]
        server = {u: d[b"BODY[]"] for u, d in client.fetch(uids, ["BODY.PEEK[]"]).items()}
    copies = LocalCopies(tmp_path / "copies")
    with box.proxy(mode) as proxy, box.connected(proxy.port) as client:
        outcomes = delete(client, state, copies, box.via(proxy.port), list(targets.values()), "d")
    assert [o.status for o in outcomes] == ["deleted", "deleted"]
    for outcome in outcomes:
        path = outcome.local_copy
        assert path is not None
        assert path.read_bytes() == server[outcome.target.uid]
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with box.connected() as client:
        after = census(client)
    for tag in ("d1", "d3"):
        assert live_folders(after, tag) == []
        # Without UIDPLUS the message stays flagged \Deleted (and never became \Seen).
        expected = [frozenset({b"\\deleted"})] if mode == "neither" else []
        assert [c.flags for c in after.get(tag, [])] == expected
    assert live_folders(after, "d0") == ["INBOX"]
    assert live_folders(after, "d2") == ["INBOX"]
    assert {e.state for e in state.journal(batch="d")} == {"done"}


def test_delete_leaves_the_message_when_no_local_copy_can_be_saved(
    box: Mailbox, state: State, tmp_path: Path
) -> None:
    box.append("INBOX", [mail("k0")])
    blocked = tmp_path / "copies"
    blocked.write_text("a file where the copies folder should be")
    with box.connected() as client:
        target = targets_in(client, "INBOX")["k0"]
        [outcome] = delete(client, state, LocalCopies(blocked), box.account, [target], "d")
        assert outcome.status == "failed"
        assert "left on the server" in outcome.reason
        assert live_folders(census(client), "k0") == ["INBOX"]
    assert state.journal(batch="d") == []


def test_refused_create_stops_with_the_source_untouched(
    dovecot: PrivateDovecot, state: State
) -> None:
    box = new_mailbox(dovecot, quarantine_folder="Bad..Name")  # adjacent separators
    box.append("INBOX", [mail(f"c{i}") for i in range(3)])
    with box.connected() as client:
        before = census(client, ("INBOX",))
        targets = list(targets_in(client, "INBOX").values())
        with pytest.raises(FolderMissing) as caught:
            quarantine(client, state, box.account, targets, "b")
        assert census(client, ("INBOX",)) == before
    message = str(caught.value)
    assert "Bad..Name" in message
    assert "Nothing was changed" in message
    assert box.user.password not in message
    assert state.journal(account=box.account.id) == []


def test_stale_or_unknown_uids_are_refused(box: Mailbox, state: State) -> None:
    box.append("INBOX", [mail("s0")])
    with box.connected() as client:
        target = targets_in(client, "INBOX")["s0"]
        stale = replace(target, uidvalidity=target.uidvalidity + 1)
        unknown = replace(target, uid=0)  # e.g. a journal entry without its new UID
        gone = replace(target, uid=target.uid + 1)
        outcomes = quarantine(client, state, box.account, [stale, unknown, gone], "b")
        assert [o.status for o in outcomes] == ["failed"] * 3
        assert "UIDVALIDITY" in outcomes[0].reason
        assert "not known" in outcomes[1].reason
        assert "no longer in 'INBOX'" in outcomes[2].reason
        assert live_folders(census(client), "s0") == ["INBOX"]
    assert state.journal(account=box.account.id) == []


def test_a_folder_that_is_only_a_parent_is_created(box: Mailbox, state: State) -> None:
    box.append("INBOX", [mail("p0")])
    box.append(f"{QUARANTINE}.old", [mail("p1")])  # makes "Quarantine" a \Noselect parent
    with box.connected() as client:
        [flags] = [f for f, _, name in client.list_folders("", QUARANTINE) if name == QUARANTINE]
        assert b"\\Noselect" in flags
        target = targets_in(client, "INBOX")["p0"]
        assert_moved(quarantine(client, state, box.account, [target], "b"), QUARANTINE)
        assert live_folders(census(client), "p0") == [QUARANTINE]


class FolderThief(IMAPClient):  # type: ignore[misc]
    """A client during whose MOVE or COPY another program deletes the destination folder,
    between MailSentry's check and its command (a race, made to happen every time)."""

    box: Mailbox

    def _steal(self, folder: str) -> None:
        with self.box.connected() as other:
            other.delete_folder(folder)

    def move(self, messages: list[int], folder: str) -> object:
        self._steal(folder)
        return super().move(messages, folder)

    def copy(self, messages: list[int], folder: str) -> object:
        self._steal(folder)
        return super().copy(messages, folder)


@pytest.mark.parametrize("mode", ["move", "neither"])
def test_trycreate_stops_with_the_source_untouched(box: Mailbox, state: State, mode: str) -> None:
    box.append("INBOX", [mail(f"t{i}") for i in range(3)])
    with box.connected() as client:
        client.create_folder(QUARANTINE)
        before = census(client, ("INBOX",))
        targets = list(targets_in(client, "INBOX").values())
    with box.proxy(mode) as proxy:
        client = FolderThief(box.account.host, proxy.port, ssl=False, timeout=30)
        client.box = box
        client.login(box.user.name, box.user.password)
        with pytest.raises(FolderMissing) as caught:
            quarantine(client, state, box.via(proxy.port), targets, "b")
        client.logout()
    assert "Nothing was changed" in str(caught.value)
    assert "TRYCREATE" in str(caught.value)
    with box.connected() as client:
        assert census(client, ("INBOX",)) == before
    assert {e.state for e in state.journal(batch="b")} == {"rolled_back"}


def test_scan_fetches_with_peek_change_no_flags(box: Mailbox) -> None:
    attached = (
        b"From: a@example.org\r\nSubject: a\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/plain\r\n\r\nhi\r\n--b\r\n"
        b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n"
        b"--b--\r\n"
    )
    box.append("INBOX", [attached, mail("p1")])
    box.append("INBOX", [mail("p2")], flags=("\\Flagged",))
    with box.connected() as client:
        client.select_folder("INBOX")  # read-write, as the watcher would
        uids = client.search("ALL")
        before = client.get_flags(uids)
        client.fetch(
            uids,
            [
                "RFC822.SIZE",
                "BODYSTRUCTURE",
                "BODY.PEEK[HEADER.FIELDS (FROM SUBJECT RETURN-PATH RECEIVED MESSAGE-ID)]",
                "BODY.PEEK[1]<0.256>",
            ],
        )
        client.fetch(uids[:1], ["BINARY.PEEK[2]<0.64>", "BODY.PEEK[2.MIME]"])
        client.search(["BODY", "begin "])
        assert client.get_flags(uids) == before
        assert all(b"\\Seen" not in flags for flags in before.values())


def test_recover_says_loudly_when_a_message_is_in_neither_folder(
    box: Mailbox, state: State
) -> None:
    box.append("INBOX", [mail("r0")])
    with box.connected() as client:
        target = targets_in(client, "INBOX")["r0"]
        client.create_folder(QUARANTINE)
        entry = state.journal_begin(
            "lost",
            box.account.id,
            "quarantine",
            src_folder="INBOX",
            src_uidvalidity=target.uidvalidity,
            src_uid=target.uid + 100,  # not there: as if another program expunged it
            dst_folder=QUARANTINE,
            message_id="<gone@example.org>",
            size=123,
        )
        [result] = recover(client, state, box.account)
    assert result.entry.id == entry
    assert result.state == "failed"
    assert "NOT FOUND" in result.detail
    assert "<gone@example.org>" in result.detail
    assert [e.state for e in state.journal(batch="lost")] == ["failed"]


# -- fault sweeps ----------------------------------------------------------------------------


def sweep_points(total: int, *, every: bool) -> list[int]:
    """Which k to cut at (see the module docstring)."""
    ks = list(range(1, total + 1))
    if every or SWEEP == "full":
        return ks
    if SWEEP.isdigit():
        return ks[:: max(1, math.ceil(total / max(1, int(SWEEP))))]
    return ks[::8]


def fill_for_sweep(dovecot: PrivateDovecot) -> tuple[Mailbox, dict[str, Target]]:
    box = new_mailbox(dovecot)
    box.append("INBOX", [mail(OTHER_DELETED)], flags=("\\Deleted",))
    box.append(
        "INBOX",
        [mail(sweep_tag(n), message_id=n not in WITHOUT_ID) for n in range(FAULT_MESSAGES)]
        + [mail(BYSTANDER)],
    )
    with box.connected() as client:
        targets = targets_in(client, "INBOX", {sweep_tag(n) for n in range(FAULT_MESSAGES)})
    assert len(targets) == FAULT_MESSAGES
    return box, targets


def recover_and_resume(box: Mailbox, state: State, client: IMAPClient, account: Account) -> None:
    """What the next start does: recover, check, quarantine what is left, check again."""
    tags = {sweep_tag(n) for n in range(FAULT_MESSAGES)}
    results = recover(client, state, account)
    assert [r.detail for r in results if r.state == "failed"] == []
    assert state.journal(state="pending", account=account.id) == []
    copies = census(client)
    for tag in tags:
        assert len(live_folders(copies, tag)) == 1, (tag, copies.get(tag))
    left = targets_in(client, "INBOX", tags)
    assert_moved(quarantine(client, state, account, list(left.values()), "resume"), QUARANTINE)
    copies = census(client)
    for tag in tags:
        assert live_folders(copies, tag) == [QUARANTINE], (tag, copies.get(tag))
    assert [c.live for c in copies[OTHER_DELETED]] == [False]
    assert [c.folder for c in copies[OTHER_DELETED]] == ["INBOX"]
    assert live_folders(copies, BYSTANDER) == ["INBOX"]
    assert state.journal(state="pending", account=account.id) == []


def cut_run(dovecot: PrivateDovecot, state: State, mode: str, **cut: int) -> tuple[int, int, bool]:
    """Quarantine 50 messages through a proxy that may cut; reconnect (the proxy cuts
    only once, so through it: same capabilities), recover and resume."""
    box, targets = fill_for_sweep(dovecot)
    with box.proxy(mode, **cut) as proxy:
        account = box.via(proxy.port)
        try:
            with box.connected(proxy.port) as client:
                quarantine(client, state, account, list(targets.values()), "b")
        except ERRORS as error:
            assert box.user.password not in str(error)
        counts = (proxy.commands_seen, proxy.responses_seen, proxy.cut_done)
        with box.connected(proxy.port) as client:
            recover_and_resume(box, state, client, account)
    return counts


@pytest.mark.slow
@pytest.mark.parametrize("unit", ["commands", "responses"])
@pytest.mark.parametrize("mode", MODES)
def test_fault_sweep(fast_dovecot: PrivateDovecot, state: State, mode: str, unit: str) -> None:
    commands, responses, _ = cut_run(fast_dovecot, state, mode)  # no cut: count them
    total = commands if unit == "commands" else responses
    points = sweep_points(total, every=unit == "commands" or mode == PRIMARY_MODE)
    for k in points:
        option = "cut_after_client_commands" if unit == "commands" else "cut_after_server_responses"
        try:
            *_, cut = cut_run(fast_dovecot, state, mode, **{option: k})
        except AssertionError as error:
            raise AssertionError(f"{mode}: cut after {unit[:-1]} {k} of {total}: {error}") from None
        assert cut


CHILD = """
import json, sys
from pathlib import Path
from app.mail.connect import open_imap
from app.mail.imap_actions import Target, quarantine
from app.store.accounts import Account
from app.store.state import State

job = json.load(sys.stdin)
account = Account(**job["account"])
client = open_imap(account, job["password"])
targets = [Target(**t) for t in job["targets"]]
quarantine(client, State(Path(job["state"])), account, targets, "b")
client.logout()
"""


def kill_run(dovecot: PrivateDovecot, tmp_path: Path, mode: str, k: int | None) -> int:
    """Quarantine in a child process, SIGKILLed once the proxy saw its k-th command
    (never when ``k`` is None); recover and resume directly. The commands sent."""
    box, targets = fill_for_sweep(dovecot)
    path = tmp_path / f"kill-{box.user.name}.sqlite"
    with box.proxy(mode, latency_s=0.01) as watcher:
        account = box.via(watcher.port)
        job = {
            "account": {
                "id": account.id,
                "protocol": "imap",
                "host": account.host,
                "port": account.port,
                "security": "plain",
                "username": account.username,
            },
            "password": box.user.password,  # on stdin, never on the command line
            "state": str(path),
            "targets": [t.__dict__ for t in targets.values()],
        }
        output = tmp_path / f"kill-{box.user.name}.log"
        with output.open("wb") as log:
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD],
                cwd=REPO,
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=log,
            )
        assert child.stdin is not None
        with child.stdin:
            child.stdin.write(json.dumps(job).encode())
        deadline = time.monotonic() + 30
        while child.poll() is None and (k is None or watcher.commands_seen < k):
            assert time.monotonic() < deadline, "the child hangs"
            time.sleep(0.0005)
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        printed = output.read_bytes()
        assert box.user.password.encode() not in printed
        assert child.returncode in (0, -signal.SIGKILL), printed.decode()
        sent = watcher.commands_seen
    state = State(path)
    try:
        with box.connected() as client:
            recover_and_resume(box, state, client, box.account)
    finally:
        state.close()
    return sent


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
def test_kill_sweep(fast_dovecot: PrivateDovecot, tmp_path: Path, mode: str) -> None:
    total = kill_run(fast_dovecot, tmp_path, mode, None)
    for k in range(1, total + 1):
        try:
            kill_run(fast_dovecot, tmp_path, mode, k)
        except AssertionError as error:
            raise AssertionError(f"{mode}: killed after command {k} of {total}: {error}") from None
