"""BinHex 4.0, yEnc and message/partial: files sent in encodings older than MIME.

The encoders (in the corpus script, which writes such messages too) are written from
the formats' descriptions (BinHex 4.0: RFC 1741's appendix and the BinHex 4.0
definition; yEnc 1.3), independently of the decoders in `app.core.legacy`; Hypothesis
round-trips arbitrary names and bytes through both. Then
whole messages: a program in any of these encodings is found and the message is
dangerous, over the same reader the scanner uses.
"""

from __future__ import annotations

import base64
import os

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import legacy
from app.core.findings import Level
from app.core.judge import judge_bytes
from app.core.parse import readings
from app.core.rules import Rules
from tests.corpus.make_corpus import HQX, binhex, yenc

SETTINGS = settings(
    max_examples=int(os.environ.get("MAILSENTRY_SWEEP", "100")),
    derandomize=True,
    database=None,
    deadline=None,
)
EXE = b"MZ\x90\x00" + b"\x00" * 60 + b"MailSentry harmless test payload " * 8
_NAMES = st.text(
    st.characters(min_codepoint=33, max_codepoint=126, blacklist_characters=":"),
    min_size=1,
    max_size=40,
)


@SETTINGS
@given(_NAMES, st.binary(max_size=2000), st.binary(max_size=50))
def test_binhex_round_trips(name: str, data: bytes, resource: bytes) -> None:
    (block,) = legacy.find_binhex(b"Some text first.\r\n" + binhex(name, data, resource))
    assert (block.name, block.data, block.problem) == (name, data, None)


@SETTINGS
@given(_NAMES.filter(lambda n: n.strip() == n), st.binary(max_size=2000))
def test_yenc_round_trips(name: str, data: bytes) -> None:
    (block,) = legacy.find_yenc((b"hello\r\n" + yenc(name, data)).split(b"\r\n"))
    assert (block.name, block.data, block.problem) == (name, data, None)


def test_binhex_run_length_bomb_is_bounded() -> None:
    bomb = (b"\x00" + b"\x90\xff" * 200_000)
    stream = bytes([1]) + b"a" + b"\x00" * 11 + (1 << 30).to_bytes(4, "big") + b"\x00" * 6
    packed = stream + bomb
    encoded = base64.b64encode(packed).translate(
        bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", HQX)
    )
    text = legacy.BINHEX_MARK + b" 4.0)\r\n:" + encoded.rstrip(b"=") + b":"
    (block,) = legacy.find_binhex(text)
    assert len(block.data) <= legacy.MAX_DECODED and block.problem


def test_past_the_block_bound_is_a_problem() -> None:
    many = b"".join(yenc(f"f{n}.txt", b"x") for n in range(legacy.MAX_BLOCKS + 1))
    blocks = list(legacy.find_yenc(many.split(b"\r\n")))
    assert len(blocks) == legacy.MAX_BLOCKS + 1 and blocks[-1].problem
    many = b"".join(binhex(f"f{n}", b"x") for n in range(legacy.MAX_BLOCKS + 1))
    blocks = list(legacy.find_binhex(many))
    assert len(blocks) == legacy.MAX_BLOCKS + 1 and blocks[-1].problem
    verdict, _ = judge_bytes(text_message(many), Rules())
    assert verdict.level is Level.SUSPICIOUS


def test_cut_binhex_and_yenc_are_problems() -> None:
    (hqx,) = legacy.find_binhex(binhex("a.exe", EXE)[:200])
    assert hqx.name == "a.exe" and hqx.problem
    (y,) = legacy.find_yenc(yenc("a.exe", EXE).split(b"\r\n")[:2])
    assert y.data.startswith(b"MZ") and y.problem


# -- whole messages -----------------------------------------------------------------

TOP = (
    "From: Sales <sales@shop.example>\r\nTo: me@example.co.jp\r\nSubject: files\r\n"
    "Date: Mon, 15 Jan 2024 10:04:31 +0900\r\nMessage-ID: <1@shop.example>\r\n"
)


def text_message(body: bytes) -> bytes:
    return TOP.encode() + b"\r\n" + body


def test_binhex_program_in_a_text_is_dangerous() -> None:
    raw = text_message(b"Here is the tool.\r\n\r\n" + binhex("Setup", EXE))
    verdict, all_facts = judge_bytes(raw, Rules())
    part = all_facts[0].parts[-1]
    got = (part.path, part.origin, part.name, part.head[:2])
    assert got == ("1.binhex1", "binhex", "Setup", b"MZ")
    assert verdict.level is Level.DANGEROUS


def test_binhex_attachment_named_hqx_is_read() -> None:
    body = (
        b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
        b"Content-Type: text/plain\r\n\r\nSee attached.\r\n--b\r\n"
        b'Content-Type: application/octet-stream; name="tool.hqx"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n"
    ) + base64.encodebytes(binhex("tool.exe", EXE)) + b"--b--\r\n"
    verdict, all_facts = judge_bytes(TOP.encode() + body, Rules())
    assert [p.name for p in all_facts[0].parts if p.origin == "binhex"] == ["tool.exe"]
    assert verdict.level is Level.DANGEROUS


def test_yenc_program_and_its_later_parts() -> None:
    first = text_message(yenc("setup.exe", EXE[:100], part=(1, 2, 0)))
    later = text_message(yenc("setup.exe", EXE[100:], part=(2, 2, 100)))
    verdict, all_facts = judge_bytes(first, Rules())
    assert all_facts[0].parts[-1].head.startswith(b"MZ") and verdict.level is Level.DANGEROUS
    verdict, all_facts = judge_bytes(later, Rules())
    # The middle of a file is not its start, but the name says what it is.
    assert all_facts[0].parts[-1].head == b"" and verdict.level is Level.DANGEROUS


def test_yenc_harmless_file_is_not_flagged() -> None:
    verdict, _ = judge_bytes(text_message(yenc("notes.txt", b"just notes\r\n" * 5)), Rules())
    assert verdict.level is Level.CLEAN


def partial(number: int, total: int, body: str) -> bytes:
    head = "MIME-Version: 1.0\r\nContent-Type: message/partial; id=\"abc@shop.example\"; "
    head += f"number={number}; total={total}\r\n\r\n"
    return (TOP + head + body).encode()


INNER = (
    "Subject: files\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n"
    "--i\r\nContent-Type: text/plain\r\n\r\nhello\r\n--i\r\n"
    'Content-Type: application/octet-stream; name="run.exe"\r\n'
    "Content-Transfer-Encoding: base64\r\n\r\n"
)


def test_single_fragment_is_read_as_the_message_it_holds() -> None:
    raw = partial(1, 1, INNER + base64.encodebytes(EXE).decode() + "--i--\r\n")
    verdict, all_facts = judge_bytes(raw, Rules())
    assert [(p.path, p.content_type) for p in all_facts[0].parts] == [
        ("", "message/partial"),
        ("1.TEXT", "multipart/mixed"),
        ("1.1", "text/plain"),
        ("1.2", "application/octet-stream"),
    ]
    assert all_facts[0].parts[-1].head.startswith(b"MZ")
    assert verdict.level is Level.DANGEROUS


def test_first_of_several_fragments_is_judged_on_its_inner_headers() -> None:
    raw = partial(1, 3, INNER + base64.encodebytes(EXE).decode()[:40])
    verdict, all_facts = judge_bytes(raw, Rules())
    assert "run.exe" in {n for p in all_facts[0].parts for n in p.names}
    assert verdict.level is Level.DANGEROUS


def test_later_fragment_is_data() -> None:
    raw = partial(2, 3, base64.encodebytes(EXE).decode()[40:])
    (facts,) = readings(raw)
    assert [(p.path, p.content_type) for p in facts.parts] == [("1", "message/partial")]
