"""List what an archive or disk image holds: every format a mail client's user can open.

Nothing is extracted to disk or run. Zips are listed from their central directory by
`app.core.archive` (a remote reader fetches only the end); every other format is
listed from the part's bytes, read whole up to `MAX_WHOLE_BYTES`:

- 7z, RAR 4 and 5, CAB, tar (ustar, GNU, pax), LHA and ISO 9660 disk images through
  libarchive (`libarchive-c`), the reader most archive tools are built on;
- gzip, bzip2 and xz single files with Python's own decompressors: the stored file
  name (gzip) and what the decompressed data is; a compressed tar is one archive;
- an archive inside an archive, to `MAX_NESTING` levels.

Every reader is bounded in entries, bytes unpacked and time. Whatever cannot be
listed — an unknown or damaged format, a UDF-only disk image, a bound reached — is an
error on the `Archive`, which makes the message suspicious, never clean.
"""

from __future__ import annotations

import bz2
import contextlib
import io
import lzma
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from app.core import archive, containers, magic
from app.core.extensions import shipped_tiers
from app.core.facts import Archive

Reader = archive.Reader

#: The largest part read whole to list it (archives other than zip, nested archives).
MAX_WHOLE_BYTES = 32 << 20
#: Entries listed per archive; more is "too many entries to list".
MAX_ENTRIES = 100_000
#: Bytes a compressed archive may unpack while it is listed, and a nested one's size.
MAX_UNPACKED = 32 << 20
#: Archives inside archives looked into (the outer archive is level 1).
MAX_NESTING = 3
#: Wall time one archive may take to list, nested ones included.
MAX_SECONDS = 1.5
_ISO_MAGIC_AT = 0x8001  # "CD001" (ISO 9660) or "BEA01" (UDF) in the first descriptor
_DISK_IMAGE_EXTENSIONS = frozenset({"iso", "img", "udf"})


@dataclass(frozen=True)
class Format:
    """One format listed from its bytes: what it is called and how it is read."""

    kind: str
    label: str
    libarchive: str | None = None  # libarchive's format name; None: read here


_TAR = Format("tar", "tar archive", "tar")
_FORMATS: tuple[tuple[bytes, int, Format], ...] = (
    (b"7z\xbc\xaf\x27\x1c", 0, Format("7z", "7-Zip archive", "7zip")),
    (b"Rar!\x1a\x07\x01\x00", 0, Format("rar", "RAR 5 archive", "rar5")),
    (b"Rar!\x1a\x07\x00", 0, Format("rar", "RAR archive", "rar")),
    (b"MSCF\x00\x00\x00\x00", 0, Format("cab", "Windows cabinet file", "cab")),
    (b"ustar", 257, _TAR),
    (b"\x1f\x8b\x08", 0, Format("gz", "gzip-compressed file")),
    (b"BZh", 0, Format("bz2", "bzip2-compressed file")),
    (b"\xfd7zXZ\x00", 0, Format("xz", "xz-compressed file")),
)
_ISO = Format("iso", "ISO 9660 disk image", "iso9660")
_LHA = Format("lzh", "LHA archive", "lha")
_UNLISTABLE = (
    (b"**ACE**", 7, "ace", "ACE archive"),
    (b"\x60\xea", 0, "arj", "ARJ archive"),
)
_TARRED = {"gz": "tar.gz", "bz2": "tar.bz2", "xz": "tar.xz"}


class _Budget:
    """The bounds one top-level archive shares with every archive nested in it: time,
    and the bytes of nested archives unpacked to look inside them."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + MAX_SECONDS
        self.unpacked = 0

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise _Stop(f"listing took too long (over {MAX_SECONDS:g} s)")

    def left(self) -> int:
        return max(0, MAX_UNPACKED - self.unpacked)

    def take(self, size: int) -> None:
        self.unpacked += size
        if self.unpacked > MAX_UNPACKED:
            raise _Stop(f"too large to look inside (over {MAX_UNPACKED >> 20} MiB unpacked)")


class _Stop(Exception):
    """A bound was reached, or the archive is damaged: the listing stops with this."""


def sniff(head: bytes) -> Format | None:
    """The format ``head`` (the first bytes, at least 262 for tar) starts with."""
    for signature, offset, found in _FORMATS:
        if head[offset : offset + len(signature)] == signature:
            return found
    if head[2:5] == b"-lh" and head[6:7] == b"-":
        return _LHA
    return None


def file_extension(name: str) -> str:
    """The extension Windows opens a file by (trailing dots and spaces dropped), lower
    case: cheap, as it is asked of every part and every member of a large archive. The
    naming tricks around extensions are the detectors' business (`app.core.names`)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].rstrip(" .")
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def is_disk_image_name(name: str) -> bool:
    return file_extension(name) in _DISK_IMAGE_EXTENSIONS


def archive_of(head: bytes, part_names: tuple[str, ...], read: Reader, size: int) -> Archive | None:
    """What an archive-looking part holds: by its first bytes, by where a disk image
    keeps its signature, and (for a zip with data in front) by its name.
    ``read(offset, length)`` reads the decoded content, so a zip's directory can come
    from memory or from a ranged IMAP fetch."""
    extensions = {file_extension(n) for n in part_names}
    if archive.is_zip(head[:4]) or "zip" in extensions:
        return _zip(read, size, 1, _Budget())
    for signature, offset, kind, label in _UNLISTABLE:
        if head[offset : offset + len(signature)] == signature:
            return Archive(kind, error=f"{label}s cannot be listed", label=label)
    opener = containers.opener_for(head, extensions)
    if opener is not None:
        return _container(opener, read(0, MAX_WHOLE_BYTES + 1), _Budget())
    fmt = sniff(head)
    if fmt is None and _may_be_tar(head, extensions):
        fmt = sniff(read(0, 512))  # "ustar" sits at 257, past the head
    image = fmt is None and bool(extensions & _DISK_IMAGE_EXTENSIONS)
    if fmt is None and not image:
        return None
    # Read from the start only: a remote reader fetches a bounded head of the part.
    data = read(0, MAX_WHOLE_BYTES + 1)
    if fmt is None:
        fmt = _disk_image(data[_ISO_MAGIC_AT : _ISO_MAGIC_AT + 5])
        if fmt is None:
            return None
    if len(data) > MAX_WHOLE_BYTES:
        too_large = f"too large to list (over {MAX_WHOLE_BYTES >> 20} MiB)"
        return Archive(fmt.kind, error=too_large, label=fmt.label)
    return list_bytes(data, fmt, part_names[:1], 1, _Budget())


def _container(opener: containers.Opener, data: bytes, budget: _Budget) -> Archive | None:
    """A mail container (TNEF, .msg, calendar, OneNote, HTML): its files, and what any
    archive among them holds. Nothing found and nothing wrong: not a container at all."""
    if len(data) > MAX_WHOLE_BYTES:
        opened = opener(b"")
        too_large = f"too large to look inside (over {MAX_WHOLE_BYTES >> 20} MiB)"
        return Archive(opened.kind, error=too_large, label=opened.label)
    opened = opener(data)
    if not opened.members and not opened.error:
        return None
    found = Archive(
        opened.kind,
        tuple(opened.members),
        error=opened.error,
        label=opened.label,
        programs=tuple(opened.programs),
    )
    inside = _Inside(1, budget)
    for name, content in opened.files:
        inside.look(name, content)
    return inside.into(found)


def _may_be_tar(head: bytes, extensions: set[str]) -> bool:
    """A tar header's mode field is octal digits; or the part is named as a tar."""
    mode = head[100:108].rstrip(b" \x00")
    if len(mode) >= 3 and mode.isdigit() and b"8" not in mode and b"9" not in mode:
        return True
    return "tar" in extensions


def _disk_image(signature: bytes) -> Format | None:
    if signature == b"CD001":
        return _ISO
    if signature == b"BEA01":
        return Format("udf", "UDF disk image")  # libarchive lists ISO 9660 only
    return None


def list_bytes(
    data: bytes, fmt: Format, outer_names: tuple[str, ...], depth: int, budget: _Budget
) -> Archive:
    """List ``data`` of format ``fmt``; errors end up on the `Archive`, never raised."""
    try:
        if fmt.kind in _TARRED:
            return _single_file(data, fmt, outer_names, depth, budget)
        if fmt.libarchive is None:
            raise _Stop(f"{fmt.label}s cannot be listed")
        return _libarchive_list(data, fmt, depth, budget)
    except _Stop as stop:
        return Archive(fmt.kind, error=str(stop), label=fmt.label)


# -- zip: the directory lists names; nested archives need the members' bytes ----------


def _zip(read: Reader, size: int, depth: int, budget: _Budget) -> Archive:
    """A zip's directory; the members that are archives are opened from its bytes."""
    found = replace(archive.list_zip(read, size), label="zip archive")
    nested = [m for m in found.members if looks_like_archive(m)]
    if found.error or found.encrypted or not nested:
        return found
    data = read(0, MAX_WHOLE_BYTES + 1)
    if len(data) > MAX_WHOLE_BYTES:
        return replace(found, error=f"too large to look inside (over {MAX_WHOLE_BYTES >> 20} MiB)")
    inside = _Inside(depth, budget)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as opened:
            for name in nested:
                with opened.open(name) as member:
                    content = member.read(budget.left() + 1)
                budget.take(len(content))
                inside.look(name, content)
    except _Stop as stop:
        inside.errors.append(str(stop))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
        inside.errors.append(f"the zip cannot be opened to look inside ({_short(error)})")
    except zlib.error as error:
        inside.errors.append(f"a member is damaged ({_short(error)})")
    return inside.into(found)


def looks_like_archive(member: str) -> bool:
    extension = file_extension(member)
    return extension in shipped_tiers().archive or extension in _DISK_IMAGE_EXTENSIONS


class _Inside:
    """What the archives nested in one archive hold, gathered as each is read (so only
    one nested archive's bytes are held at a time), as ``outer/inner`` names."""

    def __init__(self, depth: int, budget: _Budget) -> None:
        self.depth = depth
        self.budget = budget
        self.members: list[str] = []
        self.programs: list[str] = []
        self.errors: list[str] = []
        self.encrypted = False

    def look(self, name: str, data: bytes) -> None:
        try:
            found = _nested(name, data, self.depth + 1, self.budget)
        except _Stop as stop:
            found = Archive("?", error=str(stop))
        if found is None:
            return
        self.members.extend(f"{name}/{m}" for m in found.members)
        self.programs.extend(f"{name}/{m}" for m in found.programs)
        self.encrypted = self.encrypted or found.encrypted
        if found.error:
            self.errors.append(f"{name}: {found.error}")

    def into(self, outer: Archive) -> Archive:
        errors = ([outer.error] if outer.error else []) + self.errors
        return replace(
            outer,
            members=outer.members + tuple(self.members),
            programs=outer.programs + tuple(self.programs),
            encrypted=outer.encrypted or self.encrypted,
            error="; ".join(errors[:3]) if errors else None,
        )


def _nested(name: str, data: bytes, depth: int, budget: _Budget) -> Archive | None:
    """A member's bytes listed as an archive when they are one."""
    budget.check()
    if not data:
        return None
    is_zip = archive.is_zip(data[:4])
    fmt = sniff(data[:512])
    if fmt is None and is_disk_image_name(name):
        fmt = _disk_image(data[_ISO_MAGIC_AT : _ISO_MAGIC_AT + 5])
    if not is_zip and fmt is None:
        if looks_like_archive(name):
            return Archive("?", error="named as an archive, but not one that can be listed")
        return None
    if depth > MAX_NESTING:
        return Archive("?", error=f"archives nested more than {MAX_NESTING} deep")
    if len(data) > MAX_UNPACKED:
        return Archive("?", error=f"too large to look inside (over {MAX_UNPACKED >> 20} MiB)")
    if fmt is None:
        return _zip(lambda at, n: data[at : at + n], len(data), depth, budget)
    return list_bytes(data, fmt, (name,), depth, budget)


# -- gzip, bzip2, xz: one compressed file, or a compressed tar -------------------------


def _single_file(
    data: bytes, fmt: Format, outer_names: tuple[str, ...], depth: int, budget: _Budget
) -> Archive:
    inner = _decompress(data, fmt.kind, budget.left() if depth > 1 else MAX_UNPACKED)
    if depth > 1:
        budget.take(len(inner))
    stored = gzip_name(data) if fmt.kind == "gz" else None
    name = stored or _without_suffix(outer_names[0] if outer_names else "", fmt.kind)
    if sniff(inner[:512]) is _TAR or name.lower().endswith(".tar"):
        if len(inner) > MAX_UNPACKED:
            raise _Stop(f"too large to list (over {MAX_UNPACKED >> 20} MiB unpacked)")
        tar = list_bytes(inner, _TAR, (name,), depth, budget)
        label = f"{fmt.label.split('-')[0]}-compressed tar archive"
        return replace(tar, kind=_TARRED[fmt.kind], label=label)
    programs = (name,) if magic.is_executable(inner[:256]) else ()
    found = Archive(fmt.kind, (name,), label=fmt.label, programs=programs)
    inside = _Inside(depth, budget)
    inside.look(name, inner)
    return inside.into(found)


def _decompress(data: bytes, kind: str, limit: int) -> bytes:
    """Up to ``limit`` + 1 bytes of the decompressed stream (a bomb stops there)."""
    try:
        if kind == "gz":
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, limit + 1)
        if kind == "bz2":
            return bz2.BZ2Decompressor().decompress(data, limit + 1)
        return lzma.LZMADecompressor().decompress(data, limit + 1)
    except (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError) as error:
        raise _Stop(f"the compressed data is damaged ({error})") from None


def gzip_name(data: bytes) -> str | None:
    """The file name a gzip header stores (RFC 1952 FNAME), if any."""
    flags = data[3] if len(data) > 3 else 0
    if not flags & 0x08:
        return None
    pos = 10
    if flags & 0x04:  # FEXTRA: a length, then that many bytes
        pos += 2 + int.from_bytes(data[pos : pos + 2], "little")
    end = data.find(b"\x00", pos, pos + 1024)
    if end < 0:
        return None
    return data[pos:end].decode("latin-1") or None  # RFC 1952: ISO 8859-1


def _without_suffix(name: str, kind: str) -> str:
    lower = name.lower()
    for suffix in (f".{kind}", ".tgz", ".tbz2", ".txz"):
        if lower.endswith(suffix):
            stem = name[: -len(suffix)]
            return stem + ".tar" if suffix.startswith(".t") and suffix != f".{kind}" else stem
    return name or "(unnamed)"


# -- libarchive: 7z, RAR, CAB, tar, LHA, ISO 9660 --------------------------------------


def _libarchive_list(data: bytes, fmt: Format, depth: int, budget: _Budget) -> Archive:
    members: list[str] = []
    inside = _Inside(depth, budget)
    encrypted = False
    for name, is_encrypted, read_data in _entries(data, fmt, budget):
        members.append(name)
        encrypted = encrypted or is_encrypted
        if not is_encrypted and looks_like_archive(name):
            content = read_data(budget.left() + 1)
            budget.take(len(content))
            inside.look(name, content)
    return inside.into(Archive(fmt.kind, tuple(members), encrypted, label=fmt.label))


def _entries(
    data: bytes, fmt: Format, budget: _Budget
) -> Iterator[tuple[str, bool, Callable[[int], bytes]]]:
    """(name, encrypted, read its bytes) for each entry, within the bounds."""
    try:
        import libarchive  # noqa: PLC0415 - loads a C library: only when an archive needs it
        from libarchive import ffi  # noqa: PLC0415
    except (ImportError, OSError):
        raise _Stop(f"{fmt.label}s cannot be listed here (libarchive is not installed)") from None
    is_encrypted = _encryption_check(ffi)
    unpacked = 0
    try:
        with libarchive.memory_reader(data, format_name=fmt.libarchive) as reader:
            for count, entry in enumerate(reader):
                budget.check()
                if count >= MAX_ENTRIES:
                    raise _Stop(f"too many entries to list (over {MAX_ENTRIES:,})")
                size = entry.size or 0
                unpacked += size
                if unpacked > MAX_UNPACKED and reader.filter_names:
                    # Skipping a compressed entry means unpacking it: stop at the bound.
                    raise _Stop(f"too large to list (over {MAX_UNPACKED >> 20} MiB unpacked)")
                name = entry.pathname or "(unnamed)"
                if name in (".", "./"):
                    continue  # a disk image's root
                if entry.isdir and not name.endswith("/"):
                    name += "/"

                def read_data(limit: int, entry: object = entry) -> bytes:
                    out = bytearray()
                    for block in entry.get_blocks():  # type: ignore[attr-defined]
                        out += block
                        if len(out) >= limit:
                            break
                    return bytes(out[:limit])

                yield name, is_encrypted(entry), read_data
    except libarchive.ArchiveError as error:
        # Its message only: the rest of its text names a memory address.
        reason = _short(Exception(error.msg))
        raise _Stop(f"the {fmt.label} is damaged or cannot be read ({reason})") from None
    except (UnicodeError, ValueError, OSError) as error:
        raise _Stop(f"the {fmt.label} cannot be read ({_short(error)})") from None


def _encryption_check(ffi: object) -> Callable[[object], bool]:
    """libarchive's ``archive_entry_is_encrypted``, which libarchive-c does not wrap."""
    import ctypes  # noqa: PLC0415

    function = getattr(getattr(ffi, "libarchive", None), "archive_entry_is_encrypted", None)
    if function is None:
        return lambda entry: False
    function.argtypes = [ctypes.c_void_p]
    function.restype = ctypes.c_int

    def check(entry: object) -> bool:
        with contextlib.suppress(AttributeError):
            return bool(function(entry._entry_p))  # type: ignore[attr-defined]
        return False

    return check


def _short(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."
