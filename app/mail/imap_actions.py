"""Quarantine, release, delete and undo on an IMAP server without ever losing a message,
and recovery of whatever a crash or a dropped connection interrupted.

Why it is built this way:

* Every message's action goes into the journal *before* the server is asked
  (``pending``: where it is, where it goes, how to recognise it) and again after
  (``done``, ``rolled_back`` or ``failed``). :func:`recover`, run on every connect
  before anything else, looks in both folders and finishes or rolls back each pending
  entry, so an interruption at any point leaves every message in exactly one folder.
* ``UID MOVE`` when the server offers MOVE. Otherwise ``UID COPY``, the copy confirmed
  (``COPYUID`` with UIDPLUS, else found in the destination), then ``UID STORE
  +FLAGS.SILENT (\\Deleted)`` and ``UID EXPUNGE`` of exactly those UIDs. Without UIDPLUS
  the flag stays and no ``EXPUNGE`` is ever sent: a bare one would also remove mail
  that other programs marked deleted.
* A message is recognised in another folder by Message-ID and RFC822.SIZE, or, when it
  has no Message-ID, by size and INTERNALDATE (COPY and MOVE keep both). Only UIDs at or
  above the destination's UIDNEXT from before the move count, so an older identical
  message there is never taken for the copy.
* UIDs are trusted only under the UIDVALIDITY they were read with; a stale one is
  refused rather than risk moving the wrong message.
* Commands over many UIDs are batched below Dovecot's 64 KB command limit, and every
  FETCH uses PEEK, so no action marks mail as read.
* The model of where each message is (`app.store.state`) follows every move in the
  same transaction as the journal entry that says it is done: the UID from COPYUID
  (or found by key), a local copy for a delete, recovery's findings likewise.

Until the journal has columns for them, a pending entry's ``detail`` holds a small JSON
object (INTERNALDATE, the destination's UIDNEXT); finishing the entry replaces it with a
sentence for the user.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, TypeVar

import imapclient.exceptions
from imapclient import IMAPClient

from app.mail.errors import ConnectionLost, FolderMissing, MailError, ServerError
from app.store.accounts import Account
from app.store.localcopy import LocalCopies
from app.store.state import JournalEntry, Location, State

log = logging.getLogger(__name__)

UNDOABLE = ("quarantine", "release")
_UID_CHUNK = 2000  # ~22 KB of UIDs: far below Dovecot's 64 KB command limit
_SEARCH_TERMS = 50
_SEARCH_BYTES = 16_000
_BODY_BYTES = 8 << 20  # mail downloaded by one FETCH before deleting
_META = ["RFC822.SIZE", "INTERNALDATE", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]
_UNUSABLE = {b"\\noselect", b"\\nonexistent"}
_SEARCHABLE_ID = re.compile(r"[A-Za-z0-9!#$&'+,\-./:;<=>?@^_`|~\[]{1,900}")
_TIMING = re.compile(r"\s*\(\d[\d.+ ]* secs\)")
_MOVED_SOME = "Some messages may already have been moved."
_DELETED_SOME = (
    "Some messages may already have been deleted on the server (a local copy of each "
    "was saved first)."
)
_RECOVERED_SOME = "Some interrupted actions may already have been finished."

Status = Literal["moved", "deleted", "failed"]
Settled = Literal["done", "rolled_back", "failed"]
_T = TypeVar("_T")


@dataclass(frozen=True)
class Target:
    """A message to act on, as a scan saw it; ``uid`` means something only under
    ``uidvalidity``. ``size`` (RFC822.SIZE), when given, guards against acting on
    another message."""

    folder: str
    uidvalidity: int
    uid: int
    message_id: str | None = None
    size: int = 0


@dataclass(frozen=True)
class Outcome:
    """What happened to one target, worded for the CLI and the GUI."""

    target: Target
    status: Status
    reason: str = ""
    folder: str = ""  # where the message is now ("" when deleted or failed)
    uid: int | None = None  # its UID there, when known
    local_copy: Path | None = None
    journal_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"


@dataclass(frozen=True)
class Recovery:
    """How :func:`recover` settled one pending journal entry."""

    entry: JournalEntry
    state: Settled
    detail: str


@dataclass(frozen=True)
class _Key:
    """How a message is recognised where its UID is unknown. INTERNALDATE is part of
    the key only without a Message-ID (then it is the best identity left)."""

    message_id: str | None
    size: int
    internaldate: str | None


def _key(message_id: str | None, size: int, internaldate: str | None) -> _Key:
    return _Key(message_id, size, None if message_id else internaldate)


@dataclass(frozen=True)
class _Seen:
    """A message as the server showed it."""

    uid: int
    key: _Key


@dataclass(frozen=True)
class _Job:
    """One target and where it should go ("" for a delete)."""

    index: int
    target: Target
    dst: str


@dataclass
class _Move:
    """A job whose message was found in its folder, and its journal entry."""

    job: _Job
    seen: _Seen
    entry_id: int = 0

    @property
    def uid(self) -> int:
        return self.job.target.uid


@dataclass
class _Part:
    """Moves from one source folder to one destination, as the server answered them."""

    src: str
    src_validity: int
    dst: str
    dst_validity: int
    uidnext: int  # the destination's, before the move: copies get UIDs from here
    moves: list[_Move]
    placed: dict[int, int] = field(default_factory=dict)  # source UID -> new UID


class _Refused(Exception):
    """The server answered NO to COPY/MOVE: that command changed nothing."""

    def __init__(self, text: str, *, trycreate: bool) -> None:
        super().__init__(text)
        self.text, self.trycreate = text, trycreate


# -- public API -----------------------------------------------------------------------


def quarantine(
    client: IMAPClient, state: State, account: Account, targets: Sequence[Target], batch_id: str
) -> list[Outcome]:
    """Move ``targets`` into the account's quarantine folder (created when missing)."""
    run = _Run(client, state, account, "quarantine", batch_id)
    return run.move_all([_Job(i, t, account.quarantine) for i, t in enumerate(targets)])


def release(
    client: IMAPClient,
    state: State,
    account: Account,
    items: Sequence[JournalEntry | Target],
    batch_id: str,
) -> list[Outcome]:
    """Move quarantined messages back where they came from.

    A journal entry says where; for a `Target` the model's record of the message does
    (the folder it was first seen in), else the journal entry that put it in its
    folder, else it goes to the account's first watched folder.
    """
    origins = {
        (e.dst_folder, e.dst_uidvalidity, e.dst_uid): e.src_folder
        for e in state.journal(state="done", account=account.id)
        if e.dst_folder and e.src_folder
    }
    jobs = []
    for index, item in enumerate(items):
        if isinstance(item, JournalEntry):
            jobs.append(_Job(index, _where_now(item), item.src_folder or _home(account)))
            continue
        known = state.find(account.id, Location(item.folder, item.uidvalidity, item.uid))
        origin = known.origin if known is not None else ""
        if not origin or origin == account.quarantine:
            origin = origins.get((item.folder, item.uidvalidity, item.uid)) or _home(account)
        jobs.append(_Job(index, item, origin))
    return _Run(client, state, account, "release", batch_id).move_all(jobs)


def undo(
    client: IMAPClient, state: State, account: Account, batch_id: str, *, batch: str | None = None
) -> list[Outcome]:
    """Reverse every done move of the last quarantine/release batch (or of ``batch``).

    The reversed entries become ``undone``, so the next undo reaches the batch before.
    """
    which = batch or state.last_batch(account.id)
    if which is None:
        return []
    entries = [
        e
        for e in state.journal(batch=which, account=account.id)
        if e.state == "done" and e.kind in UNDOABLE and e.uidl is None
    ]
    jobs = [_Job(i, _where_now(e), e.src_folder or _home(account)) for i, e in enumerate(entries)]
    outcomes = _Run(client, state, account, "undo", batch_id).move_all(jobs)
    _close_undone(state, account.id)
    return outcomes


def delete(  # noqa: PLR0917 - the call order every action shares, plus the copies
    client: IMAPClient,
    state: State,
    copies: LocalCopies,
    account: Account,
    targets: Sequence[Target],
    batch_id: str,
) -> list[Outcome]:
    """Save a durable local copy of each message, then delete it on the server."""
    run = _Run(client, state, account, "delete", batch_id)
    return run.delete_all(copies, [_Job(i, t, "") for i, t in enumerate(targets)])


def recover(client: IMAPClient, state: State, account: Account) -> list[Recovery]:
    """Finish or roll back every pending IMAP action of ``account`` by looking in both
    folders. Call it on every connect, before anything else."""
    entries = [
        e
        for e in state.journal(state="pending", account=account.id)
        if e.uidl is None and e.src_folder and e.src_uid is not None
    ]
    if not entries:
        return []
    session = _Session(client)
    with _server_errors(session):
        results = _reconcile(session, state, account, entries)
    _close_undone(state, account.id)
    return results


# -- the server, one command at a time ------------------------------------------------


class _Session:
    """One IMAPClient used serially: knows what is selected and what it may send."""

    def __init__(self, client: IMAPClient) -> None:
        self.client = client
        self.changed = ""  # what the server has already done, for error messages
        self._selected: tuple[str, bool] | None = None
        self._uidvalidity = 0

    @cached_property
    def _capabilities(self) -> frozenset[bytes]:
        # Asked on first use, inside _server_errors: imapclient may send CAPABILITY.
        return frozenset(bytes(c).upper() for c in self.client.capabilities())

    @property
    def can_move(self) -> bool:
        return b"MOVE" in self._capabilities

    @property
    def uidplus(self) -> bool:
        return b"UIDPLUS" in self._capabilities

    def select(self, folder: str, *, write: bool) -> int | None:
        """Select (``write``) or EXAMINE ``folder``; its UIDVALIDITY, None if missing."""
        if self._selected is None or self._selected[0] != folder or write > self._selected[1]:
            self._selected = None
            try:
                info = self.client.select_folder(folder, readonly=not write)
            except imapclient.exceptions.IMAPClientAbortError:
                raise
            except imapclient.exceptions.IMAPClientError:
                return None
            self._selected = (folder, write)
            self._uidvalidity = int(info[b"UIDVALIDITY"])
        return self._uidvalidity

    def status(self, folder: str) -> tuple[int, int]:
        """UIDVALIDITY and UIDNEXT of a folder that need not be selected."""
        info = self.client.folder_status(folder, ["UIDVALIDITY", "UIDNEXT"])
        return int(info[b"UIDVALIDITY"]), int(info[b"UIDNEXT"])

    def ensure_folder(self, folder: str) -> None:
        """Create ``folder`` when missing; a refusal stops everything before any move."""
        for flags, _delimiter, name in self.client.list_folders("", folder):
            # A \Noselect name (the parent of another folder) takes no mail: create it.
            if name == folder and not {f.lower() for f in flags} & _UNUSABLE:
                return
        try:
            self.client.create_folder(folder)
        except imapclient.exceptions.IMAPClientAbortError:
            raise
        except imapclient.exceptions.IMAPClientError as error:
            if "ALREADYEXISTS" in str(error).upper():
                return
            raise FolderMissing(
                f"{folder!r} is missing and the server refused to create it: {_clean(error)}",
                changed=self.changed or None,
            ) from None
        self.changed = self.changed or f"The folder {folder!r} was created; no message was moved."

    def fetch_meta(self, uids: Iterable[int]) -> dict[int, _Seen]:
        """Size, Message-ID and INTERNALDATE of those ``uids`` that still exist."""
        found: dict[int, _Seen] = {}
        for chunk in _chunks(sorted(set(uids)), _UID_CHUNK):
            wanted = set(chunk)
            for uid, data in self.client.fetch(chunk, _META).items():
                seen = _seen(uid, data)
                if seen is not None and uid in wanted:
                    found[uid] = seen
        return found

    def fetch_bodies(self, uids: list[int]) -> dict[int, bytes]:
        found: dict[int, bytes] = {}
        for uid, data in self.client.fetch(uids, ["BODY.PEEK[]"]).items():
            body = data.get(b"BODY[]")
            if isinstance(body, bytes) and uid in uids:
                found[uid] = body
        return found

    def locate(self, keys: Iterable[_Key], min_uid: int = 0) -> dict[_Key, list[_Seen]]:
        """Messages of the selected folder with one of ``keys`` and UID >= ``min_uid``,
        each key's in UID order. A server-side SEARCH narrows, an exact match decides."""
        wanted = set(keys)
        terms = list(dict.fromkeys(_search_term(k) for k in wanted))
        uids: set[int] = set()
        for chunk in _term_chunks(terms):
            # Each term in parentheses: "OR a LARGER n SMALLER m" would mean (a OR LARGER
            # n) AND SMALLER m.
            criteria: list[str | list[str]] = ["OR"] * (len(chunk) - 1)
            criteria += [list(term) for term in chunk]
            if min_uid:
                criteria = ["UID", f"{min_uid}:*", *criteria]
            uids.update(int(u) for u in self.client.search(criteria) if int(u) >= min_uid)
        found: dict[_Key, list[_Seen]] = {}
        for seen in sorted(self.fetch_meta(uids).values(), key=lambda s: s.uid):
            if seen.key in wanted:
                found.setdefault(seen.key, []).append(seen)
        return found

    def transfer(self, uids: list[int], folder: str) -> tuple[int | None, dict[int, int]]:
        """MOVE (or COPY) ``uids`` to ``folder``: the destination's UIDVALIDITY and the
        new UIDs from COPYUID, trusted only when the server announces UIDPLUS."""
        responses = self.client._imap.untagged_responses  # where imaplib keeps COPYUID
        for code in ("COPYUID", "TRYCREATE"):
            responses.pop(code, None)
        try:
            if self.can_move:
                self.client.move(uids, folder)
            else:
                self.client.copy(uids, folder)
        except imapclient.exceptions.IMAPClientAbortError:
            raise
        except imapclient.exceptions.IMAPClientError as error:
            trycreate = responses.pop("TRYCREATE", None) is not None
            raise _Refused(_clean(error), trycreate=trycreate) from None
        finally:
            responses.pop("EXPUNGE", None)  # MOVE's; imaplib would keep them forever
        codes = responses.pop("COPYUID", None) or []
        validity: int | None = None
        placed: dict[int, int] = {}
        for code in codes if self.uidplus else []:
            parts = _text(code).split()
            if len(parts) != 3:
                continue
            try:
                sources = parse_uid_set(parts[1], limit=len(uids))
                targets = parse_uid_set(parts[2], limit=len(uids))
                if len(sources) == len(targets):
                    validity = int(parts[0])
                    placed.update(zip(sources, targets, strict=True))
            except ValueError:  # a malformed COPYUID, or one naming more than was moved
                continue
        return validity, placed

    def remove(self, uids: list[int]) -> None:
        """Flag ``uids`` \\Deleted and, with UIDPLUS, expunge exactly those."""
        for chunk in _chunks(sorted(uids), _UID_CHUNK):
            self.client.add_flags(chunk, [b"\\Deleted"], silent=True)
            if self.uidplus:
                self.client.uid_expunge(chunk)
                self.client._imap.untagged_responses.pop("EXPUNGE", None)


@contextmanager
def _server_errors(session: _Session) -> Iterator[None]:
    """Library and socket errors in the user's words, saying what already happened."""
    try:
        yield
    except MailError:
        raise
    except (imapclient.exceptions.IMAPClientAbortError, OSError) as error:
        raise ConnectionLost(_clean(error), changed=session.changed or None) from None
    except imapclient.exceptions.IMAPClientError as error:
        raise ServerError(_clean(error), changed=session.changed or None) from None


# -- acting -----------------------------------------------------------------------------


class _Run:
    """One public call: the server session, the journal, and an outcome per target."""

    def __init__(
        self, client: IMAPClient, state: State, account: Account, kind: str, batch: str
    ) -> None:
        self.session = _Session(client)
        self.state, self.account, self.kind, self.batch = state, account, kind, batch
        self.outcomes: dict[int, Outcome] = {}

    def fail(self, job: _Job, reason: str, entry_id: int = 0) -> None:
        self.outcomes[job.index] = Outcome(
            job.target, "failed", reason, journal_id=entry_id or None
        )

    def results(self, jobs: list[_Job]) -> list[Outcome]:
        return [self.outcomes[job.index] for job in jobs]

    def move_all(self, jobs: list[_Job]) -> list[Outcome]:
        with _server_errors(self.session):
            for dst in dict.fromkeys(j.dst for j in jobs):
                self.session.ensure_folder(dst)
            for src, group in _group(jobs, lambda j: j.target.folder).items():
                for dst, moves in _group(self.check(src, group), lambda m: m.job.dst).items():
                    if dst == src:
                        for move in moves:
                            self.fail(move.job, f"it is already in {src!r}")
                    else:
                        self.move_part(src, dst, moves)
        return self.results(jobs)

    def check(self, src: str, jobs: list[_Job]) -> list[_Move]:
        """Select ``src`` for writing; the jobs whose message is really there."""
        validity = self.session.select(src, write=True)
        if validity is None:
            for job in jobs:
                self.fail(job, f"the folder {src!r} does not exist any more")
            return []
        for job in jobs:
            if job.target.uidvalidity != validity:
                self.fail(
                    job,
                    f"the folder {src!r} was rebuilt on the server since the scan (its "
                    "UIDVALIDITY changed), so its message numbers are stale; scan it again",
                )
        current = [j for j in jobs if j.target.uidvalidity == validity]
        for job in current:
            if job.target.uid <= 0:
                self.fail(job, f"its place in {src!r} is not known; find it in that folder")
        current = [j for j in current if j.target.uid > 0]
        seen = self.session.fetch_meta(j.target.uid for j in current)
        moves = []
        for job in current:
            found = seen.get(job.target.uid)
            if found is None:
                self.fail(job, f"it is no longer in {src!r} (moved or deleted by another program)")
            elif job.target.size and job.target.size != found.key.size:
                self.fail(job, "the server's message with that UID is not the one judged")
            else:
                moves.append(_Move(job, found))
        return moves

    def journal_begin(
        self, move: _Move, validity: int, uidnext: int, local_copy: Path | None = None
    ) -> None:
        target, key = move.job.target, move.seen.key
        move.entry_id = self.state.journal_begin(
            self.batch,
            self.account.id,
            self.kind,
            src_folder=target.folder,
            src_uidvalidity=target.uidvalidity,
            src_uid=target.uid,
            dst_folder=move.job.dst or None,
            dst_uidvalidity=validity if move.job.dst else None,
            message_id=key.message_id,
            size=key.size,
            local_copy=str(local_copy) if local_copy else None,
            detail=json.dumps({"internaldate": key.internaldate, "uidnext": uidnext}),
        )

    def move_part(self, src: str, dst: str, moves: list[_Move]) -> None:
        """Journal, MOVE or COPY, confirm, remove originals after COPY, journal."""
        dst_validity, uidnext = self.session.status(dst)
        part = _Part(src, moves[0].job.target.uidvalidity, dst, dst_validity, uidnext, [])
        with self.state.transaction():
            for move in moves:
                self.journal_begin(move, dst_validity, uidnext)
        refused: _Refused | None = None
        for chunk in _chunks(moves, _UID_CHUNK):
            self.session.changed = _MOVED_SOME
            try:
                validity, placed = self.session.transfer([m.uid for m in chunk], dst)
            except _Refused as error:  # that command changed nothing; stop here
                refused = error
                break
            part.dst_validity = validity or part.dst_validity
            part.placed.update(placed)
            part.moves += chunk
        if part.moves:
            self.confirm(part)
            self.finish(part)
        if refused is not None:
            self.roll_back(moves[len(part.moves) :], refused)
            if refused.trycreate:
                raise FolderMissing(
                    f"{dst!r} disappeared before the move: {refused.text}",
                    changed=_MOVED_SOME if part.moves else None,
                )

    def roll_back(self, moves: list[_Move], refused: _Refused) -> None:
        """Moves whose command was refused, or not sent after that: nothing happened."""
        reason = f"the server refused the move: {refused.text}"
        with self.state.transaction():
            for move in moves:
                self.state.journal_update(move.entry_id, state="rolled_back", detail=reason)
                self.fail(move.job, reason, move.entry_id)

    def confirm(self, part: _Part) -> None:
        """Learn each new UID that COPYUID did not give by looking in the destination;
        after COPY record it before the original goes (recovery then knows it exactly)."""
        unplaced = [m for m in part.moves if m.uid not in part.placed]
        if unplaced and self.session.select(part.dst, write=False) == part.dst_validity:
            pool = self.session.locate((m.seen.key for m in unplaced), part.uidnext)
            taken: set[int] = set()
            for move in unplaced:
                match = _first_free(pool.get(move.seen.key, []), taken)
                if match is not None:
                    part.placed[move.uid] = match.uid
        if self.session.can_move:
            return
        with self.state.transaction():
            for move in part.moves:
                if move.uid in part.placed:
                    self.state.journal_update(move.entry_id, dst_uid=part.placed[move.uid])
        if self.session.select(part.src, write=True) != part.src_validity:
            raise ServerError(
                f"the folder {part.src!r} was rebuilt on the server during the move; the "
                "copies are kept and MailSentry settles the originals when it next connects",
                changed=_MOVED_SOME,
            )

    def finish(self, part: _Part) -> None:
        """After COPY remove the confirmed originals; journal and report every move."""
        confirmed = {m.uid for m in part.moves if self.session.can_move or m.uid in part.placed}
        if not self.session.can_move:
            self.session.remove(list(confirmed))
        detail = _done_detail(self.session, part.src, part.dst, removed=not self.session.can_move)
        with self.state.transaction():
            for move in part.moves:
                if move.uid in confirmed:
                    uid = part.placed.get(move.uid)
                    self.state.journal_update(
                        move.entry_id,
                        state="done",
                        dst_uid=uid,
                        dst_uidvalidity=part.dst_validity,
                        detail=detail,
                    )
                    self.state.relocate(
                        self.account.id,
                        Location(part.src, part.src_validity, move.uid),
                        Location(part.dst, part.dst_validity, uid or 0),
                        place=_place(self.account, part.dst),
                        action=_place_action(self.account, part.dst),
                    )
                    self.outcomes[move.job.index] = Outcome(
                        move.job.target, "moved", detail, part.dst, uid, journal_id=move.entry_id
                    )
                    continue
                reason = (
                    f"it was copied to {part.dst!r} but the copy could not be recognised "
                    f"there, so the original was left in {part.src!r}: it may now be in both"
                )
                log.warning("journal entry %d: %s", move.entry_id, reason)
                self.state.journal_update(move.entry_id, state="failed", detail=reason)
                self.fail(move.job, reason, move.entry_id)

    def delete_all(self, copies: LocalCopies, jobs: list[_Job]) -> list[Outcome]:
        with _server_errors(self.session):
            for src, group in _group(jobs, lambda j: j.target.folder).items():
                for part in _by_size(self.check(src, group)):
                    self.delete_part(copies, src, part)
        return self.results(jobs)

    def delete_part(self, copies: LocalCopies, src: str, moves: list[_Move]) -> None:
        """Download, save durably, journal, then delete: the copy exists before the delete."""
        bodies = self.session.fetch_bodies([m.uid for m in moves])
        saved: list[tuple[_Move, Path]] = []
        for move in moves:
            raw = bodies.get(move.uid)
            if raw is None or len(raw) != move.seen.key.size:
                self.fail(
                    move.job, "it could not be downloaded whole, so it was left on the server"
                )
                continue
            try:
                path = copies.save(self.account.id, raw)  # fsynced, name included
            except OSError as error:
                reason = f"its local copy could not be saved ({error.strerror or error})"
                self.fail(move.job, f"{reason}, so it was left on the server")
                continue
            saved.append((move, path))
        with self.state.transaction():
            for move, path in saved:
                self.journal_begin(move, 0, 0, path)
        if saved:
            self.session.changed = _DELETED_SOME
            self.session.remove([move.uid for move, _ in saved])
        detail = (
            f"deleted from {src!r}; a local copy was kept"
            if self.session.uidplus
            else f"marked deleted in {src!r} (your mail program removes it when it "
            "expunges); a local copy was kept"
        )
        with self.state.transaction():
            for move, path in saved:
                self.state.journal_update(move.entry_id, state="done", detail=detail)
                target = move.job.target
                self.state.relocate(
                    self.account.id,
                    Location(target.folder, target.uidvalidity, target.uid),
                    None,
                    place="deleted",
                    action="delete",
                    local_copy=str(path),
                )
                self.outcomes[move.job.index] = Outcome(
                    move.job.target, "deleted", detail, local_copy=path, journal_id=move.entry_id
                )


def _done_detail(session: _Session, src: str, dst: str, *, removed: bool) -> str:
    if removed and not session.uidplus:
        return (
            f"copied to {dst!r}; the original in {src!r} is marked deleted (this server "
            "cannot expunge single messages, so your mail program removes it when it "
            "expunges)"
        )
    return f"moved from {src!r} to {dst!r}"


def _place(account: Account, folder: str) -> str:
    """The model's place for a message in ``folder`` of ``account``."""
    return "quarantine" if folder == account.quarantine else "folder"


def _place_action(account: Account, folder: str) -> str:
    """What moving a message into ``folder`` is, whatever asked for it (an undo too)."""
    return "quarantine" if folder == account.quarantine else "release"


def _follow(state: State, account: Account, entry: JournalEntry, uid: int | None) -> None:
    """The model follows a move or delete that recovery found done."""
    at = Location(entry.src_folder or "", entry.src_uidvalidity or 0, entry.src_uid or 0)
    if entry.dst_folder is None:
        state.relocate(
            account.id, at, None, place="deleted", action="delete",
            local_copy=entry.local_copy or "",
        )  # fmt: skip
        return
    to = Location(entry.dst_folder, entry.dst_uidvalidity or 0, uid or 0)
    dst = entry.dst_folder
    state.relocate(
        account.id, at, to, place=_place(account, dst), action=_place_action(account, dst)
    )


def _close_undone(state: State, account_id: str) -> None:
    """Mark each move that a done undo entry reversed as ``undone``."""
    done = state.journal(state="done", account=account_id)
    originals = {
        (e.dst_folder, e.dst_uidvalidity, e.dst_uid): e for e in done if e.kind in UNDOABLE
    }
    with state.transaction():
        for entry in done:
            if entry.kind == "undo":
                original = originals.get((entry.src_folder, entry.src_uidvalidity, entry.src_uid))
                if original is not None:
                    state.journal_update(
                        original.id, state="undone", detail=f"undone by batch {entry.batch}"
                    )


def _by_size(moves: list[_Move]) -> Iterator[list[_Move]]:
    """Groups of messages that together stay under one download's budget."""
    part: list[_Move] = []
    total = 0
    for move in moves:
        if part and (total + move.seen.key.size > _BODY_BYTES or len(part) >= _UID_CHUNK):
            yield part
            part, total = [], 0
        part.append(move)
        total += move.seen.key.size
    if part:
        yield part


# -- recovery ---------------------------------------------------------------------------


def _reconcile(
    session: _Session, state: State, account: Account, entries: list[JournalEntry]
) -> list[Recovery]:
    """Look for each entry's message in its destination, then in its source, and settle."""
    copies: dict[int, _Seen] = {}
    for dst, group in _group([e for e in entries if e.dst_folder], _dst_of).items():
        copies.update(_find_copies(session, dst, group))
    results: list[Recovery] = []
    for group in _group(entries, _src_of).values():
        results += _settle(session, state, account, group, copies)
    return results


def _find_copies(session: _Session, dst: str, entries: list[JournalEntry]) -> dict[int, _Seen]:
    """Each entry's copy in ``dst``: the UID COPYUID recorded, else by key above the
    UIDNEXT noted before the move (UIDVALIDITY permitting)."""
    validity = session.select(dst, write=False)
    if validity is None:
        return {}
    found: dict[int, _Seen] = {}
    exact = {e.dst_uid: e for e in entries if e.dst_uid and e.dst_uidvalidity == validity}
    for uid, seen in session.fetch_meta(exact).items():
        if seen.key == _entry_key(exact[uid]):
            found[exact[uid].id] = seen
    rest = [e for e in entries if e.id not in found]
    floors = {e.id: _pending(e)[1] if e.dst_uidvalidity == validity else 0 for e in rest}
    pool = session.locate((_entry_key(e) for e in rest), min(floors.values(), default=0))
    taken = {s.uid for s in found.values()}
    for entry in sorted(rest, key=lambda e: e.src_uid or 0):
        candidates = [s for s in pool.get(_entry_key(entry), []) if s.uid >= floors[entry.id]]
        match = _first_free(candidates, taken)
        if match is not None:
            found[entry.id] = match
    return found


def _settle(
    session: _Session,
    state: State,
    account: Account,
    entries: list[JournalEntry],
    copies: dict[int, _Seen],
) -> list[Recovery]:
    src = _src_of(entries[0])
    originals = _find_originals(session, src, entries)
    remove: list[int] = []
    settled: list[tuple[JournalEntry, Settled, str, int | None]] = []
    for entry in entries:
        copy, original = copies.get(entry.id), originals.get(entry.id)
        where = f"{src!r}"
        if entry.dst_folder is None:  # a delete
            if original is None:
                settled.append((entry, "done", f"it is no longer in {where}", None))
            elif _local_copy_ok(entry):
                remove.append(original.uid)
                settled.append(
                    (entry, "done", f"deleted from {where}; a local copy was kept", None)
                )
            else:
                reason = f"left in {where}: its local copy is missing or incomplete"
                settled.append((entry, "rolled_back", reason, None))
        elif copy is not None:
            if original is not None:
                remove.append(original.uid)
            detail = _done_detail(session, src, entry.dst_folder, removed=original is not None)
            settled.append((entry, "done", detail, copy.uid))
        elif original is not None:
            settled.append((entry, "rolled_back", f"still in {where}; it was not moved", None))
        else:
            reason = (
                f"MESSAGE NOT FOUND: {entry.message_id or 'a message without Message-ID'} "
                f"({entry.size} bytes) is in neither {where} nor {entry.dst_folder!r}; it may "
                "have been moved or deleted by another program — look for it in other folders"
            )
            log.error("journal entry %d: %s", entry.id, reason)
            settled.append((entry, "failed", reason, None))
    if remove:
        session.changed = _RECOVERED_SOME
        session.remove(remove)
    with state.transaction():
        for entry, result, detail, uid in settled:
            state.journal_update(
                entry.id, state=result, detail=detail, dst_uid=uid or entry.dst_uid
            )
            if result == "done":
                _follow(state, account, entry, uid or entry.dst_uid)
    return [Recovery(entry, result, detail) for entry, result, detail, _uid in settled]


def _find_originals(session: _Session, src: str, entries: list[JournalEntry]) -> dict[int, _Seen]:
    """Each entry's message still in ``src`` (selected for writing): by its UID, or by
    key when the folder was rebuilt since."""
    validity = session.select(src, write=True)
    if validity is None:
        return {}
    same = {e.src_uid: e for e in entries if e.src_uidvalidity == validity}
    found = {
        same[uid].id: seen
        for uid, seen in session.fetch_meta(u for u in same if u is not None).items()
        if seen.key.size == same[uid].size
    }
    rebuilt = [e for e in entries if e.src_uidvalidity != validity]
    if rebuilt:
        pool = session.locate(_entry_key(e) for e in rebuilt)
        taken: set[int] = set()
        for entry in rebuilt:
            match = _first_free(pool.get(_entry_key(entry), []), taken)
            if match is not None:
                found[entry.id] = match
    return found


def _local_copy_ok(entry: JournalEntry) -> bool:
    if not entry.local_copy:
        return False
    try:
        return Path(entry.local_copy).stat().st_size == entry.size
    except OSError:
        return False


# -- small helpers ----------------------------------------------------------------------


def _where_now(entry: JournalEntry) -> Target:
    """Where a done move put its message."""
    return Target(
        entry.dst_folder or "",
        entry.dst_uidvalidity or 0,
        entry.dst_uid or 0,
        entry.message_id,
        entry.size or 0,
    )


def _home(account: Account) -> str:
    return account.folders[0] if account.folders else "INBOX"


def _pending(entry: JournalEntry) -> tuple[str | None, int]:
    """INTERNALDATE and the destination's UIDNEXT noted in a pending entry's detail."""
    try:
        data = json.loads(entry.detail or "{}")
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    internaldate = data.get("internaldate")
    uidnext = data.get("uidnext")
    return (
        internaldate if isinstance(internaldate, str) else None,
        uidnext if isinstance(uidnext, int) else 0,
    )


def _entry_key(entry: JournalEntry) -> _Key:
    return _key(entry.message_id, entry.size or 0, _pending(entry)[0])


def _src_of(entry: JournalEntry) -> str:
    return entry.src_folder or ""


def _dst_of(entry: JournalEntry) -> str:
    return entry.dst_folder or ""


def _first_free(candidates: list[_Seen], taken: set[int]) -> _Seen | None:
    """The lowest UID not already matched to another entry (identical messages are
    interchangeable, and COPY keeps their order)."""
    for seen in candidates:
        if seen.uid not in taken:
            taken.add(seen.uid)
            return seen
    return None


def _seen(uid: int, data: dict[bytes, Any]) -> _Seen | None:
    size = data.get(b"RFC822.SIZE")
    if not isinstance(size, int):
        return None  # an unsolicited FETCH (another client changed flags)
    header = next((v for k, v in data.items() if k.startswith(b"BODY[HEADER.FIELDS")), b"")
    internaldate = _utc(data.get(b"INTERNALDATE"))
    return _Seen(int(uid), _key(_message_id(header), size, internaldate))


def _message_id(header: bytes) -> str | None:
    """The first Message-ID field's value from a HEADER.FIELDS answer."""
    text = re.sub(r"\r?\n[ \t]+", " ", header.decode("utf-8", "replace"))
    for line in text.splitlines():
        name, colon, value = line.partition(":")
        if colon and name.strip().lower() == "message-id" and value.strip():
            return value.strip()
    return None


def _utc(value: object) -> str | None:
    """INTERNALDATE as UTC ISO text (imapclient gives local naive times by default)."""
    if not isinstance(value, datetime):
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _search_term(key: _Key) -> tuple[str, ...]:
    if key.message_id and _SEARCHABLE_ID.fullmatch(key.message_id):
        return ("HEADER", "MESSAGE-ID", key.message_id)
    return ("LARGER", str(key.size - 1), "SMALLER", str(key.size + 1))


def _term_chunks(terms: list[tuple[str, ...]]) -> Iterator[list[tuple[str, ...]]]:
    chunk: list[tuple[str, ...]] = []
    size = 0
    for term in terms:
        length = sum(len(w) + 3 for w in term)
        if chunk and (len(chunk) >= _SEARCH_TERMS or size + length > _SEARCH_BYTES):
            yield chunk
            chunk, size = [], 0
        chunk.append(term)
        size += length
    if chunk:
        yield chunk


def parse_uid_set(text: str, limit: int | None = None) -> list[int]:
    """``4,7:9`` → ``[4, 7, 8, 9]``, in the order given (COPYUID pairs by position).
    With ``limit``, a set naming more UIDs than that is refused (`ValueError`) before
    any list is built: a server's ``1:4294967295`` must not fill the memory."""
    spans: list[tuple[int, int]] = []
    count = 0
    for part in text.split(","):
        first, _, last = part.partition(":")
        start, stop = int(first), int(last or first)
        count += abs(stop - start) + 1
        if limit is not None and count > limit:
            raise ValueError(f"the UID set names more than {limit} UIDs")
        spans.append((start, stop))
    uids: list[int] = []
    for start, stop in spans:
        step = 1 if stop >= start else -1
        uids.extend(range(start, stop + step, step))
    return uids


def _chunks(items: Sequence[_T], size: int) -> Iterator[list[_T]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _group(items: Iterable[_T], by: Callable[[_T], str]) -> dict[str, list[_T]]:
    groups: dict[str, list[_T]] = {}
    for item in items:
        groups.setdefault(by(item), []).append(item)
    return groups


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _clean(error: BaseException) -> str:
    """A server or library error without Dovecot's timing noise."""
    return _TIMING.sub("", str(error)).strip() or type(error).__name__
