"""The main window: accounts and folders on the left, the message table in the middle,
the risk panel on the right; a welcome page until there is something to show."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QColor, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.services.places import LOCAL_QUARANTINE
from app.store.accounts import Account
from app.store.state import MessageRecord
from app.ui.controller import DEMO, Controller
from app.ui.first_scan import FirstScanQuestion
from app.ui.history_dialog import HistoryDialog
from app.ui.icons import icon
from app.ui.message_model import (
    DELETED,
    RECORD_ROLE,
    MessageFilter,
    MessageModel,
    folder_name,
)
from app.ui.preview_pane import PreviewPane
from app.ui.risk_panel import RiskPanel


def _quarantine_of(account: Account) -> str:
    return LOCAL_QUARANTINE if account.protocol == "pop3" else account.quarantine


def _folder_order(folder: str) -> tuple[bool, str]:
    """INBOX first, then by name."""
    return (folder.upper() != "INBOX", folder.lower())


def _can(kind: str, records: list[MessageRecord]) -> list[MessageRecord]:
    """The messages ``kind`` applies to where each is now: quarantine what is in a
    folder, release what is in an IMAP quarantine (POP3 cannot take mail back), delete
    from either (a local copy is kept)."""
    if kind == "quarantine":
        return [r for r in records if r.place == "folder"]
    if kind == "release":
        return [r for r in records if r.quarantined and not r.uidl]
    return [r for r in records if r.place in ("folder", "quarantine")]


class MainWindow(QMainWindow):
    """What most users see. Closing it keeps MailSentry running in the tray."""

    add_account_requested = Signal()
    settings_requested = Signal()
    closed_to_tray = Signal()

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.keep_running_in_tray = False
        self.setWindowTitle("MailSentry")
        self.setWindowIcon(icon("mailsentry"))
        self.resize(1200, 720)
        self.model = MessageModel(self)
        self.proxy = MessageFilter(self)
        self.proxy.setSourceModel(self.model)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._welcome_page())
        self.pages.addWidget(self._main_page())
        self.setCentralWidget(self.pages)
        self._make_actions()
        self.statusBar().showMessage(self.tr("Ready"))
        controller.records_changed.connect(self.refresh)
        controller.action_finished.connect(self._show_outcome)
        controller.error_raised.connect(self.show_banner)
        #: Asks what to do with what a first check would move (`app.ui.first_scan`).
        self.first_scan = FirstScanQuestion(self)
        #: The open "judge again?" question, if any.
        self.question_box: QMessageBox | None = None
        controller.scan_started.connect(
            lambda _: self.statusBar().showMessage(self.tr("Checking mail…"))
        )
        controller.scan_finished.connect(
            lambda _: self.statusBar().showMessage(self.tr("Mail checked"))
        )
        self.refresh()

    # -- pages -----------------------------------------------------------------------
    def _welcome_page(self) -> QWidget:
        page = QWidget(self)
        outer = QHBoxLayout(page)
        column = QWidget(page)
        column.setMaximumWidth(560)  # a readable line length; wrapped text gets its height
        outer.addStretch(1)
        outer.addWidget(column, 3)
        outer.addStretch(1)
        layout = QVBoxLayout(column)
        layout.addStretch(1)
        title = QLabel(f"<h1>{self.tr('Welcome to MailSentry')}</h1>", page)
        text = QLabel(
            self.tr(
                "MailSentry checks your mailboxes on the server and finds dangerous mail "
                "before your mail program downloads it. Add your mail account, or open the "
                "demo mailbox to see how it works first."
            ),
            page,
        )
        text.setWordWrap(True)
        add = QPushButton(self.tr("Add a mail account…"), page)
        add.setAccessibleName(self.tr("Add a mail account"))
        add.clicked.connect(self.add_account_requested.emit)
        demo = QPushButton(self.tr("Open the demo mailbox"), page)
        demo.setAccessibleName(self.tr("Open the demo mailbox"))
        demo.clicked.connect(self.open_demo)
        layout.addWidget(title, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(text)
        for button in (add, demo):
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    def _main_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        self.banner = QLabel(page)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)  # server text, never HTML
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#fff3e0;border:1px solid #ef8f00;padding:6px")
        self.banner.hide()
        layout.addWidget(self.banner)
        splitter = QSplitter(Qt.Orientation.Horizontal, page)
        self.tree = QTreeWidget(splitter)
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([self.tr("Mailboxes"), "", ""])
        self.tree.setIndentation(14)
        for column, verdict, tip in (
            (1, "dangerous", self.tr("Dangerous")),
            (2, "suspicious", self.tr("Suspicious")),
        ):
            self.tree.headerItem().setIcon(column, icon(verdict))
            self.tree.headerItem().setToolTip(column, tip)
        head = self.tree.header()
        head.setStretchLastSection(False)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            head.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setAccessibleName(self.tr("Accounts and folders"))
        self.tree.currentItemChanged.connect(self._folder_chosen)
        middle = QWidget(splitter)
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.verdict_filter = QComboBox(middle)
        self.verdict_filter.setAccessibleName(self.tr("Show messages"))
        for text, verdicts in (
            (self.tr("All messages"), {"dangerous", "suspicious", "clean"}),
            (self.tr("Dangerous and suspicious"), {"dangerous", "suspicious"}),
            (self.tr("Dangerous"), {"dangerous"}),
            (self.tr("Suspicious"), {"suspicious"}),
            (self.tr("Clean"), {"clean"}),
        ):
            self.verdict_filter.addItem(text, verdicts)
        self.verdict_filter.currentIndexChanged.connect(
            lambda _: self.proxy.set_filter(verdicts=self.verdict_filter.currentData())
        )
        self.search = QLineEdit(middle)
        self.search.setPlaceholderText(self.tr("Search sender, subject, attachment"))
        self.search.setAccessibleName(self.tr("Search"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda text: self.proxy.set_filter(text=text))
        bar.addWidget(self.verdict_filter)
        bar.addWidget(self.search, 1)
        middle_layout.addLayout(bar)
        self.table = self._make_table(middle)
        middle_layout.addWidget(self.table)
        right = QSplitter(Qt.Orientation.Vertical, splitter)
        self.risk = RiskPanel(right)
        self.preview = PreviewPane(self.controller, right)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 4)
        splitter.setStretchFactor(2, 3)
        splitter.setSizes([200, 600, 400])
        layout.addWidget(splitter, 1)
        return page

    def _make_table(self, parent: QWidget) -> QTableView:
        table = QTableView(parent)
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(MessageModel.COLUMNS.index("date"), Qt.SortOrder.DescendingOrder)
        table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        table.setAccessibleName(self.tr("Messages"))
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        table.setWordWrap(False)
        table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((105, 95, 120, 160, 220, 150)):
            table.setColumnWidth(column, width)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._context_menu)
        table.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        return table

    # -- actions ---------------------------------------------------------------------
    def _make_actions(self) -> None:
        def action(
            text: str, shortcut: str | QKeySequence.StandardKey, slot: object, name: str
        ) -> QAction:
            made = QAction(text, self)
            made.setShortcut(QKeySequence(shortcut))
            made.setObjectName(name)
            made.triggered.connect(slot)
            return made

        self.act_add = action(
            self.tr("Add account…"), "Ctrl+N", self.add_account_requested.emit, "add_account"
        )
        self.act_check = action(self.tr("Check now"), "F5", self.check_now, "check_now")
        # Ctrl+Q quits, as in every desktop program; quarantine is Ctrl+J ("junk").
        self.act_quarantine = action(
            self.tr("Quarantine"), "Ctrl+J", lambda: self._act("quarantine"), "quarantine"
        )
        self.act_release = action(
            self.tr("Release"), "Ctrl+R", lambda: self._act("release"), "release"
        )
        self.act_delete = action(
            self.tr("Delete…"), QKeySequence.StandardKey.Delete, self._delete, "delete"
        )
        self.act_trust = action(self.tr("Trust sender…"), "Ctrl+T", self._trust, "trust")
        self.act_rescan = action(self.tr("Rescan"), "Ctrl+Shift+R", self._rescan, "rescan")
        self.act_release_trust = action(
            self.tr("Release and trust sender"), "", self._release_and_trust, "release_trust"
        )
        self.act_undo = action(
            self.tr("Undo last action"), QKeySequence.StandardKey.Undo, self.undo, "undo"
        )
        self.act_settings = action(
            self.tr("Settings…"),
            QKeySequence.StandardKey.Preferences,
            self.settings_requested.emit,
            "settings",
        )
        self.act_history = action(self.tr("History…"), "Ctrl+H", self._history, "history")
        self.act_quit = action(self.tr("Quit"), QKeySequence.StandardKey.Quit, self.quit, "quit")
        self.act_about = action(self.tr("About MailSentry"), "", self._about, "about")
        self.act_quarantine.setIcon(icon("dangerous"))
        self.act_check.setIcon(icon("tray-clear"))
        toolbar = QToolBar(self.tr("Actions"), self)
        toolbar.setObjectName("actions")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for made in (
            self.act_add,
            self.act_check,
            self.act_quarantine,
            self.act_release,
            self.act_delete,
            self.act_trust,
            self.act_rescan,
            self.act_undo,
            self.act_settings,
        ):
            toolbar.addAction(made)
        for made in (*toolbar.actions(), self.act_history, self.act_quit):
            self.addAction(made)
        self.addToolBar(toolbar)
        menu = self.menuBar().addMenu(self.tr("&Mail"))
        for made in (
            self.act_add,
            self.act_check,
            self.act_undo,
            self.act_history,
            self.act_settings,
        ):
            menu.addAction(made)
        menu.addSeparator()
        menu.addAction(self.act_quit)
        #: What can be done to selected messages: the Message menu and the context menu.
        self.message_actions = (
            self.act_quarantine,
            self.act_release,
            self.act_release_trust,
            self.act_delete,
            self.act_trust,
            self.act_rescan,
        )
        message_menu = self.menuBar().addMenu(self.tr("M&essage"))
        for made in self.message_actions:
            message_menu.addAction(made)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.act_about)
        self._selected()

    def selected_records(self) -> list[MessageRecord]:
        rows = self.table.selectionModel().selectedRows() if hasattr(self, "table") else []
        return [r.data(RECORD_ROLE) for r in rows]

    def _selected(self) -> None:
        records = self.selected_records()
        for kind, made in (
            ("quarantine", self.act_quarantine),
            ("release", self.act_release),
            ("delete", self.act_delete),
        ):
            made.setEnabled(bool(_can(kind, records)))
        self.act_release_trust.setEnabled(bool(_can("release", records)))
        self.act_rescan.setEnabled(bool(records))
        self.act_trust.setEnabled(len(records) == 1)
        one = records[0] if len(records) == 1 else None
        self.risk.show_record(one)
        self.preview.show_record(one)

    def _act(self, kind: str) -> None:
        records = _can(kind, self.selected_records())
        if records:
            self.statusBar().showMessage(self.tr("Working…"))
            self.controller.act(kind, records)

    def _release_and_trust(self) -> None:
        records = _can("release", self.selected_records())
        if records:
            self.statusBar().showMessage(self.tr("Working…"))
            self.controller.release_and_trust(records)

    def _delete(self) -> None:
        records = _can("delete", self.selected_records())
        if not records:
            return
        if all(r.account == DEMO for r in records):
            question = self.tr("Remove {0} message(s) from the demo mailbox?")
        else:
            question = self.tr(
                "Delete {0} message(s) from the server? MailSentry keeps a local copy "
                "of each in its own folder, where nothing opens it."
            )
        if self.confirm(self.tr("Delete messages"), question.format(len(records))):
            self.controller.act("delete", records)

    def _trust(self) -> None:
        records = self.selected_records()
        if len(records) != 1:
            return
        if self.confirm(
            self.tr("Trust sender"),
            self.tr(
                "Trust {0}? Mail from a trusted sender is judged more gently, but "
                "programs and tricks stay blocked."
            ).format(records[0].sender),
        ):
            record = records[0]
            self.controller.trust_sender(record)
            same = [r for r in self.controller.records() if r.sender == record.sender]
            self.offer_rejudge(
                same,
                self.tr("Judge the {0} listed message(s) from {1} again, now that you trust them?"),
                record.sender,
            )

    def offer_rejudge(self, records: list[MessageRecord], question: str, *args: object) -> None:
        """After trust or extension settings changed: offer to judge ``records`` again
        with the new settings (``question`` is formatted with their count and ``args``)."""
        if not records or self.question_box is not None:
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setTextFormat(Qt.TextFormat.PlainText)  # a sender's name is shown as it is
        box.setWindowTitle(self.tr("Judge again"))
        box.setText(question.format(len(records), *args))
        yes = box.addButton(self.tr("Judge again"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Not now"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)

        def answered(button: object) -> None:
            self.question_box = None
            if button is yes:
                self.controller.rescan(records)

        box.buttonClicked.connect(answered)
        self.question_box = box
        box.open()

    def confirm(self, title: str, text: str) -> bool:
        """Ask Yes/No. The text may hold a sender's name: shown as plain text (a
        QMessageBox renders anything that looks like HTML)."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _rescan(self) -> None:
        records = self.selected_records()
        if records:
            self.statusBar().showMessage(self.tr("Judging again…"))
            self.controller.rescan(records)

    def check_now(self) -> None:
        if not self.controller.account_list():
            self.statusBar().showMessage(
                self.tr("There is no mail account to check: add one first (Ctrl+N)."), 15000
            )
            return
        self.controller.check_now()

    def undo(self) -> None:
        if not self.controller.undo():
            self.statusBar().showMessage(self.tr("There is nothing to undo."), 15000)

    def quit(self) -> None:
        """Quit for real, even where closing the window only hides it in the tray."""
        self.keep_running_in_tray = False
        QCoreApplication.quit()

    def _history(self) -> None:
        dialog = HistoryDialog(
            self.controller.state, self.controller.records(), self.controller.labels(), self
        )
        dialog.open()

    def _about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About MailSentry"),
            self.tr(
                "<h3>MailSentry {0}</h3><p>Finds dangerous mail on your mail server before "
                "your mail program downloads it, and says in plain words why it is "
                "dangerous.</p><p>MailSentry looks for programs and the tricks that hide "
                "them; it is not a spam filter and not an antivirus: keep your antivirus "
                "up to date.</p>"
            ).format(html.escape(__version__)),
        )

    def _context_menu(self, point: QPoint) -> None:
        menu = QMenu(self)
        for made in (*self.message_actions, self.act_undo):
            menu.addAction(made)
        menu.exec(self.table.viewport().mapToGlobal(point))

    # -- updates ---------------------------------------------------------------------
    def open_demo(self) -> None:
        self.controller.open_demo()
        self.pages.setCurrentIndex(1)

    def refresh(self) -> None:
        records = self.controller.records()
        chosen = {r.key for r in self.selected_records()}
        self.model.working = self.controller.working
        self.model.set_records(records, self.controller.labels())
        self._reselect(chosen)
        has_accounts = bool(self.controller.account_list())
        if records or has_accounts or self.controller.demo:
            self.pages.setCurrentIndex(1)
        self._fill_tree(records)
        # One account (or only the demo): the tree says whose mail it is.
        self.table.setColumnHidden(
            MessageModel.COLUMNS.index("account"), len({r.account for r in records}) < 2
        )
        self._selected()

    def _reselect(self, keys: set[str]) -> None:
        """A refresh (new mail, an action done) keeps the user's selection, wherever
        the messages moved."""
        if not keys:
            return
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(RECORD_ROLE).key in keys:
                selection.select(index, flags)

    def _fill_tree(self, records: list[MessageRecord]) -> None:
        current = self.tree.currentItem()
        chosen = current.data(0, Qt.ItemDataRole.UserRole) if current else None
        self.tree.blockSignals(True)
        self.tree.clear()
        every = self._tree_item(self.tree, self.tr("All mail"), records, (None, None))
        labels = self.controller.labels()
        accounts = {a.id: a for a in self.controller.account_list()}
        for account_id in [*accounts, *([DEMO] if self.controller.demo else [])]:
            mine = [r for r in records if r.account == account_id]
            name = labels.get(account_id, account_id)
            item = self._tree_item(every, name, mine, (account_id, None))
            account = accounts.get(account_id)
            quarantine = "Quarantine" if account is None else _quarantine_of(account)
            by_folder: dict[str, list[MessageRecord]] = {}
            for record in mine:
                by_folder.setdefault(folder_name(record), []).append(record)
            folders = sorted(set(by_folder) - {quarantine, DELETED}, key=_folder_order)
            # The quarantine is always shown, even empty: it is where to look.
            for folder in [*folders, quarantine, *([DELETED] if DELETED in by_folder else [])]:
                inside = by_folder.get(folder, [])
                contained = folder in (quarantine, DELETED)
                child = self._tree_item(
                    item, self._folder_label(folder), inside, (account_id, folder), contained
                )
                if contained:
                    child.setIcon(0, icon("tray-clear"))
        self.tree.expandAll()
        self.tree.blockSignals(False)
        if chosen is not None:
            self.show_folder(*chosen)

    def _folder_label(self, folder: str) -> str:
        return {
            DELETED: self.tr("Deleted (local copies)"),
            LOCAL_QUARANTINE: self.tr("Local quarantine"),
        }.get(folder, folder)

    def _tree_item(
        self,
        parent: QTreeWidget | QTreeWidgetItem,
        name: str,
        records: list[MessageRecord],
        key: tuple[str | None, str | None],
        contained: bool = False,
    ) -> QTreeWidgetItem:
        """A mailbox row: its name, then its dangerous and suspicious counts in their own
        narrow columns (a long label would be cut off in a narrow tree). A folder counts
        what is in it; an account counts what is still in its folders (not what is in
        quarantine or deleted), drawn grey where the mail is contained."""
        counted = records if contained else [r for r in records if r.place == "folder"]
        dangerous = sum(r.verdict == "dangerous" for r in counted)
        suspicious = sum(r.verdict == "suspicious" for r in counted)
        item = QTreeWidgetItem(parent, [name, str(dangerous or ""), str(suspicious or "")])
        item.setData(0, Qt.ItemDataRole.UserRole, key)
        counts = []
        if dangerous:
            counts.append(self.tr("{0} dangerous").format(dangerous))
        if suspicious:
            counts.append(self.tr("{0} suspicious").format(suspicious))
        tip = f"{name} ({', '.join(counts)})" if counts else name
        colours = ("#757575", "#757575") if contained else ("#b71c1c", "#b25e00")
        for column in (0, 1, 2):
            item.setToolTip(column, tip)
            if column:
                item.setForeground(column, QColor(colours[column - 1]))
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
        return item

    def show_folder(self, account: str | None, folder: str | None) -> None:
        """Choose the tree's row for ``account``'s ``folder`` (None: the whole account)."""
        every = Qt.MatchFlag.MatchContains | Qt.MatchFlag.MatchRecursive
        for item in self.tree.findItems("", every):
            if item.data(0, Qt.ItemDataRole.UserRole) == (account, folder):
                self.tree.setCurrentItem(item)
                return

    def _folder_chosen(self, item: QTreeWidgetItem | None, _: object = None) -> None:
        account, folder = item.data(0, Qt.ItemDataRole.UserRole) if item else (None, None)
        self.proxy.set_filter(account=account, folder=folder)

    def show_banner(self, text: str) -> None:
        """Errors and, where there is no tray, notifications: shown in the window."""
        self.banner.setText(text)
        self.banner.show()
        self.pages.setCurrentIndex(1)

    def _show_outcome(self, lines: list[str]) -> None:
        self.statusBar().showMessage("; ".join(lines)[:300], 15000)

    def show_record(self, source: str) -> None:
        """Select the message ``source`` (a notification was clicked); a filter or a
        folder that hides it is cleared first. It is found where it is now, even if it
        moved since the notice was made."""
        found = self.controller.state.find_source(source)
        key = found.key if found is not None else source
        if not self._select_key(key):
            self.search.clear()
            self.verdict_filter.setCurrentIndex(0)
            self.show_folder(None, None)
            self._select_key(key)
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def _select_key(self, key: str) -> bool:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0, QModelIndex())
            if index.data(RECORD_ROLE).key == key:
                self.table.clearSelection()
                self.table.selectRow(row)
                self.table.scrollTo(index)
                return True
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.keep_running_in_tray:
            event.ignore()
            self.hide()
            self.closed_to_tray.emit()
            return
        super().closeEvent(event)
