"""Multipart shapes real mailers write, read as the major clients read them.

Hand-written cases name each shape (a nested multipart reusing its parent's boundary,
missing, truncated or mismatched boundaries, headers running into the body, parts after
the closing delimiter, bounds). Two Hypothesis properties compare the reader with an
independent one, Python's ``email`` package (``policy=default``), on the same bytes:

- on generated well-formed messages (trees of multiparts, attached messages and leaves
  in every transfer encoding) both see the same parts in the same order, with the same
  types, names and decoded starts;
- on mutated ones (bytes flipped, cut short, header lines reordered, a delimiter line
  dropped or its case changed) every file Python finds is found by some reading here,
  and a program Python extracts is never judged clean.

Where the readers differ on purpose the test says so: a boundary that is missing or not
used is replaced by the one the body uses (Python then sees no parts), and a nested
multipart reusing its parent's boundary keeps the parts after it (Python loses them).

Size knob: ``MAILSENTRY_SWEEP`` (examples per property, default 100).
"""

from __future__ import annotations

import base64
import email
import email.policy
import os
import quopri
from dataclasses import dataclass

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.core.facts import MessageFacts
from app.core.findings import Level
from app.core.judge import judge_bytes
from app.core.mime import MAX_DELIMITER_CANDIDATES
from app.core.parse import MAX_PARTS, readings
from app.core.rules import Rules

SWEEP = int(os.environ.get("MAILSENTRY_SWEEP", "100"))
SETTINGS = settings(
    max_examples=SWEEP,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
EXE = b"MZ\x90\x00" + b"\x00" * 60 + b"MailSentry harmless test payload " * 8
TOP = (
    "From: Sales <sales@shop.example>\r\nTo: me@example.co.jp\r\nSubject: files\r\n"
    "Date: Mon, 15 Jan 2024 10:04:31 +0900\r\nMessage-ID: <1@shop.example>\r\n"
    "MIME-Version: 1.0\r\n"
)


def b64(data: bytes) -> str:
    return base64.encodebytes(data).decode("ascii").replace("\n", "\r\n")


def message(ctype: str, body: str) -> bytes:
    return (TOP + f"Content-Type: {ctype}\r\n\r\n" + body).encode("utf-8", "surrogateescape")


def leaf(ctype: str, body: str, cte: str = "7bit", name: str | None = None) -> str:
    head = f"Content-Type: {ctype}" + (f'; name="{name}"' if name else "") + "\r\n"
    head += f"Content-Transfer-Encoding: {cte}\r\n"
    if name:
        head += f'Content-Disposition: attachment; filename="{name}"\r\n'
    return head + "\r\n" + body


def exe_part(name: str = "tool.exe") -> str:
    return leaf("application/octet-stream", b64(EXE), "base64", name)


def judged(raw: bytes) -> tuple[Level, set[str]]:
    verdict, _ = judge_bytes(raw, Rules())
    return verdict.level, {f.id for f in verdict.findings}


# -- the shapes, one by one ----------------------------------------------------------


def test_nested_multipart_reusing_its_parents_boundary_keeps_the_parts_after_it() -> None:
    alt = (
        '--b\r\nContent-Type: multipart/alternative; boundary="b"\r\n\r\n'
        "--b\r\n" + leaf("text/plain", "hello\r\n")
        + "--b\r\n" + leaf("text/html", "<p>hello</p>\r\n") + "--b--\r\n\r\n"
    )
    raw = message('multipart/mixed; boundary="b"', alt + "--b\r\n" + exe_part() + "--b--\r\n")
    (facts,) = readings(raw)
    assert [(p.path, p.content_type) for p in facts.parts] == [
        ("", "multipart/mixed"),
        ("1", "multipart/alternative"),
        ("1.1", "text/plain"),
        ("1.2", "text/html"),
        ("2", "application/octet-stream"),
    ]
    assert facts.parts[-1].head.startswith(b"MZ")
    assert any("reuses the boundary" in note for note in facts.ambiguities)
    level, found = judged(raw)
    assert level is Level.DANGEROUS and "PARSER_AMBIGUITY" in found
    # Python's parser loses tool.exe here: the difference is on purpose.
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert "tool.exe" not in {p.get_filename() for p in parsed.walk()}


def test_inner_multipart_is_ended_by_its_parents_delimiter() -> None:
    body = (
        '--o\r\nContent-Type: multipart/alternative; boundary="i"\r\n\r\n'
        "--i\r\n" + leaf("text/plain", "hello\r\n")
        + "--o\r\n" + exe_part() + "--o--\r\n"
    )
    (facts,) = readings(message('multipart/mixed; boundary="o"', body))
    assert [p.path for p in facts.parts] == ["", "1", "1.1", "2"]
    assert facts.parts[-1].names == ("tool.exe",) and not facts.defects


def test_missing_closing_delimiter_reads_to_the_end() -> None:
    body = "--b\r\n" + leaf("text/plain", "hi\r\n") + "--b\r\n" + exe_part()
    (facts,) = readings(message('multipart/mixed; boundary="b"', body))
    assert facts.parts[-1].head.startswith(b"MZ") and not facts.defects


def test_truncated_message_keeps_what_was_read() -> None:
    body = "--b\r\n" + leaf("text/plain", "hi\r\n") + "--b\r\n" + exe_part()
    raw = message('multipart/mixed; boundary="b"', body)
    cut = raw[: raw.index(b"TVqQ") + 40]
    assert judged(cut)[0] is Level.DANGEROUS


def test_boundary_parameter_absent_is_read_with_the_boundary_the_body_uses() -> None:
    body = "preamble\r\n--zz\r\n" + leaf("text/plain", "hi\r\n") + "--zz\r\n" + exe_part()
    body += "--zz--\r\n"
    for ctype in ("multipart/mixed", 'multipart/mixed; boundary=""'):
        (facts,) = readings(message(ctype, body))
        assert facts.parts[-1].names == ("tool.exe",)
        assert any("read with the boundary 'zz'" in n for n in facts.ambiguities)
        assert judged(message(ctype, body))[0] is Level.DANGEROUS


def test_boundary_that_differs_in_case_blanks_or_quotes_is_still_found() -> None:
    for declared, written in (
        ("part_x", "PART_X"),
        ("part_x", '"part_x"'),
        ("' part_x'", "part_x"),
        ("Part_X", "part_x"),
    ):
        body = f"--{written}\r\n" + exe_part() + f"--{written}--\r\n"
        raw = message(f'multipart/mixed; boundary="{declared}"', body)
        (facts,) = readings(raw)
        assert facts.parts[-1].names == ("tool.exe",), written
        assert judged(raw)[0] is Level.DANGEROUS


def test_no_delimiter_at_all_is_unreadable() -> None:
    raw = message('multipart/mixed; boundary="b"', "just some text\r\nand more\r\n")
    level, found = judged(raw)
    assert level is Level.SUSPICIOUS and found == {"UNREADABLE"}


def test_header_running_into_the_body_is_read_both_ways() -> None:
    part = exe_part("statement.pdf").replace("\r\n\r\n", "\r\n", 1)
    raw = message('multipart/mixed; boundary="b"', "--b\r\n" + part + "--b--\r\n")
    first, last = readings(raw)
    assert first.parts[-1].head.startswith(b"MZ")  # Python's reading
    assert last.parts[-1].head == b""  # the header reading goes on to the delimiter
    assert judged(raw)[0] is Level.DANGEROUS


def test_parts_after_the_closing_delimiter_are_a_second_reading() -> None:
    body = "--b\r\n" + leaf("text/plain", "hi\r\n") + "--b--\r\n--b\r\n" + exe_part()
    first, last = readings(message('multipart/mixed; boundary="b"', body + "--b--\r\n"))
    assert "tool.exe" not in {n for p in first.parts for n in p.names}
    assert last.parts[-1].names == ("tool.exe",)
    assert "part TEXT: more parts follow its closing delimiter" in first.ambiguities


def test_epilogue_without_delimiters_is_not_a_part() -> None:
    body = "--b\r\n" + leaf("text/plain", "hi\r\n") + "--b--\r\nThis is the epilogue.\r\n"
    (facts,) = readings(message('multipart/mixed; boundary="b"', body))
    assert [p.path for p in facts.parts] == ["", "1"] and not facts.ambiguities


def test_too_many_boundary_like_lines_is_a_defect() -> None:
    noise = "--bX\r\n" * (MAX_DELIMITER_CANDIDATES + 10)
    body = "--b\r\n" + leaf("text/plain", noise) + "--b\r\n" + exe_part() + "--b--\r\n"
    level, found = judged(message('multipart/mixed; boundary="b"', body))
    assert level is not Level.CLEAN and "UNREADABLE" in found


def test_too_many_parts_is_a_defect_not_clean() -> None:
    body = "".join("--b\r\n" + leaf("text/plain", f"{n}\r\n") for n in range(MAX_PARTS + 5))
    level, found = judged(message('multipart/mixed; boundary="b"', body + "--b--\r\n"))
    assert level is Level.SUSPICIOUS and "UNREADABLE" in found


# -- differential: the same bytes through Python's email package -------------------


@dataclass(frozen=True)
class Leaf:
    ctype: str
    cte: str
    name: str | None
    data: bytes


@dataclass(frozen=True)
class Multi:
    subtype: str
    boundary: str
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Attached:
    inner: Node


Node = Leaf | Multi | Attached

_NAME = st.text("abcdefgh0123_-", min_size=1, max_size=8).map(lambda s: s + ".bin")
_TEXT = st.text(
    st.characters(min_codepoint=32, max_codepoint=126, blacklist_characters="-="),
    max_size=120,
).map(lambda s: s.encode("ascii") + b"\r\n")
_BINARY = st.one_of(st.just(EXE), st.binary(min_size=1, max_size=300))


@st.composite
def _leaves(draw: st.DrawFn) -> Leaf:
    if draw(st.booleans()):
        ctype = draw(st.sampled_from(["text/plain", "text/html"]))
        cte = draw(st.sampled_from(["7bit", "quoted-printable", "base64"]))
        return Leaf(ctype, cte, draw(st.none() | _NAME), draw(_TEXT))
    ctype = draw(st.sampled_from(["application/octet-stream", "application/pdf", "image/jpeg"]))
    return Leaf(ctype, "base64", draw(_NAME), draw(_BINARY))


def _trees() -> st.SearchStrategy[Node]:
    counter = iter(range(10**9))

    def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
        multis = st.builds(
            lambda subtype, kids: Multi(subtype, f"=_b{next(counter)}_x", tuple(kids)),
            st.sampled_from(["mixed", "alternative", "related"]),
            st.lists(children, min_size=1, max_size=4),
        )
        return multis | st.builds(Attached, children)

    return st.recursive(_leaves(), extend, max_leaves=8)


def _entity(node: Node) -> str:
    if isinstance(node, Leaf):
        if node.cte == "base64":
            body = b64(node.data)
        elif node.cte == "quoted-printable":
            text = node.data.replace(b"\r\n", b"\n")
            body = quopri.encodestring(text).decode("ascii").replace("\n", "\r\n")
        else:
            body = node.data.decode("ascii")
        return leaf(node.ctype, body, node.cte, node.name)
    if isinstance(node, Attached):
        inner = "From: a@b.example\r\nSubject: fwd\r\nMIME-Version: 1.0\r\n" + _entity(node.inner)
        return "Content-Type: message/rfc822\r\n\r\n" + inner
    parts = "".join(f"--{node.boundary}\r\n{_entity(c)}\r\n" for c in node.children)
    return (
        f'Content-Type: multipart/{node.subtype}; boundary="{node.boundary}"\r\n\r\n'
        f"{parts}--{node.boundary}--\r\n"
    )


def _render(tree: Node) -> bytes:
    return (TOP + _entity(tree)).encode("ascii")


def _python_parts(raw: bytes) -> list[tuple[str, str | None, bytes]] | None:
    try:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        out = []
        for part in parsed.walk():
            ctype = part.get_content_type()
            if part.is_multipart() or ctype == "message/rfc822":
                out.append((ctype, None, b""))
                continue
            payload = part.get_payload(decode=True) or b""
            out.append((ctype, part.get_filename(), payload[:256]))
        return out
    except Exception:  # noqa: BLE001 - Python's parser raises on some inputs (traps.md)
        return None


def _ours(facts: MessageFacts) -> list[tuple[str, str | None, bytes]]:
    return [
        (p.content_type, None if p.is_container else (p.filename or p.name), p.head)
        for p in facts.parts
    ]


@SETTINGS
@given(_trees())
def test_well_formed_messages_read_like_python(tree: Node) -> None:
    raw = _render(tree)
    expected = _python_parts(raw)
    assert expected is not None
    (facts,) = readings(raw)
    assert not facts.defects and not facts.ambiguities
    assert _ours(facts) == expected


@st.composite
def _mutated(draw: st.DrawFn) -> bytes:
    tree = Multi("mixed", "=_top_x", tuple(draw(st.lists(_trees(), min_size=1, max_size=4))))
    raw = bytearray(_render(tree))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["flip", "cut", "reorder", "drop_line", "case"]))
        lines = bytes(raw).split(b"\r\n")
        if kind == "flip" and raw:
            at = draw(st.integers(0, len(raw) - 1))
            raw[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            raw = raw[: draw(st.integers(len(raw) // 3, len(raw)))]
        elif kind == "reorder":
            head_end = lines.index(b"") if b"" in lines else len(lines)
            order = draw(st.permutations(range(head_end)))
            raw = bytearray(b"\r\n".join([lines[i] for i in order] + lines[head_end:]))
        elif kind in ("drop_line", "case"):
            delimiters = [i for i, line in enumerate(lines) if line.startswith(b"--")]
            if delimiters:
                i = draw(st.sampled_from(delimiters))
                lines[i : i + 1] = [] if kind == "drop_line" else [lines[i].swapcase()]
                raw = bytearray(b"\r\n".join(lines))
    return bytes(raw)


def _python_files(raw: bytes) -> list[tuple[str, bytes, bool]] | None:
    """(name, decoded start, read without a defect) of every named leaf Python finds."""
    try:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        out = []
        for part in parsed.walk():
            if part.is_multipart() or part.get_content_type() == "message/rfc822":
                continue
            name = part.get_filename()
            payload = part.get_payload(decode=True) or b""
            if name:
                out.append((name, payload[:256], not part.defects))
        return out
    except Exception:  # noqa: BLE001 - Python's parser raises on some inputs (traps.md)
        return None


def _plain(name: str) -> str:
    return name.encode("ascii", "replace").decode().replace("\ufffd", "?")


def _same_start(ours: bytes, theirs: bytes) -> bool:
    """The same decoded start, line ends aside (a part cut off by the end of the
    message loses its last line end in Python)."""
    a, b = (d.replace(b"\r\n", b"\n").replace(b"\r", b"\n") for d in (ours, theirs))
    if min(len(a), len(b)) >= 120:
        return a[:120] == b[:120]
    return a.removesuffix(b"\n") == b.removesuffix(b"\n")


@SETTINGS
@given(_mutated())
def test_mutated_messages_show_every_file_python_finds(raw: bytes) -> None:
    theirs = _python_files(raw)
    assume(theirs is not None)
    assert theirs is not None
    all_facts = readings(raw)
    # Two differences on purpose: line ends are read as CRLF (as IMAP serves them), and
    # undecodable bytes in a header are kept (Latin-1) where Python puts U+FFFD.
    ours = {(_plain(n), p.head) for facts in all_facts for p in facts.parts for n in p.names}
    for name, head, clean in theirs:
        assert _plain(name) in {n for n, _ in ours}, name
        if clean:
            # Python read it without a defect: some reading here decodes the same start.
            assert any(n == _plain(name) and _same_start(h, head) for n, h in ours), name
        if head.startswith(b"MZ"):
            assert judged(raw)[0] is not Level.CLEAN
