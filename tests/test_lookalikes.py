"""Look-alike extensions: what a person reads is folded to ASCII, and a name that reads
as a risky type it does not have is a trick (suspicious), a program when its content is
one (dangerous). Names written by Python's ``email`` package, so the writer is not ours."""

from __future__ import annotations

from email.message import EmailMessage

from hypothesis import given
from hypothesis import strategies as st

from app.core.extensions import shipped_tiers
from app.core.findings import Level
from app.core.judge import judge_bytes
from app.core.lookalikes import _CONFUSABLE_WITH, lookalike_extension, skeleton
from app.core.rules import Rules

EXE = b"MZ\x90\x00" + b"\x00" * 60 + b"MailSentry harmless test payload " * 8
TEXT = b"MailSentry harmless test payload\r\n" * 4
BLOCK = sorted(e for e in shipped_tiers().block if e.isalpha())
FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in "abcdefghijklmnopqrstuvwxyz"}


def message(name: str, data: bytes) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Sales <sales@shop.example>"
    msg["To"] = "yamazaki@example.co.jp"
    msg["Subject"] = "order"
    msg.set_content("Please see the file.")
    msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return msg.as_bytes()


def judged(name: str, data: bytes) -> tuple[Level, set[str]]:
    verdict, _ = judge_bytes(message(name, data), Rules())
    return verdict.level, {f.id for f in verdict.findings}


@given(st.text("abcdefghijklmnopqrstuvwxyz0123456789._-ABCXYZ", min_size=1, max_size=20))
def test_ascii_names_read_as_they_are(name):
    assert skeleton(name) == name.lower()
    assert lookalike_extension(name) is None


@given(st.sampled_from(BLOCK), st.data())
def test_every_confusable_spelling_of_a_program_extension_reads_as_it(ext, data):
    spelled = "".join(
        data.draw(st.sampled_from(_CONFUSABLE_WITH.get(c, "") + FULLWIDTH.get(c, c)))
        for c in ext
    )
    found = lookalike_extension(f"report.{spelled}")
    assert found is not None and found[1] == ext


def test_lookalike_program_name_is_a_trick_and_a_program_when_the_content_is_one():
    for spelled in ("\uff45\uff58\uff45", "\u0435\u0445\u0435", "e\u0301xe", "\u0455\u0441r"):
        level, ids = judged(f"invoice.{spelled}", TEXT)
        assert (level, "LOOKALIKE_EXTENSION" in ids) == (Level.SUSPICIOUS, True), spelled
        level, ids = judged(f"invoice.{spelled}", EXE)
        assert (level, "LOOKALIKE_EXTENSION" in ids) == (Level.DANGEROUS, True), spelled


def test_fullwidth_dot_hides_the_extension_from_windows_not_from_the_eye():
    assert lookalike_extension("photo\uff0escr") == ("", "scr")
    assert judged("photo\uff0escr", TEXT)[0] is Level.SUSPICIOUS


def test_japanese_fullwidth_names_of_harmless_types_are_not_tricks():
    names = ("\u898b\u7a4d\u66f8\uff0e\uff50\uff44\uff46", "\u8cc7\u6599.\uff58\uff4c\uff53\uff58")
    for name in names:
        assert judged(name, b"%PDF-1.4\n")[0] is Level.CLEAN, name
