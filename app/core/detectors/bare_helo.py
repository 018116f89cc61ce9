"""The sending computer introduced itself with a bare PC name.

When a mail server receives a message it records the name the sending computer gave
(its HELO). Real mail servers give a full domain name (``mail.example.co.jp``). A name
with no dot, such as ``oemcomputer`` or ``computer``, ``localhost``, or a bare address
such as ``[203.0.113.5]`` is a home PC or a mail-sending program talking directly to
your provider, which is what mass-mailing worms do. On its own this is only a hint.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from app.core.detectors.base import Context, Hit
from app.core.facts import Hop, MessageFacts
from app.core.findings import Severity

ID = "BARE_HELO"
SEVERITY = Severity.LOW

_AUTHENTICATED = re.compile(r"\bwith\s+E?SMTPS?A\b|authenticated", re.I)


def detect(facts: MessageFacts, ctx: Context) -> Iterator[Hit]:
    hop = provider_hop(facts.received)
    if hop is None or hop.helo is None:
        return
    helo = helo_name(hop)
    what = helo_problem(helo)
    if what:
        yield Hit((f"Received: {' '.join(hop.raw.split())}", f"HELO name: {helo} ({what})"))


_EXIM_HELO = re.compile(r"\([^()]*?\bhelo=([^()\s]+)", re.I)
_LOCALHOST = frozenset({"localhost", "localhost.localdomain", "localhost6"})


def helo_name(hop: Hop) -> str:
    """The name the client gave: Exim writes it as ``(helo=name)`` after the host it
    verified (or the bare address when it verified none)."""
    exim = _EXIM_HELO.search(hop.raw)
    return exim.group(1).strip("[]") if exim else hop.helo or ""


def helo_problem(helo: str) -> str | None:
    """Why a HELO name is not a mail server's name, or None if it is one."""
    if helo.lower() in _LOCALHOST:
        return "localhost"
    try:
        ipaddress.ip_address(helo.removeprefix("IPv6:").removeprefix("ipv6:"))
    except ValueError:
        pass
    else:
        return "an address, not a name"
    if "." not in helo and ":" not in helo:
        return "no domain"
    return None


def provider_hop(hops: tuple[Hop, ...]) -> Hop | None:
    """The newest hop from outside: the one the user's provider recorded.

    Hops from private or loopback addresses are the provider's own relays; hops where
    the sender logged in are a customer submitting mail through its own provider.
    """
    for hop in hops:
        if hop.helo is None or _AUTHENTICATED.search(hop.raw):
            continue
        if hop.ip is not None and _is_internal(hop.ip):
            continue
        return hop
    return None


#: Networks a provider's own relays use. Not ``is_private``: Python counts the
#: documentation and benchmark ranges as private too, and those are outside hosts here.
_INTERNAL = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
    )
)


def _is_internal(ip: str) -> bool:
    try:
        address = ipaddress.ip_address(ip.removeprefix("IPv6:"))
    except ValueError:
        return False
    return any(address in network for network in _INTERNAL if network.version == address.version)
