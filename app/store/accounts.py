"""Mail accounts: where the server is, how to reach it safely, what to watch.

Kept in ``accounts.json`` beside the settings; never a password (those are in the
keyring under the account's stable `Account.id`).
"""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from app.store import paths

Protocol = Literal["imap", "pop3"]
Security = Literal["tls", "starttls", "plain"]

DEFAULT_PORTS: dict[tuple[str, str], int] = {
    ("imap", "tls"): 993,
    ("imap", "starttls"): 143,
    ("imap", "plain"): 143,
    ("pop3", "tls"): 995,
    ("pop3", "starttls"): 110,
    ("pop3", "plain"): 110,
}
VERDICT_ACTIONS = ("quarantine", "delete", "mark", "leave")
#: What a mailbox's first scan does with mail the actions would move: "act" at once
#: (the command line's way), "ask" the user once (the desktop app's new accounts), or
#: "review": hold it, listed, for the user to decide.
FIRST_SCAN = ("act", "ask", "review")


class AccountError(ValueError):
    """An account that cannot be used as configured; the message says why."""


@dataclass(frozen=True)
class Account:
    """One mailbox on one server. ``id`` never changes, so keyring entries and the
    state database stay attached to it when the account is edited."""

    id: str
    protocol: Protocol
    host: str
    port: int
    security: Security
    username: str
    address: str = ""
    folders: tuple[str, ...] = ("INBOX",)
    quarantine: str = "Quarantine"
    allow_plaintext: bool = False
    pinned_sha256: str = ""
    cafile: str = ""
    actions: dict[str, str] = field(default_factory=dict)
    first_scan: str = "act"

    @property
    def url_authority(self) -> str:
        """``USER@HOST:PORT`` for mail URLs, an IPv6 address in brackets (RFC 3986)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{quote(self.username, safe='')}@{host}:{self.port}"

    @property
    def label(self) -> str:
        return self.address or f"{self.username}@{self.host}"

    def check(self) -> None:
        """Refuse settings that would leak a password or cannot work."""
        if self.protocol not in ("imap", "pop3"):
            raise AccountError(f"unknown protocol {self.protocol!r} (imap or pop3)")
        if self.security not in ("tls", "starttls", "plain"):
            raise AccountError(f"unknown security {self.security!r} (tls, starttls, plain)")
        if not self.host or not self.username:
            raise AccountError("an account needs a server and a user name")
        if not 0 < self.port < 65536:
            raise AccountError(f"port {self.port} is not a TCP port")
        if self.security == "plain" and not self.allow_plaintext and not is_loopback(self.host):
            raise AccountError(
                f"{self.host} would receive your password unencrypted. Use tls or "
                "starttls, or allow plaintext for this account explicitly."
            )
        for verdict, action in self.actions.items():
            if verdict not in ("dangerous", "suspicious") or action not in VERDICT_ACTIONS:
                raise AccountError(f"action {verdict}={action} is not valid")
        if self.first_scan not in FIRST_SCAN:
            raise AccountError(f"first_scan {self.first_scan!r} is not one of {FIRST_SCAN}")

    def __repr__(self) -> str:  # no secrets here, but keep logs short
        return f"Account({self.id!r}, {self.protocol}://{self.username}@{self.host}:{self.port})"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_id(protocol: str, username: str, host: str) -> str:
    """A stable, readable id: ``imap-alice-example.org-3f9a``."""
    slug = re.sub(r"[^a-z0-9.]+", "-", f"{protocol}-{username}-{host}".lower()).strip("-")
    return f"{slug[:60]}-{secrets.token_hex(2)}"


class AccountStore:
    """The accounts file: read whole, written whole and atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> list[Account]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as error:
            raise AccountError(f"{self.path} cannot be read: {error}") from None
        return [_from_json(item) for item in data.get("accounts", [])]

    def save(self, accounts: list[Account]) -> None:
        payload = {"accounts": [_to_json(a) for a in accounts]}
        paths.write_private(self.path, json.dumps(payload, indent=2, ensure_ascii=False))

    def get(self, key: str) -> Account:
        """An account by id, address or ``user@host``."""
        for account in self.load():
            if key in (account.id, account.address, f"{account.username}@{account.host}"):
                return account
        raise AccountError(f"no account {key!r} (see 'mailsentry accounts list')")

    def add(self, account: Account) -> None:
        account.check()
        accounts = [a for a in self.load() if a.id != account.id]
        self.save([*accounts, account])

    def remove(self, account_id: str) -> None:
        self.save([a for a in self.load() if a.id != account_id])

    def update(self, account: Account, **changes: Any) -> Account:
        changed = replace(account, **changes)
        self.add(changed)
        return changed


def _to_json(account: Account) -> dict[str, Any]:
    data = asdict(account)
    data["folders"] = list(account.folders)
    return data


def _from_json(data: dict[str, Any]) -> Account:
    try:
        data = dict(data)
        data["folders"] = tuple(data.get("folders", ("INBOX",)))
        return Account(**data)
    except TypeError as error:
        raise AccountError(f"an account entry is not valid: {error}") from None
