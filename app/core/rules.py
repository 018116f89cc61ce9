"""The user's rules the verdict depends on: whom to trust, and the extension policy.

This is the pure, already-validated form; reading and checking the settings file is
`app.store.settings`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.extensions import ExtensionPolicy, default_policy


@dataclass(frozen=True)
class Rules:
    """Trusted senders and domains, the user's own address, and the extension policy."""

    policy: ExtensionPolicy = field(default_factory=default_policy)
    trusted_senders: frozenset[str] = frozenset()
    trusted_domains: frozenset[str] = frozenset()
    me: str | None = None
