"""A first scan that would move mail says so first, once, with a choice (MailWasher's
"review first"): nothing moves on the private Dovecot until the user answers, and the
answer is kept on the account."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.store.accounts import Account
from app.ui.main_window import MainWindow
from tests.gui.test_end_to_end import on_server

CORPUS = Path(__file__).parents[1] / "corpus" / "messages"
TIMEOUT_MS = 30_000
# The offscreen platform says so when a message box is shown; it is not a problem here.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")


def setup(qtbot, controller, dovecot, user, monkeypatch):
    monkeypatch.setenv("MAILSENTRY_PASSWORD", user.password)
    messages = [(CORPUS / name).read_bytes()
                for name in ("hybris_2001_eudora.eml", "plain_text.eml")]
    dovecot.append_many(user.name, user.password, "INBOX", messages)
    controller.accounts.store.add(Account(
        id="first", protocol="imap", host="127.0.0.1", port=dovecot.imap_port,
        security="plain", username=user.name, address="me@example.test", first_scan="ask"))
    window = MainWindow(controller)
    qtbot.addWidget(window)
    with qtbot.waitSignal(controller.first_scan_held, timeout=TIMEOUT_MS):
        controller.check_now()
    qtbot.waitUntil(lambda: window.first_scan.box is not None, timeout=TIMEOUT_MS)
    assert on_server(dovecot, user, "Quarantine") == []  # nothing moved yet
    assert len(on_server(dovecot, user, "INBOX")) == 2
    box = window.first_scan.box
    assert "found 1 message(s)" in box.text() and "Nothing has been moved yet" in box.text()
    assert "Dangerous (quarantine)" in box.detailedText()
    return window, box


def click(box: QMessageBox, text: str) -> None:
    next(b for b in box.buttons() if b.text() == text).click()


def test_move_them_now(qtbot, controller, dovecot, mail_user, monkeypatch):
    window, box = setup(qtbot, controller, dovecot, mail_user, monkeypatch)
    with qtbot.waitSignal(controller.action_finished, timeout=TIMEOUT_MS):
        click(box, "Move them now")
    assert len(on_server(dovecot, mail_user, "Quarantine")) == 1
    assert controller.accounts.store.get("first").first_scan == "act"
    assert window.first_scan.box is None


def test_review_them_first(qtbot, controller, dovecot, mail_user, monkeypatch):
    window, box = setup(qtbot, controller, dovecot, mail_user, monkeypatch)
    click(box, "Review them first")
    assert controller.accounts.store.get("first").first_scan == "review"
    assert "wait for your decision" in window.statusBar().currentMessage()
    # The account's flagged mail is listed (once the check's records are in).
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 1, timeout=TIMEOUT_MS)
    qtbot.wait(500)
    assert on_server(dovecot, mail_user, "Quarantine") == []
    assert len(on_server(dovecot, mail_user, "INBOX")) == 2
