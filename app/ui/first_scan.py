"""What a new account's first check would move, told before anything moves: once, with
a choice (MailWasher's "review first"), and the answer kept on the account.

The watch holds such mail (`Account.first_scan` is "ask" or "review") and reports it
through `Controller.first_scan_held`; this asks, then moves it or lists it for review.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox

from app.store.accounts import Account, AccountError
from app.store.state import MessageRecord

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


class FirstScanQuestion(QObject):
    """The window's question about held mail; ``box`` is the open question, if any."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.box: QMessageBox | None = None
        window.controller.first_scan_held.connect(self.held)

    def held(self, account_id: str, items: list[tuple[str, str]]) -> None:
        """An account's first check found mail its actions would move and moved nothing:
        ask once whether to review it first or move it now; later, do as answered."""
        try:
            account = self.window.controller.accounts.store.get(account_id)
        except AccountError:
            return  # removed meanwhile
        held = dict(items)
        records = [r for r in self.window.controller.records() if r.source in held]
        if account.first_scan == "act":  # answered "move them now" for an earlier folder
            self._move_held(records, held)
        elif account.first_scan == "review":
            self._review_held(account, records)
        elif self.box is None:
            self._ask_about_held(account, records, held)

    def _ask_about_held(
        self, account: Account, records: list[MessageRecord], held: dict[str, str]
    ) -> None:
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setTextFormat(Qt.TextFormat.PlainText)  # the account's name is shown as it is
        box.setWindowTitle(self.tr("First check of {0}").format(account.label))
        box.setText(
            self.tr(
                "The first check of {0} found {1} message(s) that your settings would move "
                "out of the inbox. Nothing has been moved yet."
            ).format(account.label, len(records))
        )
        box.setInformativeText(
            self.tr(
                "Review them first: they stay where they are, listed here, and you decide. "
                "Move them now: MailSentry moves them as your settings say (Undo brings "
                "them back)."
            )
        )
        box.setDetailedText("\n".join(self._held_line(r, held[r.source]) for r in records))
        review = box.addButton(self.tr("Review them first"), QMessageBox.ButtonRole.RejectRole)
        box.addButton(self.tr("Move them now"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(review)

        def chosen(button: object) -> None:
            self.box = None
            move_now = button is not review
            self.window.controller.accounts.store.update(
                account, first_scan="act" if move_now else "review"
            )
            if move_now:
                self._move_held(records, held)
            else:
                self._review_held(account, records)

        box.buttonClicked.connect(chosen)
        self.box = box
        box.open()

    def _held_line(self, record: MessageRecord, action: str) -> str:
        verdict = self.window.model.display(record, "verdict")
        what = self.tr("quarantine") if action == "quarantine" else self.tr("delete")
        subject = self.window.model.display(record, "subject")
        return f"{verdict} ({what}): {subject} — {self.window.model.display(record, 'sender')}"

    def _move_held(self, records: list[MessageRecord], held: dict[str, str]) -> None:
        for kind in ("quarantine", "delete"):
            chosen = [r for r in records if held.get(r.source) == kind]
            if chosen:
                self.window.controller.act(kind, chosen)

    def _review_held(self, account: Account, records: list[MessageRecord]) -> None:
        """List the account's flagged mail, and say what waits for a decision."""
        self.window.verdict_filter.setCurrentIndex(1)  # dangerous and suspicious
        self.window.show_folder(account.id, None)
        self.window.statusBar().showMessage(
            self.tr(
                "{0} message(s) in {1} wait for your decision: select them, then Quarantine "
                "(Ctrl+J), Delete or Trust sender."
            ).format(len(records), account.label)
        )
