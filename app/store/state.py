"""The sqlite state file: what was judged, where each folder's scan stands, and the
journal of every action taken on the server.

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
    action: str = ""
    #: The Date header as a POSIX time (0 when unreadable): sorting needs no parsing.
    timestamp: float = 0.0
    #: What the risk panel shows without the message: header lines, attachments.
    details: dict[str, Any] = field(default_factory=dict, compare=False)


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
        """Columns added after a state file was first written."""
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(messages)")}
        for column, kind in (("details", "TEXT"), ("timestamp", "REAL")):
            if column not in columns:
                self.db.execute(f"ALTER TABLE messages ADD COLUMN {column} {kind}")

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction at a time: the GUI's workers share this connection."""
        with self.lock:
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
        """UIDVALIDITY changed: every old UID is meaningless; start the folder over."""
        with self.transaction() as db:
            db.execute(
                "DELETE FROM messages WHERE account=? AND folder=? AND uidvalidity!=?",
                (account, folder, uidvalidity),
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
        """Store verdicts and (IMAP) move the folder's checkpoint, atomically."""
        with self.transaction() as db:
            for record in records:
                _insert_message(db, record)
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
        """Drop UIDLs the server no longer has, so the table does not grow forever."""
        with self.transaction() as db:
            for uidl in self.seen_uidls(account) - keep:
                db.execute("DELETE FROM pop3_seen WHERE account=? AND uidl=?", (account, uidl))

    # -- messages ------------------------------------------------------------------
    def messages(self, account: str | None = None) -> list[MessageRecord]:
        query = "SELECT * FROM messages" + (" WHERE account=?" if account else "")
        query += " ORDER BY id"
        cursor = self.db.execute(query, (account,) if account else ())
        names = [c[0] for c in cursor.description]
        return [_message_from_row(dict(zip(names, row, strict=True))) for row in cursor]

    def set_action(self, record: MessageRecord, action: str) -> None:
        self.db.execute(
            "UPDATE messages SET action=? WHERE account=? AND folder=? AND uidvalidity=? "
            "AND uid=? AND uidl=?",
            (action, record.account, record.folder, record.uidvalidity, record.uid, record.uidl),
        )

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

    def journal(
        self, *, state: str | None = None, account: str | None = None, batch: str | None = None
    ) -> list[JournalEntry]:
        clauses, args = [], []
        for column, value in (("state", state), ("account", account), ("batch", batch)):
            if value is not None:
                clauses.append(f"{column}=?")
                args.append(value)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = (
            "SELECT id, batch, account, kind, src_folder, src_uidvalidity, src_uid, uidl, "
            "dst_folder, dst_uidvalidity, dst_uid, message_id, size, local_copy, state, detail "
            f"FROM journal{where} ORDER BY id"
        )
        cursor = self.db.execute(sql, args)
        return [JournalEntry(*row) for row in cursor]

    def moved_by(
        self, account: str, folder: str, uidvalidity: int, uid: int
    ) -> JournalEntry | None:
        """The latest completed move of this message out of ``folder``, if any."""
        found = [
            e
            for e in self.journal(state="done", account=account)
            if (e.src_folder, e.src_uidvalidity, e.src_uid) == (folder, uidvalidity, uid)
            and e.kind in ("quarantine", "undo", "release")
        ]
        return found[-1] if found else None

    def last_batch(self, account: str | None = None) -> str | None:
        """The newest batch of completed actions that can still be undone."""
        row = self.db.execute(
            "SELECT batch FROM journal WHERE state='done' AND kind IN ('quarantine', 'release')"
            + (" AND account=?" if account else "")
            + " ORDER BY id DESC LIMIT 1",
            (account,) if account else (),
        ).fetchone()
        return str(row[0]) if row else None


def _insert_message(db: sqlite3.Connection, record: MessageRecord) -> None:
    db.execute(
        "INSERT OR REPLACE INTO messages (account, folder, uidvalidity, uid, uidl, source, "
        "message_id, sender, subject, date, size, attachments, verdict, score, findings, "
        "reasons, judged_at, action, details, timestamp) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            record.account,
            record.folder,
            record.uidvalidity,
            record.uid,
            record.uidl,
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
            record.action,
            json.dumps(record.details, ensure_ascii=False),
            record.timestamp,
        ),
    )


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
    )
