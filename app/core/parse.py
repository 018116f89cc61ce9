"""Build `MessageFacts` from the raw bytes of a message, once per way it can be read.

Where a message is ambiguous (two ``Content-Type`` headers, two ``boundary=`` values,
two different file names for one part) clients disagree about what it contains, and
an attacker chooses the reading a filter will not see. `readings` returns the facts for
the "first" reading (Python, many filters) and, when it differs, the "last" reading
(ClamAV, several clients); the scanner judges both and keeps the worst.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from app.core import archive
from app.core.facts import (
    HEAD_BYTES,
    HEADER_FIELDS,
    Archive,
    MessageFacts,
    Part,
    decode_words,
    is_message_type,
)
from app.core.mime import (
    ContentType,
    HeaderBlock,
    Pick,
    decode_body,
    decoded_view,
    find_uu_blocks,
    normalize_newlines,
    parse_params_header,
    read_header_block,
    split_multipart,
)

MAX_DEPTH = 40
MAX_PARTS = 2_000
_WANTED = {name.lower() for name in HEADER_FIELDS}
_COMPRESSED_SINGLE = {
    b"\x1f\x8b": "gz",
    b"BZh": "bz2",
    b"\xfd7zXZ\x00": "xz",
}


@dataclass
class _Walk:
    data: bytes
    pick: Pick
    parts: list[Part] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    ambiguities: list[str] = field(default_factory=list)


def readings(raw: bytes) -> list[MessageFacts]:
    """Every distinct reading of ``raw``; the first is what most software sees."""
    data = normalize_newlines(raw)
    out: list[MessageFacts] = []
    for pick in ("first", "last"):
        top = read_header_block(data, lenient=pick == "last")
        headers = tuple((k, v) for k, v in top.fields if k.lower() in _WANTED)
        walk = _Walk(data, pick)
        walk.ambiguities.extend(f"top header: {o}" for o in top.oddities)
        _walk_entity(walk, top, len(data), path="", prefix="", ancestors=(), depth=0)
        facts = MessageFacts(
            headers=headers,
            parts=tuple(walk.parts),
            size=len(data),
            ambiguities=tuple(dict.fromkeys(walk.ambiguities)),
            defects=tuple(dict.fromkeys(walk.defects)),
            reading=pick,
        )
        if out and (out[0].headers, out[0].parts, out[0].defects) == (
            facts.headers,
            facts.parts,
            facts.defects,
        ):
            break
        out.append(facts)
    if len(out) > 1:
        # Each reading carries the note that there was more than one.
        notes = tuple(dict.fromkeys(out[0].ambiguities + out[1].ambiguities))
        out = [replace(f, ambiguities=notes) for f in out]
    return out


def _walk_entity(
    walk: _Walk,
    block: HeaderBlock,
    end: int,
    *,
    path: str,
    prefix: str,
    ancestors: tuple[str, ...],
    depth: int,
) -> None:
    """Add the part whose headers are ``block`` (body up to ``end``) and its children."""
    if depth > MAX_DEPTH:
        walk.defects.append(f"parts are nested too deeply (over {MAX_DEPTH} levels)")
        return
    if len(walk.parts) >= MAX_PARTS:
        walk.defects.append(f"too many parts (over {MAX_PARTS})")
        return
    pick = walk.pick
    base, ctype, notes = describe_part(block, path, ancestors, pick)
    walk.ambiguities.extend(notes)
    content_type, encoding = base.content_type, base.encoding
    inner = (content_type, *ancestors)
    body_start = block.body_start
    if content_type.startswith("multipart/"):
        walk.parts.append(base)
        boundary = ctype.param("boundary", pick)
        if not boundary:
            walk.defects.append(f"part {path or 'TEXT'}: multipart with no boundary")
            return
        split = split_multipart(walk.data, body_start, end, boundary)
        if not split.found_start:
            walk.defects.append(f"part {path or 'TEXT'}: start boundary not found")
        for number, (start, stop) in enumerate(split.parts, 1):
            child = read_header_block(walk.data, start, stop, lenient=pick == "last")
            _walk_entity(
                walk,
                child,
                stop,
                path=f"{prefix}{number}",
                prefix=f"{prefix}{number}.",
                ancestors=inner,
                depth=depth + 1,
            )
        return
    if is_message_type(content_type):
        walk.parts.append(base)
        if encoding not in ("7bit", "8bit", "binary"):
            payload, defects = decode_body(walk.data[body_start:end], encoding)
            walk.defects.extend(defects)
            walk_data = normalize_newlines(payload)
            sub = _Walk(walk_data, pick, walk.parts, walk.defects, walk.ambiguities)
            _walk_message(sub, 0, len(walk_data), path=path or "1", ancestors=inner, depth=depth)
        else:
            _walk_message(walk, body_start, end, path=path or "1", ancestors=inner, depth=depth)
        return
    _add_leaf(walk, base, body_start, end)


def describe_part(
    block: HeaderBlock, path: str, ancestors: tuple[str, ...], pick: Pick
) -> tuple[Part, ContentType, list[str]]:
    """Interpret one part's MIME header fields: the `Part` without its content, the
    parsed Content-Type (for the boundary) and notes on anything given two ways.

    Shared by every facts builder, so a part's names and types are read by one piece
    of code whether its headers came from a file or from an IMAP ``[n.MIME]`` fetch.
    """
    where = f"part {path or 'TEXT'}"
    notes = [f"{where} header: {oddity}" for oddity in block.oddities if path]
    notes += [
        f"{where}: {len(block.all(name))} different {name} headers"
        for name in ("Content-Type", "Content-Transfer-Encoding", "Content-Disposition")
        if len(set(block.all(name))) > 1
    ]
    ctype_text = block.pick("Content-Type", pick)
    default = "message/rfc822" if ancestors[:1] == ("multipart/digest",) else "text/plain"
    ctype = parse_params_header(ctype_text or default)
    content_type = ctype.value if "/" in ctype.value else "text/plain"
    disp_text = block.pick("Content-Disposition", pick)
    disp = parse_params_header(disp_text) if disp_text else None
    encoding = (block.pick("Content-Transfer-Encoding", pick) or "7bit").strip().lower()
    for holder, key in ((ctype, "name"), (ctype, "boundary"), (disp, "filename")):
        if holder is not None and holder.ambiguous(key):
            notes.append(
                f"{where}: {key}= is given {len(holder.params[key])} "
                f"different ways: {holder.params[key]!r}"
            )
    name = _decoded_name(ctype.param("name", pick))
    filename = _decoded_name(disp.param("filename", pick) if disp else None)
    if name is not None and filename is not None and name != filename:
        notes.append(
            f"{where}: named {name!r} in Content-Type but {filename!r} in Content-Disposition"
        )
    part = Part(
        path=path,
        content_type=content_type,
        ancestors=ancestors,
        name=name,
        filename=filename,
        disposition=disp.value if disp and disp.value else None,
        encoding=encoding,
        charset=ctype.param("charset", pick),
        report_type=ctype.param("report-type", pick),
    )
    return part, ctype, notes


def _decoded_name(value: str | None) -> str | None:
    """Names with RFC 2047 words inside quotes are decoded, as mail clients do."""
    return decode_words(value) if value is not None and "=?" in value else value


def _walk_message(
    walk: _Walk, start: int, end: int, *, path: str, ancestors: tuple[str, ...], depth: int
) -> None:
    """An attached message: its body is numbered under the attaching part's number."""
    block = read_header_block(walk.data, start, end, lenient=walk.pick == "last")
    ctext = block.pick("Content-Type", walk.pick) or ""
    if parse_params_header(ctext).value.startswith("multipart/"):
        _walk_entity(
            walk,
            block,
            end,
            path=f"{path}.TEXT",
            prefix=f"{path}.",
            ancestors=ancestors,
            depth=depth + 1,
        )
    else:
        _walk_entity(
            walk,
            block,
            end,
            path=f"{path}.1",
            prefix=f"{path}.1.",
            ancestors=ancestors,
            depth=depth + 1,
        )


def _add_leaf(walk: _Walk, base: Part, start: int, end: int) -> None:
    path = base.path or "1"
    view = decoded_view(walk.data[start:end], base.encoding)
    walk.defects.extend(f"part {path}: {d}" for d in view.defects)
    head = view.read(0, HEAD_BYTES)
    part = replace(
        base,
        path=path,
        size=end - start,  # octets as sent: what IMAP's BODYSTRUCTURE reports too
        head=head,
        archive=archive_of(head, base.names, view.read, view.size),
    )
    walk.parts.append(part)
    if may_hold_uuencode(base.content_type):
        walk.parts.extend(uuencoded_parts(part, view.all()))


UUENCODE_TYPES = (
    "application/x-uuencode",
    "application/x-uue",
    "text/x-uuencode",
    "application/uuencode",
    "application/x-uu",
)


def may_hold_uuencode(content_type: str) -> bool:
    """Texts (old clients decode uuencoded blocks in them) and uuencode types."""
    return content_type.startswith("text/") or content_type in UUENCODE_TYPES


def _reader(payload: bytes) -> archive.Reader:
    def read(offset: int, length: int) -> bytes:
        return payload[offset : offset + length]

    return read


def archive_of(
    head: bytes, names: tuple[str, ...], read: archive.Reader, size: int
) -> Archive | None:
    """What an archive-looking part holds, by its first bytes (and names, for
    single-file compression). ``read(offset, length)`` reads the decoded content, so a
    zip's directory can come from memory or from a ranged IMAP fetch."""
    if archive.is_zip(head[:4]):
        return archive.list_zip(read, size)
    kind = archive.sniff_unlistable(head[:16])
    if kind is not None:
        return Archive(kind, error=f"{kind} archives cannot be listed without unpacking")
    for magic, kind in _COMPRESSED_SINGLE.items():
        if head.startswith(magic):
            suffix = "." + kind
            inner = [n[: -len(suffix)] for n in names if n.lower().endswith(suffix)]
            return Archive(kind, members=tuple(inner))
    return None


def uuencoded_parts(text_part: Part, payload: bytes) -> list[Part]:
    """uuencoded files inside a text (its whole decoded ``payload``): every old mail
    client shows them as attachments."""
    if b"begin" not in payload:
        return []
    lines = payload.split(b"\r\n") if b"\r\n" in payload else payload.split(b"\n")
    return [
        Part(
            path=f"{text_part.path}.uu{number}",
            content_type="application/octet-stream",
            ancestors=(text_part.content_type, *text_part.ancestors),
            name=name,
            disposition="attachment",
            encoding="x-uuencode",
            size=len(data),
            head=data[:HEAD_BYTES],
            archive=archive_of(data[:HEAD_BYTES], (name,), _reader(data), len(data)),
            origin="uuencode",
        )
        for number, (name, data) in enumerate(find_uu_blocks(lines), 1)
    ]
