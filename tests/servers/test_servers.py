"""Tests of the real-server test infrastructure itself (Dovecot, TLS, keyring, proxy)."""

from __future__ import annotations

import hashlib
import os
import poplib
import shutil
import socket
import ssl
import time
from collections.abc import Callable

import keyring
import pytest
from imapclient import IMAPClient
from keyring.backend import KeyringBackend
from keyring.backends.SecretService import Keyring as SecretServiceKeyring

from .dovecot import DovecotError, MailUser, PrivateDovecot, find_dovecot
from .keyring_backend import secret_service_keyring
from .proxy import FaultProxy
from .tlsca import CertSet, CertVariant

ProxyFactory = Callable[..., FaultProxy]


def _message(number: int, body: bytes = b"hello\r\n") -> bytes:
    return b"From: a@example.org\r\nSubject: test %d\r\n\r\n%s" % (number, body)


class _RawSession:
    """A line-level IMAP client, to see exactly what crosses the proxy."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.reader = self.sock.makefile("rb")
        self.greeting = self.reader.readline()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def readline(self) -> bytes:
        return self.reader.readline()

    def login(self, user: MailUser) -> bytes:
        self.send(b'a1 LOGIN %s "%s"\r\n' % (user.name.encode(), user.password.encode()))
        return self.readline()

    def close(self) -> None:
        self.reader.close()
        self.sock.close()


# -- Dovecot, plaintext and TLS -------------------------------------------------------


def test_imap_plaintext_login(dovecot: PrivateDovecot, mail_user: MailUser) -> None:
    with IMAPClient(dovecot.host, dovecot.imap_port, ssl=False, timeout=5) as client:
        assert b"STARTTLS" in client.welcome
        client.login(mail_user.name, mail_user.password)
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
    assert dovecot.maildir(mail_user.name).is_dir()


def test_imaps_login_verifies_certificate(
    dovecot: PrivateDovecot, mail_user: MailUser, tls_ca: CertSet
) -> None:
    context = ssl.create_default_context(cafile=str(dovecot.ca_path))
    with IMAPClient(
        dovecot.host, dovecot.imaps_port, ssl=True, ssl_context=context, timeout=5
    ) as client:
        client.login(mail_user.name, mail_user.password)
    served = ssl.get_server_certificate((dovecot.host, dovecot.imaps_port))
    assert hashlib.sha256(ssl.PEM_cert_to_DER_cert(served)).hexdigest() == dovecot.cert_sha256
    assert dovecot.cert_sha256 == tls_ca.good.sha256


def test_imap_starttls(dovecot: PrivateDovecot, mail_user: MailUser, tls_ca: CertSet) -> None:
    with IMAPClient(dovecot.host, dovecot.imap_port, ssl=False, timeout=5) as client:
        client.starttls(tls_ca.client_context())
        client.login(mail_user.name, mail_user.password)
        assert b"STARTTLS" not in client.capabilities()


def test_pop3_plain_stls_and_pop3s(
    dovecot: PrivateDovecot, mail_user: MailUser, tls_ca: CertSet
) -> None:
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [_message(1), _message(2)])
    context = tls_ca.client_context()
    plain = poplib.POP3(dovecot.host, dovecot.pop3_port, timeout=5)
    stls = poplib.POP3(dovecot.host, dovecot.pop3_port, timeout=5)
    stls.stls(context)
    implicit = poplib.POP3_SSL(dovecot.host, dovecot.pop3s_port, context=context, timeout=5)
    for pop in (plain, stls, implicit):
        pop.user(mail_user.name)
        pop.pass_(mail_user.password)
        assert pop.stat()[0] == 2
        pop.quit()


def test_add_user_odd_password_and_redefinition(dovecot: PrivateDovecot) -> None:
    """Passwords with quotes/colons survive; a re-defined user logs in at once (1-s trap)."""
    user = dovecot.add_user("odd.user@example.org", 'p a:s"s\\word')
    with IMAPClient(dovecot.host, dovecot.imap_port, ssl=False, timeout=5) as client:
        client.login(user.name, user.password)
    changed = dovecot.add_user(user.name, "second-password")
    with IMAPClient(dovecot.host, dovecot.imap_port, ssl=False, timeout=5) as client:
        with pytest.raises(IMAPClient.Error):
            client.login(user.name, user.password)
        client.login(changed.name, changed.password)
    assert "second-password" not in repr(changed)


def test_multiappend_200_messages(dovecot: PrivateDovecot, mail_user: MailUser) -> None:
    messages = [_message(n) for n in range(200)]
    uids = dovecot.append_many(mail_user.name, mail_user.password, "Archive", messages)
    assert uids == list(range(1, 201))
    with IMAPClient(dovecot.host, dovecot.imap_port, ssl=False, timeout=5) as client:
        client.login(mail_user.name, mail_user.password)
        client.select_folder("Archive", readonly=True)
        assert client.search("ALL") == uids
        subjects = client.fetch(uids[-1:], ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]"])
        assert subjects[200][b"BODY[HEADER.FIELDS (SUBJECT)]"].strip() == b"Subject: test 199"
    status = dovecot.doveadm("mailbox", "status", "-u", mail_user.name, "messages", "Archive")
    assert status.split() == ["Archive", "messages=200"]


def test_missing_dovecot_is_an_error_with_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda *_args, **_kwargs: None)
    with pytest.raises(DovecotError, match="apt-get install -y dovecot-imapd dovecot-pop3d"):
        find_dovecot()


# -- certificate variants ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("variant", "reason"),
    [
        ("self_signed", "self-signed certificate"),
        ("expired", "certificate has expired"),
        ("wrong_host", "IP address mismatch"),
        ("untrusted", "unable to get local issuer certificate"),
    ],
)
def test_bad_certificates_fail_verification(
    dovecot: PrivateDovecot,
    dovecot_cert: Callable[[CertVariant], None],
    tls_ca: CertSet,
    variant: CertVariant,
    reason: str,
) -> None:
    dovecot_cert(variant)
    served = ssl.get_server_certificate((dovecot.host, dovecot.imaps_port))
    assert served == dovecot.cert.cert.read_text()
    context = tls_ca.client_context()
    with pytest.raises(ssl.SSLCertVerificationError) as imaps:
        IMAPClient(dovecot.host, dovecot.imaps_port, ssl=True, ssl_context=context, timeout=5)
    assert reason in str(imaps.value.verify_message)
    with pytest.raises(ssl.SSLCertVerificationError):
        poplib.POP3_SSL(dovecot.host, dovecot.pop3s_port, context=context, timeout=5)
    session = _RawSession(dovecot.imap_port)  # STARTTLS (imapclient can't close after a failure)
    try:
        session.send(b"a1 STARTTLS\r\n")
        assert session.readline().startswith(b"a1 OK")
        with pytest.raises(ssl.SSLCertVerificationError):
            context.wrap_socket(session.sock, server_hostname=dovecot.host)
    finally:
        session.close()


def test_good_certificate_verifies_after_reload(
    dovecot: PrivateDovecot, dovecot_cert: Callable[[CertVariant], None], tls_ca: CertSet
) -> None:
    dovecot_cert("expired")
    dovecot_cert("good")
    context = tls_ca.client_context()
    poplib.POP3_SSL(dovecot.host, dovecot.pop3s_port, context=context, timeout=5).quit()


def test_restart_keeps_ports_and_mail(dovecot_factory: Callable[..., PrivateDovecot]) -> None:
    server = dovecot_factory(separator="/")
    user = server.new_user()
    server.append_many(user.name, user.password, "Lists/Dev", [_message(1)])
    ports = (server.imap_port, server.imaps_port, server.pop3_port, server.pop3s_port)
    client = IMAPClient(server.host, server.imap_port, ssl=False, timeout=5)
    client.login(user.name, user.password)
    server.restart()
    with pytest.raises((OSError, IMAPClient.AbortError)):
        client.noop()  # the old session ended with the old server
    client.shutdown()
    assert (server.imap_port, server.imaps_port, server.pop3_port, server.pop3s_port) == ports
    with IMAPClient(server.host, server.imap_port, ssl=False, timeout=5) as again:
        again.login(user.name, user.password)
        assert again.namespace().personal[0][1] == "/"
        assert again.select_folder("Lists/Dev")[b"EXISTS"] == 1


# -- fault proxy ----------------------------------------------------------------------


def test_proxy_cuts_after_k_client_commands(
    dovecot: PrivateDovecot, mail_user: MailUser, fault_proxy: ProxyFactory
) -> None:
    proxy = fault_proxy(cut_after_client_commands=3)
    session = _RawSession(proxy.port)
    try:
        assert session.login(mail_user).startswith(b"a1 OK")
        message = _message(1)
        # A command with a literal counts once.
        session.send(b"a2 APPEND INBOX {%d+}\r\n%s\r\n" % (len(message), message))
        assert session.readline().startswith(b"a2 OK [APPENDUID")
        session.send(b"a3 CREATE Cut\r\n")
        with pytest.raises(ConnectionResetError):
            session.readline()
    finally:
        session.close()
    assert (proxy.commands_seen, proxy.cut_done) == (3, True)
    # The third command reached the server although its reply never came back.
    deadline = time.monotonic() + 2
    while "Cut" not in dovecot.doveadm("mailbox", "list", "-u", mail_user.name).split():
        assert time.monotonic() < deadline, "CREATE never reached the server"
        time.sleep(0.02)
    # The cut happens once: the client can reconnect through the same proxy.
    with IMAPClient(proxy.host, proxy.port, ssl=False, timeout=5) as client:
        client.login(mail_user.name, mail_user.password)


def test_proxy_cuts_after_k_server_responses(fault_proxy: ProxyFactory) -> None:
    proxy = fault_proxy(cut_after_server_responses=2)
    session = _RawSession(proxy.port)
    try:
        assert session.greeting.startswith(b"* OK")
        session.send(b"a1 NOOP\r\n")
        assert session.readline().startswith(b"a1 OK")
        with pytest.raises(ConnectionResetError):
            session.readline()
    finally:
        session.close()
    assert proxy.responses_seen == 2


def test_proxy_hides_move_and_uidplus(
    dovecot: PrivateDovecot, mail_user: MailUser, fault_proxy: ProxyFactory
) -> None:
    with IMAPClient(dovecot.host, dovecot.imap_port, ssl=False, timeout=5) as direct:
        direct.login(mail_user.name, mail_user.password)
        assert {b"MOVE", b"UIDPLUS"} <= set(direct.capabilities())
    proxy = fault_proxy()
    session = _RawSession(proxy.port)
    try:
        login_reply = session.login(mail_user)
        assert login_reply.startswith(b"a1 OK [CAPABILITY IMAP4rev1 ")
        session.send(b"a2 CAPABILITY\r\n")
        listed = session.readline()
        assert session.readline().startswith(b"a2 OK")
    finally:
        session.close()
    for reply in (login_reply, listed):
        words = set(reply.replace(b"]", b" ").split())
        assert b"IDLE" in words
        assert not words & {b"MOVE", b"UIDPLUS"}
    assert listed.startswith(b"* CAPABILITY ")


def test_proxy_passes_tls_through_with_latency_and_bandwidth(
    dovecot: PrivateDovecot, mail_user: MailUser, tls_ca: CertSet, fault_proxy: ProxyFactory
) -> None:
    body = b"x" * 998 + b"\r\n"
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [_message(1, body * 100)])
    proxy = fault_proxy(dovecot.imaps_port, latency_s=0.02, bandwidth_bps=4_000_000)
    with IMAPClient(
        proxy.host, proxy.port, ssl=True, ssl_context=tls_ca.client_context(), timeout=5
    ) as client:
        client.login(mail_user.name, mail_user.password)
        client.select_folder("INBOX", readonly=True)
        started = time.monotonic()
        client.noop()
        round_trip = time.monotonic() - started
        started = time.monotonic()
        fetched = client.fetch([1], ["BODY.PEEK[]"])[1][b"BODY[]"]
        download = time.monotonic() - started
    assert len(fetched) > 100_000
    assert 0.04 <= round_trip < 1.0
    assert 0.2 <= download < 2.0  # 100 kB at 4 Mbit/s is at least 0.2 s
    assert proxy.commands_seen == 0  # TLS is opaque to the proxy


# -- keyring ------------------------------------------------------------------------------


def test_secret_keyring_round_trip(secret_keyring: KeyringBackend) -> None:
    assert os.environ["DBUS_SESSION_BUS_ADDRESS"].startswith("unix:path=/tmp/kr")
    assert keyring.get_keyring() is secret_keyring
    secret_keyring.set_password("mailsentry-test", "alice", "s3cret pass")
    assert keyring.get_password("mailsentry-test", "alice") == "s3cret pass"
    keyring.delete_password("mailsentry-test", "alice")
    assert secret_keyring.get_password("mailsentry-test", "alice") is None
    assert isinstance(secret_keyring, SecretServiceKeyring)


def test_secret_keyring_restores_environment() -> None:
    before = (os.environ.get("DBUS_SESSION_BUS_ADDRESS"), keyring.get_keyring())
    with secret_service_keyring() as backend:
        backend.set_password("mailsentry-test", "bob", "pw")
    assert (os.environ.get("DBUS_SESSION_BUS_ADDRESS"), keyring.get_keyring()) == before
