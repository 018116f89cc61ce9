"""Accounts as the CLI and the GUI use them: add, test, remove, find the password, and
turn a server URL into an account.

Passwords come from the keyring, else the ``MAILSENTRY_PASSWORD`` environment variable
(for one command), else the caller's prompt; they are never stored anywhere else.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from app.mail.connect import open_imap, open_pop3, server_errors
from app.mail.imap_session import close_quietly
from app.store.accounts import (
    DEFAULT_PORTS,
    Account,
    AccountError,
    AccountStore,
    is_loopback,
)
from app.store.secrets import NoKeyring, SecretStore

PASSWORD_ENV = "MAILSENTRY_PASSWORD"  # noqa: S105 - the variable's name, not a password


@dataclass(frozen=True)
class ConnectionReport:
    """What ``accounts test`` found; nothing on the server was changed to find it."""

    capabilities: tuple[str, ...]
    folders: tuple[str, ...]
    messages: int


class AccountService:
    """The accounts file plus the keyring, used together."""

    def __init__(self, store: AccountStore, secrets: Callable[[], SecretStore]) -> None:
        self.store = store
        self._secrets = secrets

    def add(self, account: Account, password: str, *, test: bool = True) -> ConnectionReport | None:
        """Check, optionally test, then save the account and its password. A missing
        keyring is found before anything is sent to the server."""
        account.check()
        secrets = self._secrets()
        report = test_connection(account, password) if test else None
        secrets.set(account.id, password)
        self.store.add(account)
        return report

    def remove(self, account: Account) -> None:
        self.store.remove(account.id)
        with suppress(NoKeyring):  # nothing can be stored where there is no keyring
            self._secrets().delete(account.id)

    def password(self, account: Account, prompt: Callable[[str], str] | None = None) -> str:
        """Keyring, else ``MAILSENTRY_PASSWORD``, else ``prompt`` (if given)."""
        problem: NoKeyring | None = None
        try:
            stored = self._secrets().get(account.id)
        except NoKeyring as error:
            stored, problem = None, error
        if stored:
            return stored
        from_env = os.environ.get(PASSWORD_ENV)
        if from_env:
            return from_env
        if prompt is not None:
            return prompt(f"Password for {account.label}: ")
        if problem is not None:
            raise problem
        raise AccountError(
            f"no password for {account.label}: store one with 'mailsentry accounts add', "
            f"or set {PASSWORD_ENV} for one command"
        )


def test_connection(account: Account, password: str) -> ConnectionReport:
    """Connect and log in, list capabilities and folders; change nothing."""
    if account.protocol == "imap":
        client = open_imap(account, password)
        try:
            with server_errors():
                capabilities = tuple(c.decode("ascii", "replace") for c in client.capabilities())
                folders = tuple(name for _flags, _sep, name in client.list_folders())
                count = int(client.folder_status("INBOX", ["MESSAGES"])[b"MESSAGES"])
        finally:
            close_quietly(client)
        return ConnectionReport(capabilities, folders, count)
    server = open_pop3(account, password)
    try:
        capabilities = tuple(server.capa())
        count = server.stat()[0]
    finally:
        server.quit()
    return ConnectionReport(capabilities, ("INBOX",), count)


_SCHEMES = {
    "imap": ("imap", "plain"),
    "imaps": ("imap", "tls"),
    "pop3": ("pop3", "plain"),
    "pop3s": ("pop3", "tls"),
    "pop": ("pop3", "plain"),
    "pops": ("pop3", "tls"),
}


def is_server_url(text: str) -> bool:
    return re.match(r"^(imaps?|pop3?s?)://", text, re.I) is not None


def account_from_url(url: str, store: AccountStore, *, cafile: str = "") -> tuple[Account, str]:
    """The account a server URL names, and the folder. A configured account with the
    same user, host and port is used as it is; otherwise a transient one is made.

    Plain ``imap://``/``pop3://`` use STARTTLS (and refuse a server without it),
    except to a loopback address where the test servers run in plain text.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES or not parts.hostname or not parts.username:
        raise AccountError(
            f"{url}: expected imap[s]://USER@HOST[:PORT][/FOLDER] or pop3[s]://USER@HOST[:PORT]"
        )
    protocol, security = _SCHEMES[scheme]
    host = parts.hostname
    user = unquote(parts.username)
    folder = unquote(parts.path.lstrip("/")).split(";", 1)[0] or "INBOX"
    port = parts.port or DEFAULT_PORTS[(protocol, security)]
    for account in store.load():
        if (account.protocol, account.host, account.port, account.username) == (
            protocol,
            host,
            port,
            user,
        ):
            return account, folder
    account = Account(
        id=re.sub(r"[^a-z0-9.@]+", "-", f"url-{protocol}-{user}-{host}-{port}".lower()),
        protocol=protocol,  # type: ignore[arg-type]
        host=host,
        port=port,
        security="plain"
        if security == "plain" and is_loopback(host)
        else ("starttls" if security == "plain" else "tls"),
        username=user,
        folders=(folder,),
        cafile=cafile,
    )
    account.check()
    return account, folder
