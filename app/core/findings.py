"""What a detector reports: a finding with its evidence, and how serious it is."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum


class Severity(IntEnum):
    """How much a finding weighs on its own (SpamAssassin-style score per finding)."""

    INFO = 0
    LOW = 1
    MEDIUM = 3
    HIGH = 5

    @property
    def label(self) -> str:
        return self.name.lower()


class Level(Enum):
    """The verdict on a whole message, ordered from harmless to dangerous."""

    CLEAN = "clean"
    SUSPICIOUS = "suspicious"
    DANGEROUS = "dangerous"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Level.CLEAN: 0, Level.SUSPICIOUS: 1, Level.DANGEROUS: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One observation about a message, explained, with the evidence the user sees.

    ``part`` names the MIME part it is about (None for the whole message), so rules can
    combine findings about the same attachment.
    """

    id: str
    severity: Severity
    summary: str
    explanation: str
    evidence: tuple[str, ...]
    part: str | None = None
