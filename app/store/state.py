"""The sqlite state file: the one model of where each message is, where each folder's
scan stands, and the journal of every action taken on the server.

**The model.** A judged message is one row of ``messages`` (one `MessageRecord`) for
its whole life: its identity (``id``) survives every move. The row holds its current
location — account, folder, UIDVALIDITY and UID (POP3: its UIDL), or, once only a local
copy is left, that copy — its ``place`` (see `PLACES`), its last action and the folder
it came from (``origin``). Every path that moves mail updates the row in place:
`app.mail.imap_actions` (quarantine, release, undo, delete, crash recovery) through
`State.relocate` in the same transaction as the journal entry, POP3's quarantine
through `State.keep_locally`, and each check through `State.reconcile`, which notices
mail another program moved or expunged. A message that turns up again elsewhere (by
Message-ID and size, or size and Date without one) takes back its old row.

**How views read it.** `State.messages` lists what is where now (``place`` "gone"
left out unless asked); `MessageRecord.key` is the identity to select and remember a
row by (its ``source`` URL changes with every move); `MessageRecord.quarantined` says
whether it sits in quarantine (an account's quarantine folder, or POP3's local
copies); `State.find_source` finds a message by any URL it was listed under;
`State.journal` is its history. Nothing else needs to be kept in step: re-read after
each change.

A verdict and the checkpoint that covers it are written in one transaction, so a
restart never rescans a judged message and never skips an unjudged one. An action is
written to the journal *before* it runs and updated after, so a crash or a dropped
connection leaves a record that the next start can finish or roll back.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

#: Where a message is: ``folder`` an ordinary folder on the server (POP3: the server's
#: mailbox); ``quarantine`` the account's quarantine folder, or for POP3 a local copy
#: after the server deleted it; ``deleted`` deleted on the server, a local copy kept;
#: ``gone`` moved or expunged by another program, to nowhere MailSentry looks.
PLACES = ("folder", "quarantine", "deleted", "gone")
#: Where `State.messages` looks unless told otherwise: everything MailSentry can reach.
LISTED = ("folder", "quarantine", "deleted")
#: Rows of mail that left for good are kept this long, so that it is recognised if it
#: comes back; then forgotten (the journal keeps their history).
GONE_KEEP_S = 90 * 86400
_VERSION = 2  # PRAGMA user_version of the current schema

SCHEMA = """
CREATE TABLE IF NOT EXISTS checkpoints (
    account TEXT NOT NULL, folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL, last_uid INTEGER NOT NULL,
    PRIMARY KEY (account, folder));
CREATE TABLE IF NOT EXISTS pop3_seen (
    account TEXT NOT NULL, uidl TEXT NOT NULL, PRIMARY KEY (account, uidl));
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL, folder TEXT NOT NULL, uidvalidity INTEGER NOT NULL DEFAULT 0,
    uid INTEGER NOT NULL DEFAULT 0, uidl TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL, message_id TEXT, sender TEXT, subject TEXT, date TEXT,
    size INTEGER, attachments TEXT, verdict TEXT NOT NULL, score REAL,
    findings TEXT, reasons TEXT, judged_at REAL, action TEXT NOT NULL DEFAULT '',
    details TEXT, timestamp REAL,
    UNIQUE (account, folder, uidvalidity, uid, uidl));
CREATE TABLE IF NOT EXISTS journal (
    id INTEGER PRIMARY KEY, batch TEXT NOT NULL, account TEXT NOT NULL, kind TEXT NOT NULL,
    src_folder TEXT, src_uidvalidity INTEGER, src_uid INTEGER, uidl TEXT,
    dst_folder TEXT, dst_uidvalidity INTEGER, dst_uid INTEGER,
    message_id TEXT, size INTEGER, local_copy TEXT,
    state TEXT NOT NULL, detail TEXT, started REAL, finished REAL);
CREATE INDEX IF NOT EXISTS journal_state ON journal (state);
"""
#: Columns added after a state file was first written: name, declaration.
_ADDED = (
    ("details", "TEXT"),
    ("timestamp", "REAL"),
    ("place", "TEXT NOT NULL DEFAULT 'folder'"),
    ("origin", "TEXT NOT NULL DEFAULT ''"),
    ("first_source", "TEXT NOT NULL DEFAULT ''"),
    ("local_copy", "TEXT NOT NULL DEFAULT ''"),
    ("acted_at", "REAL"),
)
#: What a new verdict replaces in a message's row (its identity and history stay).
_JUDGED = (
    "source", "message_id", "sender", "subject", "date", "size", "attachments",
    "verdict", "score", "findings", "reasons", "judged_at", "details", "timestamp",
)  # fmt: skip


@dataclass(frozen=True)
class MessageRecord:
    """One judged message as the state file keeps it (what the views list)."""

    account: str
    folder: str
    source: str
    verdict: str
    score: float
    uidvalidity: int = 0
    uid: int = 0
    uidl: str = ""
    message_id: str | None = None
    sender: str = ""
    subject: str = ""
    date: str = ""
    size: int = 0
    attachments: tuple[str, ...] = ()
    findings: tuple[dict[str, Any], ...] = ()
    reasons: tuple[str, ...] = ()
    #: The last thing MailSentry did to it: "quarantine", "release", "delete",
    #: "failed" (an action that changed nothing), or "".
    action: str = ""
    #: The Date header as a POSIX time (0 when unreadable): sorting needs no parsing.
    timestamp: float = 0.0
    #: What the risk panel shows without the message: header lines, attachments.
    details: dict[str, Any] = field(default_factory=dict, compare=False)
    #: The row's identity in the state file (0 before it is stored).
    id: int = field(default=0, compare=False)
    #: One of `PLACES`.
    place: str = "folder"
    #: The folder it was first seen in: where a release takes it back.
    origin: str = ""
    #: The URL it was first listed under (a notice names a message by it).
    first_source: str = ""
    #: The local copy, once one was kept (delete, POP3 quarantine).
    local_copy: str = ""

    @property
    def key(self) -> str:
        """What stays the same when the message moves: select and remember rows by it."""
        return f"{self.account}#{self.id}" if self.id else self.source

    @property
    def quarantined(self) -> bool:
        return self.place == "quarantine"

    @property
    def location(self) -> Location:
        return Location(self.folder, self.uidvalidity, self.uid)


@dataclass(frozen=True)
class JournalEntry:
    id: int
    batch: str
    account: str
    kind: str
    src_folder: str | None
    src_uidvalidity: int | None
    src_uid: int | None
    uidl: str | None
    dst_folder: str | None
    dst_uidvalidity: int | None
    dst_uid: int | None
    message_id: str | None
    size: int | None
    local_copy: str | None
    state: str
    detail: str | None
    started: float | None = None
    finished: float | None = None


@dataclass(frozen=True)
class Location:
    """Where a message is on an IMAP server (``uid`` 0: somewhere in that folder)."""

    folder: str
    uidvalidity: int
    uid: int


class State:
    """One sqlite file; every method is one short transaction."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.lock = threading.RLock()
        self.db.execute("PRAGMA journal_mode=WAL")
        # FULL: a journal row must be on disk before the server action it describes.
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        self._migrate()

    def _migrate(self) -> None:
        """Bring a state file written by an earlier version up to date."""
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(messages)")}
        for column, kind in _ADDED:
            if column not in columns:
                self.db.execute(f"ALTER TABLE messages ADD COLUMN {column} {kind}")
        self.db.execute("CREATE INDEX IF NOT EXISTS messages_source ON messages (source)")
        self.db.execute("CREATE INDEX IF NOT EXISTS messages_first ON messages (first_source)")
        # `_revive` looks every new message up by these: without it a first scan is
        # quadratic in the number of messages.
        self.db.execute(
            "CREATE INDEX IF NOT EXISTS messages_identity ON messages (account, message_id, size)"
        )
        version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        with self.transaction() as db:
            if version < _VERSION:
                _one_row_per_message(self)
                db.execute(f"PRAGMA user_version={_VERSION}")
            db.execute(
                "DELETE FROM messages WHERE place='gone' AND coalesce(acted_at, 0) < ?",
                (time.time() - GONE_KEEP_S,),
            )

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction at a time: the GUI's workers share this connection. A
        transaction opened inside another joins it."""
        with self.lock:
            if self.db.in_transaction:
                yield self.db
                return
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    # -- IMAP checkpoints ----------------------------------------------------------
    def checkpoint(self, account: str, folder: str) -> tuple[int, int] | None:
        row = self.db.execute(
            "SELECT uidvalidity, last_uid FROM checkpoints WHERE account=? AND folder=?",
            (account, folder),
        ).fetchone()
        return (int(row[0]), int(row[1])) if row else None

    def reset_folder(self, account: str, folder: str, uidvalidity: int) -> None:
        """UIDVALIDITY changed: every old UID is meaningless; start the folder over.
        Its messages are ``gone`` until the new scan finds each again by its key."""
        with self.transaction() as db:
            db.execute(
                "UPDATE messages SET place='gone', acted_at=? WHERE account=? AND folder=? "
                "AND uidvalidity!=? AND uidl='' AND place IN ('folder', 'quarantine')",
                (time.time(), account, folder, uidvalidity),
            )
            db.execute(
                "INSERT OR REPLACE INTO checkpoints VALUES (?, ?, ?, 0)",
                (account, folder, uidvalidity),
            )

    def record_batch(
        self,
        records: Iterable[MessageRecord],
        *,
        checkpoint_uid: int | None = None,
        account: str = "",
        folder: str = "",
        uidvalidity: int = 0,
    ) -> None:
        """Store verdicts and (IMAP) move the folder's checkpoint, atomically.

        A message the model has keeps its row: at the same place its verdict is
        brought up to date; one that left and turns up here again takes back its row
        (`_revive`); only a message never seen gets a new row.
        """
        with self.transaction() as db:
            for record in records:
                _store(db, record)
                if record.uidl:
                    db.execute(
                        "INSERT OR IGNORE INTO pop3_seen VALUES (?, ?)",
                        (record.account, record.uidl),
                    )
            if checkpoint_uid is not None:
                db.execute(
                    "INSERT INTO checkpoints VALUES (?, ?, ?, ?) ON CONFLICT (account, folder) "
                    "DO UPDATE SET uidvalidity=excluded.uidvalidity, "
                    "last_uid=max(last_uid, excluded.last_uid)",
                    (account, folder, uidvalidity, checkpoint_uid),
                )

    # -- POP3 ----------------------------------------------------------------------
    def seen_uidls(self, account: str) -> set[str]:
        rows = self.db.execute("SELECT uidl FROM pop3_seen WHERE account=?", (account,))
        return {str(r[0]) for r in rows}

    def forget_uidls(self, account: str, keep: set[str]) -> None:
        """Drop UIDLs the server no longer has, so the table does not grow forever; a
        message the model placed on the server has left it (another program)."""
        with self.transaction() as db:
            for uidl in self.seen_uidls(account) - keep:
                db.execute("DELETE FROM pop3_seen WHERE account=? AND uidl=?", (account, uidl))
            rows = db.execute(
                "SELECT id, uidl FROM messages WHERE account=? AND uidl!='' AND place='folder'",
                (account,),
            ).fetchall()
            left = [int(row_id) for row_id, uidl in rows if uidl not in keep]
            for record in self._select(f"id IN ({', '.join('?' for _ in left)})", left):
                self._vanish(record)

    def keep_locally(
        self, account: str, uidl: str, local_copy: str, *, action: str = "quarantine"
    ) -> None:
        """POP3: the server deleted the message; its local copy is where it is now, in
        quarantine (``action`` "quarantine") or deleted for good (``action`` "delete",
        the copy kept)."""
        place = "deleted" if action == "delete" else "quarantine"
        with self.transaction() as db:
            db.execute(
                "UPDATE messages SET place=?, local_copy=?, action=?, acted_at=? "
                "WHERE account=? AND uidl=?",
                (place, local_copy, action, time.time(), account, uidl),
            )

    # -- messages ------------------------------------------------------------------
    def messages(
        self,
        account: str | None = None,
        *,
        folder: str | None = None,
        places: Iterable[str] = LISTED,
    ) -> list[MessageRecord]:
        """What is where now, oldest first (``places=PLACES``: also mail that left)."""
        wanted = list(places)
        clauses = [f"place IN ({', '.join('?' for _ in wanted)})"]
        args: list[Any] = [*wanted]
        for column, value in (("account", account), ("folder", folder)):
            if value is not None:
                clauses.append(f"{column}=?")
                args.append(value)
        return self._select(" AND ".join(clauses), args)

    def _select(self, where: str, args: Iterable[Any]) -> list[MessageRecord]:
        cursor = self.db.execute(f"SELECT * FROM messages WHERE {where} ORDER BY id", list(args))
        names = [c[0] for c in cursor.description]
        return [_message_from_row(dict(zip(names, row, strict=True))) for row in cursor]

    def uids(self, account: str, folder: str, uidvalidity: int) -> set[int]:
        """The UIDs of the messages the model places in ``folder`` (cheap: no records)."""
        rows = self.db.execute(
            "SELECT uid FROM messages WHERE account=? AND folder=? AND uidvalidity=? "
            "AND uid!=0 AND uidl='' AND place IN ('folder', 'quarantine')",
            (account, folder, uidvalidity),
        )
        return {int(r[0]) for r in rows}

    def find(self, account: str, at: Location) -> MessageRecord | None:
        """The message the model places at ``at`` (in any place, gone included)."""
        found = self._select(
            "account=? AND folder=? AND uidvalidity=? AND uid=? AND uidl=''",
            (account, at.folder, at.uidvalidity, at.uid),
        )
        return found[0] if found else None

    def find_source(self, source: str) -> MessageRecord | None:
        """The message listed now, or first, under the URL ``source``."""
        found = self._select("source=? OR first_source=?", (source, source))
        return found[0] if found else None

    def relocate(
        self, account: str, at: Location, to: Location | None, *, place: str, action: str,
        local_copy: str = "",
    ) -> None:  # fmt: skip
        """The message at ``at`` was moved to ``to`` (None: only ``local_copy`` is left).
        Its row follows it; a row made for it at ``to`` meanwhile is merged into it."""
        with self.transaction() as db:
            record = self.find(account, at)
            if record is None:
                return
            fields: dict[str, Any] = {"place": place, "action": action, "acted_at": time.time()}
            if local_copy:
                fields["local_copy"] = local_copy
            if to is not None:
                if to.uid:
                    db.execute(
                        "DELETE FROM messages WHERE account=? AND folder=? AND uidvalidity=? "
                        "AND uid=? AND uidl='' AND id!=?",
                        (account, to.folder, to.uidvalidity, to.uid, record.id),
                    )
                fields |= {
                    "folder": to.folder,
                    "uidvalidity": to.uidvalidity,
                    "uid": to.uid,
                    "source": moved_url(record.source, to),
                }
            _update(db, record.id, fields)

    def update_verdict(self, record: MessageRecord, judged: MessageRecord) -> None:
        """A new verdict on ``record``'s message (judged again where it is now)."""
        with self.transaction() as db:
            fields = dict(zip(_JUDGED, _judged_values(judged), strict=True))
            fields["source"] = record.source
            _update(db, record.id, fields)

    def set_action(self, record: MessageRecord, action: str) -> None:
        """Note on the message's row an action that moved nothing (it failed)."""
        with self.transaction() as db:
            _update(db, record.id, {"action": action})

    def reconcile(
        self, account: str, folder: str, uidvalidity: int, uids: Iterable[int], *,
        quarantine: bool,
    ) -> list[MessageRecord]:  # fmt: skip
        """Bring the model of ``folder`` in line with the UIDs the server lists there:
        a row whose UID is missing (another program moved or expunged it) becomes
        ``gone``; rows there are placed as the folder is (``quarantine`` or not). The
        messages found gone are returned."""
        present = set(uids)
        place = "quarantine" if quarantine else "folder"
        with self.lock:
            rows = self.db.execute(
                "SELECT id, uidvalidity, uid, place FROM messages WHERE account=? AND folder=? "
                "AND uidl='' AND place!='deleted'",
                (account, folder),
            ).fetchall()
            back: list[int] = []
            left: list[int] = []
            for row_id, validity, uid, was in rows:
                if validity == uidvalidity and uid in present:
                    if was != place:
                        back.append(row_id)
                elif was != "gone" and uid:
                    left.append(row_id)
            if not back and not left:  # the usual check: no write, no sync to disk
                return []
            with self.transaction() as db:
                for row_id in back:
                    _update(db, row_id, {"place": place})
                gone = self._select(f"id IN ({', '.join('?' for _ in left)})", left)
                for record in gone:
                    self._vanish(record)
        return gone

    def _vanish(self, record: MessageRecord) -> None:
        """Another program moved or deleted the message: its row stays (it may turn up
        again) as ``gone``, and the journal says so."""
        with self.transaction() as db:
            _update(db, record.id, {"place": "gone", "acted_at": time.time()})
            self.note(record, "vanished", "moved or deleted by another program")

    # -- journal -------------------------------------------------------------------
    def journal_begin(self, batch: str, account: str, kind: str, **fields: Any) -> int:
        columns = ["batch", "account", "kind", "state", "started", *fields]
        values = [batch, account, kind, "pending", time.time(), *fields.values()]
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO journal ({', '.join(columns)}) VALUES ({marks})"
        with self.lock:
            cursor = self.db.execute(sql, values)
        return int(cursor.lastrowid or 0)

    def journal_update(self, entry_id: int, **fields: Any) -> None:
        if "state" in fields and fields["state"] != "pending":
            fields.setdefault("finished", time.time())
        assignments = ", ".join(f"{k}=?" for k in fields)
        sql = f"UPDATE journal SET {assignments} WHERE id=?"
        with self.lock:
            self.db.execute(sql, (*fields.values(), entry_id))

    def note(self, record: MessageRecord, kind: str, detail: str) -> None:
        """Write down what happened to a message without MailSentry acting ("vanished"
        from where ``record`` says, or "found" there), for its history."""
        side = "src" if kind == "vanished" else "dst"
        entry = self.journal_begin(
            "",
            record.account,
            kind,
            **{
                f"{side}_folder": record.folder,
                f"{side}_uidvalidity": record.uidvalidity,
                f"{side}_uid": record.uid,
            },
            uidl=record.uidl or None,
            message_id=record.message_id,
            size=record.size,
        )
        self.journal_update(entry, state="done", detail=detail)

    def journal(
        self,
        *,
        state: str | None = None,
        account: str | None = None,
        batch: str | None = None,
    ) -> list[JournalEntry]:
        clauses, args = [], []
        for column, value in (("state", state), ("account", account), ("batch", batch)):
            if value is not None:
                clauses.append(f"{column}=?")
                args.append(value)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = (
            "SELECT id, batch, account, kind, src_folder, src_uidvalidity, src_uid, uidl, "
            "dst_folder, dst_uidvalidity, dst_uid, message_id, size, local_copy, state, detail, "
            f"started, finished FROM journal{where} ORDER BY id"
        )
        cursor = self.db.execute(sql, args)
        return [JournalEntry(*row) for row in cursor]

    def last_batch(self, account: str | None = None) -> str | None:
        """The newest batch of completed moves that can still be undone: not one whose
        messages the model knows were deleted or taken away since."""
        row = self.db.execute(
            "SELECT batch FROM journal j WHERE state='done' AND kind IN ('quarantine', "
            "'release')" + (" AND account=?" if account else "") + " AND NOT EXISTS ("
            "SELECT 1 FROM messages m WHERE m.account=j.account AND m.folder=j.dst_folder "
            "AND m.uidvalidity=j.dst_uidvalidity AND m.uid=j.dst_uid AND m.uidl='' "
            "AND m.place IN ('deleted', 'gone')) ORDER BY id DESC LIMIT 1",
            (account,) if account else (),
        ).fetchone()
        return str(row[0]) if row else None


def moved_url(source: str, to: Location) -> str:
    """``source`` (an RFC 5092 IMAP URL) pointing at ``to`` instead: same server, user."""
    scheme, sep, rest = source.partition("://")
    authority = rest.split("/", 1)[0]
    url = f"{scheme}{sep}{authority}/{quote(to.folder, safe='/')};UIDVALIDITY={to.uidvalidity}"
    return url + (f"/;UID={to.uid}" if to.uid else "")


def _store(db: sqlite3.Connection, record: MessageRecord) -> None:
    """Insert a verdict, or bring the message's own row up to date."""
    at = [record.account, record.folder, record.uidvalidity, record.uid, record.uidl]
    row = db.execute(
        "SELECT id, place FROM messages WHERE account=? AND folder=? AND uidvalidity=? "
        "AND uid=? AND uidl=?",
        at,
    ).fetchone()
    if row is None and not record.uidl:
        row = _revive(db, record)
    values = _judged_values(record)
    if row is None:
        columns = ["account", "folder", "uidvalidity", "uid", "uidl", *_JUDGED]
        columns += ["action", "origin", "first_source", "place", "local_copy"]
        marks = ", ".join("?" for _ in columns)
        db.execute(
            f"INSERT INTO messages ({', '.join(columns)}) VALUES ({marks})",
            [*at, *values, record.action, record.folder, record.source, record.place,
             record.local_copy],
        )  # fmt: skip
        return
    fields = dict(zip(_JUDGED, values, strict=True))
    fields |= {"folder": record.folder, "uidvalidity": record.uidvalidity, "uid": record.uid}
    if row[1] == "gone":
        fields["place"] = "folder"  # `reconcile` tells a quarantine folder
    _update(db, int(row[0]), fields)


def _revive(db: sqlite3.Connection, record: MessageRecord) -> tuple[int, str] | None:
    """The row of this message if it left its place (or was moved to an unknown UID of
    this folder) and is found here now: by Message-ID and size, or, without a
    Message-ID, by size and Date. The journal notes the finding."""
    if record.message_id:
        key, args = "message_id=? AND size=?", [record.message_id, record.size]
    else:
        key, args = "message_id IS NULL AND size=? AND date=?", [record.size, record.date]
    row = db.execute(
        f"SELECT id, place FROM messages WHERE account=? AND uidl='' AND {key} "
        "AND (place='gone' OR (folder=? AND uid=0)) ORDER BY id LIMIT 1",
        [record.account, *args, record.folder],
    ).fetchone()
    if row is None:
        return None
    now = time.time()
    db.execute(
        "INSERT INTO journal (batch, account, kind, dst_folder, dst_uidvalidity, dst_uid, "
        "message_id, size, state, detail, started, finished) "
        "VALUES ('', ?, 'found', ?, ?, ?, ?, ?, 'done', ?, ?, ?)",
        (record.account, record.folder, record.uidvalidity, record.uid, record.message_id,
         record.size, f"found in {record.folder!r}", now, now),
    )  # fmt: skip
    return int(row[0]), str(row[1])


def _update(db: sqlite3.Connection, row_id: int, fields: dict[str, Any]) -> None:
    assignments = ", ".join(f"{k}=?" for k in fields)
    db.execute(f"UPDATE messages SET {assignments} WHERE id=?", [*fields.values(), row_id])


def _judged_values(record: MessageRecord) -> list[Any]:
    """`_JUDGED`'s values, in its order."""
    return [
        record.source,
        record.message_id,
        record.sender,
        record.subject,
        record.date,
        record.size,
        json.dumps(list(record.attachments), ensure_ascii=False),
        record.verdict,
        record.score,
        json.dumps(list(record.findings), ensure_ascii=False),
        json.dumps(list(record.reasons), ensure_ascii=False),
        time.time(),
        json.dumps(record.details, ensure_ascii=False),
        record.timestamp,
    ]


def _message_from_row(row: dict[str, Any]) -> MessageRecord:
    return MessageRecord(
        account=row["account"],
        folder=row["folder"],
        source=row["source"],
        verdict=row["verdict"],
        score=row["score"] or 0.0,
        uidvalidity=row["uidvalidity"],
        uid=row["uid"],
        uidl=row["uidl"],
        message_id=row["message_id"],
        sender=row["sender"] or "",
        subject=row["subject"] or "",
        date=row["date"] or "",
        size=row["size"] or 0,
        attachments=tuple(json.loads(row["attachments"] or "[]")),
        findings=tuple(json.loads(row["findings"] or "[]")),
        reasons=tuple(json.loads(row["reasons"] or "[]")),
        action=row["action"],
        details=json.loads(row["details"] or "{}"),
        timestamp=row["timestamp"] or 0.0,
        id=row["id"],
        place=row["place"],
        origin=row["origin"] or row["folder"],
        first_source=row["first_source"] or row["source"],
        local_copy=row["local_copy"] or "",
    )


def _one_row_per_message(state: State) -> None:
    """Earlier versions added a row at each message's new place and kept the old one:
    replay the journal's completed moves so that each message has one row, where it is
    now, with its last action."""
    undone: dict[Location, str] = {}  # where each move put its message: its kind
    for entry in state.journal():
        if entry.state not in ("done", "undone"):
            continue
        if entry.uidl:
            if entry.kind == "quarantine" and entry.local_copy:
                state.keep_locally(entry.account, entry.uidl, entry.local_copy)
            continue
        if entry.src_folder is None or entry.src_uid is None:
            continue
        at = Location(entry.src_folder, entry.src_uidvalidity or 0, entry.src_uid)
        if entry.kind == "delete":
            state.relocate(
                entry.account, at, None, place="deleted", action="delete",
                local_copy=entry.local_copy or "",
            )  # fmt: skip
            continue
        if entry.dst_folder is None or entry.kind not in ("quarantine", "release", "undo"):
            continue
        to = Location(entry.dst_folder, entry.dst_uidvalidity or 0, entry.dst_uid or 0)
        kind = entry.kind
        if kind == "undo":  # the reverse of the move it undid
            kind = "release" if undone.get(at, "quarantine") == "quarantine" else "quarantine"
        else:
            undone[to] = kind
        place = "quarantine" if kind == "quarantine" else "folder"
        if state.find(entry.account, at) is None:  # the old row was already replaced
            moved = state.find(entry.account, to)
            if moved is not None:
                with state.transaction() as db:
                    _update(db, moved.id, {"action": kind, "place": place})
            continue
        state.relocate(entry.account, at, to, place=place, action=kind)
