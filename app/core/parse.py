"""Build `MessageFacts` from the raw bytes of a message, once per way it can be read.

Where a message is ambiguous (two ``Content-Type`` headers, two ``boundary=`` values,
two different file names for one part) clients disagree about what it contains, and
an attacker chooses the reading a filter will not see. `readings` returns the facts for
the "first" reading (Python, many filters) and, when it differs, the "last" reading
(ClamAV, several clients); the scanner judges both and keeps the worst.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from app.core import archive, legacy, listing
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
    MAX_DELIMITER_CANDIDATES,
    MAX_UU_BLOCKS,
    ContentType,
    Delimiter,
    HeaderBlock,
    Pick,
    decode_body,
    decoded_view,
    delimiter_markers,
    find_delimiter,
    find_uu_blocks,
    guess_boundary,
    normalize_newlines,
    parse_params_header,
    read_header_block,
    transfer_encoding,
)

MAX_DEPTH = 40
MAX_PARTS = 2_000
#: Bytes searched for the blank line that ends a part's header (a longer header is
#: read up to the next delimiter), so that parts without one cost no more than others.
MAX_PART_HEADER = 1 << 16
_WANTED = {name.lower() for name in HEADER_FIELDS}


@dataclass
class _Walk:
    data: bytes
    pick: Pick
    parts: list[Part] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    ambiguities: list[str] = field(default_factory=list)
    #: Candidate delimiter lines that may still be looked at (shared by nested walks).
    budget: list[int] = field(default_factory=lambda: [MAX_DELIMITER_CANDIDATES])

    @property
    def lenient(self) -> bool:
        return self.pick == "last"


def readings(raw: bytes) -> list[MessageFacts]:
    """Every distinct reading of ``raw``; the first is what most software sees."""
    data = normalize_newlines(raw)
    out: list[MessageFacts] = []
    for pick in ("first", "last"):
        top = read_header_block(data, lenient=pick == "last")
        headers = tuple((k, v) for k, v in top.fields if k.lower() in _WANTED)
        walk = _Walk(data, pick)
        walk.ambiguities.extend(f"top header: {o}" for o in top.oddities)
        walk.defects.extend(f"top header: {d}" for d in top.defects)
        _walk_entity(walk, top, len(data), path="", prefix="", ancestors=(), depth=0)
        if walk.budget[0] <= 0:
            walk.defects.append(f"more than {MAX_DELIMITER_CANDIDATES} lines look like boundaries")
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
    enclosing: tuple[bytes, ...] = (),
) -> int | Delimiter:
    """Add the part whose headers are ``block`` and its children; return where it
    ends, or the ``enclosing`` delimiter line that ends it when that was found.

    Its body runs from ``block.body_start`` to the first delimiter line of an
    ``enclosing`` multipart (innermost first), or to ``end``. A multipart body ends at
    its own closing delimiter; what follows (its epilogue) is its parent's to skip.
    """
    if depth > MAX_DEPTH:
        walk.defects.append(f"parts are nested too deeply (over {MAX_DEPTH} levels)")
        return end
    if len(walk.parts) >= MAX_PARTS:
        walk.defects.append(f"too many parts (over {MAX_PARTS})")
        return end
    pick = walk.pick
    base, ctype, notes, defects = describe_part(block, path, ancestors, pick)
    walk.ambiguities.extend(notes)
    walk.defects.extend(defects)
    content_type, encoding = base.content_type, base.encoding
    inner = (content_type, *ancestors)
    body_start = block.body_start
    if content_type.startswith("multipart/"):
        walk.parts.append(base)
        return _walk_multipart(
            walk,
            ctype.param("boundary", pick),
            body_start,
            end,
            path=path,
            prefix=prefix,
            ancestors=inner,
            depth=depth,
            enclosing=enclosing,
        )
    stop = find_delimiter(walk.data, body_start, end, enclosing, walk.budget)
    body_end, after = (end, end) if stop is None else (stop.body_end, stop)
    if is_message_type(content_type) or _whole_message_fragment(content_type, ctype, pick):
        walk.parts.append(base)
        if encoding not in ("7bit", "8bit", "binary"):
            payload, defects = decode_body(walk.data[body_start:body_end], encoding)
            walk.defects.extend(defects)
            walk_data = normalize_newlines(payload)
            sub = _Walk(walk_data, pick, walk.parts, walk.defects, walk.ambiguities, walk.budget)
            _walk_message(sub, 0, len(walk_data), path=path or "1", ancestors=inner, depth=depth)
        else:
            _walk_message(
                walk, body_start, body_end, path=path or "1", ancestors=inner, depth=depth
            )
        return after
    _add_leaf(walk, base, body_start, body_end)
    return after


def _whole_message_fragment(content_type: str, ctype: ContentType, pick: Pick) -> bool:
    """A ``message/partial`` that is the first (or only) fragment: it starts with the
    headers of the message it carries (RFC 2046 5.2.2), so it is read as that message;
    a first fragment of several is read as far as it goes. Later fragments are data."""
    return content_type == "message/partial" and (ctype.param("number", pick) or "").strip() == "1"


def _walk_multipart(
    walk: _Walk,
    boundary: str | None,
    start: int,
    end: int,
    *,
    path: str,
    prefix: str,
    ancestors: tuple[str, ...],
    depth: int,
    enclosing: tuple[bytes, ...],
) -> int:
    """Read the parts of a multipart body from ``start``; return where it ends.

    A delimiter line is claimed by the innermost open multipart whose boundary it
    matches (Python's parser and Thunderbird do this), so a nested multipart that reuses
    its parent's boundary is read as its sender meant. A boundary that is missing or
    never used is replaced by the one the body uses, and the message notes that.
    """
    data, where = walk.data, f"part {path or 'TEXT'}"
    markers = (*delimiter_markers((boundary,)), *enclosing) if boundary else enclosing
    first = find_delimiter(data, start, end, markers, walk.budget) if boundary else None
    if first is None or first.level > 0:
        scope = end if first is None else first.at
        guess = guess_boundary(data, start, scope, boundary)
        if guess is None:
            problem = "multipart with no boundary" if not boundary else "start boundary not found"
            walk.defects.append(f"{where}: {problem}")
            return scope
        walk.ambiguities.append(
            f"{where}: boundary {boundary!r} is not used in the body; "
            f"read with the boundary {guess!r} that is"
            if boundary
            else f"{where}: multipart with no boundary; read with the boundary {guess!r} "
            "that its body uses"
        )
        markers = (*delimiter_markers((guess,)), *enclosing)
        first = find_delimiter(data, start, scope, markers, walk.budget)
    own_is_shared = markers[0] in enclosing
    if own_is_shared:
        # Python's parser loses the parts that follow such a multipart; Thunderbird
        # and this reader do not.
        walk.ambiguities.append(f"{where}: reuses the boundary of a multipart around it")
    delimiter = first
    number = 0
    while delimiter is not None and delimiter.level == 0:
        if delimiter.closing:
            after = find_delimiter(data, delimiter.after, end, markers, walk.budget)
            if own_is_shared or after is None or after.level > 0:
                return delimiter.after
            # "--b--" and then more "--b" parts: most readers stop at the close, some
            # read on. Either way the message is read both ways.
            walk.ambiguities.append(f"{where}: more parts follow its closing delimiter")
            if not walk.lenient:
                return delimiter.after
            delimiter = after
            continue
        if len(walk.parts) >= MAX_PARTS:
            walk.defects.append(f"too many parts (over {MAX_PARTS})")
            return end
        number += 1
        part_start = delimiter.after
        child = read_header_block(
            data, part_start, _header_stop(walk, part_start, end, markers), lenient=walk.lenient
        )
        ended = _walk_entity(
            walk,
            child,
            end,
            path=f"{prefix}{number}",
            prefix=f"{prefix}{number}.",
            ancestors=ancestors,
            depth=depth + 1,
            enclosing=markers,
        )
        if isinstance(ended, Delimiter):
            delimiter = ended
        else:
            delimiter = find_delimiter(data, ended, end, markers, walk.budget)
    return end if delimiter is None else delimiter.at


def _header_stop(walk: _Walk, start: int, end: int, markers: tuple[bytes, ...]) -> int:
    """Where a part's header block must stop at the latest: its blank line, or a
    delimiter line before it (a part with no blank line has no body)."""
    data = walk.data
    window = min(end, start + MAX_PART_HEADER)
    blank = start if data.startswith(b"\r\n", start) else data.find(b"\r\n\r\n", start, window)
    limit = end if blank < 0 else blank + 2
    if blank >= 0 and data.find(b"\n--", start, limit) < 0 and not data.startswith(b"--", start):
        return end  # the usual case: a header, a blank line, no delimiter inside
    delimiter = find_delimiter(data, start, limit, markers, walk.budget)
    return end if delimiter is None else delimiter.body_end


def describe_part(
    block: HeaderBlock, path: str, ancestors: tuple[str, ...], pick: Pick
) -> tuple[Part, ContentType, list[str], list[str]]:
    """Interpret one part's MIME header fields: the `Part` without its content, the
    parsed Content-Type (for the boundary), notes on anything given two ways and
    defects (what went past a limit and was not read).

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
    encoding = transfer_encoding(block.pick("Content-Transfer-Encoding", pick))
    defects = [f"{where} header: {defect}" for defect in block.defects if path]
    for header, holder in (("Content-Type", ctype), ("Content-Disposition", disp)):
        if holder is not None:
            defects += [f"{where} header: {header} has {defect}" for defect in holder.defects]
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
    return part, ctype, notes, defects


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
    view = decoded_view(memoryview(walk.data)[start:end], base.encoding)
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
    if may_hold_encoded_files(base):
        found, problems = embedded_files(part, view.all())
        walk.parts.extend(found)
        walk.defects.extend(problems)


UUENCODE_TYPES = (
    "application/x-uuencode",
    "application/x-uue",
    "text/x-uuencode",
    "application/uuencode",
    "application/x-uu",
)
#: Types whose whole content is a file in an encoding older than MIME.
ENCODED_FILE_TYPES = (
    *UUENCODE_TYPES,
    "application/mac-binhex40",
    "application/mac-binhex",
    "application/binhex",
    "application/x-binhex40",
    "application/x-mac-binhex40",
    "application/x-yenc",
    "text/x-yenc",
)


def is_encoded_file(part: Part) -> bool:
    """A part whose whole content is a file in an encoding older than MIME: by its
    type, or named ``.hqx`` (a Mac unpacks it whatever its type)."""
    return part.content_type in ENCODED_FILE_TYPES or any(
        n.lower().endswith(".hqx") for n in part.names
    )


def may_hold_encoded_files(part: Part) -> bool:
    """Texts (old clients decode uuencoded, BinHex and yEnc blocks in them) and
    encoded files."""
    return part.content_type.startswith("text/") or is_encoded_file(part)


def embedded_files(text_part: Part, payload: bytes) -> tuple[list[Part], list[str]]:
    """Files inside a part's whole decoded ``payload`` (uuencode, BinHex, yEnc), as
    parts, and what could not be read of them."""
    found = uuencoded_parts(text_part, payload)
    problems: list[str] = []
    if len(found) >= MAX_UU_BLOCKS:
        problems.append(
            f"text of part {text_part.path}: {MAX_UU_BLOCKS} or more uuencoded blocks "
            "(the rest are not read)"
        )
    blocks: list[legacy.Block] = []
    if legacy.BINHEX_MARK in payload:
        blocks.extend(legacy.find_binhex(payload))
    if b"=ybegin" in payload:
        blocks.extend(legacy.find_yenc(_lines(payload)))
    numbers: dict[str, int] = {}
    for block in blocks:
        if not (block.name or block.data):
            # Nothing of the file could be read: what it is stays unknown.
            problems.append(f"text of part {text_part.path}: {block.problem}")
            continue
        numbers[block.kind] = number = numbers.get(block.kind, 0) + 1
        path = f"{text_part.path}.{block.kind}{number}"
        if block.problem:
            problems.append(f"part {path}: {block.problem}")
        found.append(_embedded_part(text_part, path, block.name, block.data, block.kind))
    return found, problems


def _lines(payload: bytes) -> list[bytes]:
    return payload.split(b"\r\n") if b"\r\n" in payload else payload.split(b"\n")


def _embedded_part(text_part: Part, path: str, name: str, data: bytes, origin: str) -> Part:
    names = (name,) if name else ()
    return Part(
        path=path,
        content_type="application/octet-stream",
        ancestors=(text_part.content_type, *text_part.ancestors),
        name=name or None,
        disposition="attachment",
        encoding={"uuencode": "x-uuencode"}.get(origin, origin),
        size=len(data),
        head=data[:HEAD_BYTES],
        archive=archive_of(data[:HEAD_BYTES], names, _reader(data), len(data)),
        origin=origin,
    )


def _reader(payload: bytes) -> archive.Reader:
    def read(offset: int, length: int) -> bytes:
        return payload[offset : offset + length]

    return read


def archive_of(
    head: bytes, names: tuple[str, ...], read: archive.Reader, size: int
) -> Archive | None:
    """What an archive or container part holds, by its first bytes (and names, for a
    zip with data in front or a disk image). ``read(offset, length)`` reads the decoded
    content: a zip's directory comes from the end, everything else from the start, in
    memory or by ranged IMAP fetches."""
    return listing.archive_of(head, names, read, size)


def uuencoded_parts(text_part: Part, payload: bytes) -> list[Part]:
    """uuencoded files inside a text (its whole decoded ``payload``): every old mail
    client shows them as attachments."""
    if b"begin" not in payload:
        return []
    return [
        _embedded_part(text_part, f"{text_part.path}.uu{number}", name, data, "uuencode")
        for number, (name, data) in enumerate(find_uu_blocks(_lines(payload)), 1)
    ]
