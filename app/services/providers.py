"""Where a mailbox's server probably is, from the e-mail address alone.

Well-known providers come from ``resources/providers.toml`` (facts the providers
publish); any other domain gets the usual names guessed (``imap.DOMAIN``,
``mail.DOMAIN``, ``pop.DOMAIN``…). Nothing here connects: the dialog pre-fills its
fields from the first guess and the user's *Test connection* decides.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, cast

from app.resources import resource
from app.store.accounts import Protocol, Security

UserName = Literal["address", "local", "other"]

#: Names servers are commonly given, most likely first, with implicit TLS before
#: STARTTLS. Plain text is never guessed: a password must not leave unencrypted.
GENERIC: tuple[tuple[Protocol, str, int, Security], ...] = (
    ("imap", "imap", 993, "tls"),
    ("imap", "mail", 993, "tls"),
    ("imap", "imap", 143, "starttls"),
    ("imap", "mail", 143, "starttls"),
    ("pop3", "pop", 995, "tls"),
    ("pop3", "pop3", 995, "tls"),
    ("pop3", "mail", 995, "tls"),
    ("pop3", "pop", 110, "starttls"),
)


class ProviderTableError(ValueError):
    """``providers.toml`` does not say what this module expects; names the entry."""


@dataclass(frozen=True)
class Server:
    """One published incoming server."""

    host: str
    port: int
    security: Security


@dataclass(frozen=True)
class Provider:
    """A mail provider and what it publishes for its domains."""

    name: str
    domains: tuple[str, ...]
    username: UserName
    note: str = ""
    imap: Server | None = None
    pop3: Server | None = None

    def matches(self, domain: str) -> bool:
        """``domain`` is one of ours or a sub-domain of one (``ab.so-net.ne.jp``)."""
        return any(domain == d or domain.endswith(f".{d}") for d in self.domains)

    def base_domain(self, domain: str) -> str:
        """The listed domain ``domain`` falls under, to guess server names from."""
        return next(d for d in self.domains if domain == d or domain.endswith(f".{d}"))


@dataclass(frozen=True)
class ServerGuess:
    """Settings to try for one address. ``provider`` is empty for a pure guess, and
    ``known`` says whether the provider publishes this server or it was guessed."""

    protocol: Protocol
    host: str
    port: int
    security: Security
    username: str
    provider: str = ""
    note: str = ""
    known: bool = False


def split_address(address: str) -> tuple[str, str] | None:
    """``(local part, lower-case domain)``, or None while it is not an address yet."""
    local, at, domain = address.strip().rpartition("@")
    domain = domain.lower().rstrip(".")
    if not at or not local or "." not in domain or domain.startswith(".") or " " in domain:
        return None
    return local, domain


def find(domain: str) -> Provider | None:
    """The built-in provider for ``domain`` (or a parent domain), if any."""
    domain = domain.lower().rstrip(".")
    return next((p for p in providers() if p.matches(domain)), None)


def guess(address: str) -> list[ServerGuess]:
    """Servers to try for ``address``: the provider's published ones first, then
    names guessed from the domain; empty while ``address`` is incomplete."""
    parts = split_address(address)
    if parts is None:
        return []
    local, domain = parts
    provider = find(domain)
    if provider is None:
        return [
            ServerGuess(protocol, f"{prefix}.{domain}", port, security, address.strip())
            for protocol, prefix, port, security in GENERIC
        ]
    username = {"address": address.strip(), "local": local, "other": ""}[provider.username]
    published: tuple[tuple[Protocol, Server | None], ...] = (
        ("imap", provider.imap),
        ("pop3", provider.pop3),
    )
    guesses = [
        ServerGuess(
            protocol,
            server.host,
            server.port,
            server.security,
            username,
            provider.name,
            provider.note,
            known=True,
        )
        for protocol, server in published
        if server is not None
    ]
    # Protocols the provider publishes no server for are guessed from its domain.
    known = {g.protocol for g in guesses}
    base = provider.base_domain(domain)
    guesses += [
        ServerGuess(
            protocol, f"{prefix}.{base}", port, security, username, provider.name, provider.note
        )
        for protocol, prefix, port, security in GENERIC
        if protocol not in known
    ]
    return guesses


@cache
def providers() -> tuple[Provider, ...]:
    """The shipped table (read once)."""
    return load(resource("providers.toml"))


def load(path: Path) -> tuple[Provider, ...]:
    """Read and check a provider table; a wrong entry is an error naming it."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(_provider(entry, path) for entry in data.get("provider", []))


def _provider(entry: dict[str, Any], path: Path) -> Provider:
    name = entry.get("name")
    where = f"{path}: provider {name!r}"
    if not isinstance(name, str) or not name:
        raise ProviderTableError(f"{path}: a provider without a name")
    domains = entry.get("domains")
    if (
        not isinstance(domains, list)
        or not domains
        or not all(isinstance(d, str) and d == d.lower() and "." in d for d in domains)
    ):
        raise ProviderTableError(f"{where}: domains must be a list of lower-case domains")
    username = entry.get("username", "address")
    if username not in ("address", "local", "other"):
        raise ProviderTableError(f"{where}: username must be address, local or other")
    note = entry.get("note", "")
    if not isinstance(note, str):
        raise ProviderTableError(f"{where}: note must be text")
    return Provider(
        name,
        tuple(domains),
        cast(UserName, username),
        note,
        imap=_server(entry.get("imap"), f"{where}, imap"),
        pop3=_server(entry.get("pop3"), f"{where}, pop3"),
    )


def _server(table: object, where: str) -> Server | None:
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ProviderTableError(f"{where}: expected {{ host, port, security }}")
    host, port, security = table.get("host"), table.get("port"), table.get("security")
    if not isinstance(host, str) or not host:
        raise ProviderTableError(f"{where}: host must be a server name")
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise ProviderTableError(f"{where}: port must be a TCP port")
    if security not in ("tls", "starttls"):
        raise ProviderTableError(f"{where}: security must be tls or starttls")
    return Server(host, port, cast(Security, security))
