"""Archives other than zip, disk images and nested archives, against independent readers.

- tar (ustar, GNU, pax; plain, gzip, bzip2, xz) written by Python's `tarfile` with
  generated names: MailSentry (through libarchive) lists exactly what `tarfile` lists,
  and a compressed tar is one archive;
- gzip, bzip2, xz single files written by Python's modules: the stored name (gzip) and
  whether the decompressed content is a program;
- 7-Zip (written by libarchive), RAR 4, RAR 5, CAB and ISO 9660 (written byte by byte
  by the corpus generator from the published layouts): the names put in are the names
  listed;
- every bound (entries, bytes unpacked, nesting, a missing libarchive) gives an error,
  which makes the message suspicious, never a short list; mutated archives never raise.

Size knob: ``MAILSENTRY_SWEEP`` (examples per property, default 200).
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import sys
import tarfile
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core import attachments, listing, names
from app.core.facts import Archive
from tests.corpus.make_corpus import cab, exe, iso9660, rar4, rar5, seven_zip, tar_bytes, udf_image
from tests.sweep import SWEEP_SETTINGS

EXE = exe()


def listed(data: bytes, name: str) -> Archive | None:
    return listing.archive_of(data[:256], (name,), lambda at, n: data[at : at + n], len(data))


def zip_of(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return out.getvalue()


# -- tar against tarfile ---------------------------------------------------------------

_SEGMENT = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x2FF, blacklist_characters="/\\"),
    min_size=1,
    max_size=40,
).filter(lambda s: s not in (".", ".."))
#: Names of members that are not archives themselves (nesting is tested on its own).
_TAR_NAME = (
    st.lists(_SEGMENT, min_size=1, max_size=4)
    .map("/".join)
    .filter(lambda name: not listing.looks_like_archive(name))
)


@SWEEP_SETTINGS
@given(
    st.lists(
        st.tuples(_TAR_NAME, st.sampled_from([b"", b"int x;\n", EXE])),
        min_size=1,
        max_size=12,
        unique_by=lambda m: m[0],
    ),
    st.sampled_from([tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT]),
    st.sampled_from(["", "gz", "bz2", "xz"]),
)
def test_tar_lists_exactly_what_tarfile_lists(members, fmt, compress):
    try:
        data = tar_bytes(members, fmt=fmt, compress=compress)
    except ValueError:  # a name ustar cannot hold
        return
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        expected = archive.getnames()
    found = listed(data, "release.tar" + (f".{compress}" if compress else ""))
    assert found is not None
    assert (found.error, list(found.members)) == (None, expected)
    assert found.kind == ("tar" if not compress else f"tar.{compress}")


def test_a_tar_gz_of_sources_is_one_archive():
    data = tar_bytes([("src/main.c", b"int main(void) { return 0; }\n")], compress="gz")
    found = listed(data, "sources.tar.gz")
    assert found == Archive(
        "tar.gz", ("src/main.c",), label="gzip-compressed tar archive", programs=()
    )


# -- single compressed files -------------------------------------------------------------


@pytest.mark.parametrize(
    ("compress", "kind"),
    [
        (lambda d: gzip.compress(d, mtime=0), "gz"),
        (bz2.compress, "bz2"),
        (lambda d: lzma.compress(d, format=lzma.FORMAT_XZ), "xz"),
    ],
    ids=["gzip", "bzip2", "xz"],
)
@pytest.mark.parametrize("content", [EXE, b"%PDF-1.4 harmless"], ids=["program", "document"])
def test_single_compressed_files_say_what_they_decompress_to(compress, kind, content):
    found = listed(compress(content), f"setup.dat.{kind}")
    assert found is not None and found.error is None
    assert found.members == ("setup.dat",)
    assert found.programs == (("setup.dat",) if content == EXE else ())


@SWEEP_SETTINGS
@given(st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), min_size=1, max_size=60))
def test_the_stored_gzip_name_is_what_gzip_wrote(name):
    out = io.BytesIO()
    with gzip.GzipFile(name, "wb", fileobj=out, mtime=0) as packed:
        packed.write(EXE)
    data = out.getvalue()
    # Python's gzip writes the base name, Latin-1, without a trailing ".gz".
    written = os.path.basename(name)  # noqa: PTH119 - what gzip itself does
    written = written[:-3] if written.endswith(".gz") else written
    assert listing.gzip_name(data) == (written or None)
    assert gzip.decompress(data) == EXE


def test_a_decompression_bomb_stops_at_the_bound(monkeypatch):
    monkeypatch.setattr(listing, "MAX_UNPACKED", 1 << 20)
    bomb = gzip.compress(b"\0" * (8 << 20), mtime=0)
    found = listed(bomb, "data.bin.gz")
    assert found is not None and found.members == ("data.bin",)
    tarred = tar_bytes([("big.bin", b"\0" * (2 << 20)), ("evil.exe", EXE)], compress="gz")
    found = listed(tarred, "release.tar.gz")
    assert found is not None and found.error == "too large to list (over 1 MiB unpacked)"


# -- formats written here, listed by libarchive -------------------------------------------

_PLAIN_NAME = st.from_regex(r"[A-Z][A-Z0-9_]{0,7}\.(EXE|TXT|PDF|SCR|JS)", fullmatch=True)
WRITERS = {"7z": seven_zip, "rar4": rar4, "rar5": rar5, "cab": cab, "iso": iso9660}


@SWEEP_SETTINGS
@given(
    st.sampled_from(sorted(WRITERS)),
    st.lists(st.tuples(_PLAIN_NAME, st.sampled_from([b"x", b"%PDF-1.4", EXE])), min_size=1,
             max_size=8, unique_by=lambda m: m[0]),
)
def test_the_names_written_are_the_names_listed(kind, members):
    data = WRITERS[kind](members)
    found = listed(data, f"archive.{kind[:3]}")
    assert found is not None
    assert (found.error, list(found.members)) == (None, [name for name, _ in members])


def test_encrypted_entries_are_reported():
    found = listed(rar4([("invoice.exe", EXE)], encrypt=True), "invoice.rar")
    assert found == Archive("rar", ("invoice.exe",), encrypted=True, label="RAR archive")


def test_an_iso_image_is_found_by_its_descriptor_not_its_first_bytes():
    data = iso9660([("setup.exe", EXE)])
    assert data[:256] == b"\0" * 256
    assert listed(data, "invoice.iso") == Archive(
        "iso", ("SETUP.EXE",), label="ISO 9660 disk image"
    )
    assert listed(data, "invoice.bin") is None  # only names Windows mounts are looked into


def test_a_udf_image_cannot_be_listed():
    found = listed(udf_image(), "scan.img")
    assert found is not None and found.error == "UDF disk images cannot be listed"


# -- nesting and bounds --------------------------------------------------------------------


def test_archives_inside_archives_are_listed_to_a_bound():
    inner = seven_zip([("tool.exe", EXE)])
    data = zip_of([("inner.7z", inner), ("readme.txt", b"see inner")])
    found = listed(data, "outer.zip")
    assert found is not None and found.error is None
    assert found.members == ("inner.7z", "readme.txt", "inner.7z/tool.exe")
    deep = zip_of([("tool.exe", EXE)])
    for level in range(listing.MAX_NESTING + 1):
        deep = zip_of([(f"level{level}.zip", deep)])
    found = listed(deep, "deep.zip")
    assert found is not None and found.error is not None
    assert found.error.endswith(f"archives nested more than {listing.MAX_NESTING} deep")


def test_too_many_entries_is_an_error(monkeypatch):
    monkeypatch.setattr(listing, "MAX_ENTRIES", 10)
    data = tar_bytes([(f"f{i}.txt", b"") for i in range(11)])
    found = listed(data, "many.tar")
    assert found is not None and found.error == "too many entries to list (over 10)"


def test_without_libarchive_an_archive_is_unlistable(monkeypatch):
    monkeypatch.setitem(sys.modules, "libarchive", None)
    found = listed(rar5([("setup.exe", EXE)]), "payment.rar")
    assert found is not None
    assert found.error == "RAR 5 archives cannot be listed here (libarchive is not installed)"


@SWEEP_SETTINGS
@given(
    st.sampled_from([*sorted(WRITERS), "tar.gz", "zip-in-zip"]),
    st.lists(st.tuples(st.integers(0, 1 << 30), st.integers(0, 255)), min_size=1, max_size=4),
    st.one_of(st.none(), st.integers(0, 1 << 30)),
)
def test_mutated_archives_never_raise(kind, flips, cut):
    members = [("SETUP.EXE", EXE), ("README.TXT", b"readme")]
    if kind == "tar.gz":
        data = bytearray(tar_bytes(members, compress="gz"))
    elif kind == "zip-in-zip":
        data = bytearray(zip_of([("inner.zip", zip_of(members))]))
    else:
        data = bytearray(WRITERS[kind](members))
    for at, value in flips:
        data[at % len(data)] = value
    mutated = bytes(data if cut is None else data[: cut % (len(data) + 1)])
    found = listed(mutated, f"archive.{kind.split('-')[0][:3]}")
    assert found is None or isinstance(found, Archive)


@SWEEP_SETTINGS
@given(
    st.one_of(
        st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40),
        st.text(max_size=40),
        st.from_regex(r"[a-z]{1,8}(\.[a-zA-Z]{1,4}){0,3}[ .]{0,3}", fullmatch=True),
    )
)
def test_member_extensions_agree_with_the_full_name_reader(name):
    # The quick path for plain member names gives what `names.extensions_of` gives.
    assert set(attachments._member_extensions(name)) == set(names.extensions_of(name))
