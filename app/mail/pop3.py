"""POP3: judge new mail reading as little of it as possible, and quarantine it.

POP3 has no folders, flags or read-only mode, which shapes everything here:

- New mail is what ``UIDL`` lists and the state file has not seen. Each verdict is
  committed on its own, so a restart neither judges a message twice nor skips one.
- Scans read with ``TOP`` only, never ``RETR``: Dovecot marks a retrieved message seen
  even when the session ends without ``QUIT``, and some providers stop offering mail a
  POP3 client has retrieved. ``TOP n <more lines than any message has>`` reads it all.
- A message over `SMALL_BYTES` is read in two steps: its headers and first `PEEK_LINES`
  body lines, then (unless that prefix is already dangerous) the whole message. A
  dangerous prefix is enough, since what was found there is really in the message; a
  clean or suspicious verdict always rests on the whole message.
- Quarantine has nowhere to move mail to: it is a local copy, written durably, then
  ``DELE``, which the server carries out only at ``QUIT``. Each message is journaled
  before its copy is made and marked done after the ``QUIT``; `recover_pop3` finishes
  or undoes what a dropped connection or a crash left pending.
"""

from __future__ import annotations

import poplib
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from app.core.facts import MessageFacts
from app.core.findings import Level
from app.core.judge import judge_bytes, unreadable
from app.core.mime import normalize_newlines, read_header_block
from app.core.rules import Rules
from app.core.verdict import Verdict
from app.mail.connect import open_pop3
from app.mail.errors import ConnectionLost, MailError, ServerError
from app.mail.pop3_wire import Unreadable, long_command
from app.store.accounts import Account
from app.store.localcopy import LocalCopies
from app.store.records import message_record
from app.store.state import JournalEntry, MessageRecord, State

#: Messages up to this size are read whole at once: a first partial read would save
#: little and cost a round trip.
SMALL_BYTES = 16 * 1024
#: Body lines of the first read of a bigger message: the headers, the text and the
#: start of the first attachments (76-character base64 lines: about 4.5 KB).
PEEK_LINES = 60
#: A ``TOP`` line count above any real message's, so ``TOP`` returns the whole message.
ALL_LINES = 1_000_000_000
#: The only mailbox POP3 reaches; the folder name of POP3 records in the state file.
FOLDER = "INBOX"
#: Bounds on the LIST and UIDL answers (a million messages take about 30 MB).
LISTING_BYTES = 64 * 1024 * 1024
LISTING_SECONDS = 300.0

Outcome = Literal["done", "rolled_back", "failed", "skipped"]


@dataclass(frozen=True)
class Pop3Result:
    """One judged message, with what reading it cost."""

    uidl: str
    size: int  # as LIST reports it
    bytes_read: int  # TOP payload bytes, over every read of this message
    whole: bool  # False: judged dangerous on a prefix, the rest never read
    verdict: Verdict
    facts: MessageFacts | None
    record: MessageRecord

    @property
    def source(self) -> str:
        return self.record.source


@dataclass(frozen=True)
class Pop3Action:
    """What became of one message a quarantine or a recovery handled.

    ``done``: deleted from the server, the local copy kept; ``rolled_back``: left on
    the server; ``failed``: gone from the server without a copy (another program
    deleted it); ``skipped``: not touched (``detail`` says why).
    """

    uidl: str
    outcome: Outcome
    local_copy: Path | None = None
    detail: str = ""


@dataclass(frozen=True)
class Pop3Limits:
    """How much one scan may take. A message past its bounds is judged unreadable
    (suspicious, never clean); past the session's, the scan stops and the rest waits
    for the next one."""

    message_bytes: int = 50 * 1024 * 1024
    message_seconds: float = 120.0
    session_seconds: float = 3600.0


def pop3_url(account: Account, uidl: str) -> str:
    """``pop3://USER@HOST:PORT/;UIDL=X`` (``pop3s://`` over implicit TLS), RFC 2384 style."""
    scheme = "pop3s" if account.security == "tls" else "pop3"
    return f"{scheme}://{account.url_authority}/;UIDL={quote(uidl, safe='')}"


# -- scanning ---------------------------------------------------------------------------


def scan_pop3(
    account: Account,
    password: str,
    state: State,
    rules: Rules,
    *,
    on_result: Callable[[Pop3Result], None] = lambda _: None,
    cancelled: Callable[[], bool] = lambda: False,
    everything: bool = False,
    limits: Pop3Limits = Pop3Limits(),
) -> list[Pop3Result]:
    """Judge every message on the server the state file has not seen (``everything``:
    every message, as a one-off report does); change nothing.

    A message that cannot be read (the server refuses it, it breaks a bound, or the
    connection fails twice while it is read) is judged unreadable, and the scan goes
    on with the next one, in a fresh session if needed. UIDLs the server no longer
    lists are forgotten. Each verdict is committed before ``on_result`` hears of it;
    ``cancelled()`` is asked before each message. Past ``limits.session_seconds`` the
    scan stops with an error; the rest is judged next time.
    """
    results: list[Pop3Result] = []
    deadline = time.monotonic() + limits.session_seconds
    try:
        with _Reader(account, password) as reader:
            listing = reader.listing
            state.forget_uidls(account.id, keep=set(listing))
            seen = set() if everything else state.seen_uidls(account.id)
            todo = [(uidl, size) for uidl, (_, size) in listing.items() if uidl not in seen]
            for done, (uidl, size) in enumerate(todo):
                if cancelled():
                    break
                if time.monotonic() > deadline:
                    raise _too_slow(limits.session_seconds, len(todo) - done)
                result = _judge_alone(reader, account, rules, limits, uidl=uidl, size=size)
                if result is None:  # deleted by another program meanwhile
                    continue
                try:
                    state.record_batch([result.record])
                except sqlite3.Error:
                    on_result(result)  # the verdict stands, even where it cannot be kept
                    raise
                results.append(result)
                on_result(result)
            reader.quit()
    except (OSError, poplib.error_proto) as error:  # while listing again after a reconnect
        raise _session_error(account, error, changed="") from None
    return results


class _Reader:
    """The scan's session, opened again (and its listing read again, since message
    numbers may change) when a message left it unusable."""

    def __init__(self, account: Account, password: str) -> None:
        self.account, self.password = account, password
        self._server: poplib.POP3 | None = None
        self.listing: dict[str, tuple[int, int]] = {}
        self.server()

    def __enter__(self) -> _Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.drop()

    def server(self) -> poplib.POP3:
        if self._server is None:
            server = open_pop3(self.account, self.password)
            try:
                self.listing = _listing(server)
            except BaseException:
                _close(server)
                raise
            self._server = server
        return self._server

    def drop(self) -> None:
        if self._server is not None:
            _close(self._server)
            self._server = None

    def quit(self) -> None:
        if self._server is not None:
            with suppress(OSError, poplib.error_proto):
                self._server.quit()  # nothing to commit: a failed QUIT changes nothing
            self.drop()


def _judge_alone(
    reader: _Reader, account: Account, rules: Rules, limits: Pop3Limits, *, uidl: str, size: int
) -> Pop3Result | None:
    """Judge one message whatever it does to the session: on a broken connection it is
    tried once more in a fresh session, then judged unreadable. None: it is gone."""
    failure = ""
    for _attempt in range(2):
        server = reader.server()
        if uidl not in reader.listing:
            return None
        number = reader.listing[uidl][0]
        try:
            return _judge(server, account, rules, limits, uidl=uidl, number=number, size=size)
        except Unreadable as error:
            if not error.usable:
                reader.drop()
            return _unreadable(account, uidl, size, error.reason)
        except (OSError, poplib.error_proto) as error:
            reader.drop()
            failure = str(error) or type(error).__name__
    return _unreadable(
        account, uidl, size, f"the connection failed twice while reading it ({failure})"
    )


def _judge(
    server: poplib.POP3,
    account: Account,
    rules: Rules,
    limits: Pop3Limits,
    *,
    uidl: str,
    number: int,
    size: int,
) -> Pop3Result:
    def top(lines: int) -> tuple[bytes, int]:
        return _top(server, number, lines, limits.message_bytes, limits.message_seconds)

    raw, read = top(PEEK_LINES if size > SMALL_BYTES else ALL_LINES)
    whole = read >= size
    verdict, readings = judge_bytes(raw, rules)
    # A prefix can be cut inside an encoded block or a uuencoded file: if the parser
    # reports any defect, the findings might be artefacts of the cut, so read it all.
    prefix_is_enough = verdict.level is Level.DANGEROUS and not any(r.defects for r in readings)
    if not whole and not prefix_is_enough:
        raw, more = top(ALL_LINES)
        read += more
        whole = True
        verdict, readings = judge_bytes(raw, rules)
    facts = readings[0] if readings else None
    # The facts of a prefix know only the prefix: the size is the server's.
    record = message_record(
        account.id, FOLDER, pop3_url(account, uidl), verdict, facts, uidl=uidl, size=size
    )
    return Pop3Result(uidl, size, read, whole, verdict, facts, record)


def _unreadable(account: Account, uidl: str, size: int, reason: str) -> Pop3Result:
    """A message that could not be read: suspicious, recorded like any other (so the
    next scan goes past it), and quarantinable."""
    verdict = unreadable(reason)
    record = message_record(
        account.id, FOLDER, pop3_url(account, uidl), verdict, None, uidl=uidl, size=size
    )
    return Pop3Result(uidl, size, 0, False, verdict, None, record)


def _too_slow(seconds: float, left: int) -> MailError:
    messages = "1 message was" if left == 1 else f"{left} messages were"
    return ServerError(
        f"the scan took longer than {seconds / 60:.0f} minutes; {messages} not judged yet "
        "and will be on the next check"
    )


# -- quarantine -------------------------------------------------------------------------


def quarantine_pop3(
    account: Account,
    password: str,
    state: State,
    copies: LocalCopies,
    uidls: Iterable[str],
    *,
    batch_id: str,
) -> list[Pop3Action]:
    """Keep a local copy of each message, then delete it from the server.

    Only a judged message is taken, and only if the server still has the same one
    under its UIDL (same size and Message-ID). The server deletes at ``QUIT``: if the
    connection drops before, every message stays on the server; if the reply to
    ``QUIT`` is lost, each deleted message has its copy. Either way the journal keeps
    the entries pending and `recover_pop3` settles them. Run `recover_pop3` first when
    a previous run may have been interrupted.
    """
    judged = {r.uidl: r for r in state.messages(account.id) if r.uidl}
    actions: list[Pop3Action] = []
    marked: list[tuple[int, MessageRecord, Path]] = []
    quit_sent = False
    with _session(account, password, lambda: _changed(len(marked), quit_sent)) as server:
        listing = _listing(server)
        for uidl in dict.fromkeys(uidls):
            record = judged.get(uidl)
            if uidl not in listing:
                actions.append(Pop3Action(uidl, "skipped", detail="no longer on the server"))
            elif record is None:
                actions.append(Pop3Action(uidl, "skipped", detail="never judged"))
            else:
                number, size = listing[uidl]
                taken = _take_copy(
                    server, state, copies, record, batch_id=batch_id, number=number, size=size
                )
                if isinstance(taken, str):
                    actions.append(Pop3Action(uidl, "skipped", detail=taken))
                else:
                    marked.append((taken[0], record, taken[1]))
                    server.dele(number)  # carried out only at QUIT
        quit_sent = True
        server.quit()
    for entry_id, record, path in marked:
        state.journal_update(entry_id, state="done")
        state.keep_locally(record.account, record.uidl, str(path))
        actions.append(Pop3Action(record.uidl, "done", path))
    return actions


def _take_copy(
    server: poplib.POP3,
    state: State,
    copies: LocalCopies,
    record: MessageRecord,
    *,
    batch_id: str,
    number: int,
    size: int,
) -> tuple[int, Path] | str:
    """Journal one message, then save its durable local copy: the journal entry and the
    copy, or why the message must be left on the server."""
    if size != record.size:
        return f"the server's message is not the one judged (size {size}, was {record.size})"
    try:
        raw, read = _whole(server, number, size)
    except Unreadable as error:
        if not error.usable:
            raise
        return f"the server would not send it ({error.reason})"
    if read < size:
        return f"the server sent {read} of its {size} bytes"
    message_id = _message_id(raw)
    # None: the judged message could not be parsed, so only its size vouches for it.
    if record.message_id is not None and message_id != record.message_id:
        return f"the server's message is not the one judged (Message-ID {message_id})"
    entry_id = state.journal_begin(
        batch_id,
        record.account,
        "quarantine",
        src_folder=FOLDER,
        uidl=record.uidl,
        size=size,
        message_id=message_id,
    )
    try:
        path = copies.save(record.account, raw)
    except OSError as error:
        reason = f"the local copy could not be saved ({error.strerror or error}); not deleted"
        state.journal_update(entry_id, state="rolled_back", detail=reason)
        return reason
    state.journal_update(entry_id, local_copy=str(path))
    return entry_id, path


def recover_pop3(
    account: Account, password: str, state: State, copies: LocalCopies
) -> list[Pop3Action]:
    """Settle the quarantines an interrupted run left pending; connects only if needed.

    Gone from the server with its copy kept: done. Still on the server with a copy
    byte-for-byte equal to it: deleted now (the quarantine is finished). Still there
    without a copy, or not the copied message: left alone (rolled back). Gone without a
    copy (another program deleted it): failed. Entries stay pending if this run is
    interrupted too, so it can simply be run again.
    """
    pending = [
        e
        for e in state.journal(state="pending", account=account.id)
        if e.kind == "quarantine" and e.uidl
    ]
    if not pending:
        return []
    actions: list[Pop3Action] = []
    deleting: dict[int, list[tuple[JournalEntry, Path]]] = {}
    quit_sent = False
    with _session(account, password, lambda: _changed(len(deleting), quit_sent)) as server:
        listing = _listing(server)
        for entry in pending:
            action = _settle(server, copies, entry, listing, deleting)
            if action is not None:
                state.journal_update(entry.id, state=action.outcome, detail=action.detail)
                actions.append(action)
        quit_sent = True
        server.quit()
    for entry, path in (item for items in deleting.values() for item in items):
        detail = "deleted from the server when the quarantine was resumed"
        state.journal_update(entry.id, state="done", detail=detail)
        actions.append(Pop3Action(str(entry.uidl), "done", path, detail))
    for action in actions:
        if action.outcome == "done" and action.local_copy is not None:
            state.keep_locally(account.id, action.uidl, str(action.local_copy))
    return actions


def _settle(
    server: poplib.POP3,
    copies: LocalCopies,
    entry: JournalEntry,
    listing: dict[str, tuple[int, int]],
    deleting: dict[int, list[tuple[JournalEntry, Path]]],
) -> Pop3Action | None:
    """Decide one pending entry; None when it waits for this session's QUIT."""
    uidl = str(entry.uidl)
    path = Path(entry.local_copy) if entry.local_copy else None
    copy = _read_copy(copies, path)
    if uidl not in listing:
        if copy is None:
            return Pop3Action(uidl, "failed", None, "gone from the server, and no copy was kept")
        return Pop3Action(uidl, "done", path, "the interrupted session deleted it; copy kept")
    if copy is None or path is None:
        return Pop3Action(uidl, "rolled_back", None, "no copy was made; left on the server")
    number, size = listing[uidl]
    try:
        differs = size != len(copy) or _whole(server, number, size)[0] != copy
    except Unreadable as error:
        if not error.usable:
            raise
        return Pop3Action(
            uidl, "rolled_back", path, f"the server would not send it ({error.reason})"
        )
    if differs:
        detail = "the server's message differs from the copy; left on the server"
        return Pop3Action(uidl, "rolled_back", path, detail)
    if number not in deleting:
        server.dele(number)
    deleting.setdefault(number, []).append((entry, path))
    return None


def _read_copy(copies: LocalCopies, path: Path | None) -> bytes | None:
    if path is None:
        return None
    try:
        return copies.load(path)
    except OSError:
        return None


# -- helpers ----------------------------------------------------------------------------


@contextmanager
def _session(
    account: Account, password: str, changed: Callable[[], str] = lambda: ""
) -> Iterator[poplib.POP3]:
    """A logged-in session, always closed at the end: without QUIT after an error, which
    POP3 servers take as "delete nothing". Socket and server errors become `MailError`s
    whose text says what ``changed()`` reports was done."""
    server = open_pop3(account, password)
    try:
        yield server
    except (OSError, poplib.error_proto, Unreadable) as error:
        raise _session_error(account, error, changed=changed()) from None
    finally:
        _close(server)


def _close(server: poplib.POP3) -> None:
    with suppress(OSError):
        server.close()


def _listing(server: poplib.POP3) -> dict[str, tuple[int, int]]:
    """UIDL -> (message number, size), in the server's order. A repeated UIDL (a
    server bug) keeps its first message: the others cannot be told apart later. A line
    that is not ``NUMBER WORD`` is left out."""
    sizes: dict[int, int] = {}
    for number, size in _pairs(_listing_answer(server, "LIST")):
        with suppress(ValueError):
            sizes[int(number)] = int(size)
    listing: dict[str, tuple[int, int]] = {}
    for number, uidl in _pairs(_listing_answer(server, "UIDL")):
        if number.isdigit():
            listing.setdefault(uidl, (int(number), sizes.get(int(number), 0)))
    return listing


def _listing_answer(server: poplib.POP3, command: str) -> bytes:
    try:
        return long_command(server, command, max_bytes=LISTING_BYTES, seconds=LISTING_SECONDS)[0]
    except Unreadable as error:
        raise ServerError(f"{command}: {error.reason}") from None


def _pairs(answer: bytes) -> Iterator[tuple[str, str]]:
    for line in answer.decode("latin-1").splitlines():
        words = line.split()
        if len(words) >= 2:
            yield words[0], words[1]


def _top(
    server: poplib.POP3, number: int, lines: int, max_bytes: int, seconds: float
) -> tuple[bytes, int]:
    """The message's header and first ``lines`` body lines, and the bytes that took;
    `Unreadable` past ``max_bytes`` or ``seconds``, or when the server refuses it."""
    return long_command(server, f"TOP {number} {lines}", max_bytes=max_bytes, seconds=seconds)


def _whole(server: poplib.POP3, number: int, size: int) -> tuple[bytes, int]:
    """A whole message to keep or compare, bounded by the size the server declared
    (with room for dot-stuffing and line ends) rather than by the scan's limits, and
    given the time a slow link needs for it."""
    seconds = Pop3Limits.message_seconds + size / 100_000
    return _top(server, number, ALL_LINES, size + size // 8 + 64 * 1024, seconds)


def _message_id(raw: bytes) -> str | None:
    """The Message-ID as the facts builder reads it (first field, stripped)."""
    values = read_header_block(normalize_newlines(raw)).all("Message-ID")
    return values[0].strip() if values else None


def _changed(copied: int, quit_sent: bool) -> str:
    """What an interrupted quarantine did, given the copies made and whether QUIT went."""
    if not copied:
        return ""
    messages = "1 message" if copied == 1 else f"{copied} messages"
    if quit_sent:
        return (
            f"The server may or may not have deleted the {messages} marked for quarantine; "
            "each has a local copy."
        )
    saved = "a local copy was saved" if copied == 1 else f"local copies of {messages} were saved"
    return (
        "No message was deleted from the server (POP3 deletes only when a session ends "
        f"normally); {saved}."
    )


def _session_error(account: Account, error: Exception, *, changed: str) -> MailError:
    """A dropped connection or an -ERR in the middle of a session, in the user's words."""
    if isinstance(error, Unreadable):
        return ConnectionLost(
            f"{account.host}:{account.port}: {error.reason}", changed=changed or None
        )
    reply: object = error.args[0] if error.args else ""
    if isinstance(error, poplib.error_proto) and isinstance(reply, bytes):
        text = reply.decode("utf-8", "replace").removeprefix("-ERR ").strip()
        return ServerError(text, changed=changed or None)
    # poplib's own complaints are str; "-ERR EOF" means the connection was closed.
    what = "the connection was closed" if reply == "-ERR EOF" else str(error)
    return ConnectionLost(f"{account.host}:{account.port}: {what}", changed=changed or None)
