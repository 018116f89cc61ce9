"""Scan messages from files: `.eml`, mbox, Maildir, or a folder of `.eml` files.

Qt-free and synchronous, so the CLI, the GUI's workers and the tests drive it the same
way. Every message gets a result; a source that cannot be read gets an error result
and the others are still scanned.
"""

from __future__ import annotations

import mailbox
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from app.core.facts import MessageFacts
from app.core.judge import judge_bytes
from app.core.rules import Rules
from app.core.verdict import Verdict


@dataclass(frozen=True)
class Item:
    """One message to judge, or a source that could not be read (``error``)."""

    source: str
    raw: bytes | None = None
    error: str | None = None


@dataclass(frozen=True)
class Result:
    """One judged message: where it came from, the verdict and the facts behind it."""

    source: str
    verdict: Verdict | None
    facts: MessageFacts | None = None
    error: str | None = None
    #: The error is about a whole source (a missing file), not one message in it.
    source_error: bool = False

    @property
    def message_id(self) -> str | None:
        return self.facts.message_id if self.facts else None


def iter_items(path: Path) -> Iterator[Item]:
    """The messages in ``path``, whatever kind of source it is."""
    if path.is_dir():
        if all((path / sub).is_dir() for sub in ("cur", "new")):
            yield from _maildir(path)
        else:
            yield from _folder(path)
        return
    try:
        with path.open("rb") as handle:
            start = handle.read(5)
    except OSError as error:
        yield Item(str(path), error=_os_error(error))
        return
    if start == b"From ":
        yield from _mbox(path)
    else:
        yield _read_file(path, str(path))


def _read_file(path: Path, label: str) -> Item:
    try:
        return Item(label, raw=path.read_bytes())
    except OSError as error:
        return Item(label, error=_os_error(error))


def _maildir(path: Path) -> Iterator[Item]:
    for sub in ("new", "cur"):
        for entry in sorted((path / sub).iterdir()):
            if entry.is_file() and not entry.name.startswith("."):
                yield _read_file(entry, str(entry))


def _folder(path: Path) -> Iterator[Item]:
    for entry in sorted(path.rglob("*.eml")):
        if entry.is_file():
            yield _read_file(entry, str(entry))


def _mbox(path: Path) -> Iterator[Item]:
    box = mailbox.mbox(path, create=False)
    try:
        for number, key in enumerate(box.iterkeys(), 1):
            yield Item(f"{path}#{number}", raw=box.get_bytes(key, from_=False))
    finally:
        box.close()


def _os_error(error: OSError) -> str:
    return f"cannot read: {error.strerror or error}"


def judge_item(item: Item, rules: Rules) -> Result:
    if item.raw is None:
        return Result(item.source, None, error=item.error)
    verdict, readings = judge_bytes(item.raw, rules)
    return Result(item.source, verdict, readings[0] if readings else None)


def scan_paths(
    paths: list[Path],
    rules: Rules,
    cancelled: Callable[[], bool] = lambda: False,
) -> Iterator[Result]:
    """Judge every message of every path, in order, until ``cancelled()``."""
    for path in paths:
        if not path.exists():
            yield Result(str(path), None, error="no such file or folder", source_error=True)
            continue
        for item in iter_items(path):
            if cancelled():
                return
            yield judge_item(item, rules)
