"""A hostile IMAP server (or a man in the middle) stops no more than one message.

Each case is one finding of the security review, played by the scriptable server in
`tests.servers.hostile_imap` (a real server never answers like this): a message the
server describes wrongly, refuses, leaves out, announces as 2 GB or trickles byte by
byte is judged on its own (from its bytes, or *unreadable* with the reason) and every
other message is judged; a whole-session problem ends as a `MailError` with a plain
sentence, never a traceback, and in bounded time.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from app.core.findings import Level
from app.core.rules import Rules
from app.mail import connect
from app.mail.connect import open_imap
from app.mail.errors import MailError, ServerError, TLSRefused
from app.mail.imap_actions import parse_uid_set
from app.mail.imap_scan import ServerMessage, scan_folder
from app.mail.imap_session import Connection
from app.mail.imap_transport import Bounds
from app.mail.imap_watch import watch_folder
from app.services.accounts import test_connection as connection_test
from app.services.server_scan import imap_bounds, scan_server
from app.store.accounts import Account
from app.store.settings import Settings, defaults
from app.store.state import State
from tests.servers.hostile_imap import HostileImap, Session, hybris_message, text_message

HYBRIS = hybris_message()
SHORT = Bounds(deadline_s=1.5, max_literal=1 << 20)


def account(server: HostileImap) -> Account:
    return Account("hostile", "imap", server.host, server.port, "plain", "user")


def scan(
    server: HostileImap, tmp_path: Path, bounds: Bounds = SHORT
) -> tuple[dict[int, ServerMessage], State]:
    acct = account(server)
    state = State(tmp_path / "state.sqlite3")
    connection = Connection.open(lambda: open_imap(acct, "pw", timeout=5, bounds=bounds))
    try:
        judged = scan_folder(connection, acct, "INBOX", state, Rules())
    finally:
        connection.close()
    return {m.uid: m for m in judged}, state


def unreadable_evidence(message: ServerMessage) -> str:
    (finding,) = [f for f in message.verdict.findings if f.id == "UNREADABLE"]
    return " ".join(finding.evidence)


def fetch_names(uid: int, line: str) -> bool:
    """True when the FETCH command ``line`` asks for ``uid`` (alone or in a set)."""
    uid_set = line.split()[3]
    return str(uid) in uid_set.split(",") or any(
        int(a) <= uid <= int(b) for a, _, b in (p.partition(":") for p in uid_set.split(",")) if b
    )


@pytest.mark.parametrize("structure", [b"NIL", b'("TEXT")', b"()", b'("text")'])
def test_a_malformed_structure_is_read_from_the_bytes(tmp_path: Path, structure: bytes):
    messages = {1: text_message("odd"), 2: HYBRIS, 3: text_message("after")}
    with HostileImap(messages, structures={1: structure}) as server:
        judged, state = scan(server, tmp_path)
    assert {u: m.verdict.level for u, m in judged.items()} == {
        1: Level.CLEAN,
        2: Level.DANGEROUS,
        3: Level.CLEAN,
    }
    assert state.checkpoint("hostile", "INBOX") == (7, 3)


def test_a_structure_20000_deep_is_read_from_the_bytes(tmp_path: Path):
    deep = b"(" * 20_000 + b'"text" "plain" NIL NIL NIL "7bit" 8 1' + b")" * 20_000
    with HostileImap({1: text_message("deep"), 2: HYBRIS}, structures={1: deep}) as server:
        judged, _ = scan(server, tmp_path)
    assert judged[1].verdict.level is Level.CLEAN
    assert judged[2].verdict.level is Level.DANGEROUS


def test_a_message_the_server_refuses_is_unreadable_and_the_next_is_judged(tmp_path: Path):
    def refuse_one(session: Session, tag: str, line: str) -> bool:
        """Structure and header fields, yes; the parts and the whole message, no."""
        if fetch_names(1, line) and "BODYSTRUCTURE" not in line:
            session.line(f"{tag} NO [SERVERBUG] cannot")
            return True
        return False

    with HostileImap({1: text_message("refused"), 2: HYBRIS}, script={"FETCH": refuse_one}) as s:
        judged, state = scan(s, tmp_path)
    assert judged[1].verdict.level is Level.SUSPICIOUS
    assert "could not be read: the server refused to send it" in unreadable_evidence(judged[1])
    assert judged[1].facts is not None and judged[1].facts.subject == "refused"  # who sent it
    assert judged[2].verdict.level is Level.DANGEROUS
    assert state.checkpoint("hostile", "INBOX") == (7, 2)


def test_a_uid_fetch_leaves_out_is_unreadable_and_the_checkpoint_waits(tmp_path: Path):
    def omit_two(session: Session, tag: str, line: str) -> bool:
        for uid in server._search(line):
            if uid != 2:
                session.send(server.fetch_answer(uid, line))
        session.line(f"{tag} OK done")
        return True

    with HostileImap({1: text_message("one"), 2: text_message("two")}) as server:
        server.script["FETCH"] = omit_two
        judged, state = scan(server, tmp_path)
    assert judged[1].verdict.level is Level.CLEAN
    assert "the server did not send it" in unreadable_evidence(judged[2])
    assert state.checkpoint("hostile", "INBOX") == (7, 2)


def test_a_uid_gone_meanwhile_needs_no_verdict(tmp_path: Path):
    def omit_two(session: Session, tag: str, line: str) -> bool:
        for uid in server._search(line):
            if uid != 2:
                session.send(server.fetch_answer(uid, line))
        session.line(f"{tag} OK done")
        return True

    def gone_two(session: Session, tag: str, line: str) -> bool:
        if line.endswith("SEARCH UID 2"):
            session.line("* SEARCH")
            session.line(f"{tag} OK done")
            return True
        return False

    with HostileImap({1: text_message("one"), 2: text_message("two"), 3: HYBRIS}) as server:
        server.script.update(FETCH=omit_two, SEARCH=gone_two)
        judged, state = scan(server, tmp_path)
    assert sorted(judged) == [1, 3]
    assert state.checkpoint("hostile", "INBOX") == (7, 3)


def test_a_literal_announced_as_2_gb_ends_at_once(tmp_path: Path):
    def huge(session: Session, tag: str, line: str) -> bool:
        if not fetch_names(1, line):
            return False
        session.send(b"* 1 FETCH (UID 1 BODY[]<0> {2000000000}\r\n" + b"x" * 1024)
        server.stopping.wait(30)  # and stall
        return True

    with HostileImap({1: text_message("huge"), 2: HYBRIS}) as server:
        server.script["FETCH"] = huge
        started = time.monotonic()
        judged, _ = scan(server, tmp_path)
        elapsed = time.monotonic() - started
    assert "2000000000 bytes" in unreadable_evidence(judged[1])
    assert judged[2].verdict.level is Level.DANGEROUS
    assert elapsed < 10


def test_a_server_trickling_bytes_is_cut_off_by_the_deadline(tmp_path: Path):
    def trickle(session: Session, tag: str, line: str) -> bool:
        if not fetch_names(1, line):
            return False
        session.trickle(server.fetch_answer(1, line), every=0.3)
        return True

    with HostileImap({1: text_message("slow"), 2: HYBRIS}) as server:
        server.script["FETCH"] = trickle
        started = time.monotonic()
        judged, _ = scan(server, tmp_path)
        elapsed = time.monotonic() - started
    assert "1.5 s" in unreadable_evidence(judged[1])
    assert judged[2].verdict.level is Level.DANGEROUS
    assert elapsed < 20


def test_a_server_trickling_its_greeting_is_an_error_in_bounded_time():
    def slow_login(session: Session, tag: str, line: str) -> bool:
        session.trickle(f"{tag} OK logged in\r\n".encode(), every=0.4)
        return True

    with HostileImap({}, script={"LOGIN": slow_login}) as server:
        started = time.monotonic()
        with pytest.raises(MailError, match=r"more than 1\.5 s"):
            open_imap(account(server), "pw", timeout=5, bounds=SHORT)
        assert time.monotonic() - started < 5


def test_a_select_without_uidvalidity_is_a_plain_error(tmp_path: Path):
    server = HostileImap({1: text_message("x")}, select_codes=())
    with server, pytest.raises(ServerError, match="UIDVALIDITY"):
        scan(server, tmp_path)


def test_a_status_without_answer_is_a_plain_error():
    def mute(session: Session, tag: str, line: str) -> bool:
        session.line(f"{tag} OK done")
        return True

    with HostileImap({}, script={"STATUS": mute}) as server, pytest.raises(MailError) as raised:
        connection_test(account(server), "pw")
    assert "Traceback" not in raised.value.user_message


def test_a_copyuid_range_is_bounded_by_what_was_moved():
    assert parse_uid_set("4,7:9") == [4, 7, 8, 9]
    assert parse_uid_set("9:7", limit=3) == [9, 8, 7]
    started = time.monotonic()
    with pytest.raises(ValueError, match="more than 2"):
        parse_uid_set("1:4294967295", limit=2)
    with pytest.raises(ValueError, match="more than 30"):
        parse_uid_set("1:30000000", limit=30)
    assert time.monotonic() - started < 0.1


def test_the_watch_survives_a_hostile_server_and_retries(tmp_path: Path):
    """A message that crashed the watch's thread before (BODYSTRUCTURE NIL) is judged,
    and a session-level failure (no UIDVALIDITY) is reported and retried."""
    errors: list[MailError] = []
    judged: list[ServerMessage] = []
    stop = threading.Event()
    state = State(tmp_path / "state.sqlite3")
    with HostileImap({1: text_message("nil"), 2: HYBRIS}, structures={1: b"NIL"}) as server:
        acct = account(server)

        def on_change(connection: Connection) -> None:
            judged.extend(scan_folder(connection, acct, "INBOX", state, Rules()))
            server.select_codes = ()  # from now on the server is broken
            stop.wait(0.2)

        thread = threading.Thread(
            target=watch_folder,
            args=(lambda: open_imap(acct, "pw", timeout=5, bounds=SHORT), "INBOX", on_change, stop),
            kwargs={"poll_seconds": 0.2, "on_error": errors.append},
        )
        thread.start()
        deadline = time.monotonic() + 15
        while server.connections < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert thread.is_alive()
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert {m.uid: m.verdict.level for m in judged} == {1: Level.CLEAN, 2: Level.DANGEROUS}
    assert errors and all(isinstance(e, MailError) for e in errors)
    assert server.connections >= 3  # it retried


@pytest.mark.parametrize("behaviour", ["close", "chatter"])
def test_starttls_certificate_description_ends(behaviour: str):
    """Describing a STARTTLS certificate against a server that closes after STARTTLS,
    or talks on without answering it, ends at once with an error."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        sock, _ = listener.accept()
        with sock:
            sock.sendall(b"* OK ready\r\n")
            sock.recv(100)
            if behaviour == "chatter":
                try:
                    for _ in range(10_000):
                        sock.sendall(b"* chatter\r\n")
                except OSError:
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    acct = Account("s", "imap", "127.0.0.1", port, "starttls", "user")
    started = time.monotonic()
    with pytest.raises(TLSRefused):
        connect.peer_certificate(acct)
    assert time.monotonic() - started < 5
    thread.join(5)
    listener.close()


def test_the_command_deadline_comes_from_the_settings(tmp_path: Path):
    """`watch.imap_command_seconds` bounds the sessions of `scan` and `watch`."""
    def slow_login(session: Session, tag: str, line: str) -> bool:
        session.trickle(f"{tag} OK logged in\r\n".encode(), every=0.4)
        return True

    values = dict(defaults().values) | {"watch.imap_command_seconds": 1}
    with HostileImap({}, script={"LOGIN": slow_login}) as server:
        started = time.monotonic()
        with pytest.raises(MailError, match=r"more than 1 s"):
            scan_server(account(server), "pw", "INBOX", State(tmp_path / "s.sqlite3"), Rules(),
                        bounds=imap_bounds(Settings(values)))
        assert time.monotonic() - started < 5
