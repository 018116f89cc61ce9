"""Containers a mail client opens: TNEF, Outlook .msg, iCalendar, OneNote, HTML smuggling.

Each is written here by an encoder that follows the published layout (the corpus
generator's `tnef`, `outlook_msg`, `icalendar_with_file`, `onenote`, `smuggling_page`),
with generated names and contents: what goes in is what the reader lists, and a
program inside is a program whatever its name. The Outlook file is also read by
`olefile` directly, as an independent check of the encoder. Damaged and cut containers
never raise.

Size knob: ``MAILSENTRY_SWEEP`` (examples per property, default 200).
"""

from __future__ import annotations

import os

import olefile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core import containers
from app.core.facts import Archive
from app.core.listing import archive_of
from tests.corpus.make_corpus import (
    PDF,
    exe,
    icalendar_with_file,
    onenote,
    outlook_msg,
    smuggling_page,
    tnef,
    zip_bytes,
)

SWEEP = int(os.environ.get("MAILSENTRY_SWEEP", "200"))
SWEEP_SETTINGS = settings(
    max_examples=max(20, SWEEP // 4),
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
EXE = exe()
_NAME = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 _-]{0,30}\.(exe|pdf|txt|scr|docx|js)", fullmatch=True)
_CONTENT = st.sampled_from([EXE, PDF, b"plain words\r\n", b""])


def listed(data: bytes, name: str) -> Archive | None:
    return archive_of(data[:256], (name,), lambda at, n: data[at : at + n], len(data))


def _programs(files: list[tuple[str, bytes]]) -> tuple[str, ...]:
    return tuple(name for name, data in files if data.startswith(b"MZ"))


@SWEEP_SETTINGS
@given(st.lists(st.tuples(_NAME, _CONTENT), min_size=1, max_size=6))
def test_tnef_lists_every_file_and_its_program_bytes(files):
    data = tnef([(name[:8].upper(), name, content) for name, content in files])
    found = listed(data, "winmail.dat")
    assert found is not None and found.error is None
    assert list(found.members) == [name for name, _ in files]
    assert found.programs == _programs(files)


@SWEEP_SETTINGS
@given(st.lists(st.tuples(_NAME, _CONTENT), min_size=1, max_size=5))
def test_outlook_msg_lists_every_attachment(files):
    data = outlook_msg(files)
    with olefile.OleFileIO(data) as ole:  # the independent reader agrees on the layout
        storages = {entry[0] for entry in ole.listdir() if entry[0].startswith("__attach")}
    assert len(storages) == len(files)
    found = listed(data, "forwarded.msg")
    assert found is not None and found.error is None
    assert list(found.members) == [name for name, _ in files]
    assert found.programs == _programs(files)


@SWEEP_SETTINGS
@given(_NAME, _CONTENT)
def test_an_icalendar_file_inline_is_listed(name, content):
    invite = icalendar_with_file(name, content, "application/octet-stream").encode()
    found = listed(invite, "invite.ics")
    assert found is not None
    assert found.members == (name,)
    assert found.programs == _programs([(name, content)])


def test_an_icalendar_link_is_not_a_file():
    invite = (
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nATTACH:https://example.org/agenda.pdf\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert listed(invite, "invite.ics") is None


def test_onenote_embedded_files_and_their_names():
    data = onenote([("open.cmd", b"@echo off\r\n"), ("photo.jpg", EXE)])
    found = listed(data, "notes.one")
    assert found is not None and found.error is None
    assert "open.cmd" in found.members and "photo.jpg" in found.members
    assert found.programs == ("(embedded file 2: windows-executable)",)


def test_html_smuggling_builds_a_program_or_an_archive():
    found = listed(smuggling_page("invoice.exe", EXE), "invoice.html")
    assert found is not None and found.members == ("invoice.exe",)
    assert found.programs == ("invoice.exe",)
    found = listed(smuggling_page("invoice.zip", zip_bytes([("run.js", EXE)])), "a.svg")
    assert found is not None and found.members == ("invoice.zip", "invoice.zip/run.js")


def test_an_ordinary_web_page_is_not_a_container():
    page = b"<html><body><a href='report.pdf'>the report</a></body></html>"
    assert listed(page, "report.html") is None


@SWEEP_SETTINGS
@given(
    st.sampled_from(["tnef", "msg", "onenote"]),
    st.lists(st.tuples(st.integers(0, 1 << 30), st.integers(0, 255)), min_size=1, max_size=4),
    st.one_of(st.none(), st.integers(0, 1 << 30)),
)
def test_damaged_containers_never_raise(kind, flips, cut):
    files = [("invoice.exe", EXE), ("notes.txt", b"notes")]
    data = bytearray(
        {
            "tnef": lambda: tnef([(n.upper()[:8], n, d) for n, d in files]),
            "msg": lambda: outlook_msg(files),
            "onenote": lambda: onenote(files),
        }[kind]()
    )
    for at, value in flips:
        data[at % len(data)] = value
    mutated = bytes(data if cut is None else data[: cut % (len(data) + 1)])
    name = {"tnef": "winmail.dat", "msg": "x.msg", "onenote": "x.one"}[kind]
    found = listed(mutated, name)
    assert found is None or isinstance(found, Archive)


def test_a_cut_tnef_is_an_error():
    data = tnef([("INVOICE.PDF", "invoice.pdf", PDF)])
    opened = containers.read_tnef(data[: len(data) - 40])
    assert opened.error == "the TNEF data is damaged or cut off"
