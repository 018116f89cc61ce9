"""The message's text under the risk panel, as plain text: what a MailWasher user reads
before deciding. HTML is reduced to words and nothing is loaded (`app.core.preview`);
the text is fetched on the account's worker, a moment after the selection settles, so
arrowing through the list does not queue a fetch per row."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from app.core.preview import Preview
from app.mail.errors import MailError
from app.store.state import MessageRecord
from app.ui.controller import Controller

#: The selection must rest this long before the text is fetched.
SETTLE_MS = 250
#: Previews kept in memory, newest last.
CACHE_SIZE = 64


class PreviewPane(QWidget):
    """A title, a one-line note on what is shown, and a read-only plain-text view."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        self.title = QLabel(f"<b>{self.tr('Message text')}</b>", self)
        self.note = QLabel(self)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(placeholder-text)")
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setUndoRedoEnabled(False)
        self.text.setAccessibleName(self.tr("Message text"))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        layout.addWidget(self.title)
        layout.addWidget(self.note)
        layout.addWidget(self.text, 1)
        self._record: MessageRecord | None = None
        self._cache: OrderedDict[str, Preview] = OrderedDict()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self._fetch)
        self.show_record(None)

    def show_record(self, record: MessageRecord | None) -> None:
        """Show ``record``'s text (fetched soon), or a hint when there is none."""
        if record is not None and self._record is not None and record.source == self._record.source:
            return  # a refresh re-selected the same message
        self._record = record
        self._timer.stop()
        self.text.clear()
        if record is None:
            self.note.setText(self.tr("Select one message to read its text."))
            return
        cached = self._cache.get(record.source)
        if cached is not None:
            self._show(record, cached)
            return
        self.note.setText(self.tr("Fetching the text…"))
        self._timer.start()

    def _fetch(self) -> None:
        record = self._record
        if record is None:
            return
        self.controller.preview(
            record,
            lambda preview: self._fetched(record, preview),
            lambda error: self._failed(record, error),
        )

    def _fetched(self, record: MessageRecord, preview: Preview) -> None:
        self._cache[record.source] = preview
        self._cache.move_to_end(record.source)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        if self._record is not None and record.source == self._record.source:
            self._show(record, preview)

    def _failed(self, record: MessageRecord, error: BaseException) -> None:
        if self._record is None or record.source != self._record.source:
            return
        text = error.user_message if isinstance(error, MailError) else str(error)
        self.note.setText(self.tr("The text could not be fetched: {0}").format(text))

    def _show(self, record: MessageRecord, preview: Preview) -> None:
        notes = {
            "plain": self.tr("Plain text. Links are not opened."),
            "html": self.tr(
                "HTML shown as plain text: links are written out, images are not loaded."
            ),
            "none": self.tr("This message has no text of its own."),
        }
        note = notes.get(preview.kind if preview.text else "none", "")
        if preview.truncated:
            note += " " + self.tr("Only the beginning is shown.")
        self.note.setText(note)
        self.text.setPlainText(preview.text)
