"""One message never stops more than itself on the real Dovecot.

A ``message/global`` part (Dovecot does not open it: its inner structure comes back
NIL) and a message cut inside an attachment (Dovecot's detail FETCH answers ``BYE
Internal error`` and drops the connection) each get their own verdict, and the
dangerous message after them is still judged; the checkpoint passes them only once
they have a verdict.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError

from app.core.findings import Level
from app.core.judge import judge_bytes
from app.core.rules import Rules
from app.mail.connect import open_imap
from app.mail.imap_scan import scan_folder
from app.mail.imap_session import Connection
from app.services.places import rescan
from app.store.localcopy import LocalCopies
from app.store.settings import defaults
from app.store.state import State
from tests.integration.conftest import corpus
from tests.integration.test_imap_incremental import account_for
from tests.servers.dovecot import MailUser, PrivateDovecot

MESSAGE_GLOBAL = (
    b"From: x@evil.example\r\nTo: me@corp.example\r\nSubject: global\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
    b"--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
    b"--b\r\nContent-Type: message/global\r\n\r\nSubject: inner\r\n\r\nhello\r\n"
    b"--b--\r\n"
)
#: Cut inside the base64 of holiday.exe, with no closing boundary: Dovecot 2.3 fails
#: to decode it for BINARY.SIZE and drops the connection.
TRUNCATED = corpus("jpeg_type_exe_name")[:943]


def _scan(
    dovecot: PrivateDovecot, user: MailUser, state: State, logins: list[int] | None = None
) -> dict[int, Level]:
    account = account_for(dovecot, user)

    def opener() -> IMAPClient:
        if logins is not None:
            logins.append(1)
        return open_imap(account, user.password)

    connection = Connection.open(opener)
    try:
        judged = scan_folder(connection, account, "INBOX", state, Rules(), everything=True)
    finally:
        connection.close()
    return {m.uid: m.verdict.level for m in judged}


def test_message_global_is_judged_as_from_the_file(dovecot: PrivateDovecot, tmp_path: Path):
    user = dovecot.new_user()
    hybris = corpus("hybris_english")
    uids = dovecot.append_many(user.name, user.password, "INBOX", [MESSAGE_GLOBAL, hybris])
    state = State(tmp_path / "state.sqlite3")
    levels = _scan(dovecot, user, state)
    assert levels == {
        uids[0]: judge_bytes(MESSAGE_GLOBAL, Rules())[0].level,
        uids[1]: Level.DANGEROUS,
    }
    assert state.checkpoint(f"imap-{user.name}", "INBOX")[1] == uids[1]


def test_dovecot_drops_the_connection_on_the_truncated_attachment(dovecot: PrivateDovecot):
    """The fault is real: the detail FETCH of this message loses the connection."""
    user = dovecot.new_user()
    (uid,) = dovecot.append_many(user.name, user.password, "INBOX", [TRUNCATED])
    client = IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False, timeout=30)
    client.login(user.name, user.password)
    client.select_folder("INBOX", readonly=True)
    with pytest.raises(IMAPClientAbortError):
        client.fetch([uid], ["BODY.PEEK[2.MIME]", "BINARY.SIZE[2]"])
    client.shutdown()


def test_truncated_attachment_is_judged_alone_and_the_scan_goes_on(
    dovecot: PrivateDovecot, tmp_path: Path
):
    user = dovecot.new_user()
    messages = [corpus("plain_text"), TRUNCATED, corpus("hybris_english"), corpus("pdf_invoice")]
    uids = dovecot.append_many(user.name, user.password, "INBOX", messages)
    state = State(tmp_path / "state.sqlite3")
    logins: list[int] = []
    levels = _scan(dovecot, user, state, logins)
    assert len(logins) > 1  # the dropped connection was opened again
    expected = [judge_bytes(raw, Rules())[0].level for raw in messages]
    assert levels == dict(zip(uids, expected, strict=True))
    assert levels[uids[1]] is not Level.CLEAN and levels[uids[2]] is Level.DANGEROUS
    assert state.checkpoint(f"imap-{user.name}", "INBOX")[1] == uids[-1]


def test_a_rescan_judges_the_message_that_drops_the_connection_again(
    dovecot: PrivateDovecot, tmp_path: Path
):
    """Rescanning with the current settings goes through the same isolation."""
    user = dovecot.new_user()
    messages = [TRUNCATED, corpus("hybris_english")]
    uids = dovecot.append_many(user.name, user.password, "INBOX", messages)
    state = State(tmp_path / "state.sqlite3")
    _scan(dovecot, user, state)
    account = account_for(dovecot, user)
    again = rescan(
        account,
        user.password,
        state.messages(account.id),
        state,
        settings=defaults(),
        copies=LocalCopies(tmp_path / "copies"),
    )
    expected = [judge_bytes(raw, Rules())[0].level.value for raw in messages]
    assert {r.uid: r.verdict for r in again} == dict(zip(uids, expected, strict=True))
