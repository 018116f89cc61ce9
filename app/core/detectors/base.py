"""What every detector module shares: its context and what it yields."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.extensions import ExtensionPolicy
from app.core.findings import Severity


@dataclass(frozen=True)
class Context:
    """What a detector may know besides the message: the extension policy in force."""

    policy: ExtensionPolicy


@dataclass(frozen=True)
class Hit:
    """One place a detector fired: the evidence lines and the part they are about.

    ``severity`` overrides the detector's default (a stronger or weaker variant).
    """

    evidence: tuple[str, ...]
    part: str | None = None
    severity: Severity | None = None
