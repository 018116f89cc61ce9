"""The zip directory reader against Python's `zipfile`, an independent reader.

Generated zips vary every way real senders build them (comments, data in front,
ZIP64 end records, data descriptors, deflate or store, UTF-8 or cp437 names, many
entries); the names MailSentry lists must be exactly the names `zipfile` lists, read
from memory and read from the end only, as the IMAP builder reads them. Mutated zips
(bytes flipped, cut, end records changed) must never raise, and whenever the reader
reports no error it must list every name `zipfile` lists: a short list without an
error would be judged clean.

Size knob: ``MAILSENTRY_SWEEP`` (examples per property, default 200).
"""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.archive import MAX_DIRECTORY_BYTES, Reader, list_zip
from app.core.facts import Archive
from tests.sweep import SWEEP_SETTINGS

EXE = b"MZ\x90\x00" + b"\x00" * 60 + b"MailSentry harmless test payload " * 3


class _Unseekable(io.RawIOBase):
    """A write-only stream without seek: `zipfile` then writes data descriptors."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        self.buffer += data
        return len(data)


@contextmanager
def _zip64_end_records(force: bool) -> Iterator[None]:
    """`zipfile` writes ZIP64 end records only past 65,535 entries; lower its limit."""
    saved = zipfile.ZIP_FILECOUNT_LIMIT
    if force:
        zipfile.ZIP_FILECOUNT_LIMIT = 0
    try:
        yield
    finally:
        zipfile.ZIP_FILECOUNT_LIMIT = saved


def make_zip(
    members: list[tuple[str, bytes]],
    *,
    comment: bytes = b"",
    prefix: bytes = b"",
    zip64: bool = False,
    descriptors: bool = False,
    deflate: bool = False,
) -> bytes:
    """A zip written by `zipfile` with the given shape; ``prefix`` is data in front
    (a self-extracting stub), so the stored offsets are off by its length."""
    method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    out: io.BytesIO | _Unseekable = _Unseekable() if descriptors else io.BytesIO()
    out.write(prefix)
    with (
        warnings.catch_warnings(),  # duplicate names are a shape senders use too
        _zip64_end_records(zip64),
        zipfile.ZipFile(out, "w", method) as archive,
    ):
        warnings.simplefilter("ignore")
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 15, 9, 30, 0)), data)
        archive.comment = comment
    return bytes(out.buffer) if isinstance(out, _Unseekable) else out.getvalue()


def memory(data: bytes) -> Reader:
    return lambda offset, length: data[offset : offset + length]


def from_the_end(data: bytes, slack: int) -> tuple[Reader, int]:
    """A reader that knows only the end, like the IMAP builder: it is told a size
    ``slack`` bytes too large (the encoded size) and maps offsets from the end."""
    size = len(data) + slack

    def read(offset: int, length: int) -> bytes:
        start = len(data) - (size - offset)
        return data[max(0, start) : max(0, start + length)] if start + length > 0 else b""

    return read, size


def zipfile_names(data: bytes) -> list[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return None


def listed(data: bytes) -> Archive:
    return list_zip(memory(data), len(data))


# -- generated zips --------------------------------------------------------------------

_NAME = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=30,
)
_MEMBERS = st.lists(
    st.tuples(_NAME, st.sampled_from([b"", b"%PDF-1.4 harmless", EXE])), max_size=25
)
_SHAPE = st.fixed_dictionaries(
    {
        "comment": st.one_of(
            st.just(b""), st.binary(max_size=300), st.binary(min_size=4000, max_size=0xFFFF)
        ),
        "prefix": st.one_of(st.just(b""), st.binary(max_size=5000), st.just(EXE * 40)),
        "zip64": st.booleans(),
        "descriptors": st.booleans(),
        "deflate": st.booleans(),
    }
)


@SWEEP_SETTINGS
@given(_MEMBERS, _SHAPE, st.integers(0, 70_000))
def test_lists_exactly_what_zipfile_lists(members, shape, slack):
    data = make_zip(members, **shape)
    expected = zipfile_names(data)
    assert expected is not None
    found = listed(data)
    assert (found.error, list(found.members)) == (None, expected)
    read, size = from_the_end(data, slack)
    assert list_zip(read, size) == found


@SWEEP_SETTINGS
@given(
    _MEMBERS,
    _SHAPE,
    st.lists(st.tuples(st.integers(0, 1 << 30), st.integers(0, 255)), max_size=4),
    st.one_of(st.none(), st.integers(0, 1 << 30)),
)
def test_mutated_zips_are_never_listed_short_without_an_error(members, shape, flips, cut):
    data = bytearray(make_zip(members, **shape))
    for at, value in flips:
        if data:
            data[at % len(data)] = value
    mutated = bytes(data if cut is None else data[: cut % (len(data) + 1)])
    found = listed(mutated)
    expected = zipfile_names(mutated)
    if found.error is None and expected is not None:
        assert set(expected) <= set(found.members)


# -- the classes the security review found ---------------------------------------------


def test_a_program_after_ten_thousand_entries_is_listed():
    members = [(f"d{i}.txt", b"") for i in range(10_000)] + [("evil.exe", EXE)]
    found = listed(make_zip(members))
    assert found.error is None
    assert len(found.members) == 10_001
    assert found.members[-1] == "evil.exe"


def _set_entry_count(data: bytes, count: int) -> bytes:
    at = data.rfind(b"PK\x05\x06")
    return data[: at + 8] + struct.pack("<HH", count, count) + data[at + 12 :]


def test_a_directory_declaring_more_entries_than_it_holds_is_cut_off():
    data = _set_entry_count(make_zip([("a.txt", b""), ("b.exe", EXE)]), 0xFFFE)
    found = listed(data)
    assert found.error == "the zip directory is cut off (2 of 65,534 entries)"
    assert found.members == ("a.txt", "b.exe")


def test_an_entry_that_runs_past_the_end_is_an_error():
    data = bytearray(make_zip([("a.txt", b"")]))
    entry = data.find(b"PK\x01\x02")
    data[entry + 28 : entry + 34] = struct.pack("<HHH", 0xFFFF, 0xFFFF, 0xFFFF)
    found = listed(bytes(data))
    assert found.error == "a zip directory entry runs past the end of the directory"


def test_a_directory_too_large_to_read_is_never_a_short_list():
    members = [(f"{i:08d}/" + "n" * 40, b"") for i in range(MAX_DIRECTORY_BYTES // 80)]
    found = listed(make_zip(members))
    assert found.members == ()
    assert found.error is not None and found.error.startswith("too many entries to list")


@pytest.mark.parametrize(
    "shape",
    [
        {"comment": b"x" * 0xFFFF},
        {"prefix": EXE * 100},
        {"zip64": True, "prefix": EXE},
        {"descriptors": True, "deflate": True},
    ],
    ids=["long-comment", "self-extracting", "zip64", "descriptors"],
)
def test_shapes_zipfile_reads_are_listed(shape):
    data = make_zip([("readme.txt", b"hello"), ("setup.exe", EXE)], **shape)
    assert zipfile_names(data) == ["readme.txt", "setup.exe"]
    assert listed(data) == Archive("zip", ("readme.txt", "setup.exe"))


def test_a_wrong_directory_offset_is_recovered():
    data = bytearray(make_zip([("setup.exe", EXE)]))
    at = data.rfind(b"PK\x05\x06")
    data[at + 16 : at + 20] = struct.pack("<I", 12345)
    assert listed(bytes(data)) == Archive("zip", ("setup.exe",))


def test_an_end_record_signature_inside_the_comment_is_passed_over():
    # `zipfile` takes the signature in the comment and fails; 7-Zip and Windows list it.
    data = make_zip([("setup.exe", EXE)], comment=b"PK\x05\x06 looks like an end record")
    assert zipfile_names(data) is None
    assert listed(data) == Archive("zip", ("setup.exe",))
