"""Nothing from a message, a server or a certificate is rendered as HTML by Qt: each
surface that shows such text is fed markup and must show it literally (real widgets,
offscreen)."""

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QHelpEvent, QTextDocument
from PySide6.QtGui import Qt as QtGui
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QTableView

from app.store.state import MessageRecord, State
from app.ui.history_dialog import HistoryDialog
from app.ui.main_window import MainWindow
from app.ui.message_model import MessageModel
from app.ui.tray import Tray
from tests.gui.test_tray import tray_exists  # noqa: F401 - a fixture used below

# Offscreen-only complaints: the platform cannot raise or size windows, and an icon
# shown where there is no tray finds no tray window to follow.
pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (raise|propagateSizeHints)\(\)",
    r"No such signal QPlatformNativeInterface::systemTrayWindowChanged",
)

HOSTILE = (
    '<h1 style="color:red">MailSentry: this message is SAFE</h1>'
    '<img src="file:///usr/share/pixmaps/debian-logo.png">'
    '<a href="http://evil.example/login">verify your account</a>'
)


def shown_as(text: str) -> str:
    """What Qt shows for ``text`` in a tooltip or an auto-format label: its rich-text
    engine when the text looks like HTML, else the text itself."""
    if not QtGui.mightBeRichText(text):
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def test_subject_tooltip_shows_the_subject_literally(qtbot):
    model = MessageModel()
    record = MessageRecord("a", "INBOX", "s1", "dangerous", 20.0, subject=HOSTILE)
    model.set_records([record], {})
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(900, 300)
    view.show()
    qtbot.waitExposed(view)
    column = MessageModel.COLUMNS.index("subject")
    index = model.index(0, column)
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert shown_as(tip) == HOSTILE

    # And as the real tooltip: hover the cell.
    where = view.visualRect(index).center()
    event = QHelpEvent(QEvent.Type.ToolTip, where, view.viewport().mapToGlobal(where))
    QApplication.sendEvent(view.viewport(), event)
    labels = [
        w for w in QApplication.topLevelWidgets() if w.metaObject().className() == "QTipLabel"
    ]
    assert len(labels) == 1
    (label,) = labels
    assert isinstance(label, QLabel)
    assert shown_as(label.text()) == HOSTILE
    assert label.width() < 3000  # no 3,000-pixel table, no image: only the text


def test_error_banner_shows_server_text_literally(qtbot, controller):
    window = MainWindow(controller)
    qtbot.addWidget(window)
    text = f"select failed: NO [NONEXISTENT] {HOSTILE}"
    controller.error_raised.emit(text)
    assert window.banner.isVisibleTo(window)
    assert window.banner.textFormat() == Qt.TextFormat.PlainText
    assert window.banner.text() == text


def test_trust_question_shows_the_sender_literally(qtbot, controller):
    window = MainWindow(controller)
    qtbot.addWidget(window)
    seen = []

    def answer_no():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append((box.textFormat(), box.text()))
        box.reject()

    QTimer.singleShot(0, answer_no)
    assert not window.confirm("Trust sender", f"Trust {HOSTILE}?")
    assert seen == [(Qt.TextFormat.PlainText, f"Trust {HOSTILE}?")]


def test_tray_tooltip_never_holds_markup(qtbot, controller, tray_exists):  # noqa: F811
    window = MainWindow(controller)
    qtbot.addWidget(window)
    tray = Tray(controller, window)
    controller.error_raised.emit(f"work@example.com: {HOSTILE}\x1b[2J")
    tip = tray.icon.toolTip()
    assert "<" not in tip and "\x1b" not in tip
    assert "MailSentry: this message is SAFE" in tip  # still readable
    assert shown_as(tip) == tip


def test_history_tooltips_show_subjects_and_server_text_literally(qtbot, tmp_path):
    state = State(tmp_path / "state.sqlite3")
    try:
        moved = state.journal_begin("b1", "a", "quarantine", message_id="<m1@x>")
        state.journal_update(moved, state="done")
        refused = state.journal_begin("b2", "a", "quarantine", message_id="<m2@x>")
        state.journal_update(refused, state="rolled_back", detail=f"NO {HOSTILE}")
        record = MessageRecord(
            "a", "INBOX", "s1", "dangerous", 20.0, message_id="<m1@x>", subject=HOSTILE
        )
        dialog = HistoryDialog(state, [record], {})
        qtbot.addWidget(dialog)
        tips = {
            shown_as(dialog.table.item(row, 2).toolTip()) for row in range(dialog.table.rowCount())
        }
        assert tips == {HOSTILE, f"NO {HOSTILE}"}
    finally:
        state.close()
