"""The detectors: one module each, registered in `DETECTORS` below.

Each module's docstring *is* its user documentation: the first line is the one-line
summary and the rest the explanation (``mailsentry explain ID`` prints it). A module
defines ``ID``, ``SEVERITY`` and ``detect(facts, ctx)``, which yields `Hit`s. Detectors
never decide the verdict; `app.core.verdict` does, from their ids.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType

from app.core.detectors import (
    archive_unlistable,
    attachment_removed,
    bare_helo,
    clsid_extension,
    display_name_spoof,
    double_extension,
    empty_from,
    encrypted_archive,
    executable_attachment,
    executable_content,
    executable_in_archive,
    executable_in_message,
    fake_bounce,
    hidden_characters,
    hybris_name,
    lookalike_extension,
    macro_document,
    multiple_from,
    no_subject,
    no_text,
    null_sender,
    padded_name,
    parser_ambiguity,
    risky_attachment,
    trailing_junk,
    type_mismatch,
    undisclosed_recipients,
    unreadable,
)
from app.core.detectors.base import Context, Hit
from app.core.facts import MessageFacts
from app.core.findings import Finding, Severity

MODULES: tuple[ModuleType, ...] = (
    null_sender,
    empty_from,
    no_subject,
    no_text,
    attachment_removed,
    executable_attachment,
    risky_attachment,
    macro_document,
    executable_content,
    type_mismatch,
    double_extension,
    hidden_characters,
    trailing_junk,
    clsid_extension,
    lookalike_extension,
    padded_name,
    hybris_name,
    bare_helo,
    undisclosed_recipients,
    executable_in_archive,
    archive_unlistable,
    encrypted_archive,
    executable_in_message,
    fake_bounce,
    multiple_from,
    display_name_spoof,
    parser_ambiguity,
    unreadable,
)


@dataclass(frozen=True)
class Detector:
    """A registered detector: its id, weight, words for people, and its check."""

    id: str
    severity: Severity
    summary: str
    explanation: str
    detect: Callable[[MessageFacts, Context], Iterable[Hit]]

    @classmethod
    def from_module(cls, module: ModuleType) -> Detector:
        # The docstring is written for developers too: ``code`` reads as plain code.
        doc = inspect.cleandoc(module.__doc__ or "").replace("``", "")
        summary, _, explanation = doc.partition("\n")
        return cls(module.ID, module.SEVERITY, summary.strip(), explanation.strip(), module.detect)

    def finding(self, hit: Hit) -> Finding:
        return Finding(
            self.id,
            hit.severity or self.severity,
            self.summary,
            self.explanation,
            hit.evidence,
            hit.part,
        )


DETECTORS: tuple[Detector, ...] = tuple(Detector.from_module(m) for m in MODULES)
BY_ID: dict[str, Detector] = {d.id: d for d in DETECTORS}


def run_all(facts: MessageFacts, ctx: Context) -> list[Finding]:
    """Every finding of every detector. A detector that crashes on a hostile message
    makes the message unreadable (never clean), and the others still run."""
    findings: list[Finding] = []
    for detector in DETECTORS:
        try:
            findings.extend(detector.finding(hit) for hit in detector.detect(facts, ctx))
        except Exception as error:  # noqa: BLE001 - any crash must degrade, not escape
            findings.append(
                BY_ID["UNREADABLE"].finding(
                    Hit(
                        (f"the {detector.id} check failed on this message: {type(error).__name__}",)
                    )
                )
            )
    return findings


__all__ = ["BY_ID", "DETECTORS", "Context", "Detector", "Hit", "run_all"]
