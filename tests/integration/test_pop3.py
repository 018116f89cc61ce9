"""POP3 scan, quarantine and recovery against the private Dovecot (no fakes).

Every "program" here is harmless: the ``MZ`` signature followed by zeros and text.
"""

from __future__ import annotations

import base64
import poplib
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app.core.rules import Rules
from app.mail.errors import (
    CertificateProblem,
    ConnectionLost,
    LoginFailed,
    MailboxLocked,
    ServerError,
    ServerUnreachable,
)
from app.mail.pop3 import (
    ALL_LINES,
    Pop3Limits,
    Pop3Result,
    quarantine_pop3,
    recover_pop3,
    scan_pop3,
)
from app.store.accounts import Account, Security
from app.store.localcopy import LocalCopies
from app.store.state import State
from tests.servers.dovecot import MailUser, PrivateDovecot, free_loopback_ports
from tests.servers.proxy import FaultProxy

ProxyFactory = Callable[..., FaultProxy]


# -- messages ---------------------------------------------------------------------------


def _base64(data: bytes) -> str:
    text = base64.b64encode(data).decode()
    return "\r\n".join(text[i : i + 76] for i in range(0, len(text), 76))


def _program(size: int) -> bytes:
    filler = b"MailSentry harmless test payload. "
    return (b"MZ\x90\x00" + b"\x00" * 60 + filler * (size // len(filler) + 1))[:size]


def hybris(tag: str, payload: int = 600) -> bytes:
    """The W32.Hybris pattern: null sender, empty From, no subject, no text, one .EXE."""
    return (
        "Return-Path: <>\r\n"
        "From: \r\n"
        "To: undisclosed-recipients:;\r\n"
        "Date: Mon, 26 Mar 2001 22:58:38 +0900\r\n"
        f"Message-ID: <{tag}@example.co.jp>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="--VE3WD6JCPIVGHAJKXUFK927WX"\r\n'
        "\r\n"
        "----VE3WD6JCPIVGHAJKXUFK927WX\r\n"
        'Content-Type: text/plain; charset="us-ascii"\r\n'
        "\r\n"
        "----VE3WD6JCPIVGHAJKXUFK927WX\r\n"
        'Content-Type: application/octet-stream; name="CKGIHLCK.EXE"\r\n'
        "Content-Transfer-Encoding: base64\r\n"
        'Content-Disposition: attachment; filename="CKGIHLCK.EXE"\r\n'
        "\r\n"
        f"{_base64(_program(payload))}\r\n"
        "----VE3WD6JCPIVGHAJKXUFK927WX--\r\n"
    ).encode()


def ordinary(tag: str) -> bytes:
    """A plain note; one line starts with a dot, which POP3 sends dot-stuffed."""
    return (
        "Return-Path: <alice@example.org>\r\n"
        "From: Alice <alice@example.org>\r\n"
        "To: bob@example.org\r\n"
        f"Subject: note {tag}\r\n"
        "Date: Tue, 1 Dec 2026 10:00:00 +0100\r\n"
        f"Message-ID: <{tag}@example.org>\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n"
        "\r\n"
        "Hello Bob,\r\n"
        ".see you at ten\r\n"
        "Alice\r\n"
    ).encode()


def pdf_mail(tag: str, size: int) -> bytes:
    """A colleague's report: text plus a PDF attachment of about ``size`` bytes."""
    pdf = (b"%PDF-1.4\n" + b"1 0 obj << /Type /Catalog >> endobj\n" * (size // 36))[:size]
    return (
        "From: Carol <carol@example.org>\r\n"
        "To: bob@example.org\r\n"
        "Subject: quarterly report\r\n"
        "Date: Tue, 1 Dec 2026 11:00:00 +0100\r\n"
        f"Message-ID: <{tag}@example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b1"\r\n'
        "\r\n"
        "--b1\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n"
        "\r\n"
        "The report is attached.\r\n"
        "--b1\r\n"
        'Content-Type: application/pdf; name="report.pdf"\r\n'
        "Content-Transfer-Encoding: base64\r\n"
        'Content-Disposition: attachment; filename="report.pdf"\r\n'
        "\r\n"
        f"{_base64(pdf)}\r\n"
        "--b1--\r\n"
    ).encode()


# -- helpers ----------------------------------------------------------------------------


@pytest.fixture
def state(tmp_path: Path) -> Iterator[State]:
    db = State(tmp_path / "state.sqlite")
    yield db
    db.close()


@pytest.fixture
def copies(tmp_path: Path) -> LocalCopies:
    return LocalCopies(tmp_path / "copies")


def account_for(
    server: PrivateDovecot | FaultProxy,
    user: MailUser,
    *,
    port: int | None = None,
    security: Security = "plain",
    cafile: str = "",
) -> Account:
    port = port or (server.port if isinstance(server, FaultProxy) else server.pop3_port)
    return Account(
        id=f"pop3-{user.name}",
        protocol="pop3",
        host=server.host,
        port=port,
        security=security,
        username=user.name,
        cafile=cafile,
    )


def on_server(dovecot: PrivateDovecot, user: MailUser) -> dict[str, bytes]:
    """UIDL -> message as the server serves it (read with TOP, which changes nothing)."""
    pop = poplib.POP3(dovecot.host, dovecot.pop3_port, timeout=5)
    try:
        pop.user(user.name)
        pop.pass_(user.password)
        out = {}
        for line in pop.uidl()[1]:
            number, uidl = line.decode().split()
            out[uidl] = b"\r\n".join(pop.top(int(number), ALL_LINES)[1]) + b"\r\n"
        return out
    finally:
        pop.quit()


def by_subject(results: list[Pop3Result]) -> dict[str, Pop3Result]:
    return {r.record.subject or r.record.message_id or "": r for r in results}


# -- scanning ---------------------------------------------------------------------------


def test_scan_judges_new_mail_once_and_changes_nothing(
    dovecot: PrivateDovecot, mail_user: MailUser, state: State
) -> None:
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [hybris("h1"), ordinary("1")])
    account = account_for(dovecot, mail_user)
    heard: list[Pop3Result] = []
    results = scan_pop3(account, mail_user.password, state, Rules(), on_result=heard.append)
    assert heard == results
    assert len(results) == 2
    bad, note = results
    assert bad.verdict.level.value == "dangerous"
    assert {"HYBRIS_NAME", "EXECUTABLE_CONTENT"} <= {f.id for f in bad.verdict.findings}
    assert note.verdict.level.value == "clean"
    assert (note.record.sender, note.record.subject) == ("alice@example.org", "note 1")

    record = bad.record
    assert record.source == (
        f"pop3://{mail_user.name}@{dovecot.host}:{dovecot.pop3_port}/;UIDL={bad.uidl}"
    )
    assert record.attachments == ("CKGIHLCK.EXE",)
    assert record.message_id == "<h1@example.co.jp>"
    assert record.size == bad.size
    assert set(record.findings[0]) == {"id", "severity", "summary", "evidence", "part"}
    assert [r.uidl for r in state.messages(account.id)] == [bad.uidl, note.uidl]

    # Nothing changed on the server: both messages there, neither marked seen.
    assert set(on_server(dovecot, mail_user)) == {bad.uidl, note.uidl}
    flags = dovecot.doveadm("fetch", "-u", mail_user.name, "flags", "mailbox", "INBOX")
    assert "\\Seen" not in flags

    assert scan_pop3(account, mail_user.password, state, Rules()) == []
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [ordinary("2")])
    later = scan_pop3(account, mail_user.password, state, Rules())
    assert [r.record.subject for r in later] == ["note 2"]


def test_cancelled_scan_resumes_where_it_stopped(
    dovecot: PrivateDovecot, mail_user: MailUser, state: State
) -> None:
    messages = [ordinary(str(n)) for n in range(5)]
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", messages)
    account = account_for(dovecot, mail_user)
    first: list[Pop3Result] = []
    scan_pop3(
        account,
        mail_user.password,
        state,
        Rules(),
        on_result=first.append,
        cancelled=lambda: len(first) >= 2,
    )
    rest = scan_pop3(account, mail_user.password, state, Rules())
    subjects = [r.record.subject for r in first + rest]
    assert subjects == [f"note {n}" for n in range(5)]


def test_bytes_read_per_message(dovecot: PrivateDovecot, mail_user: MailUser, state: State) -> None:
    messages = [ordinary("small"), hybris("big", payload=200_000), pdf_mail("pdf", 220_000)]
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", messages)
    results = by_subject(
        scan_pop3(account_for(dovecot, mail_user), mail_user.password, state, Rules())
    )
    small, big, pdf = (
        results["note small"],
        results["<big@example.co.jp>"],
        results["quarterly report"],
    )
    assert (small.bytes_read, small.whole) == (small.size, True)
    # Dangerous on its first lines: the other ~265 KB are never downloaded.
    assert big.verdict.level.value == "dangerous"
    assert not big.whole
    assert big.size > 250_000
    assert big.bytes_read < 8_000
    assert big.record.size == big.size
    # Clean needs the whole message: the first peek plus the full read.
    assert pdf.verdict.level.value == "clean"
    assert pdf.whole
    assert pdf.size < pdf.bytes_read < pdf.size + 8_000


# -- quarantine -------------------------------------------------------------------------


def test_quarantine_takes_exactly_the_chosen_messages(
    dovecot: PrivateDovecot, mail_user: MailUser, state: State, copies: LocalCopies
) -> None:
    messages = [hybris("q1"), ordinary("keep"), hybris("q2", payload=30_000)]
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", messages)
    account = account_for(dovecot, mail_user)
    results = scan_pop3(account, mail_user.password, state, Rules())
    before = on_server(dovecot, mail_user)
    chosen = [r.uidl for r in results if r.verdict.level.value == "dangerous"]
    assert len(chosen) == 2

    actions = quarantine_pop3(
        account, mail_user.password, state, copies, chosen, batch_id="batch-1"
    )

    assert sorted(a.uidl for a in actions if a.outcome == "done") == sorted(chosen)
    assert set(on_server(dovecot, mail_user)) == set(before) - set(chosen)
    for action in actions:
        assert action.local_copy is not None
        assert stat.S_IMODE(action.local_copy.stat().st_mode) == 0o600
        assert action.local_copy.read_bytes() == before[action.uidl]
    assert before[chosen[0]] == messages[0]  # what was on the server is what was sent
    entries = state.journal(batch="batch-1")
    assert [e.state for e in entries] == ["done", "done"]
    assert all(e.local_copy and e.size and e.message_id for e in entries)
    kept = {r.uidl: (r.action, r.place, r.local_copy) for r in state.messages(account.id)}
    assert [kept[a.uidl] for a in actions] == [
        ("quarantine", "quarantine", str(a.local_copy)) for a in actions
    ]
    assert recover_pop3(account, mail_user.password, state, copies) == []


def test_quarantine_leaves_what_it_cannot_vouch_for(
    dovecot: PrivateDovecot, mail_user: MailUser, state: State, tmp_path: Path
) -> None:
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [hybris("c1"), hybris("c2")])
    account = account_for(dovecot, mail_user)
    first, second = scan_pop3(account, mail_user.password, state, Rules())
    # The state says the first UIDL was another message: it must not be deleted.
    state.record_batch([replace(first.record, message_id="<other@example.org>")])
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the copies folder should be")

    actions = quarantine_pop3(
        account,
        mail_user.password,
        state,
        LocalCopies(blocked),
        [first.uidl, second.uidl, "no-such-uidl"],
        batch_id="batch-2",
    )

    assert [a.outcome for a in actions] == ["skipped"] * 3
    assert "not the one judged" in actions[0].detail
    assert "local copy could not be saved" in actions[1].detail
    assert "no longer on the server" in actions[2].detail
    assert set(on_server(dovecot, mail_user)) == {first.uidl, second.uidl}
    assert [e.state for e in state.journal(batch="batch-2")] == ["rolled_back"]


@pytest.mark.parametrize("cut_at", [5, 6, 8, 10, 11])
def test_connection_cut_in_quarantine_loses_nothing(
    cut_at: int,
    dovecot: PrivateDovecot,
    mail_user: MailUser,
    state: State,
    fault_proxy: ProxyFactory,
) -> None:
    """Commands: USER PASS LIST UIDL, then TOP+DELE per message (5..10), QUIT (11)."""
    copies = LocalCopies(state.path.parent / "copies")
    messages = [hybris("x1"), hybris("x2"), ordinary("keep"), hybris("x3")]
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", messages)
    account = account_for(dovecot, mail_user)
    results = scan_pop3(account, mail_user.password, state, Rules())
    keep = next(r.uidl for r in results if r.verdict.level.value == "clean")
    chosen = [r.uidl for r in results if r.uidl != keep]
    before = on_server(dovecot, mail_user)
    proxy = fault_proxy(dovecot.pop3_port, cut_after_client_commands=cut_at)

    with pytest.raises(ConnectionLost) as lost:
        quarantine_pop3(
            account_for(proxy, mail_user),
            mail_user.password,
            state,
            copies,
            chosen,
            batch_id="cut",
        )
    assert proxy.cut_done
    assert mail_user.password not in str(lost.value)

    def copied() -> dict[str, bytes]:
        return {
            str(e.uidl): Path(e.local_copy).read_bytes()
            for e in state.journal(batch="cut")
            if e.local_copy
        }

    # Never neither: each chosen message is on the server or in a local copy.
    if cut_at < 11:
        assert set(on_server(dovecot, mail_user)) == set(before)  # nothing deleted yet
    remaining, saved = on_server(dovecot, mail_user), copied()
    for uidl in chosen:
        assert uidl in remaining or saved.get(uidl) == before[uidl]

    recover_pop3(account, mail_user.password, state, copies)

    assert state.journal(state="pending") == []
    remaining, saved = on_server(dovecot, mail_user), copied()
    assert keep in remaining
    for entry in state.journal(batch="cut"):
        uidl = str(entry.uidl)
        if entry.state == "done":
            assert uidl not in remaining
            assert saved[uidl] == before[uidl]
        else:
            assert (entry.state, uidl in remaining) == ("rolled_back", True)
    unjournaled = set(chosen) - {str(e.uidl) for e in state.journal(batch="cut")}
    assert unjournaled <= set(remaining)
    assert recover_pop3(account, mail_user.password, state, copies) == []


def test_recovery_settles_each_kind_of_pending_entry(
    dovecot: PrivateDovecot, mail_user: MailUser, state: State, copies: LocalCopies
) -> None:
    """Pending entries as a crash would leave them, at each step of a quarantine."""
    messages = [hybris("r1"), hybris("r2"), hybris("r3"), hybris("r4")]
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", messages)
    account = account_for(dovecot, mail_user)
    r1, r2, r3, r4 = (r.uidl for r in scan_pop3(account, mail_user.password, state, Rules()))
    server = on_server(dovecot, mail_user)
    copy1 = copies.save(account.id, server[r1])
    copy3 = copies.save(account.id, server[r3])
    stale = copies.save(account.id, b"Subject: something else\r\n\r\n")
    for uidl, copy in ((r1, copy1), (r2, None), (r3, copy3), (r4, stale)):
        entry = state.journal_begin("crash", account.id, "quarantine", uidl=uidl)
        if copy is not None:
            state.journal_update(entry, local_copy=str(copy))
    # r3 was deleted by the interrupted session's QUIT.
    pop = poplib.POP3(dovecot.host, dovecot.pop3_port, timeout=5)
    pop.user(mail_user.name)
    pop.pass_(mail_user.password)
    pop.dele(3)
    pop.quit()

    actions = {a.uidl: a for a in recover_pop3(account, mail_user.password, state, copies)}

    assert {u: a.outcome for u, a in actions.items()} == {
        r1: "done",  # still there, copy intact: the deletion is finished
        r2: "rolled_back",  # no copy was made: left on the server
        r3: "done",  # gone, copy kept
        r4: "rolled_back",  # the copy is not this message: left on the server
    }
    assert set(on_server(dovecot, mail_user)) == {r2, r4}
    assert state.journal(state="pending") == []


# -- errors users meet ------------------------------------------------------------------


def test_wrong_password(dovecot: PrivateDovecot, mail_user: MailUser, state: State) -> None:
    wrong = mail_user.password + "-wrong"
    with pytest.raises(LoginFailed, match="Nothing was changed") as failed:
        scan_pop3(account_for(dovecot, mail_user), wrong, state, Rules())
    assert wrong not in str(failed.value)


def test_server_down(dovecot: PrivateDovecot, mail_user: MailUser, state: State) -> None:
    (closed,) = free_loopback_ports(1)
    account = account_for(dovecot, mail_user, port=closed)
    with pytest.raises(ServerUnreachable, match="Nothing was changed"):
        scan_pop3(account, mail_user.password, state, Rules())


def test_mailbox_locked_by_another_client(
    dovecot_factory: Callable[..., PrivateDovecot], state: State, copies: LocalCopies
) -> None:
    """Dovecot locks POP3 sessions only with ``pop3_lock_session``; then a second
    session waits 10 s for the lock and answers -ERR [IN-USE]."""
    server = dovecot_factory(extra_config="protocol pop3 {\n  pop3_lock_session = yes\n}\n")
    user = server.new_user()
    server.append_many(user.name, user.password, "INBOX", [hybris("l1")])
    other = poplib.POP3(server.host, server.pop3_port, timeout=5)
    other.user(user.name)
    other.pass_(user.password)
    try:
        started = time.monotonic()
        with pytest.raises(MailboxLocked, match="Nothing was changed"):
            scan_pop3(account_for(server, user), user.password, state, Rules())
        assert time.monotonic() - started < 15
    finally:
        other.quit()
    assert state.messages() == []


@pytest.mark.parametrize(
    ("security", "port_name"), [("tls", "pop3s_port"), ("starttls", "pop3_port")]
)
def test_tls_verified_with_the_test_ca(
    security: Security,
    port_name: str,
    dovecot: PrivateDovecot,
    mail_user: MailUser,
    state: State,
) -> None:
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [hybris("t1")])
    account = account_for(
        dovecot,
        mail_user,
        port=getattr(dovecot, port_name),
        security=security,
        cafile=str(dovecot.ca_path),
    )
    (result,) = scan_pop3(account, mail_user.password, state, Rules())
    assert result.verdict.level.value == "dangerous"
    if security == "tls":
        assert result.source.startswith(f"pop3s://{mail_user.name}@")


def test_tls_without_the_ca_is_refused(
    dovecot: PrivateDovecot, mail_user: MailUser, state: State
) -> None:
    account = account_for(dovecot, mail_user, port=dovecot.pop3s_port, security="tls")
    with pytest.raises(CertificateProblem, match="Nothing was changed") as problem:
        scan_pop3(account, mail_user.password, state, Rules())
    assert problem.value.fingerprint.replace(":", "").lower() == dovecot.cert_sha256


# -- one message never stops the others -------------------------------------------------


def long_line_mail(tag: str, size: int = 2_100_000) -> bytes:
    """A report whose PDF some mailer wrote as one base64 line of ``size`` bytes (over
    poplib's line limits, and over 1 MB)."""
    pdf = (b"%PDF-1.4\n" + b"1 0 obj << /Type /Catalog >> endobj\n" * (size // 48))[: size * 3 // 4]
    return (
        "From: Carol <carol@example.org>\r\n"
        "To: bob@example.org\r\n"
        "Subject: one long line\r\n"
        f"Message-ID: <{tag}@example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b1"\r\n'
        "\r\n"
        "--b1\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n"
        "\r\n"
        "The report is attached.\r\n"
        "--b1\r\n"
        'Content-Type: application/pdf; name="report.pdf"\r\n'
        "Content-Transfer-Encoding: base64\r\n"
        "\r\n"
        f"{base64.b64encode(pdf).decode()}\r\n"
        "--b1--\r\n"
    ).encode()


def verdicts(results: list[Pop3Result]) -> list[str]:
    return [r.verdict.level.value for r in results]


def unreadable_reason(result: Pop3Result) -> str:
    (finding,) = result.verdict.findings
    assert finding.id == "UNREADABLE"
    return finding.evidence[0]


def test_a_line_over_a_megabyte_is_read_and_judged(
    dovecot: PrivateDovecot, mail_user: MailUser, state: State
) -> None:
    """Finding: a 2 MB base64 line made poplib give up, and every later scan stopped
    at that message. Lines of any length are read; the message is judged on what it is."""
    messages = [long_line_mail("long"), ordinary("after"), hybris("h-after")]
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", messages)
    account = account_for(dovecot, mail_user)

    results = scan_pop3(account, mail_user.password, state, Rules())

    assert verdicts(results) == ["clean", "clean", "dangerous"]
    assert results[0].whole and results[0].bytes_read == results[0].size > 2_000_000
    assert results[0].record.attachments == ("report.pdf",)
    assert scan_pop3(account, mail_user.password, state, Rules()) == []


def test_a_message_over_the_bound_is_unreadable_and_the_scan_goes_on(
    dovecot: PrivateDovecot, mail_user: MailUser, state: State, copies: LocalCopies
) -> None:
    messages = [ordinary("before"), long_line_mail("big"), ordinary("after"), hybris("h-big")]
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", messages)
    account = account_for(dovecot, mail_user)
    limits = Pop3Limits(message_bytes=1_000_000)

    results = scan_pop3(account, mail_user.password, state, Rules(), limits=limits)

    assert verdicts(results) == ["clean", "suspicious", "clean", "dangerous"]
    assert "larger than 1,000,000 bytes" in unreadable_reason(results[1])
    # Recorded like any other verdict: the next scan goes past it.
    assert {r.uidl for r in state.messages(account.id)} == {r.uidl for r in results}
    assert scan_pop3(account, mail_user.password, state, Rules(), limits=limits) == []
    # And it can be quarantined like any other: the local copy is the whole message.
    (action,) = quarantine_pop3(
        account, mail_user.password, state, copies, [results[1].uidl], batch_id="big"
    )
    assert action.outcome == "done"
    assert action.local_copy is not None
    assert action.local_copy.read_bytes() == messages[1]


def test_a_message_the_server_refuses_is_unreadable_and_the_session_goes_on(
    dovecot: PrivateDovecot, mail_user: MailUser, state: State
) -> None:
    """Dovecot answers ``-ERR`` for a message whose file vanished after the listing."""
    messages = [ordinary("1"), ordinary("2"), hybris("h-err")]
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", messages)
    account = account_for(dovecot, mail_user)
    maildir = dovecot.maildir(mail_user.name)

    def remove_the_second(result: Pop3Result) -> None:
        if result.record.subject == "note 1":
            files = sorted(
                (*(maildir / "cur").iterdir(), *(maildir / "new").iterdir()), key=lambda f: f.name
            )
            files[1].unlink()

    results = scan_pop3(account, mail_user.password, state, Rules(), on_result=remove_the_second)

    assert verdicts(results) == ["clean", "suspicious", "dangerous"]
    assert "-ERR Message 2 expunged" in unreadable_reason(results[1])


def test_a_connection_cut_inside_a_message_is_retried_in_a_fresh_session(
    dovecot: PrivateDovecot, mail_user: MailUser, state: State, fault_proxy: ProxyFactory
) -> None:
    messages = [ordinary("first"), pdf_mail("cut", 200_000), hybris("h-cut")]
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", messages)
    # Greeting, USER, PASS, LIST and UIDL (5 lines each) and the first message's
    # 13 lines: the cut comes in the middle of the second message's 3,600 lines.
    proxy = fault_proxy(dovecot.pop3_port, cut_after_server_responses=1_000)

    results = scan_pop3(account_for(proxy, mail_user), mail_user.password, state, Rules())

    assert proxy.cut_done
    assert verdicts(results) == ["clean", "clean", "dangerous"]
    assert results[1].whole


def test_a_message_cut_off_twice_is_unreadable_and_the_scan_goes_on(
    dovecot: PrivateDovecot, mail_user: MailUser, state: State, fault_proxy: ProxyFactory
) -> None:
    """Two proxies in a row, each cutting once: the first cut comes inside the second
    message's 7,000 lines, the second (counted over both sessions, and however far the
    inner proxy had read ahead when the outer one cut) inside the retry of it."""
    messages = [ordinary("first"), pdf_mail("twice", 400_000), hybris("h-twice")]
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", messages)
    inner = fault_proxy(dovecot.pop3_port, cut_after_server_responses=7_500)
    outer = fault_proxy(inner.port, host=inner.host, cut_after_server_responses=1_000)

    results = scan_pop3(account_for(outer, mail_user), mail_user.password, state, Rules())

    assert outer.cut_done and inner.cut_done
    assert verdicts(results) == ["clean", "suspicious", "dangerous"]
    assert "the connection failed twice while reading it" in unreadable_reason(results[1])
    assert scan_pop3(account_for(dovecot, mail_user), mail_user.password, state, Rules()) == []


def test_a_message_that_takes_too_long_is_unreadable_and_the_scan_goes_on(
    dovecot: PrivateDovecot, mail_user: MailUser, state: State, fault_proxy: ProxyFactory
) -> None:
    messages = [pdf_mail("slow", 150_000), hybris("h-slow")]
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", messages)
    proxy = fault_proxy(dovecot.pop3_port, bandwidth_bps=400_000)  # 50 KB/s: 3 s
    limits = Pop3Limits(message_seconds=1.0)

    results = scan_pop3(
        account_for(proxy, mail_user), mail_user.password, state, Rules(), limits=limits
    )

    assert verdicts(results) == ["suspicious", "dangerous"]
    assert "took more than 1 s" in unreadable_reason(results[0])


def test_a_scan_past_its_session_bound_stops_and_the_next_goes_on(
    dovecot: PrivateDovecot, mail_user: MailUser, state: State
) -> None:
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [ordinary("1"), hybris("s")])
    account = account_for(dovecot, mail_user)
    with pytest.raises(ServerError, match="2 messages were not judged yet"):
        scan_pop3(account, mail_user.password, state, Rules(), limits=Pop3Limits(session_seconds=0))
    assert verdicts(scan_pop3(account, mail_user.password, state, Rules())) == [
        "clean",
        "dangerous",
    ]
