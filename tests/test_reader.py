"""The reader of header fields and transfer encodings, against what clients do.

Structured fields (RFC 2045 with RFC 5322 comments and folding) are compared with
Python's ``email`` header registry (policy ``default``), which reads them as the RFCs
say; transfer encodings with ``base64``, ``binascii`` and ``quopri``. Each class of
input the issue names has its own regression test with a minimal message.
"""

from __future__ import annotations

import base64

import pytest

from app.core.findings import Level
from app.core.judge import judge_bytes
from app.core.rules import Rules
from tests.hostile import PROGRAM

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
