"""Judge one message: every reading, every detector, the worst verdict kept."""

from __future__ import annotations

from app.core.detectors import BY_ID, Context, Hit, run_all
from app.core.facts import MessageFacts
from app.core.parse import readings
from app.core.rules import Rules
from app.core.verdict import Verdict, decide


def judge_facts(facts: MessageFacts, rules: Rules) -> Verdict:
    """The verdict on one reading of a message."""
    return decide(facts, run_all(facts, Context(rules.policy)), rules)


def judge_readings(all_facts: list[MessageFacts], rules: Rules) -> Verdict:
    """The worst verdict over every reading."""
    worst: Verdict | None = None
    for facts in all_facts:
        verdict = judge_facts(facts, rules)
        if worst is None or verdict.worse_than(worst):
            worst = verdict
    assert worst is not None  # noqa: S101 - readings() always yields one reading
    return worst


def judge_bytes(raw: bytes, rules: Rules) -> tuple[Verdict, list[MessageFacts]]:
    """Judge raw message bytes; a message that cannot be parsed at all is suspicious."""
    try:
        all_facts = readings(raw)
        return judge_readings(all_facts, rules), all_facts
    except Exception as error:  # noqa: BLE001 - a hostile message must not stop a scan
        return unreadable(type(error).__name__), []


def unreadable(reason: str) -> Verdict:
    """The verdict on a message that could not be read at all (by the parser, or from
    the server): suspicious, never clean, with the reason as its evidence."""
    finding = BY_ID["UNREADABLE"].finding(Hit((f"the message could not be read: {reason}",)))
    return decide(MessageFacts((), ()), (finding,), Rules())
