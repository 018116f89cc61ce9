"""The message table: a model over judged-message records, and a sorting/filtering
proxy. Only visible rows are asked for their data, so 100,000 rows load at once."""

from __future__ import annotations

import html
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from app.core import names
from app.services.places import folder_of
from app.store.state import MessageRecord
from app.ui.icons import icon

Index = QModelIndex | QPersistentModelIndex
#: The tree's name for mail deleted from the server (MailSentry keeps local copies).
DELETED = "\x00deleted"


def folder_name(record: MessageRecord) -> str:
    """The folder the tree lists ``record`` under: where it is now, POP3's local
    quarantine, or `DELETED`."""
    return DELETED if record.place == "deleted" else folder_of(record)
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2

_RANK = {"dangerous": 2, "suspicious": 1, "clean": 0}
_TINT = {"dangerous": QColor(198, 40, 40, 40), "suspicious": QColor(239, 143, 0, 40)}


def _short_date(date: str) -> str:
    """``2001-03-26 22:58`` in the sender's time zone; the raw header if unreadable."""
    try:
        return parsedate_to_datetime(date).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError, IndexError, OverflowError):
        return date


class MessageModel(QAbstractTableModel):
    """Rows are `MessageRecord`s; the record itself is under `RECORD_ROLE`."""

    #: The verdict and what was done come first: both stay visible in a narrow window.
    COLUMNS = ("verdict", "action", "date", "sender", "subject", "attachments", "account")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[MessageRecord] = []
        self._labels: dict[str, str] = {}
        self._order: tuple[str, bool] | None = None  # column name, descending
        self._headers = (
            self.tr("Verdict"),
            self.tr("Action"),
            self.tr("Date"),
            self.tr("From"),
            self.tr("Subject"),
            self.tr("Attachments"),
            self.tr("Account"),
        )
        self._words = {
            "dangerous": self.tr("Dangerous"),
            "suspicious": self.tr("Suspicious"),
            "clean": self.tr("Clean"),
        }
        self._actions = {
            "quarantine": self.tr("Quarantined"),
            "delete": self.tr("Deleted"),
            "release": self.tr("Released"),
            "failed": self.tr("Not changed"),
            "": "",
        }
        self._working_word = self.tr("Working…")
        #: What an empty sender or subject shows (the Hybris worm sends both empty).
        self._missing = {"sender": self.tr("(no sender)"), "subject": self.tr("(no subject)")}
        #: Sources of messages with an action under way (the controller's set).
        self.working: set[str] = set()

    def set_records(self, records: list[MessageRecord], labels: dict[str, str]) -> None:
        """Show ``records``, in the order the user last sorted by."""
        self.beginResetModel()
        self._rows = list(records)
        self._labels = labels
        if self._order is not None:
            column, descending = self._order
            self._rows.sort(key=self._sort_key(column), reverse=descending)
        self.endResetModel()

    def records(self) -> list[MessageRecord]:
        return self._rows

    def record_at(self, row: int) -> MessageRecord:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == RECORD_ROLE:
            return record
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(record, column)
        if role == Qt.ItemDataRole.DecorationRole and column == "verdict":
            return icon(record.verdict)
        if role == Qt.ItemDataRole.BackgroundRole and record.verdict in _TINT:
            return QBrush(_TINT[record.verdict])
        if role == Qt.ItemDataRole.ToolTipRole and column == "subject":
            return plain_tooltip(record.subject) if record.subject else None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the records themselves, by real values (verdict rank, date): one Python
        sort with a key, not a comparison per pair through the proxy."""
        name = self.COLUMNS[column] if 0 <= column < len(self.COLUMNS) else ""
        if not name:
            return
        self._order = (name, order == Qt.SortOrder.DescendingOrder)
        self.layoutAboutToBeChanged.emit()
        self._rows.sort(key=self._sort_key(name), reverse=self._order[1])
        self.layoutChanged.emit()

    def _sort_key(self, column: str) -> Callable[[MessageRecord], Any]:
        if column == "verdict":
            return lambda r: (_RANK.get(r.verdict, 0), r.score)
        if column == "date":
            return lambda r: r.timestamp
        return lambda r: self.display(r, column).lower()

    def display(self, record: MessageRecord, column: str) -> str:
        """What ``column`` shows for ``record``."""
        if column == "verdict":
            return self._words.get(record.verdict, record.verdict)
        if column == "attachments":
            return ", ".join(record.attachments)
        if column == "action":
            if record.source in self.working:
                return self._working_word
            return self._actions.get(record.action, record.action)
        if column == "account":
            return self._labels.get(record.account, record.account)
        if column == "date":
            return _short_date(record.date)
        return str(getattr(record, column) or self._missing.get(column, ""))


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` as it is. Qt renders a tooltip as HTML when it
    merely looks like HTML, so a subject could show a heading saying "safe" or load a
    local image: here it is always HTML, with ``text`` escaped (hidden characters too)."""
    return f"<qt>{html.escape(names.escape(text))}</qt>"


class MessageFilter(QSortFilterProxyModel):
    """Filters by verdict, account, folder and text; sorting is the source model's
    (it keeps the source's order), which is far faster for 100,000 rows."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.verdicts: set[str] = {"dangerous", "suspicious", "clean"}
        self.account: str | None = None
        self.folder: str | None = None
        self.text = ""

    def set_filter(
        self,
        *,
        verdicts: set[str] | None = None,
        account: str | None = "",
        folder: str | None = "",
        text: str | None = None,
    ) -> None:
        """Change what is shown; ``""`` leaves account/folder as they are."""
        self.beginFilterChange()
        if verdicts is not None:
            self.verdicts = verdicts
        if account != "":
            self.account = account
        if folder != "":
            self.folder = folder
        if text is not None:
            self.text = text.lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        # Called once per row on every change: read the record straight from the list
        # instead of through QModelIndex and data() (100,000 rows in a fraction of that).
        model = self.sourceModel()
        if not isinstance(model, MessageModel):
            return True
        record = model.record_at(source_row)
        if record.verdict not in self.verdicts:
            return False
        if self.account is not None and record.account != self.account:
            return False
        if self.folder is not None and folder_name(record) != self.folder:
            return False
        if self.text:
            haystack = f"{record.sender} {record.subject} {' '.join(record.attachments)}"
            return self.text in haystack.lower()
        return True
