"""No noise on honest mail: Python's own ``test_email`` messages (benign mail of every
odd shape, shipped by Debian's ``libpython3.11-testsuite``, installed by
``.ci/system-deps``) are never dangerous, and suspicious only where a careful mail
administrator would agree."""

from __future__ import annotations

import io
import sysconfig
import tarfile
import zipfile
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from app.core.findings import Level
from app.core.judge import judge_bytes
from app.core.parse import readings
from app.core.risk import exposure
from app.core.rules import Rules

CPYTHON_DATA = Path(sysconfig.get_paths()["stdlib"]) / "test" / "test_email" / "data"
RULES = Rules()


def cpython_verdicts() -> dict[str, tuple[Level, tuple[str, ...]]]:
    files = sorted(CPYTHON_DATA.glob("msg_*.txt"))
    assert len(files) >= 45, f"install libpython3.11-testsuite ({CPYTHON_DATA})"
    out = {}
    for path in files:
        verdict, _ = judge_bytes(path.read_bytes(), RULES)
        out[path.name] = (verdict.level, verdict.reasons)
    return out


def test_cpython_test_email_messages_are_never_dangerous_and_rarely_suspicious():
    verdicts = cpython_verdicts()
    assert [n for n, (level, _) in verdicts.items() if level is Level.DANGEROUS] == []
    suspicious = {n: why for n, (level, why) in verdicts.items() if level is Level.SUSPICIOUS}
    assert len(suspicious) <= 2, suspicious
    # What is left is content the reader could not split into parts (a multipart body
    # with no delimiter line at all): unseen content, never a rule firing on harmless mail.
    for name in suspicious:
        facts = readings((CPYTHON_DATA / name).read_bytes())
        unseen = [r for f in facts for r in exposure(f, RULES.policy)]
        assert unseen and all(r.startswith("content not read") for r in unseen), name


# -- everyday honest mail, written by Python's email package ---------------------------

PDF = b"%PDF-1.4\n% MailSentry harmless test document\ntrailer << >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def _ooxml() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def _tar_gz() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name in ("project-1.0/src/main.c", "project-1.0/Makefile", "project-1.0/README"):
            data = b"/* MailSentry harmless test source */\n"
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _base(subject: str = "Hello") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Bob <bob@example.net>"
    msg["To"] = "yamazaki@example.co.jp"
    msg["Subject"] = subject
    msg["Date"] = "Mon, 15 Jan 2024 10:04:31 +0900"
    msg["Message-ID"] = "<1@example.net>"
    return msg


def _honest() -> dict[str, EmailMessage]:
    out: dict[str, EmailMessage] = {}
    msg = out["pdf_invoice"] = _base("Invoice")
    msg.set_content("Invoice attached.")
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="invoice.pdf")
    msg = out["japanese_iso2022jp_pdf"] = _base("請求書")
    msg.set_content("請求書を添付します。", charset="iso-2022-jp")
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="請求書.pdf")
    msg = out["newsletter_inline_image"] = _base("News")
    msg.set_content("<p>News <img src='cid:logo'></p>", subtype="html")
    msg.add_related(PNG, maintype="image", subtype="png", cid="<logo>")
    msg = out["calendar_invite"] = _base("Meeting")
    msg.set_content("Join us.")
    msg.add_alternative("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n",
                        subtype="calendar", params={"method": "REQUEST"})
    msg.add_attachment(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", maintype="application",
                       subtype="ics", filename="invite.ics")
    msg = out["smime_signed"] = _base("Signed")
    msg.set_content("Signed mail.")
    msg.add_attachment(b"\x30\x82\x05\x00" + b"\x01" * 60, maintype="application",
                       subtype="pkcs7-signature", filename="smime.p7s")
    msg = out["pgp_signature_unnamed"] = _base("Signed")
    msg.set_content("Signed mail.")
    msg.add_attachment(b"-----BEGIN PGP SIGNATURE-----\r\nx\r\n-----END PGP SIGNATURE-----\r\n",
                       maintype="application", subtype="pgp-signature")
    msg = out["photos"] = _base("Photos")
    msg.set_content("Photos from the trip.")
    for number in (1, 2):
        msg.add_attachment(JPEG, maintype="image", subtype="jpeg", filename=f"IMG_{number}.JPG")
    msg = out["office_documents"] = _base("Documents")
    msg.set_content("Documents.")
    msg.add_attachment(_ooxml(), maintype="application", subtype="vnd.openxmlformats-"
                       "officedocument.wordprocessingml.document", filename="report.docx")
    msg.add_attachment(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
                       maintype="application", subtype="msword", filename="old.doc")
    inner = _base("Original")
    inner.set_content("The original.")
    inner.add_attachment(PDF, maintype="application", subtype="pdf", filename="a.pdf")
    msg = out["forwarded_with_pdf"] = _base("Fwd: Original")
    msg.set_content("FYI")
    msg.add_attachment(inner)
    msg = out["scan_without_text"] = _base("Scan")
    msg.set_content("")
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="scan0001.pdf")
    msg = out["source_tarball"] = _base("Sources")
    msg.set_content("The sources of release 1.0.")
    msg.add_attachment(_tar_gz(), maintype="application", subtype="gzip",
                       filename="project-1.0.tar.gz")
    msg = out["auto_reply"] = _base("Out of office")
    msg["Auto-Submitted"] = "auto-replied"
    msg["Return-Path"] = "<>"
    msg.set_content("I am away until Monday.")
    return out


HONEST = _honest()


@pytest.mark.parametrize("name", sorted(HONEST))
def test_everyday_honest_mail_is_clean(name):
    verdict, _ = judge_bytes(HONEST[name].as_bytes(policy=policy.SMTP), RULES)
    assert verdict.level is Level.CLEAN, (name, [(f.id, f.evidence) for f in verdict.findings])


def test_a_clumsy_newsletter_with_unnamed_inline_pictures_is_clean():
    """A header line without a colon (two readings) in a newsletter whose inline
    pictures have no names: only pictures and text, whichever way it is read."""
    msg = _base("News")
    msg.set_content("<p>News <img src='cid:a'></p>", subtype="html")
    msg.add_related(b"RIFF\x00\x01\x00\x00WEBPVP8 " + bytes(range(40)), maintype="image",
                    subtype="webp", cid="<a>")
    raw = msg.as_bytes(policy=policy.SMTP).replace(b"Subject:", b"X no colon here\r\nSubject:", 1)
    verdict, _ = judge_bytes(raw, RULES)
    assert {f.id for f in verdict.findings} >= {"PARSER_AMBIGUITY"}
    assert verdict.level is Level.CLEAN
