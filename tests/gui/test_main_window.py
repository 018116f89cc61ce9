"""The main window on real widgets (offscreen): welcome page, demo mailbox, the risk
panel's evidence, filters, actions on the demo mailbox, and a table that only asks
for the rows it paints."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from app.store.state import MessageRecord
from app.ui.main_window import MainWindow
from app.ui.message_model import RECORD_ROLE, MessageModel


def open_demo(qtbot, window):
    window.open_demo()
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=10_000)


def select(window, name):
    for row in range(window.proxy.rowCount()):
        index = window.proxy.index(row, 0)
        if index.data(RECORD_ROLE).source.endswith(name):
            window.table.selectRow(row)
            return index.data(RECORD_ROLE)
    raise AssertionError(f"{name} not listed")


def test_first_run_shows_the_welcome_page(qtbot, controller):
    window = MainWindow(controller)
    qtbot.addWidget(window)
    assert window.pages.currentIndex() == 0


def test_demo_mailbox_explains_the_hybris_sample(qtbot, controller):
    window = MainWindow(controller)
    qtbot.addWidget(window)
    open_demo(qtbot, window)
    assert window.pages.currentIndex() == 1
    record = select(window, "hybris_2001_eudora.eml")
    assert record.verdict == "dangerous"
    text = window.risk.toPlainText()
    assert "Dangerous" in text
    assert "Update your antivirus" in text
    assert "LCOLCKLC.EXE" in text
    assert "Return-Path: <>" in text  # evidence and headers as plain text
    assert ".exe" in text  # the real type, made obvious


def test_hidden_characters_are_shown_escaped(qtbot, controller):
    window = MainWindow(controller)
    qtbot.addWidget(window)
    open_demo(qtbot, window)
    select(window, "rtl_override.eml")
    text = window.risk.toPlainText()
    assert "\\u202e" in text
    assert "\u202e" not in text


def test_folded_header_lines_read_unfolded(qtbot, controller):
    window = MainWindow(controller)
    qtbot.addWidget(window)
    open_demo(qtbot, window)
    select(window, "docm_stranger.eml")  # its Received line is folded with a tab
    text = window.risk.toPlainText()
    assert "[198.51.100.35]) by mail.example.co.jp" in text
    assert "\\x09" not in text


def test_verdict_filter_and_search(qtbot, controller):
    window = MainWindow(controller)
    qtbot.addWidget(window)
    open_demo(qtbot, window)
    window.verdict_filter.setCurrentIndex(2)  # Dangerous
    shown = [window.proxy.index(r, 0).data(RECORD_ROLE) for r in range(window.proxy.rowCount())]
    assert shown and all(r.verdict == "dangerous" for r in shown)
    window.verdict_filter.setCurrentIndex(0)
    window.search.setText("LCOLCKLC")
    assert window.proxy.rowCount() == 1


def test_quarantine_in_the_demo_mailbox_moves_the_row(qtbot, controller):
    window = MainWindow(controller)
    qtbot.addWidget(window)
    open_demo(qtbot, window)
    select(window, "hybris_2001_sims.eml")
    window.act_quarantine.trigger()
    moved = [r for r in controller.demo if r.source.endswith("hybris_2001_sims.eml")]
    assert moved[0].folder == "Quarantine" and moved[0].action == "quarantine"
    select(window, "hybris_2001_sims.eml")
    assert window.act_release.isEnabled()


def test_sorting_puts_dangerous_first(qtbot, controller):
    window = MainWindow(controller)
    qtbot.addWidget(window)
    open_demo(qtbot, window)
    window.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    first = window.proxy.index(0, 0).data(RECORD_ROLE)
    last = window.proxy.index(window.proxy.rowCount() - 1, 0).data(RECORD_ROLE)
    assert (first.verdict, last.verdict) == ("dangerous", "clean")


class CountingModel(MessageModel):
    def __init__(self):
        super().__init__()
        self.rows_asked = set()

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            self.rows_asked.add(index.row())
        return super().data(index, role)


def test_a_large_table_paints_only_visible_rows(qtbot):
    model = CountingModel()
    records = [
        MessageRecord("a", "INBOX", f"s{i}", "clean", 0.0, subject=f"message {i}")
        for i in range(100_000)
    ]
    model.set_records(records, {})
    view = QTableView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.setModel(model)
    view.show()
    qtbot.waitExposed(view)
    qtbot.wait(50)
    assert 0 < len(model.rows_asked) < 200


def test_new_records_keep_the_chosen_order(qtbot, controller):
    window = MainWindow(controller)
    qtbot.addWidget(window)
    window.table.sortByColumn(MessageModel.COLUMNS.index("date"), Qt.SortOrder.DescendingOrder)
    open_demo(qtbot, window)  # the records arrive after the sort was chosen
    stamps = [window.proxy.index(r, 0).data(RECORD_ROLE).timestamp
              for r in range(window.proxy.rowCount())]
    assert stamps == sorted(stamps, reverse=True) and stamps[-1] > 0
