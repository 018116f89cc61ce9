"""Published evasions of attachment filters, written by generators: every class is
judged for several program types and for two kinds of content, a program (``MZ`` and
filler) and a script (harmless text), so that what is measured is the class, not one
file.

The classes come from filter-evasion write-ups and from the lists of what mail
filters block: RFC 2231 continuations and percent-encoding, RFC 2047 words in a
quoted name, ``name=`` and ``filename=`` that disagree, trailing dots and spaces, NTFS
stream names (``x.exe::$DATA``), percent escapes (``x%2Eexe``, ``x.exe%00.pdf``), a
CLSID in place of the extension, a path in front of the name, upper case, a tab at the
end, right-to-left override, zero-width and look-alike characters, a fullwidth dot,
and a program declared only by its type. A program is *dangerous* whichever way it is
named; a script whose name really is a program's is *dangerous* too; a name that only
looks like a program's is a trick (*suspicious*).
"""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Callable

import pytest

from app.core.findings import Level
from app.core.judge import judge_bytes
from app.core.rules import Rules

PROGRAM = b"MZ\x90\x00" + b"\x00" * 60 + b"MailSentry harmless test payload " * 8
SCRIPT = b"MailSentry harmless test payload\r\n" * 4
#: Program types a person can start with a double click, of several families.
PROGRAM_TYPES = ("exe", "scr", "js", "vbs", "hta", "wsf", "lnk", "url", "scf",
                 "settingcontent-ms", "appx", "msix", "iso", "img", "vhd", "xll", "chm",
                 "diagcfg")


def message(part_header: str, data: bytes) -> bytes:
    body = base64.encodebytes(data).decode("ascii")
    return (
        "From: Sales Team <sales@shop.example>\r\nTo: yamazaki@example.co.jp\r\n"
        "Subject: your order\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="=_b"\r\n\r\n'
        "--=_b\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nSee the file.\r\n"
        f"--=_b\r\n{part_header}\r\nContent-Transfer-Encoding: base64\r\n\r\n{body}"
        "--=_b--\r\n"
    ).encode()


def octet(disposition: str) -> str:
    return f"Content-Type: application/octet-stream\r\nContent-Disposition: {disposition}"


def word(text: str) -> str:
    return "=?utf-8?B?" + base64.b64encode(text.encode()).decode() + "?="


#: class -> how a part header names a file ``stem.ext``.
NAMED: dict[str, Callable[[str], str]] = {
    "plain": lambda ext: octet(f'attachment; filename="invoice.{ext}"'),
    "rfc2231_continuation": lambda ext: octet(
        f'attachment; filename*0="inv"; filename*1="oice.{ext[:1]}"; filename*2="{ext[1:]}"'
    ),
    "rfc2231_percent": lambda ext: octet(
        "attachment; filename*=utf-8''invoice%2E" + "".join(f"%{ord(c):02X}" for c in ext)
    ),
    "rfc2047_in_quotes": lambda ext: octet(f'attachment; filename="{word("invoice." + ext)}"'),
    "name_program_filename_document": lambda ext: (
        f'Content-Type: application/octet-stream; name="invoice.{ext}"\r\n'
        'Content-Disposition: attachment; filename="invoice.pdf"'
    ),
    "filename_program_name_document": lambda ext: (
        'Content-Type: application/pdf; name="invoice.pdf"\r\n'
        f'Content-Disposition: attachment; filename="invoice.{ext}"'
    ),
    "trailing_dots": lambda ext: octet(f'attachment; filename="invoice.{ext}..."'),
    "trailing_spaces": lambda ext: octet(f'attachment; filename="invoice.{ext}   "'),
    "trailing_dot_space_mix": lambda ext: octet(f'attachment; filename="invoice.{ext} . ."'),
    "ntfs_default_stream": lambda ext: octet(f'attachment; filename="invoice.{ext}::$DATA"'),
    "ntfs_named_stream": lambda ext: octet(f'attachment; filename="invoice.{ext}:x"'),
    "windows_path": lambda ext: octet(f'attachment; filename="C:\\\\Temp\\\\invoice.{ext}"'),
    "upper_case": lambda ext: octet(f'attachment; filename="INVOICE.{ext.upper()}"'),
    "trailing_tab": lambda ext: octet(f'attachment; filename="invoice.{ext}\t"'),
    "double_extension": lambda ext: octet(f'attachment; filename="invoice.pdf.{ext}"'),
    "right_to_left_override": lambda ext: octet(
        "attachment; filename*=utf-8''invoice_%E2%80%AEfdp." + ext
    ),
    "zero_width_space": lambda ext: octet(
        f"attachment; filename*=utf-8''invoice%E2%80%8B.{ext}"
    ),
    "padded_with_spaces": lambda ext: octet(f'attachment; filename="invoice.pdf{" " * 40}.{ext}"'),
    "percent_escaped_dot": lambda ext: octet(f'attachment; filename="invoice%2E{ext}"'),
    "percent_escaped_nul": lambda ext: octet(f'attachment; filename="invoice.{ext}%00.pdf"'),
    "clsid_after_program": lambda ext: octet(
        f'attachment; filename="invoice.{ext}.{{3050F4D8-98B5-11CF-BB82-00AA00BDCE0B}}"'
    ),
}

CYRILLIC = str.maketrans("aceopxs", "\u0430\u0441\u0435\u043e\u0440\u0445\u0455")
#: class -> a name that only *looks* like ``invoice.ext`` (no real program extension).
LOOKALIKE: dict[str, Callable[[str], str]] = {
    "fullwidth_letters": lambda ext: "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c
                                             for c in ext),
    "fullwidth_dot": lambda ext: "\uff0e" + ext,
    "combining_mark": lambda ext: ext[0] + "\u0301" + ext[1:],
    "cyrillic_letters": lambda ext: ext.translate(CYRILLIC),
}


def judged(raw: bytes) -> tuple[Level, set[str]]:
    verdict, _ = judge_bytes(raw, Rules())
    return verdict.level, {f.id for f in verdict.findings}


@pytest.mark.parametrize("evasion", sorted(NAMED))
def test_a_program_is_dangerous_however_its_name_is_written(evasion):
    for ext in PROGRAM_TYPES:
        for content in (PROGRAM, SCRIPT):
            level, ids = judged(message(NAMED[evasion](ext), content))
            assert level is Level.DANGEROUS, (evasion, ext, content[:2], sorted(ids))


@pytest.mark.parametrize("evasion", sorted(LOOKALIKE))
def test_a_name_that_only_looks_like_a_program_is_a_trick(evasion):
    for ext in PROGRAM_TYPES:
        name = "invoice" + ("" if LOOKALIKE[evasion](ext).startswith("\uff0e") else ".")
        name += LOOKALIKE[evasion](ext)
        if name == f"invoice.{ext}":
            continue  # no letter of this extension has a look-alike in the table above
        encoded = "".join(c if c.isascii() and c.isalnum() else
                          "".join(f"%{b:02X}" for b in c.encode()) for c in name)
        header = octet(f"attachment; filename*=utf-8''{encoded}")
        level, ids = judged(message(header, SCRIPT))
        assert (level, "LOOKALIKE_EXTENSION" in ids) == (Level.SUSPICIOUS, True), (evasion, ext)
        level, ids = judged(message(header, PROGRAM))
        assert level is Level.DANGEROUS, (evasion, ext, sorted(ids))


def test_a_part_declared_as_a_program_without_a_name_is_one():
    for declared in ("application/x-msdownload", "application/hta", "application/x-msi"):
        level, ids = judged(message(f"Content-Type: {declared}", SCRIPT))
        assert (level, "EXECUTABLE_ATTACHMENT" in ids) == (Level.DANGEROUS, True), declared


def test_colons_in_ordinary_names_are_not_streams():
    for name in ("Meeting 10:30.pdf", "2024.01.15 10:30 notes.txt", "Re: minutes.docx"):
        assert judged(message(octet(f'attachment; filename="{name}"'), b"%PDF-1.4\n"))[0] is (
            Level.CLEAN
        ), name


#: class -> how a trick hides ``invoice.ext`` inside an archive.
MEMBER_TRICKS: dict[str, Callable[[str], str]] = {
    "double_extension": lambda ext: f"invoice.pdf.{ext}",
    "right_to_left_override": lambda ext: f"invoice_\u202efdp.{ext}",
    "zero_width_space": lambda ext: f"invoice\u200b.{ext}",
    "trailing_space_folder": lambda ext: f"invoice.pdf /invoice.pdf .{ext}",
    "padded": lambda ext: f"invoice.pdf{' ' * 30}.{ext}",
}


def zipped(member: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, data)
    return buffer.getvalue()


@pytest.mark.parametrize("trick", sorted(MEMBER_TRICKS))
def test_a_program_hidden_by_a_trick_inside_an_archive_is_dangerous_even_from_a_colleague(trick):
    for ext in PROGRAM_TYPES:
        raw = message(octet('attachment; filename="invoice.zip"'),
                      zipped(MEMBER_TRICKS[trick](ext), SCRIPT))
        raw = raw.replace(b"Sales Team <sales@shop.example>", b"Tanaka <tanaka@example.co.jp>")
        level, ids = judged(raw)
        assert level is Level.DANGEROUS, (trick, ext, sorted(ids))
