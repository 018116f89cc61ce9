"""The corpus: every message in tests/corpus/messages/ gets exactly its expected verdict
and exactly its expected finding ids (tests/corpus/expectations.toml).

The messages are written by tests/corpus/make_corpus.py; the expectations were decided
from the product rules and the detector documentation, not copied from the output.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from app.core.detectors import BY_ID
from app.core.judge import judge_bytes
from app.core.rules import Rules
from tests.corpus import make_corpus

CORPUS = Path(__file__).resolve().parent / "corpus"
MESSAGES = CORPUS / "messages"
EXPECTATIONS: dict[str, dict[str, Any]] = tomllib.loads(
    (CORPUS / "expectations.toml").read_text(encoding="utf-8")
)
FILES = sorted(MESSAGES.glob("*.eml"))
VERDICTS = {"dangerous", "suspicious", "clean"}
KEYS = {"verdict", "findings", "why", "me", "trusted_senders", "trusted_domains"}


def rules_for(entry: dict[str, Any]) -> Rules:
    return Rules(
        trusted_senders=frozenset(s.lower() for s in entry.get("trusted_senders", ())),
        trusted_domains=frozenset(d.lower() for d in entry.get("trusted_domains", ())),
        me=entry.get("me"),
    )


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_message_gets_its_expected_verdict_and_findings(path: Path) -> None:
    entry = EXPECTATIONS.get(path.stem)
    assert entry is not None, f"{path.name} has no entry in expectations.toml"
    verdict, _ = judge_bytes(path.read_bytes(), rules_for(entry))
    got = (verdict.level.value, sorted({f.id for f in verdict.findings}))
    expected = (entry["verdict"], sorted(entry["findings"]))
    assert got == expected, f"{path.name}: {entry['why']}"


def test_every_expectation_has_a_message() -> None:
    names = {p.stem for p in FILES}
    assert sorted(set(EXPECTATIONS) - names) == []


def test_expectations_are_well_formed() -> None:
    for name, entry in EXPECTATIONS.items():
        assert set(entry) <= KEYS, name
        assert entry["verdict"] in VERDICTS, name
        assert entry["findings"] == sorted(set(entry["findings"])), name
        assert set(entry["findings"]) <= set(BY_ID), name
        assert entry["why"].strip(), name


def test_every_detector_is_exercised_by_some_message() -> None:
    expected = {i for entry in EXPECTATIONS.values() for i in entry["findings"]}
    assert sorted(set(BY_ID) - expected) == []


def test_corpus_is_big_and_covers_every_verdict() -> None:
    assert len(FILES) >= 70
    assert {entry["verdict"] for entry in EXPECTATIONS.values()} == VERDICTS


def test_checked_in_messages_are_what_the_script_writes() -> None:
    built = make_corpus.build_all()
    assert sorted(built) == [p.stem for p in FILES]
    changed = [name for name, data in built.items()
               if (MESSAGES / f"{name}.eml").read_bytes() != data]
    assert changed == []


def test_payloads_are_harmless() -> None:
    # Every "program" in the corpus is MZ/LNK plus the filler text, never real code.
    assert make_corpus.exe().startswith(b"MZ")
    assert make_corpus.FILLER in make_corpus.exe()
    assert make_corpus.FILLER in make_corpus.LNK
