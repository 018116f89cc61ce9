"""Passwords live in the system keyring and nowhere else, and never show.

The keyring is a real gnome-keyring Secret Service on a private D-Bus
(``secret_keyring``); the refused backends are keyring's own ``fail`` backend and a
plaintext file backend. The mail server is the private Dovecot.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import keyring
import pytest
import secretstorage
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.backends.chainer import ChainerBackend

from app.mail.connect import open_imap, open_pop3
from app.mail.errors import CertificateProblem, LoginFailed, MailError
from app.services import accounts as account_service
from app.services.accounts import AccountService
from app.services.watch import Watch
from app.store import paths, settings
from app.store.accounts import Account, AccountStore, Security
from app.store.localcopy import LocalCopies
from app.store.secrets import SERVICE, NoKeyring, SecretStore
from app.store.state import State
from tests.integration.conftest import (
    CliRunner,
    assert_secret_absent,
    corpus,
    files_holding,
)
from tests.servers.dovecot import MailUser, PrivateDovecot
from tests.servers.proxy import FaultProxy

HOW_TO_FIX = "apt install gnome-keyring"


# -- a plaintext keyring ----------------------------------------------------------------------


def _plaintext_backend_class() -> type[KeyringBackend]:
    """keyrings.alt's PlaintextKeyring if installed; else a stand-in.

    keyrings.alt is not a dependency (MailSentry refuses its file backends, so it has no
    use for it) and is not installed here. The stand-in behaves like its
    ``PlaintextKeyring`` — it writes passwords to a file as they are — and lives in a
    module named ``keyrings.alt.file`` like the real one, which is how MailSentry tells
    such a backend from a safe one.
    """
    try:
        module = importlib.import_module("keyrings.alt.file")
    except ImportError:
        pass
    else:
        real: type[KeyringBackend] = module.PlaintextKeyring
        return real

    class PlaintextKeyring(KeyringBackend):
        priority = 0.5  # type: ignore[assignment]
        file_path = Path("/nonexistent")

        def _read(self) -> dict[str, str]:
            if not self.file_path.exists():
                return {}
            lines = self.file_path.read_text(encoding="utf-8").splitlines()
            return dict(line.split("\t", 1) for line in lines)

        def get_password(self, service: str, username: str) -> str | None:
            return self._read().get(f"{service}/{username}")

        def set_password(self, service: str, username: str, password: str) -> None:
            data = self._read() | {f"{service}/{username}": password}
            self.file_path.write_text("".join(f"{k}\t{v}\n" for k, v in data.items()))

        def delete_password(self, service: str, username: str) -> None:
            data = self._read()
            data.pop(f"{service}/{username}", None)
            self.file_path.write_text("".join(f"{k}\t{v}\n" for k, v in data.items()))

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    # keyring registers every backend class it sees: keep the stand-in out of its
    # automatic choice for the rest of the session.
    KeyringBackend._classes.discard(PlaintextKeyring)  # type: ignore[attr-defined]
    return PlaintextKeyring


@pytest.fixture
def plaintext_backend(tmp_path: Path) -> KeyringBackend:
    backend = _plaintext_backend_class()()
    backend.file_path = tmp_path / "keyring_pass.cfg"  # type: ignore[attr-defined]
    return backend


# -- the real Secret Service ------------------------------------------------------------------


def secret_service_items(account_id: str) -> list[bytes]:
    """The secrets stored under MailSentry's name for ``account_id``, read straight from
    the Secret Service over D-Bus (not through ``keyring``)."""
    with closing(secretstorage.dbus_init()) as connection:
        collection = secretstorage.get_default_collection(connection)
        items = collection.search_items({"service": SERVICE, "username": account_id})
        return [item.get_secret() for item in items]


def test_secret_service_round_trip(secret_keyring: KeyringBackend) -> None:
    store = SecretStore()  # keyring's default: the Secret Service the fixture started
    assert store.backend is secret_keyring
    password = 'pässwörd with spaces, "quotes" and \\ backslash'  # noqa: S105 - a test password
    store.set("imap-bob-example.org-1a2b", password)
    assert store.get("imap-bob-example.org-1a2b") == password
    assert secret_service_items("imap-bob-example.org-1a2b") == [password.encode()]
    store.set("imap-bob-example.org-1a2b", "changed")  # replaced, not added
    assert secret_service_items("imap-bob-example.org-1a2b") == [b"changed"]
    assert store.get("another-account") is None
    store.delete("imap-bob-example.org-1a2b")
    assert store.get("imap-bob-example.org-1a2b") is None
    assert secret_service_items("imap-bob-example.org-1a2b") == []
    store.delete("imap-bob-example.org-1a2b")  # deleting what is not there is fine
    assert "changed" not in repr(store)


# -- refused backends -------------------------------------------------------------------------


def test_no_keyring_says_so_and_how_to_fix_it() -> None:
    with pytest.raises(NoKeyring) as refused:
        SecretStore(fail.Keyring())
    message = str(refused.value)
    assert "No safe system keyring is available (keyring.backends.fail.Keyring)" in message
    assert HOW_TO_FIX in message
    assert "MAILSENTRY_PASSWORD" in message


def test_a_plaintext_keyring_is_refused(plaintext_backend: KeyringBackend) -> None:
    with pytest.raises(NoKeyring) as refused:
        SecretStore(plaintext_backend)
    message = str(refused.value)
    assert "keyrings.alt.file.PlaintextKeyring" in message
    assert HOW_TO_FIX in message


def test_a_chain_uses_only_its_safe_backend(
    secret_keyring: KeyringBackend, plaintext_backend: KeyringBackend
) -> None:
    """keyring chains every viable backend when there are several; MailSentry takes the
    safe one alone, so a password in a plaintext file is never read (nor written)."""
    plaintext_backend.set_password(SERVICE, "imap-planted", "from-a-plaintext-file")
    planted = Path(plaintext_backend.file_path).read_bytes()  # type: ignore[attr-defined]

    class Chain(ChainerBackend):
        backends = (secret_keyring, plaintext_backend)  # as keyring orders them

    KeyringBackend._classes.discard(Chain)  # type: ignore[attr-defined]
    chain = Chain()
    assert chain.get_password(SERVICE, "imap-planted") == "from-a-plaintext-file"
    store = SecretStore(chain)
    assert store.backend is secret_keyring
    assert store.get("imap-planted") is None
    store.set("imap-new", "kept-safe")
    assert secret_service_items("imap-new") == [b"kept-safe"]
    assert Path(plaintext_backend.file_path).read_bytes() == planted  # type: ignore[attr-defined]
    store.delete("imap-new")


@pytest.fixture(params=["fail", "plaintext"])
def refused_keyring(
    request: pytest.FixtureRequest, plaintext_backend: KeyringBackend
) -> Iterator[KeyringBackend]:
    """keyring's default backend is one MailSentry refuses (put back afterwards)."""
    previous = keyring.get_keyring()
    backend = fail.Keyring() if request.param == "fail" else plaintext_backend
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_the_command_never_falls_back_to_a_file(
    refused_keyring: KeyringBackend,
    dovecot: PrivateDovecot,
    mail_user: MailUser,
    cli: CliRunner,
    fault_proxy: Callable[..., FaultProxy],
) -> None:
    """With no safe keyring, ``accounts add`` stops before connecting (the server is
    behind a proxy that counts connections) and saves nothing anywhere; ``scan`` still
    works with MAILSENTRY_PASSWORD, and without it says what to do."""
    home = paths.config_dir().parent
    proxy = fault_proxy(hide_capabilities=())
    url = f"imap://{mail_user.name}@127.0.0.1:{proxy.port}"
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [corpus("hybris_english")])

    add = cli(
        "accounts", "add", "--host", "127.0.0.1", "--port", str(proxy.port),
        "--security", "plain", "--user", mail_user.name, password=mail_user.password,
    )  # fmt: skip
    assert add.code == 2
    (line,) = add.err.splitlines()
    assert "No safe system keyring is available" in line
    assert HOW_TO_FIX in line
    assert proxy.connections_accepted == 0
    assert not (home / "config" / "accounts.json").exists()
    assert files_holding(home, mail_user.password) == []
    plaintext_file = getattr(refused_keyring, "file_path", None)
    assert plaintext_file is None or not Path(plaintext_file).exists()

    assert cli("scan", url, password=mail_user.password).code == 1
    no_password = cli("scan", url)
    assert no_password.code == 2
    assert HOW_TO_FIX in no_password.err
    assert files_holding(home, mail_user.password) == []


# -- the password never shows -----------------------------------------------------------------


def accounts_for(dovecot: PrivateDovecot, user: MailUser) -> dict[str, Account]:
    def make(protocol: str, security: Security, port: int) -> Account:
        return Account(
            id=f"{protocol}-{security}-{user.name}",
            protocol=protocol,  # type: ignore[arg-type]
            host="127.0.0.1",
            port=port,
            security=security,
            username=user.name,
            cafile=str(dovecot.ca_path),
        )

    return {
        "imap-plain": make("imap", "plain", dovecot.imap_port),
        "imap-starttls": make("imap", "starttls", dovecot.imap_port),
        "imap-tls": make("imap", "tls", dovecot.imaps_port),
        "pop3-starttls": make("pop3", "starttls", dovecot.pop3_port),
        "pop3-tls": make("pop3", "tls", dovecot.pop3s_port),
    }


LOGGERS = ("imapclient", "imapclient.imaplib", "imaplib", "poplib", "app")


def test_no_password_in_reprs_command_log_or_debug_logs(
    dovecot: PrivateDovecot,
    mail_user: MailUser,
    secret_keyring: KeyringBackend,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    password = mail_user.password
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    caplog.set_level(logging.DEBUG)
    service = AccountService(AccountStore(tmp_path / "accounts.json"), SecretStore)
    shown: list[tuple[str, str]] = []
    for label, account in accounts_for(dovecot, mail_user).items():
        service.add(account, password, test=False)
        shown.append((f"repr of the {label} account", repr(account)))
        if account.protocol == "imap":
            client = open_imap(account, password)
            try:
                # imaplib keeps recent lines in _cmd_log (imapclient sends its own to
                # logging instead); either way no LOGIN line with the password stays.
                command_log = getattr(client._imap, "_cmd_log", {})
                shown.append((f"{label} _cmd_log", repr(command_log)))
                assert not any("LOGIN" in str(entry) for entry in command_log.values())
                shown.append((f"repr of the {label} client", repr(client)))
                shown.append((f"attributes of the {label} client", repr(vars(client))))
                shown.append(("attributes of its imaplib", repr(vars(client._imap))))
            finally:
                client.logout()
        else:
            pop = open_pop3(account, password)
            try:
                shown.append((f"repr of the {label} client", repr(pop)))
                shown.append((f"attributes of the {label} client", repr(vars(pop))))
            finally:
                pop.quit()
        report = account_service.test_connection(account, password)
        shown.append((f"{label} connection report", repr(report)))

    # Errors, with whatever they were raised from.
    wrong = password + "-wrong"
    kinds = accounts_for(dovecot, mail_user)
    for account in (kinds["imap-starttls"], kinds["pop3-tls"]):  # ~0.5 s each: Dovecot's delay
        with pytest.raises(LoginFailed) as failed:
            (open_imap if account.protocol == "imap" else open_pop3)(account, wrong)
        for error in (failed.value, failed.value.__context__, failed.value.__cause__):
            shown.append(("a login error", f"{error!r} {error}"))
    with pytest.raises(CertificateProblem) as bad_cert:
        open_imap(Account("x", "imap", "127.0.0.1", dovecot.imaps_port, "tls", "u"), password)
    shown.append(("a certificate error", repr(bad_cert.value)))

    state = State(tmp_path / "state.sqlite3")
    watch = Watch(
        list(accounts_for(dovecot, mail_user).values()),
        service,
        state,
        settings.defaults(),
        LocalCopies(tmp_path / "copies"),
    )
    shown += [("the account service", repr(service)), ("the watch", repr(watch))]
    state.close()

    records = caplog.records
    assert any("LOGIN" in r.getMessage() for r in records), "the debug log was not captured"
    shown += [(f"the log record of {r.name}", f"{r.getMessage()} {r.args!r}") for r in records]
    for where, text in shown:
        assert_secret_absent(password, text, where)
        assert_secret_absent(wrong, text, where)
    assert isinstance(failed.value, MailError)


def test_no_password_on_the_command_line_output(
    dovecot: PrivateDovecot, mail_user: MailUser, secret_keyring: KeyringBackend, cli: CliRunner
) -> None:
    password = mail_user.password
    dovecot.append_many(
        mail_user.name, password, "INBOX", [corpus("hybris_english"), corpus("plain_text")]
    )
    imap = f"imap://{mail_user.name}@127.0.0.1:{dovecot.imap_port}"
    runs = [
        cli(
            "accounts", "add", "--host", "127.0.0.1", "--port", str(dovecot.imaps_port),
            "--cafile", str(dovecot.ca_path), "--user", mail_user.name, password=password,
        ),
        cli("accounts", "list"),
        cli("accounts", "test", f"{mail_user.name}@127.0.0.1"),
        cli("scan", "--format", "jsonl", imap, password=password),
        cli("scan", f"pop3://{mail_user.name}@127.0.0.1:{dovecot.pop3_port}", password=password),
        cli("scan", "--quarantine", "--dry-run", imap, password=password),
        cli("scan", imap, password=password + "-wrong"),
        cli("watch", "--once"),
        cli("scan", "--quarantine", imap, password=password),
    ]  # fmt: skip
    # (`watch --once` quarantined the dangerous message: the last scan finds none.)
    assert [r.code for r in runs] == [0, 0, 0, 1, 1, 1, 2, 1, 0]
    assert re.search(r"refused the user name or password", runs[6].err)
    for number, run in enumerate(runs):
        for stream, text in (("stdout", run.out), ("stderr", run.err)):
            assert_secret_absent(password, text, f"the {stream} of command {number}")
    cli("accounts", "remove", f"{mail_user.name}@127.0.0.1")
    assert secret_service_items(f"imap-{mail_user.name}") == []
