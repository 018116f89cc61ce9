"""A stateful test of the one model of where each message is, against the private
Dovecot: Hypothesis drives random sequences of new mail (judged and, when dangerous,
quarantined by the watch), a quarantine from the window (the service the controller
calls), release and undo from the command line, delete, another client moving or
expunging mail, a connection cut in the middle of a move, and a restart. After every
step, ``mailsentry messages`` (the CLI's own function) and the state file hold exactly
what the server holds: every message in one place, listed once, where it is; a deleted
one only as its local copy; nothing ever lost.

Size from ``MAILSENTRY_SWEEP``: the number of sequences (default 5, about 20-30 s on
2 cores); each runs up to 12 steps.
"""

from __future__ import annotations

import base64
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from imapclient import IMAPClient

from app.cli import main
from app.mail import imap_actions
from app.mail.connect import open_imap
from app.mail.errors import MailError
from app.services.accounts import AccountService
from app.services.actions import act_on_records
from app.services.watch import Watch
from app.store import paths
from app.store.accounts import Account, AccountStore
from app.store.localcopy import LocalCopies
from app.store.secrets import SecretStore
from app.store.settings import defaults
from app.store.state import MessageRecord, State
from tests.servers.dovecot import PrivateDovecot
from tests.servers.proxy import FaultProxy

SWEEP = os.environ.get("MAILSENTRY_SWEEP", "").strip().lower()
EXAMPLES = 50 if SWEEP == "full" else int(SWEEP) if SWEEP.isdigit() else 5
FOLDERS = ("INBOX", "Quarantine")


def message(n: int, *, dangerous: bool) -> bytes:
    """A message written for this test: the Hybris pattern (null sender, no subject,
    no text, one program named like CKGIHLCK.EXE, ``MZ`` + filler), or a note."""
    head = [f"Message-ID: <st{n}@example.org>", "Date: Tue, 1 Dec 2026 10:00:00 +0100",
            "To: undisclosed-recipients:;"]  # fmt: skip
    if not dangerous:
        head = ["From: Alice <alice@example.org>", f"Subject: note {n}", *head]
        return "\r\n".join([*head, "", f"Note {n}.", ""]).encode()
    payload = base64.encodebytes(b"MZ" + bytes(range(256)) * 2 + str(n).encode()).decode()
    head = ["Return-Path: <>", "From:", "MIME-Version: 1.0",
            'Content-Type: multipart/mixed; boundary="b"', *head]  # fmt: skip
    body = ["--b", "Content-Type: text/plain", "", "", "--b",
            'Content-Type: application/octet-stream; name="CKGIHLCK.EXE"',
            "Content-Transfer-Encoding: base64",
            'Content-Disposition: attachment; filename="CKGIHLCK.EXE"', "",
            payload.replace("\n", "\r\n"), "--b--", ""]  # fmt: skip
    return "\r\n".join([*head, "", *body]).encode()


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_the_model_always_equals_the_server(
    dovecot: PrivateDovecot,
    fault_proxy: Callable[..., FaultProxy],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MAILSENTRY_PASSWORD", raising=False)
    run_state_machine_as_test(
        lambda: Mailbox(dovecot, fault_proxy, tmp_path, monkeypatch),
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


class Mailbox(RuleBasedStateMachine):
    """One fresh mail user and one fresh MailSentry home per sequence."""

    def __init__(
        self,
        dovecot: PrivateDovecot,
        fault_proxy: Callable[..., FaultProxy],
        tmp: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        super().__init__()
        self.dovecot, self.fault_proxy = dovecot, fault_proxy
        self.user = dovecot.new_user()
        home = Path(tempfile.mkdtemp(dir=tmp))
        monkeypatch.setenv("MAILSENTRY_HOME", str(home))
        monkeypatch.setenv("MAILSENTRY_PASSWORD", self.user.password)
        self.account = Account(
            id=f"imap-{self.user.name}", protocol="imap", host=dovecot.host,
            port=dovecot.imap_port, security="plain", username=self.user.name,
            address=f"{self.user.name}@example.org",
        )  # fmt: skip
        store = AccountStore(paths.config_dir() / "accounts.json")
        store.add(self.account)
        self.accounts = AccountService(store, SecretStore)
        self.state_path = paths.data_dir() / "state.sqlite3"
        self.state = State(self.state_path)
        self.copies = LocalCopies(paths.data_dir() / "local-copies")
        self.sent = 0
        self.expunged: set[str] = set()  # what "another client" removed for good
        self.check()

    def teardown(self) -> None:
        self.state.close()

    # -- what MailSentry does ------------------------------------------------------
    def check(self) -> None:
        """What the watch does at each check: judge, act, notice other programs."""
        watch = Watch([self.account], self.accounts, self.state, defaults(), self.copies)
        assert not watch.check_once()

    def listed(self) -> list[MessageRecord]:
        return [r for r in self.state.messages() if r.place in ("folder", "quarantine")]

    @rule(dangerous=st.booleans(), count=st.integers(1, 3))
    def new_mail(self, dangerous: bool, count: int) -> None:
        batch = []
        for _ in range(count):
            self.sent += 1
            batch.append(message(self.sent, dangerous=dangerous))
        self.dovecot.append_many(self.user.name, self.user.password, "INBOX", batch)
        self.check()

    @rule(data=st.data())
    def quarantine_from_the_window(self, data: st.DataObject) -> None:
        chosen = self._pick(data, [r for r in self.listed() if not r.quarantined])
        if chosen:
            act_on_records(self.account, self.user.password, "quarantine", chosen,
                           self.state, self.copies)  # fmt: skip

    @rule(data=st.data())
    def release_from_the_command_line(self, data: st.DataObject) -> None:
        chosen = self._pick(data, [r for r in self.listed() if r.quarantined])
        if chosen:
            code, out, err = cli("release", *(r.source for r in chosen))
            assert code == 0, out + err

    def _undone(self, code: int, out: str, err: str) -> None:
        """Undo did what it could: all of it, or it names each message it could not
        move back (one another client took away since) and exits 2."""
        assert code == 0 or (code == 2 and "NOT changed" in out and not err), out + err

    @rule()
    def undo_from_the_command_line(self) -> None:
        self._undone(*cli("undo"))

    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        chosen = self._pick(data, self.listed())
        if chosen:
            act_on_records(self.account, self.user.password, "delete", chosen, self.state,
                           self.copies)  # fmt: skip

    @rule(data=st.data(), expunge=st.booleans())
    def another_client(self, data: st.DataObject, expunge: bool) -> None:
        held = self.server()
        if not held:
            return
        mid = data.draw(st.sampled_from(sorted(held)))
        folder, uid = held[mid]
        with self.client() as client:
            client.select_folder(folder)
            if expunge:
                client.delete_messages([uid])
                client.uid_expunge([uid])
                self.expunged.add(mid)
            else:
                other = FOLDERS[1 - FOLDERS.index(folder)]
                if not client.folder_exists(other):
                    client.create_folder(other)
                client.move([uid], other)
        self.check()

    @rule(data=st.data(), cut=st.integers(1, 14), hide_move=st.booleans())
    def connection_dropped_during_a_move(
        self, data: st.DataObject, cut: int, hide_move: bool
    ) -> None:
        """A quarantine or release cut after the ``cut``-th command; the next
        connection settles it (recovery), then a check."""
        chosen = self._pick(data, self.listed())
        if not chosen:
            return
        kind = "release" if chosen[0].quarantined else "quarantine"
        chosen = [r for r in chosen if r.quarantined == chosen[0].quarantined]
        proxy = self.fault_proxy(
            cut_after_client_commands=cut, hide_capabilities=("MOVE",) if hide_move else ()
        )
        cut_account = replace(self.account, port=proxy.port)
        try:
            act_on_records(cut_account, self.user.password, kind, chosen, self.state,
                           self.copies)  # fmt: skip
        except MailError:
            pass
        finally:
            proxy.stop()
        client = open_imap(self.account, self.user.password)
        try:
            imap_actions.recover(client, self.state, self.account)
        finally:
            client.logout()
        self.check()

    @rule()
    def restart(self) -> None:
        self.state.close()
        self.state = State(self.state_path)

    # -- what must always hold -----------------------------------------------------
    @invariant()
    def the_model_is_the_server(self) -> None:
        held = self.server()
        code, out, err = cli("messages", "--format", "jsonl")
        assert code == 0, err
        rows = [json.loads(line) for line in out.splitlines()]
        on_server = [r for r in rows if r["place"] in FOLDERS_PLACES]
        by_id: dict[str, Any] = {r["message_id"]: r for r in on_server}
        assert len(by_id) == len(on_server), "a message listed twice"
        assert {k: (r["folder"], r["uid"]) for k, r in by_id.items()} == held
        for row in on_server:
            assert (row["place"] == "quarantine") == (row["folder"] == "Quarantine")
        deleted = {r["message_id"]: r for r in rows if r["place"] == "deleted"}
        assert not deleted.keys() & held.keys()
        for mid, row in deleted.items():
            assert f"Message-ID: {mid}".encode() in Path(row["local_copy"]).read_bytes()
        # The state file says the same as the command (it is what the command reads).
        assert sorted(r.source for r in self.state.messages()) == sorted(r["url"] for r in rows)
        # Nothing lost: every message sent is on the server, kept locally, or was
        # expunged by the other client.
        sent = {f"<st{n}@example.org>" for n in range(1, self.sent + 1)}
        assert sent == held.keys() | deleted.keys() | self.expunged

    # -- helpers -------------------------------------------------------------------
    def _pick(self, data: st.DataObject, records: list[MessageRecord]) -> list[MessageRecord]:
        if not records:
            return []
        chosen = st.lists(st.sampled_from(records), min_size=1, max_size=3, unique_by=_id)
        return data.draw(chosen)

    @contextmanager
    def client(self) -> Iterator[IMAPClient]:
        client = IMAPClient(self.dovecot.host, port=self.dovecot.imap_port, ssl=False)
        client.login(self.user.name, self.user.password)
        try:
            yield client
        finally:
            client.logout()

    def server(self) -> dict[str, tuple[str, int]]:
        """Message-ID -> (folder, UID) of every message on the server."""
        found: dict[str, tuple[str, int]] = {}
        with self.client() as client:
            for folder in FOLDERS:
                if not client.folder_exists(folder):
                    continue
                client.select_folder(folder, readonly=True)
                uids = client.search(["ALL"])
                fields = "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"
                for uid, fetched in client.fetch(uids, [fields]).items():
                    header = next(v for k, v in fetched.items() if k.startswith(b"BODY"))
                    mid = header.decode().split(":", 1)[1].strip()
                    assert mid not in found, f"{mid} is in {found[mid][0]} and {folder}"
                    found[mid] = (folder, uid)
        return found


FOLDERS_PLACES = ("folder", "quarantine")


def _id(record: MessageRecord) -> int:
    return record.id
