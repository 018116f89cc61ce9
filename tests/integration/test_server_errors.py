"""The errors a user meets with a mail server, through the ``mailsentry`` command
against the private Dovecot: each is ONE clear line on stderr that says what happened
and that nothing was changed, and the mailbox is indeed as it was.

Certificates: the session server presents each bad variant in turn (``dovecot_cert``);
the test CA is always trusted with ``--cafile``, so only the variant's own defect fails.
"""

from __future__ import annotations

import poplib
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend

from app.mail.connect import open_imap, open_pop3
from app.store.accounts import Account, AccountError, AccountStore
from app.store.secrets import SERVICE
from tests.integration.conftest import CliRunner, Run, census, corpus, folders
from tests.servers.dovecot import MailUser, PrivateDovecot, free_loopback_ports
from tests.servers.proxy import FaultProxy
from tests.servers.tlsca import CertVariant

NOTHING_CHANGED = "Nothing was changed on the server."
CERT_REFUSED = "The server's certificate could not be verified, so the connection was refused."
FAR_HOST = "192.0.2.25"  # TEST-NET-1: never a real server


@pytest.fixture(autouse=True)
def _real_keyring(secret_keyring: KeyringBackend) -> None:
    """Every command here meets a real, empty Secret Service, never the user's keyring."""


@pytest.fixture
def filled(dovecot: PrivateDovecot, mail_user: MailUser) -> MailUser:
    dovecot.append_many(
        mail_user.name, mail_user.password, "INBOX", [corpus("plain_text")], flags=("\\Seen",)
    )
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [corpus("hybris_english")])
    return mail_user


def the_one_message(run: Run, *, changed: str = NOTHING_CHANGED, hint: bool = False) -> str:
    """Exit 2 and exactly one line on stderr, saying that nothing was changed (with
    ``hint``: then one line telling the ``accounts`` command's option to trust exactly
    the certificate shown)."""
    assert run.code == 2, (run.out, run.err)
    lines = run.err_lines
    if hint:
        assert len(lines) == 2, run.err
        assert re.fullmatch(
            r"mailsentry: to trust exactly this certificate: --trust-fingerprint [0-9A-F:]{95}",
            lines.pop(),
        )
    assert len(lines) == 1, run.err
    (line,) = lines
    assert line.startswith("mailsentry: ")
    assert changed in line
    return line


def colon_hex(sha256: str) -> str:
    upper = sha256.upper()
    return ":".join(upper[i : i + 2] for i in range(0, len(upper), 2))


# -- the everyday errors --------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["imap", "pop3"])
def test_wrong_password(
    scheme: str, dovecot: PrivateDovecot, filled: MailUser, cli: CliRunner
) -> None:
    before = census(dovecot, filled)
    port = dovecot.imap_port if scheme == "imap" else dovecot.pop3_port
    wrong = filled.password + "-not-it"
    run = cli("scan", f"{scheme}://{filled.name}@127.0.0.1:{port}", password=wrong)
    line = the_one_message(run)
    assert "The server refused the user name or password." in line
    assert "Check the password" in line
    for text, where in ((run.out, "stdout"), (run.err, "stderr")):
        if wrong in text:
            pytest.fail(f"the wrong password appears in {where}", pytrace=False)
    assert census(dovecot, filled) == before


def test_wrong_password_adds_no_account(
    dovecot: PrivateDovecot, filled: MailUser, cli: CliRunner, secret_keyring: KeyringBackend
) -> None:
    run = cli(
        "accounts", "add", "--host", "127.0.0.1", "--port", str(dovecot.imap_port),
        "--security", "plain", "--user", filled.name, password=filled.password + "-not-it",
    )  # fmt: skip
    assert "The server refused the user name or password." in the_one_message(run)
    assert cli("accounts", "list").out == ""
    assert secret_keyring.get_password(SERVICE, f"imap-{filled.name}") is None


@pytest.mark.parametrize("scheme", ["imap", "imaps", "pop3", "pop3s"])
def test_server_down(scheme: str, mail_user: MailUser, cli: CliRunner) -> None:
    (closed,) = free_loopback_ports(1)
    url = f"{scheme}://{mail_user.name}@127.0.0.1:{closed}"
    run = cli("scan", url, password=mail_user.password)
    line = the_one_message(run)
    assert "The mail server could not be reached." in line
    assert f"127.0.0.1:{closed}" in line
    assert "Connection refused" in line


def test_folder_missing(dovecot: PrivateDovecot, filled: MailUser, cli: CliRunner) -> None:
    before, folders_before = census(dovecot, filled), folders(dovecot, filled)
    url = f"imap://{filled.name}@127.0.0.1:{dovecot.imap_port}/Archive/2001"
    line = the_one_message(cli("scan", "--quarantine", url, password=filled.password))
    assert "The folder does not exist on the server." in line
    assert "Archive/2001" in line
    assert census(dovecot, filled) == before
    assert folders(dovecot, filled) == folders_before


def test_mailbox_locked_by_another_pop3_client(
    dovecot_factory: Callable[..., PrivateDovecot], cli: CliRunner
) -> None:
    """Dovecot locks a POP3 mailbox only with ``pop3_lock_session``; a second session
    then waits ~10 s for the lock and answers ``-ERR [IN-USE]`` (the slowest test here;
    the wait is Dovecot's and cannot be configured)."""
    server = dovecot_factory(extra_config="protocol pop3 {\n  pop3_lock_session = yes\n}\n")
    user = server.new_user()
    server.append_many(user.name, user.password, "INBOX", [corpus("hybris_english")])
    other = poplib.POP3(server.host, server.pop3_port, timeout=30)
    other.user(user.name)
    other.pass_(user.password)
    try:
        url = f"pop3://{user.name}@127.0.0.1:{server.pop3_port}"
        run = cli("scan", "--quarantine", url, password=user.password)
        line = the_one_message(run)
        assert "The mailbox is in use by another program" in line
        assert "Close the other mail program" in line
        assert len(other.uidl()[1]) == 1  # the other client still sees the message
    finally:
        other.quit()


# -- certificates ---------------------------------------------------------------------------

REASONS: dict[CertVariant, str] = {
    "self_signed": "self-signed certificate",
    "expired": "certificate has expired",
    "wrong_host": "IP address mismatch, certificate is not valid for '127.0.0.1'",
    "untrusted": "unable to get local issuer certificate",
}
SUBJECTS: dict[CertVariant, str] = {
    "self_signed": "CN=127.0.0.1",
    "expired": "CN=127.0.0.1",
    "wrong_host": "CN=wrong.example",
    "untrusted": "CN=127.0.0.1",
}


@pytest.mark.parametrize(
    "case", [(v, s) for v in REASONS for s in ("imaps", "pop3s")], ids="-".join
)
def test_bad_certificate_is_refused_with_fingerprint_subject_and_reason(
    case: tuple[CertVariant, str],
    dovecot: PrivateDovecot,
    dovecot_cert: Callable[[CertVariant], None],
    filled: MailUser,
    cli: CliRunner,
) -> None:
    variant, scheme = case
    dovecot_cert(variant)
    port = dovecot.imaps_port if scheme == "imaps" else dovecot.pop3s_port
    url = f"{scheme}://{filled.name}@127.0.0.1:{port}/INBOX"
    run = cli("scan", "--cafile", str(dovecot.ca_path), url, password=filled.password)
    line = the_one_message(run)
    assert CERT_REFUSED in line
    assert REASONS[variant] in line
    assert f"SHA-256 fingerprint {colon_hex(dovecot.cert_sha256)}" in line
    assert f"issued to {SUBJECTS[variant]} by " in line
    assert run.out.startswith("0 messages")


@pytest.mark.parametrize("protocol", ["imap", "pop3"])
def test_bad_certificate_over_starttls_is_refused_the_same_way(
    protocol: str,
    dovecot: PrivateDovecot,
    dovecot_cert: Callable[[CertVariant], None],
    filled: MailUser,
    cli: CliRunner,
) -> None:
    dovecot_cert("wrong_host")
    port = dovecot.imap_port if protocol == "imap" else dovecot.pop3_port
    run = cli(
        "accounts", "add", "--protocol", protocol, "--host", "127.0.0.1", "--port", str(port),
        "--security", "starttls", "--cafile", str(dovecot.ca_path), "--user", filled.name,
        password=filled.password,
    )  # fmt: skip
    assert run.code == 2
    first = the_one_message(run, hint=True)
    assert CERT_REFUSED in first
    assert REASONS["wrong_host"] in first
    assert colon_hex(dovecot.cert_sha256) in first
    assert "issued to CN=wrong.example by CN=MailSentry Test CA" in first
    assert run.err.rstrip().endswith(f"--trust-fingerprint {colon_hex(dovecot.cert_sha256)}")
    assert cli("accounts", "list").out == ""


def test_pinned_certificate_is_accepted_and_only_that_one(
    dovecot: PrivateDovecot,
    dovecot_cert: Callable[[CertVariant], None],
    filled: MailUser,
    cli: CliRunner,
) -> None:
    dovecot_cert("self_signed")
    add = (
        "accounts", "add", "--host", "127.0.0.1", "--port", str(dovecot.imaps_port),
        "--security", "tls", "--user", filled.name,
    )  # fmt: skip
    refused = cli(*add, password=filled.password)
    assert refused.code == 2
    hint = re.search(r"--trust-fingerprint (\S+)$", refused.err, re.M)
    assert hint is not None
    assert hint.group(1) == colon_hex(dovecot.cert_sha256)

    # Another certificate's fingerprint is refused, and nothing is saved.
    other = dovecot.certs.good.sha256
    wrong_pin = cli(*add, "--trust-fingerprint", other, password=filled.password)
    line = the_one_message(wrong_pin, hint=True)
    assert "not the one you trusted for this account" in line
    assert colon_hex(dovecot.cert_sha256) in line
    assert "issued to CN=127.0.0.1 by CN=127.0.0.1" in line
    assert cli("accounts", "list").out == ""

    pinned = cli(*add, "--trust-fingerprint", hint.group(1), password=filled.password)
    assert pinned.code == 0, pinned.err
    assert cli("accounts", "test", f"{filled.name}@127.0.0.1").code == 0
    scan = cli("scan", f"imaps://{filled.name}@127.0.0.1:{dovecot.imaps_port}/INBOX")
    assert scan.code == 1, scan.err  # the configured (pinned) account is used: it works

    # The pin trusts exactly that certificate: not another one, not even one the
    # system (here: the account's CA file, had it one) would accept.
    for variant in ("untrusted", "good"):
        dovecot_cert(variant)
        line = the_one_message(cli("accounts", "test", f"{filled.name}@127.0.0.1"), hint=True)
        assert "not the one you trusted for this account" in line
        assert colon_hex(dovecot.cert_sha256) in line


# -- never a password in plain text --------------------------------------------------------


def logins_in_log(dovecot: PrivateDovecot, user: MailUser) -> int:
    """Logins of ``user`` that Dovecot logged."""
    text = dovecot.log_path.read_text(errors="replace")
    return len(re.findall(rf"imap-login: Info: Login: user=<{re.escape(user.name)}>,", text))


def test_server_that_stops_offering_starttls_is_refused_not_downgraded(
    dovecot: PrivateDovecot,
    mail_user: MailUser,
    fault_proxy: Callable[..., FaultProxy],
    cli: CliRunner,
    secret_keyring: KeyringBackend,
) -> None:
    """A man in the middle strips STARTTLS from the capabilities (the fault proxy, in
    front of the plaintext port): the account wants STARTTLS, so MailSentry stops
    before sending anything secret. Through an honest proxy the same account works."""
    add = (
        "accounts", "add", "--host", "127.0.0.1", "--security", "starttls",
        "--cafile", str(dovecot.ca_path), "--user", mail_user.name,
    )  # fmt: skip
    stripped = fault_proxy(hide_capabilities=("STARTTLS",))
    run = cli(*add, "--port", str(stripped.port), password=mail_user.password)
    line = the_one_message(run)
    assert "would not set up encryption" in line
    assert "does not offer STARTTLS" in line
    assert "will not send your password unencrypted" in line
    assert stripped.connections_accepted == 1
    assert cli("accounts", "list").out == ""

    honest = fault_proxy(hide_capabilities=())
    run = cli(*add, "--port", str(honest.port), password=mail_user.password)
    assert run.code == 0, run.err
    assert secret_keyring.get_password(SERVICE, re.findall(r"\(([^)]+)\)", run.out)[0])
    deadline = time.monotonic() + 5  # Dovecot's log process writes a moment later
    while logins_in_log(dovecot, mail_user) == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    # One login in the log: the honest one. None came through the stripping proxy.
    assert logins_in_log(dovecot, mail_user) == 1


class Connections:
    """Every host this process resolves or connects to over IP while recording (audit
    hooks see the real socket calls; nothing is replaced)."""

    def __init__(self) -> None:
        self.hosts: list[str] = []
        self.recording = False

    def __call__(self, event: str, args: tuple[object, ...]) -> None:
        if not self.recording:
            return
        if event == "socket.getaddrinfo":
            self.hosts.append(str(args[0]))
        elif event == "socket.connect" and isinstance(args[1], tuple):  # not D-Bus's socket
            self.hosts.append(str(args[1][0]))


_CONNECTIONS = Connections()
sys.addaudithook(_CONNECTIONS)  # audit hooks cannot be removed: this one idles when off


@pytest.fixture
def connections() -> Iterator[Connections]:
    _CONNECTIONS.hosts.clear()
    _CONNECTIONS.recording = True
    try:
        yield _CONNECTIONS
    finally:
        _CONNECTIONS.recording = False


def test_plaintext_to_a_remote_host_is_refused_before_connecting(
    cli: CliRunner, home: Path, connections: Connections, mail_user: MailUser
) -> None:
    secret = mail_user.password  # (no server sees it: the host is far)
    add = ("accounts", "add", "--host", FAR_HOST, "--security", "plain", "--user", "bob")
    run = cli(*add, password=secret)
    assert run.code == 2
    (line,) = run.err_lines
    assert f"{FAR_HOST} would receive your password unencrypted" in line
    assert "allow plaintext for this account explicitly" in line
    assert cli("accounts", "list").out == ""

    # Allowed explicitly (saved without testing): then it is the user's choice.
    allowed = cli(*add, "--allow-plaintext", "--no-test", password=secret)
    assert allowed.code == 0, allowed.err
    assert "(plain)" in cli("accounts", "list").out

    # An accounts file edited by hand cannot skip the check either.
    store = AccountStore(home / "config" / "accounts.json")
    far = Account(
        id="by-hand", protocol="imap", host=FAR_HOST, port=143, security="plain", username="bob"
    )
    store.save([far])
    refused = cli("accounts", "test", "by-hand", password=secret)
    assert "would receive your password unencrypted" in refused.err
    for opener in (open_imap, open_pop3):
        with pytest.raises(AccountError, match="unencrypted"):
            opener(far, secret)
    assert FAR_HOST not in connections.hosts
    assert connections.hosts == []  # nothing was even looked up
