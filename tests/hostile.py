"""Hostile single messages: each one attacks the reader's time or memory.

The rows of the security review (2026-12, finding 3: a ReDoS in the address fast path,
quadratic header indexing, and the table of other budget breaches) plus the classes
they stand for (very many fields, parameters, encoded words, comments, padding runs).
Each message also carries a harmless program (``MZ`` + filler) after the hostile
construct, so a reader that gave up early cannot pass it off as clean: ``expect`` is
the verdict a reader must reach whatever the construct does to it.

`tests/test_hostile.py` judges each one and checks the verdict; `benchmarks/bench_scan.py`
prints the time and peak memory of each against the 2 s / 200 MB budget.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

MB = 1024 * 1024

#: A harmless stand-in for a Windows program.
PROGRAM = b"MZ\x90\x00" + b"\x00" * 60 + b"MailSentry harmless test payload " * 8

_HEAD = (
    b"Return-Path: <mallory@example.net>\r\n"
    b"From: Mallory <mallory@example.net>\r\nTo: me@example.org\r\nSubject: hostile\r\n"
    b"MIME-Version: 1.0\r\n"
)
_TEXT = b"--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"


_EXE_TYPE = b'Content-Type: application/octet-stream; name="x.exe"\r\n'


def _exe_part(headers: bytes = _EXE_TYPE) -> bytes:
    return (
        b"--b\r\n"
        + headers
        + b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(PROGRAM).replace(b"\n", b"\r\n")
    )


def _mixed(*parts: bytes, head: bytes = _HEAD) -> bytes:
    return (
        head
        + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        + _TEXT
        + b"".join(parts)
        + b"--b--\r\n"
    )


@dataclass(frozen=True)
class Hostile:
    """One hostile message: how to build it and the least verdict it must get."""

    name: str
    build: Callable[[], bytes]
    expect: str  # "dangerous", or "suspicious" (at least) when a limit is reached
    why: str


def _from_blanks(count: int) -> Callable[[], bytes]:
    def build() -> bytes:
        blanks = (b"From: a" + b" " * 100_000 + b"b\r\n") * count
        head = _HEAD.replace(b"From: Mallory <mallory@example.net>\r\n", blanks)
        return _mixed(_exe_part(), head=head)

    return build


def _many_fields(line: bytes, count: int) -> Callable[[], bytes]:
    return lambda: _mixed(_exe_part(), head=_HEAD + line * count)


def _big_param_list() -> bytes:
    # The boundary first, then 2 million parameters: the structure is read, the rest
    # of the parameters are not (a defect), the program is found.
    head = _HEAD + b'Content-Type: multipart/mixed; boundary="b"; ' + b"a=b;" * 2_000_000
    return head + b"\r\n\r\n" + _TEXT + _exe_part() + b"--b--\r\n"


def _quoted_backslashes() -> bytes:
    name = b'name="' + b"\\a" * 5_000_000 + b'"'
    return _mixed(_exe_part(b"Content-Type: application/octet-stream; " + name + b"\r\n"))


def _rfc2231_escapes() -> bytes:
    name = b"name*=utf-8''" + b"%e2%80%ae" * 1_000_000 + b"x.exe"
    return _mixed(_exe_part(b"Content-Type: application/octet-stream; " + name + b"\r\n"))


def _encoded_words() -> bytes:
    subject = b"Subject:" + b" =?utf-8?q?ab?=" * 100_000 + b"\r\n"
    return _mixed(_exe_part(), head=_HEAD.replace(b"Subject: hostile\r\n", subject))


def _boundary_lookalikes() -> bytes:
    text = b"--b\r\nContent-Type: text/plain\r\n\r\n" + b"--bX\r\n" * 1_000_000
    head = _HEAD + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
    return head + text + _exe_part() + b"--b--\r\n"


def _big_pdf() -> bytes:
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * (30 * MB // 256)
    part = (
        b'--b\r\nContent-Type: application/pdf; name="report.pdf"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(pdf).replace(b"\n", b"\r\n")
    )
    return _mixed(part, _exe_part())


def _continuations() -> bytes:
    return _mixed(_exe_part(), head=_HEAD + b"X-Long: a\r\n" + b" b\r\n" * 1_000_000)


def _odd_lines() -> bytes:
    # Lines that are not fields: Python's reading ends the header at the first one, the
    # lenient reading skips each; 10^5 of them, then the real Content-Type.
    return _mixed(_exe_part(), head=_HEAD + b"not a field\r\n" * 100_000)


def _part_fields() -> bytes:
    return _mixed(_exe_part(b"X-A: a\r\n" * 1_000_000 + _EXE_TYPE))


def _nested_comments() -> bytes:
    comment = b"(" * 500_000 + b")" * 500_000
    ctype = b"Content-Type: application/octet-stream " + comment + b'; name="x.exe"\r\n'
    return _mixed(_exe_part(ctype))


def _padding_runs() -> bytes:
    body = b"TQ==" * 2_500_000  # "M" again and again, each group padded on its own
    part = b"--b\r\n" + _EXE_TYPE + b"Content-Transfer-Encoding: base64\r\n\r\n"
    return _mixed(part + body + b"\r\n")


def _semicolons() -> bytes:
    disposition = b"Content-Disposition: attachment; filename=x.exe" + b";" * 10_000_000 + b"\r\n"
    return _mixed(_exe_part(b"Content-Type: application/octet-stream\r\n" + disposition))


HOSTILE: tuple[Hostile, ...] = (
    Hostile("From with 10^5 blanks (3a)", _from_blanks(1), "dangerous",
            "the address fast path backtracked quadratically on blanks"),
    Hostile("3 From of 10^5 blanks (3a)", _from_blanks(3), "dangerous",
            "three such headers took 73 s"),
    Hostile("10^5 Precedence lines (3b)",
            _many_fields(b"Precedence: bulk\r\n", 100_000), "dangerous",
            "each value was appended by copying the tuple so far"),
    Hostile("10^5 Received lines (3b)",
            _many_fields(b"Received: from a (b [192.0.2.1]) by c\r\n", 100_000), "dangerous",
            "the same, for the field the hop detectors read"),
    Hostile("2*10^6 parameters (3c)", _big_param_list, "dangerous",
            "a per-character loop split the parameters"),
    Hostile("10 MB quoted backslashes (3c)", _quoted_backslashes, "dangerous",
            "a regular expression unquoted 5 million pairs"),
    Hostile("9 MB RFC 2231 escapes (3c)", _rfc2231_escapes, "dangerous",
            "unquote_to_bytes over 3 million escapes"),
    Hostile("10^5 encoded words (3c)", _encoded_words, "dangerous",
            "email.header.decode_header is quadratic in the number of words"),
    Hostile("10^6 X-A lines (3c)", _many_fields(b"X-A: a\r\n", 1_000_000), "dangerous",
            "a million fields read one line at a time, 484 MB"),
    Hostile("10^6 --bX lines (3c)", _boundary_lookalikes, "suspicious",
            "every line looked like a delimiter; past 200,000 the reader gives up (a defect)"),
    Hostile("30 MB base64 PDF (3c)", _big_pdf, "dangerous",
            "several whole copies of the part at once: 209 MB"),
    Hostile("10^6 continuation lines", _continuations, "dangerous",
            "one field folded a million times"),
    Hostile("10^5 lines that are no fields", _odd_lines, "dangerous",
            "each odd line noted one by one"),
    Hostile("10^6 fields in a part header", _part_fields, "dangerous",
            "the same limit inside a part"),
    Hostile("10^6 nested comment brackets", _nested_comments, "dangerous",
            "comments nest; one is skipped in one pass"),
    Hostile("2.5*10^6 padding runs in base64", _padding_runs, "dangerous",
            "each padded group is a piece of its own"),
    Hostile("10^7 semicolons in a disposition", _semicolons, "dangerous",
            "ten million empty parameters"),
)
