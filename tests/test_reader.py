"""The reader of header fields and transfer encodings, against what clients do.

Structured fields (RFC 2045 with RFC 5322 comments and folding) are compared with
Python's ``email`` header registry (policy ``default``), which reads them as the RFCs
say; transfer encodings with ``base64``, ``binascii`` and ``quopri``. Each class of
input the issue names has its own regression test with a minimal message.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from collections.abc import Sequence
from email import message_from_bytes, policy
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.facts import Part
from app.core.findings import Level
from app.core.judge import judge_bytes
from app.core.mime import (
    decode_body,
    decoded_view,
    parse_params_header,
    read_header_block,
    transfer_encoding,
)
from app.core.rules import Rules
from app.mail.imap_facts import ImapFactsBuilder, Node, _Pending
from tests.hostile import PROGRAM
from tests.sweep import SWEEP, SWEEP_SETTINGS

#: Structured fields are costly to generate (nested comments, folds, RFC 2231 text):
#: a quarter of the sweep keeps the file at a few seconds by default.
DIFFERENTIAL = settings(SWEEP_SETTINGS, max_examples=max(25, SWEEP // 4))

SCRIPT = b'WScript.Echo("MailSentry harmless test payload")\r\n'


def _message(part_headers: bytes, body: bytes, *, multipart: bytes = b"multipart/mixed") -> bytes:
    return (
        b"From: Stranger <someone@shop.example>\r\nTo: me@example.org\r\nSubject: files\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: " + multipart + b'; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        b"--b\r\n" + part_headers + b"\r\n" + body + b"\r\n--b--\r\n"
    )


def _level(raw: bytes) -> Level:
    return judge_bytes(raw, Rules())[0].level


def _b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


# -- comments and folding whitespace in structured fields ------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        b'Content-Type: application/octet-stream; name="x.vbs" (comment)\r\n',
        b"Content-Type: application/octet-stream\r\n"
        b"Content-Disposition: attachment; filename=x.js (comment)\r\n",
        b"Content-Type: application/octet-stream (c); (a comment) name=x.js\r\n",
        b"Content-Type: application/octet-stream;\r\n name=(before)\r\n x.js\r\n",
        b"Content-Type: application/octet-stream; name*=utf-8''x.vbs (c)\r\n",
    ],
    ids=["quoted+comment", "token+comment", "comment-between", "folded", "rfc2231+comment"],
)
def test_a_comment_does_not_hide_a_script(headers: bytes) -> None:
    """One trailing comment used to drop the name, and the script was judged clean."""
    assert _level(_message(headers, SCRIPT)) is not Level.CLEAN


def test_a_commented_transfer_encoding_is_decoded() -> None:
    headers = (
        b'Content-Type: application/octet-stream; name="report.dat"\r\n'
        b"Content-Transfer-Encoding: Base64 (binary)\r\n"
    )
    verdict, facts = judge_bytes(_message(headers, _b64(PROGRAM)), Rules())
    assert facts[0].parts[-1].encoding == "base64"
    assert verdict.level is Level.DANGEROUS


def test_a_comment_inside_the_multipart_type_keeps_the_parts() -> None:
    headers = b'Content-Type: application/octet-stream; name="setup.exe"\r\n'
    headers += b"Content-Transfer-Encoding: base64\r\n"
    raw = _message(headers, _b64(PROGRAM), multipart=b"multipart/mixed (mixed parts)")
    assert _level(raw) is Level.DANGEROUS



# -- differential: structured fields against Python's header registry -----------------

#: RFC 2045 token characters (no tspecials): what a parameter value may be unquoted.
TOKEN = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`{|}~",
                min_size=1, max_size=12)
#: Text a quoted string or a comment may hold (escapes added where needed).
QTEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12).filter(
    lambda text: "=?" not in text
)
COMMENT_TEXT = QTEXT.map(lambda t: t.replace("\\", "").replace("(", "").replace(")", ""))


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def cfws(draw: st.DrawFn) -> str:
    """Nothing, blanks, a comment (maybe nested) or a fold, as RFC 5322 allows."""
    pieces = draw(
        st.lists(
            st.one_of(
                st.sampled_from([" ", "\t", "\r\n ", "\r\n\t"]),
                COMMENT_TEXT.map(lambda t: f"({t})"),
                COMMENT_TEXT.map(lambda t: f"(a ({t}) b)"),
            ),
            max_size=2,
        )
    )
    return "".join(pieces)


@st.composite
def parameter(draw: st.DrawFn, name: str) -> tuple[str, str, str]:
    """``(rendered, name, value)``: plain token, quoted string, or RFC 2231 (whole, or
    in sections, percent-encoded UTF-8)."""
    kind = draw(st.sampled_from(["token", "quoted", "2231", "2231-sections"]))
    if kind == "token":
        value = draw(TOKEN)
        return f"{name}={value}", name, value
    if kind == "quoted":
        value = draw(QTEXT)
        return f"{name}={_quoted(value)}", name, value
    value = draw(st.text(min_size=1, max_size=10).filter(lambda t: "\x00" not in t))
    encoded = quote(value.encode("utf-8"), safe="")
    if kind == "2231":
        return f"{name}*=utf-8''{encoded}", name, value
    cut = draw(st.integers(0, len(encoded)))
    while cut and "%" in encoded[max(0, cut - 2) : cut]:
        cut -= 1  # never split a %XX escape
    first, second = encoded[:cut], encoded[cut:]
    rendered = f"{name}*0*=utf-8''{first}" + (f"; {name}*1*={second}" if second else "")
    return rendered, name, value


@st.composite
def structured_field(draw: st.DrawFn) -> tuple[str, str, dict[str, str]]:
    """A Content-Type or Content-Disposition value with distinct parameters, comments
    and folds between every piece; and what it means."""
    value = draw(st.sampled_from(["application/octet-stream", "Text/Plain", "multipart/mixed"]))
    names = draw(st.lists(st.sampled_from(["name", "filename", "charset", "boundary", "x-a"]),
                          unique=True, max_size=4))
    text = draw(cfws()) + value + draw(cfws())
    expected: dict[str, str] = {}
    for name in names:
        rendered, key, meaning = draw(parameter(name))
        text += ";" + draw(cfws()) + rendered + draw(cfws())
        expected[key] = meaning
    return text, value.lower(), expected


def _ours(header: str, text: str) -> tuple[str, dict[str, str]]:
    block = read_header_block(f"{header}: {text}\r\n\r\n".encode())
    field = block.pick(header, "first")
    assert field is not None
    parsed = parse_params_header(field)
    return parsed.value, {key: values[0] for key, values in parsed.params.items()}


@DIFFERENTIAL
@given(structured_field())
def test_content_type_reads_as_pythons_header_registry(
    field: tuple[str, str, dict[str, str]],
) -> None:
    text, value, params = field
    raw = f"Content-Type: {text}\r\n\r\n".encode()
    header = message_from_bytes(raw, policy=policy.default)["content-type"]
    assert (header.content_type, dict(header.params)) == (value, params)
    assert _ours("Content-Type", text) == (value, params)


@DIFFERENTIAL
@given(structured_field())
def test_content_disposition_reads_as_pythons_header_registry(
    field: tuple[str, str, dict[str, str]],
) -> None:
    text, _, params = field
    text = text.replace("application/octet-stream", "attachment", 1)
    text = text.replace("Text/Plain", "Inline", 1).replace("multipart/mixed", "attachment", 1)
    header = message_from_bytes(
        f"Content-Disposition: {text}\r\n\r\n".encode(), policy=policy.default
    )["content-disposition"]
    ours = _ours("Content-Disposition", text)
    assert ours == (header.content_disposition, dict(header.params))
    assert ours[1] == params


@DIFFERENTIAL
@given(
    st.sampled_from(["7bit", "8bit", "binary", "base64", "quoted-printable", "x-uuencode"]),
    st.booleans(),
    cfws(),
    cfws(),
)
def test_transfer_encoding_reads_as_pythons_header_registry(
    token: str, upper: bool, before: str, after: str
) -> None:
    text = before + (token.upper() if upper else token) + after
    header = message_from_bytes(
        f"Content-Transfer-Encoding: {text}\r\n\r\n".encode(), policy=policy.default
    )["content-transfer-encoding"]
    field = read_header_block(f"Content-Transfer-Encoding: {text}\r\n\r\n".encode()).pick(
        "Content-Transfer-Encoding", "first"
    )
    assert transfer_encoding(field) == header.cte == token


# -- transfer encodings: ranged reads equal a whole decode, and independent decoders --


def _crlf_lines(text: bytes, width: int) -> bytes:
    return b"\r\n".join(text[i : i + width] for i in range(0, len(text), width)) + b"\r\n"


@st.composite
def base64_body(draw: st.DrawFn) -> tuple[bytes, bytes, str]:
    """``(encoded, content, shape)``: base64 as mailers write it, with line breaks of
    any width, blanks and junk between characters, chunks encoded one by one (padding
    in the middle), or its final padding left off; ``content`` is what clients decode."""
    content = draw(st.binary(max_size=600))
    shape = draw(st.sampled_from(["plain", "junk", "chunks", "unpadded"]))
    if shape == "chunks":
        cuts = sorted(draw(st.lists(st.integers(0, len(content)), max_size=4)))
        pieces = [content[a:b] for a, b in zip([0, *cuts], [*cuts, len(content)], strict=True)]
        text = b"".join(base64.b64encode(piece) for piece in pieces)
    else:
        text = base64.b64encode(content)
        if shape == "unpadded":
            text = text.rstrip(b"=")
    encoded = _crlf_lines(text, draw(st.integers(1, 100)))
    if shape == "junk":
        for _ in range(draw(st.integers(1, 6))):
            at = draw(st.integers(0, len(encoded)))
            junk = draw(st.sampled_from([b" ", b"\t", b"*", b"!", b"\xff"]))
            encoded = encoded[:at] + junk + encoded[at:]
    return encoded, content, shape


def _ranges_match(encoded: bytes, encoding: str, whole: bytes, data: st.DataObject) -> None:
    view = decoded_view(encoded, encoding)
    assert view.size == len(whole) and view.all() == whole
    for _ in range(5):
        offset = data.draw(st.integers(0, len(whole) + 4))
        length = data.draw(st.integers(0, len(whole) + 4))
        assert view.read(offset, length) == whole[offset : offset + length]
    tail = data.draw(st.integers(0, len(whole)))
    assert view.read(view.size - tail, tail) == whole[len(whole) - tail :]


@SWEEP_SETTINGS
@given(base64_body(), st.data())
def test_base64_ranged_reads_equal_the_whole_decode(
    body: tuple[bytes, bytes, str], data: st.DataObject
) -> None:
    encoded, content, shape = body
    whole, defects = decode_body(encoded, "base64")
    assert whole == content
    python = binascii.a2b_base64(encoded) if shape != "unpadded" else None
    if shape in ("plain", "junk"):
        assert python == whole  # skips what is not base64, as binascii does
    if shape == "chunks":
        assert python is not None and whole.startswith(python)  # Python stops at a pad
    if shape == "plain":
        assert base64.b64decode(b"".join(encoded.split()), validate=True) == whole
        assert defects == []
    _ranges_match(encoded, "base64", whole, data)


@SWEEP_SETTINGS
@given(st.binary(max_size=600), st.booleans(), st.data())
def test_quoted_printable_ranged_reads_equal_the_whole_decode(
    content: bytes, quotetabs: bool, data: st.DataObject
) -> None:
    encoded = quopri.encodestring(content, quotetabs=quotetabs)
    whole, defects = decode_body(encoded, "quoted-printable")
    assert whole == quopri.decodestring(encoded) == binascii.a2b_qp(encoded)
    if b"\r" not in content:  # QP encodes text: a CR belongs to a line break
        assert whole == content and defects == []
    _ranges_match(encoded, "quoted-printable", whole, data)


@SWEEP_SETTINGS
@given(st.binary(max_size=600), st.sampled_from(["x-uuencode", "x-uue", "uuencode"]), st.data())
def test_uuencode_ranged_reads_equal_the_whole_decode(
    content: bytes, encoding: str, data: st.DataObject
) -> None:
    lines = [binascii.b2a_uu(content[i : i + 45]).rstrip(b"\n") for i in range(0, len(content), 45)]
    encoded = b"\r\n".join([b"begin 644 file.bin", *lines, b"`", b"end", b""])
    whole, defects = decode_body(encoded, encoding)
    assert whole == content and defects == []
    _ranges_match(encoded, encoding, whole, data)


@SWEEP_SETTINGS
@given(st.binary(max_size=600), st.sampled_from(["7bit", "8bit", "binary", "x-made-up"]), st.data())
def test_identity_and_unknown_encodings_give_the_bytes_as_they_are(
    content: bytes, encoding: str, data: st.DataObject
) -> None:
    whole, defects = decode_body(content, encoding)
    assert whole == content  # clients show an unknown encoding's bytes raw
    assert bool(defects) == (encoding == "x-made-up")
    _ranges_match(content, encoding, whole, data)


# -- the IMAP path's ranged reads: the tail of a part equals the whole decode's ------
#
# A fake fetch serves ranges of the same encoded bytes: hundreds of generated bodies
# cannot go through Dovecot in seconds. tests/integration/test_imap_facts.py compares
# the real server's facts with the file's on every corpus message.

_RANGE = re.compile(r"BODY\.PEEK\[1\]<(\d+)\.(\d+)>")


class _Ranges:
    """The one command the tail reader sends (a ranged fetch), over ``encoded``."""

    def __init__(self, encoded: bytes) -> None:
        self.encoded = encoded

    def fetch(self, uids: Sequence[int], items: Sequence[str]) -> dict[int, dict[bytes, Any]]:
        match = _RANGE.fullmatch(items[0])
        assert match is not None and len(items) == 1
        offset, length = int(match[1]), int(match[2])
        return {uids[0]: {f"BODY[1]<{offset}>".encode(): self.encoded[offset : offset + length]}}

    def search_uu(self, uids: Sequence[int]) -> set[int]:
        raise AssertionError("not used by ranged reads")

    def fetch_raw(self, uid: int, limit: int) -> bytes | None:
        raise AssertionError("not used by ranged reads")

    def present(self, uids: Sequence[int]) -> set[int]:
        raise AssertionError("not used by ranged reads")

    def reconnect(self) -> None:
        raise AssertionError("not used by ranged reads")


def _tail_reader(encoded: bytes, encoding: str) -> tuple[Any, ImapFactsBuilder]:
    builder = ImapFactsBuilder(_Ranges(encoded))
    node = Node("1", "leaf", encoding, None, len(encoded))
    item = _Pending(1, b"", read_header_block(b""), len(encoded), node)
    part = Part(path="1", content_type="application/zip", encoding=encoding)
    return builder._tail_reader(item, node, part, len(encoded)), builder


@SWEEP_SETTINGS
@given(base64_body(), st.data())
def test_imap_base64_tail_equals_the_whole_decode(
    body: tuple[bytes, bytes, str], data: st.DataObject
) -> None:
    """Base64 as an encoder writes it (whole groups, or padded ones), with junk, blanks
    and pieces padded one by one: the tail read by ranges is the whole decode's tail.
    (Text whose last group is short and unpadded cannot be lined up from its end; the
    server path assumes an encoder wrote it, the file path reads what clients read.)"""
    encoded, content, shape = body
    if shape == "unpadded" and len(content) % 3:
        encoded += b"=" * (3 - len(content) % 3)  # the padding a mailer writes
    read, _ = _tail_reader(encoded, "base64")
    want = data.draw(st.integers(0, len(content)))
    assert read(len(encoded) - want, want) == content[len(content) - want :]


@SWEEP_SETTINGS
@given(st.binary(max_size=600), st.sampled_from(["7bit", "binary", "quoted-printable"]), st.data())
def test_imap_tail_of_other_encodings_equals_the_whole_decode(
    content: bytes, encoding: str, data: st.DataObject
) -> None:
    encoded = quopri.encodestring(content) if encoding == "quoted-printable" else content
    read, _ = _tail_reader(encoded, encoding)
    want = data.draw(st.integers(0, len(content)))
    assert read(len(encoded) - want, want) == content[len(content) - want :]
