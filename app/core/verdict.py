"""From findings to a verdict: rules over finding ids, kept apart from the detectors.

Like SpamAssassin's meta rules, each rule names the findings it combines, so every
verdict can say which rule made it. Trust in the sender can lower *suspicious* mail to
clean and keeps a lone executable from a colleague at *suspicious*; it never turns
*dangerous* into anything else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.core.facts import MessageFacts
from app.core.findings import Finding, Level
from app.core.risk import exposure
from app.core.rules import Rules

EXECUTABLE = frozenset({"EXECUTABLE_ATTACHMENT", "EXECUTABLE_CONTENT", "EXECUTABLE_IN_ARCHIVE"})
TRICKS = frozenset(
    {
        "DOUBLE_EXTENSION",
        "HIDDEN_CHARACTERS",
        "NAME_TRAILING_JUNK",
        "CLSID_EXTENSION",
        "LOOKALIKE_EXTENSION",
        "PADDED_NAME",
        "TYPE_MISMATCH",
        "HYBRIS_NAME",
        "ENCRYPTED_ARCHIVE",
    }
)
NO_TRUST = frozenset({"MULTIPLE_FROM", "DISPLAY_NAME_SPOOF"})
#: Findings that make a message suspicious on their own, and how a reason says so.
ALWAYS_SUSPICIOUS = {
    "ARCHIVE_UNLISTABLE": "an archive whose contents cannot be listed",
    "MULTIPLE_FROM": "more than one sender",
    "DISPLAY_NAME_SPOOF": "a sender name that shows another address",
}
#: What the Hybris envelope needs besides a missing sender, subject and text before it
#: counts without its attachment: a trace that something was sent and removed.
REMOVAL_TRACES = frozenset({"NULL_SENDER", "ATTACHMENT_REMOVED"})
#: Findings that make a message suspicious when the sender is not known.
STRANGER_SUSPICIOUS = {
    "RISKY_ATTACHMENT": "a risky type of attachment from a sender you do not know",
    "MACRO_DOCUMENT": "a macro document from a sender you do not know",
    "ENCRYPTED_ARCHIVE": "a password-protected archive from a sender you do not know",
}


@dataclass(frozen=True)
class Verdict:
    """The judgement of one message: level, score, the findings and the rules that
    decided, in plain words."""

    level: Level
    score: float
    findings: tuple[Finding, ...]
    reasons: tuple[str, ...]
    known_sender: bool = False
    reading: str = "first"

    def worse_than(self, other: Verdict) -> bool:
        return (self.level.rank, self.score) > (other.level.rank, other.score)


def decide(facts: MessageFacts, findings: Iterable[Finding], rules: Rules) -> Verdict:
    """Apply the verdict rules to the findings of one reading."""
    found = tuple(findings)
    ids = {f.id for f in found}
    known = is_known_sender(facts, rules) and not ids & NO_TRUST
    dangerous = _dangerous_reasons(facts, found, ids, known)
    suspicious = _suspicious_reasons(facts, found, ids, known)
    suspicious += _doubt_reasons(facts, found, rules)
    level = Level.DANGEROUS if dangerous else Level.SUSPICIOUS if suspicious else Level.CLEAN
    reasons = dangerous or suspicious
    score = float(sum(int(f.severity) for f in found))
    return Verdict(level, score, found, tuple(reasons), known, facts.reading)


def _parts_with(found: tuple[Finding, ...], ids: frozenset[str]) -> set[str | None]:
    return {f.part for f in found if f.id in ids}


def _dangerous_reasons(
    facts: MessageFacts, found: tuple[Finding, ...], ids: set[str], known: bool
) -> list[str]:
    reasons: list[str] = []
    programs = _parts_with(found, EXECUTABLE)
    risky = programs | _parts_with(found, frozenset({"RISKY_ATTACHMENT"}))
    if _is_hybris(facts, ids, programs):
        reasons.append(
            "the W32.Hybris pattern: no sender, no subject, no text, and the "
            "only content is a program"
        )
    if risky & _parts_with(found, TRICKS):
        reasons.append("a program hidden by a naming or type trick")
    if ids & {"EXECUTABLE_IN_MESSAGE", "FAKE_BOUNCE"}:
        reasons.append("a program inside a bounce, fake bounce or attached message")
    if programs and not known:
        reasons.append("a program from a sender you do not know")
    return reasons


def _is_hybris(facts: MessageFacts, ids: set[str], programs: set[str | None]) -> bool:
    envelope = ids & {"NULL_SENDER", "EMPTY_FROM"} and {"NO_SUBJECT", "NO_TEXT"} <= ids
    attachments = {p.path for p in facts.attachments}
    return bool(envelope and attachments and attachments <= programs)


def _suspicious_reasons(
    facts: MessageFacts, found: tuple[Finding, ...], ids: set[str], known: bool
) -> list[str]:
    reasons = [text for key, text in ALWAYS_SUSPICIOUS.items() if key in ids]
    if ids & EXECUTABLE:
        reasons.append("a program, even from a sender you know")
    if not known:
        reasons.extend(text for key, text in STRANGER_SUSPICIOUS.items() if key in ids)
    if _parts_with(found, TRICKS - {"ENCRYPTED_ARCHIVE", "HYBRIS_NAME"}):
        reasons.append("an attachment name or type trick")
    envelope = ids & {"NULL_SENDER", "EMPTY_FROM"} and {"NO_SUBJECT", "NO_TEXT"} <= ids
    if envelope and ids & REMOVAL_TRACES and not facts.attachments:
        reasons.append("the W32.Hybris envelope with its attachment already removed")
    return reasons


def _doubt_reasons(facts: MessageFacts, found: tuple[Finding, ...], rules: Rules) -> list[str]:
    """Doubts about the reading itself (a second reading, a defect) count only when this
    reading could do harm (`app.core.risk`), or when a check could not run at all (its
    evidence is not one of the reader's defects): a clumsily built message that holds
    only text or harmless files is not suspicious."""
    ids = {f.id for f in found}
    failed = any(
        f.id == "UNREADABLE" and not set(f.evidence) & set(facts.defects) for f in found
    )
    if not (failed or (ids & {"PARSER_AMBIGUITY", "UNREADABLE"} and exposure(facts, rules.policy))):
        return []
    reasons: list[str] = []
    if "PARSER_AMBIGUITY" in ids:
        reasons.append("a message that can be read in more than one way")
    if "UNREADABLE" in ids:
        reasons.append("a message that cannot be read fully")
    return reasons


def my_address(facts: MessageFacts, rules: Rules) -> str | None:
    """The user's own address: configured, else the message's recipient."""
    if rules.me:
        return rules.me
    for header in ("Delivered-To", "X-Original-To"):
        value = facts.first(header)
        if value and "@" in value:
            return value.strip().strip("<>")
    addresses = [a.addr for a in facts.to if a.addr]
    return addresses[0] if len(addresses) == 1 else None


def is_known_sender(facts: MessageFacts, rules: Rules) -> bool:
    """On the trusted list, or from the user's own domain."""
    senders = [a.addr.lower() for a in facts.from_ if a.addr]
    if len(senders) != 1:
        return False
    sender = senders[0]
    domain = sender.rpartition("@")[2]
    if sender in rules.trusted_senders or domain in rules.trusted_domains:
        return True
    me = my_address(facts, rules)
    return bool(me and "@" in me and domain == me.rpartition("@")[2].lower())
