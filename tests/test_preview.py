"""The text preview (`app.core.preview`): the text a mail client would show, as plain
text, bounded, with HTML reduced to words and nothing loaded.

The preview reads with Python's ``email`` package (compat32); its part choice and text
are compared with MailSentry's own MIME reader on every corpus message, and mutated
copies of them must still give a bounded preview."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.facts import HEAD_BYTES, Part
from app.core.parse import readings
from app.core.preview import (
    PREVIEW_CHARS,
    _tidy,
    choose,
    decode,
    escape_hidden,
    from_message,
    html_to_text,
)

CORPUS = sorted((Path(__file__).parent / "corpus" / "messages").glob("*.eml"))
SWEEP = int(os.environ.get("MAILSENTRY_SWEEP", "200"))


def own_reading(raw: bytes) -> Part | None:
    """The text part MailSentry's own MIME reader (`app.core.parse`) finds."""
    return choose(list(readings(raw)[0].parts))


#: Messages the two readers read differently on purpose.
DIFFERENT = {
    # A boundary missing, never used or differing in case: MailSentry's reader finds
    # the one the body uses (to judge what any client might show); Python's reads no
    # parts, and the preview then shows no text: these messages are malformed.
    "multipart_no_boundary.eml",
    "boundary_never_used.eml",
    "boundary_case_differs_exe.eml",
    # message/partial: MailSentry's reader opens a first fragment to judge what it
    # carries; a mail client shows it as an attachment, and so does the preview.
    "message_partial_whole_exe.eml",
    "message_partial_first_of_three_exe.eml",
}


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_the_text_is_the_one_mailsentry_reads(path):
    """The preview reads with Python's email; MailSentry's own reader must pick the
    same part, and its first decoded bytes must start the preview."""
    raw = path.read_bytes()
    ours = from_message(raw)
    part = own_reading(raw)
    if path.name in DIFFERENT:
        assert ours.kind == "none" and part is not None
        return
    if part is None:
        assert ours.kind == "none", ours
        return
    assert ours.kind == part.content_type.split("/")[1], (ours.kind, part.content_type)
    if part.content_type == "text/plain":
        head = decode(part.head, part.charset)
        whole_lines = head[: head.rfind("\n") + 1] if len(part.head) == HEAD_BYTES else head
        assert ours.text.startswith(escape_hidden(_tidy(whole_lines)).rstrip()), ours.text[:300]


def test_html_is_words_links_are_text_images_are_not_loaded():
    raw = (
        b"From: a@shop.example\r\nSubject: sale\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b"<html><head><title>t</title><style>p{color:red}</style>"
        b"<script>alert(1)</script></head><body><p>Hello &amp; welcome</p>"
        b'<img src="https://tracker.example/pixel.gif" width=1>'
        b"<img src='cid:logo' alt='Logo'>"
        b'<p><a href="https://evil.example/login">https://bank.example</a></p>'
        b"<ul><li>one</li><li>two</li></ul></body></html>\r\n"
    )
    preview = from_message(raw)
    assert preview.kind == "html"
    lines = preview.text.splitlines()
    assert lines[0] == "Hello & welcome"
    assert "[image]" in preview.text and "[image: Logo]" in preview.text
    assert "tracker.example" not in preview.text  # an image's address is not even shown
    assert "https://bank.example <https://evil.example/login>" in lines
    assert "• one" in lines and "• two" in lines
    for hidden in ("alert", "color:red", "<p>", "<img"):
        assert hidden not in preview.text


def test_plain_text_is_preferred_to_html_and_attachments_are_skipped():
    raw = (
        b"Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\n"
        b"Content-Type: text/plain; name=notes.txt\r\n\r\nnot the body\r\n--m\r\n"
        b"Content-Type: multipart/alternative; boundary=a\r\n\r\n--a\r\n"
        b"Content-Type: text/html\r\n\r\n<b>html</b>\r\n--a\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\nCaf=E9 ouvert\r\n--a--\r\n--m--\r\n"
    )
    assert from_message(raw).text == "Café ouvert"


def test_iso_2022_jp_with_windows_extensions():
    # ① and ㈱ are NEC row 13 in CP50220, which Python's iso2022_jp codecs refuse.
    body = "お世話になります。".encode("iso2022_jp") + b"\x1b$B-!-j\x1b(B\r\n"
    raw = b"Content-Type: text/plain; charset=ISO-2022-JP\r\n\r\n" + body
    assert from_message(raw).text == "お世話になります。①㈱"


def test_controls_and_bidi_overrides_are_escaped():
    raw = "Content-Type: text/plain; charset=utf-8\r\n\r\nred \x1b[31m text\u202egpj.exe\tend\r\n"
    text = from_message(raw.encode()).text
    assert text == "red \\x1b[31m text\\u202egpj.exe\tend"


def test_length_is_bounded():
    raw = b"Content-Type: text/plain\r\n\r\n" + b"0123456789 " * 200_000
    preview = from_message(raw)
    assert preview.truncated and len(preview.text) <= PREVIEW_CHARS


def test_a_message_without_text():
    raw = (CORPUS[0].parent / "hybris_2001_eudora.eml").read_bytes()
    assert from_message(raw).kind in ("none", "plain")
    assert from_message(b"").kind in ("none", "plain")


@settings(
    max_examples=SWEEP,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    seed=st.sampled_from(CORPUS),
    cuts=st.lists(st.tuples(st.integers(0, 1 << 20), st.binary(max_size=8)), max_size=6),
)
def test_mutated_messages_give_a_bounded_preview(seed, cuts):
    data = bytearray(seed.read_bytes()[:200_000])
    for place, insert in cuts:
        at = place % (len(data) + 1)
        data[at : at + random.Random(at).randint(0, 4)] = insert
    preview = from_message(bytes(data))
    assert len(preview.text) <= PREVIEW_CHARS
    assert "\x1b" not in preview.text and "\u202e" not in preview.text


@settings(max_examples=SWEEP, derandomize=True, database=None, deadline=None)
@given(st.text(max_size=300))
def test_any_html_gives_text_without_tags_from_the_markup(html):
    text = html_to_text(f"<p>{html}</p><img src='x'>")
    assert text.endswith("[image]")
