"""The history: what was moved, when, from where to where, and by what — MailSentry's
actions and what other programs did, as the journal in the state file records them.

A view of `State.journal`; read-only. Newest first, at most `MAX_ROWS` entries.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.store.state import JournalEntry, MessageRecord, State
from app.ui.message_model import plain_tooltip

MAX_ROWS = 2_000


class HistoryDialog(QDialog):
    """A table of journal entries; ``labels`` names the accounts."""

    def __init__(
        self,
        state: State,
        records: list[MessageRecord],
        labels: dict[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("History"))
        self.resize(900, 480)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "What MailSentry moved or deleted, and what other programs moved, newest "
                "first. Deleted mail is kept as a local copy."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("When"),
                self.tr("What"),
                self.tr("Message"),
                self.tr("From"),
                self.tr("To"),
                self.tr("Account"),
            ]
        )
        self.table.setAccessibleName(self.tr("History"))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch
        )
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        no_subject = self.tr("(no subject)")
        subjects = {r.message_id: r.subject or no_subject for r in records if r.message_id}
        entries = [e for e in state.journal() if e.state != "pending"][::-1][:MAX_ROWS]
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            cells = (
                _when(entry),
                self._what(entry),
                subjects.get(entry.message_id or "") or entry.message_id or "",
                _place(entry.src_folder, entry.uidl),
                _place(entry.dst_folder, entry.uidl) or entry.local_copy or "",
                labels.get(entry.account, entry.account),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(plain_tooltip(entry.detail or text))  # mail, server text
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.sortItems(0, Qt.SortOrder.DescendingOrder)

    def _what(self, entry: JournalEntry) -> str:
        """The action and its result, in words; "another program" where MailSentry did
        not act (the journal notes mail that vanished or turned up)."""
        kinds = {
            "quarantine": self.tr("Quarantined"),
            "release": self.tr("Released"),
            "delete": self.tr("Deleted (local copy kept)"),
            "undo": self.tr("Undone"),
            "vanished": self.tr("Moved or deleted by another program"),
            "found": self.tr("Found"),
        }
        what = kinds.get(entry.kind, entry.kind)
        if entry.state == "undone":
            return self.tr("{0}, then undone").format(what)
        if entry.state != "done":
            return self.tr("{0}: not done").format(what)
        return what


def _when(entry: JournalEntry) -> str:
    moment = getattr(entry, "finished", None) or getattr(entry, "started", None)
    if not moment:
        return ""
    return datetime.fromtimestamp(float(moment)).strftime("%Y-%m-%d %H:%M:%S")


def _place(folder: str | None, uidl: str | None) -> str:
    return folder or ("POP3" if uidl else "")
