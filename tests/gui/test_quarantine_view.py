"""The window as a view of the one model, on real widgets against the private Dovecot:
the account's quarantine folder in the tree with its counts, search and release from
it (one row per message, wherever it goes), Rescan after trusting a sender, and the
notice after an undo that put the mail back."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.notify import GROUP_S
from app.services.places import LOCAL_QUARANTINE
from app.store.accounts import Account
from app.ui.history_dialog import HistoryDialog
from app.ui.main_window import MainWindow
from app.ui.message_model import DELETED, RECORD_ROLE
from app.ui.tray import Tray
from tests.gui.test_end_to_end import on_server
from tests.gui.test_tray import Clock

CORPUS = Path(__file__).parents[1] / "corpus" / "messages"
TIMEOUT_MS = 30_000
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")


def start(qtbot, controller, dovecot, user, monkeypatch, names, protocol="imap"):  # noqa: PLR0917
    """An account that acts at once, its INBOX holding ``names``; one check done."""
    monkeypatch.setenv("MAILSENTRY_PASSWORD", user.password)
    dovecot.append_many(user.name, user.password, "INBOX",
                        [(CORPUS / name).read_bytes() for name in names])
    port = dovecot.imap_port if protocol == "imap" else dovecot.pop3_port
    controller.accounts.store.add(Account(
        id="acct", protocol=protocol, host="127.0.0.1", port=port,
        security="plain", username=user.name, address="yamazaki@example.co.jp"))
    window = MainWindow(controller)
    qtbot.addWidget(window)
    with qtbot.waitSignal(controller.scan_finished, timeout=TIMEOUT_MS):
        controller.check_now()
    return window


def tree_row(window, folder):
    """The tree's texts (name, dangerous, suspicious) of the account's ``folder``."""
    account = window.tree.topLevelItem(0).child(0)
    for i in range(account.childCount()):
        child = account.child(i)
        if child.data(0, 0x0100) == ("acct", folder):  # Qt.UserRole
            return tuple(child.text(c) for c in range(3))
    return None


def rows(window):
    return [window.proxy.index(r, 0).data(RECORD_ROLE) for r in range(window.proxy.rowCount())]


def test_quarantine_folder_view_search_and_release(qtbot, controller, dovecot, mail_user,
                                                  monkeypatch):
    window = start(qtbot, controller, dovecot, mail_user, monkeypatch,
                   ["hybris_2001_eudora.eml", "double_extension.eml", "plain_text.eml"])
    # The first check moved both dangerous messages (the account acts at once).
    qtbot.waitUntil(lambda: len(on_server(dovecot, mail_user, "Quarantine")) == 2,
                    timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: tree_row(window, "Quarantine") == ("Quarantine", "2", ""),
                    timeout=TIMEOUT_MS)
    assert tree_row(window, "INBOX") == ("INBOX", "", "")  # nothing dangerous left there
    assert window.model.rowCount() == 3

    window.show_folder("acct", "Quarantine")
    assert {r.folder for r in rows(window)} == {"Quarantine"} and len(rows(window)) == 2
    window.search.setText("LCOLCKLC")  # the Hybris attachment's name
    assert len(rows(window)) == 1
    record = rows(window)[0]
    window.table.selectRow(0)
    assert window.act_release.isEnabled() and window.act_release_trust.isEnabled()
    assert not window.act_quarantine.isEnabled()
    action = window.model.COLUMNS.index("action")
    assert window.proxy.index(0, action).data() == "Quarantined"
    assert "Where: in the quarantine folder Quarantine" in window.risk.toPlainText()

    with qtbot.waitSignal(controller.action_finished, timeout=TIMEOUT_MS):
        window.act_release.trigger()
    qtbot.waitUntil(lambda: tree_row(window, "Quarantine") == ("Quarantine", "1", ""),
                    timeout=TIMEOUT_MS)
    inbox = on_server(dovecot, mail_user, "INBOX")
    assert f"Message-ID: {record.message_id}" in inbox
    assert window.model.rowCount() == 3  # the row moved: no second row for the message
    released = [r for r in window.model.records() if r.key == record.key]
    assert [(r.folder, r.action) for r in released] == [("INBOX", "release")]
    window.show_folder("acct", "INBOX")
    window.search.clear()
    window.table.selectRow(next(i for i, r in enumerate(rows(window)) if r.key == record.key))
    assert "Where: released back to INBOX" in window.risk.toPlainText()
    assert tree_row(window, "INBOX") == ("INBOX", "1", "")

    # The history (Ctrl+H) says what was moved, when, from where to where.
    window.act_history.trigger()
    history = window.findChild(HistoryDialog)
    table = history.table
    lines = [tuple(table.item(r, c).text() for c in (1, 2, 3, 4))
             for r in range(table.rowCount())]
    assert lines[0] == ("Released", "(no subject)", "Quarantine", "INBOX")  # newest first
    assert ("Quarantined", "(no subject)", "INBOX", "Quarantine") in lines
    assert all(table.item(r, 0).text().startswith("20") for r in range(table.rowCount()))
    history.close()


def test_rescan_after_trust(qtbot, controller, dovecot, mail_user, monkeypatch):
    window = start(qtbot, controller, dovecot, mail_user, monkeypatch,
                   ["docm_stranger.eml", "plain_text.eml"])
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=TIMEOUT_MS)
    suspicious = next(r for r in rows(window) if r.verdict == "suspicious")
    controller.trust_sender(suspicious)
    window.table.selectRow(rows(window).index(suspicious))
    with qtbot.waitSignal(controller.records_changed, timeout=TIMEOUT_MS):
        window.act_rescan.trigger()
    qtbot.waitUntil(
        lambda: [r.verdict for r in window.model.records() if r.key == suspicious.key]
        == ["clean"],
        timeout=TIMEOUT_MS,
    )
    assert window.model.rowCount() == 2
    assert "1 changed" in window.statusBar().currentMessage()
    assert window.selected_records()[0].key == suspicious.key  # still selected
    assert window.risk.toPlainText().startswith("Clean: ")
    assert "Noticed, but not a danger here" in window.risk.toPlainText()  # the macro finding


def test_trusting_offers_to_judge_again(qtbot, controller, dovecot, mail_user, monkeypatch):
    window = start(qtbot, controller, dovecot, mail_user, monkeypatch, ["docm_stranger.eml"])
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=TIMEOUT_MS)
    record = rows(window)[0]
    window.offer_rejudge([record], "Judge the {0} listed message(s) from {1} again?",
                         record.sender)
    box = window.question_box
    assert box is not None and "Judge the 1 listed message(s)" in box.text()
    controller.trust_sender(record)
    with qtbot.waitSignal(controller.records_changed, timeout=TIMEOUT_MS):
        next(b for b in box.buttons() if b.text() == "Judge again").click()
    qtbot.waitUntil(lambda: rows(window) and rows(window)[0].verdict == "clean",
                    timeout=TIMEOUT_MS)


def test_delete_for_good_from_the_quarantine_keeps_a_copy_to_read(
    qtbot, controller, dovecot, mail_user, monkeypatch
):
    window = start(qtbot, controller, dovecot, mail_user, monkeypatch, ["double_extension.eml"])
    qtbot.waitUntil(lambda: tree_row(window, "Quarantine") == ("Quarantine", "1", ""),
                    timeout=TIMEOUT_MS)
    window.show_folder("acct", "Quarantine")
    window.table.selectRow(0)
    assert window.act_delete.isEnabled()
    with qtbot.waitSignal(controller.action_finished, timeout=TIMEOUT_MS):
        controller.act("delete", window.selected_records())  # the Delete… answer is Yes
    assert on_server(dovecot, mail_user, "Quarantine") == []
    qtbot.waitUntil(lambda: tree_row(window, DELETED) is not None, timeout=TIMEOUT_MS)
    assert tree_row(window, DELETED)[0] == "Deleted (local copies)"
    assert tree_row(window, "Quarantine") == ("Quarantine", "", "")  # shown, empty
    window.show_folder("acct", DELETED)
    window.table.selectRow(0)
    assert not window.act_delete.isEnabled() and not window.act_release.isEnabled()
    qtbot.waitUntil(lambda: window.preview.text.toPlainText() != "", timeout=TIMEOUT_MS)
    assert "Please find" in window.preview.text.toPlainText()  # read from the local copy


def test_pop3_local_quarantine_is_a_folder_too(qtbot, controller, dovecot, mail_user,
                                                monkeypatch):
    window = start(qtbot, controller, dovecot, mail_user, monkeypatch,
                   ["double_extension.eml", "plain_text.eml"], protocol="pop3")
    name = LOCAL_QUARANTINE
    qtbot.waitUntil(lambda: tree_row(window, name) == ("Local quarantine", "1", ""),
                    timeout=TIMEOUT_MS)
    assert len(on_server(dovecot, mail_user, "INBOX")) == 1  # taken off the server
    window.show_folder("acct", name)
    assert len(rows(window)) == 1
    window.table.selectRow(0)
    assert not window.act_release.isEnabled()  # POP3 cannot take mail back
    assert window.act_delete.isEnabled()
    assert "local quarantine" in window.risk.toPlainText()
    qtbot.waitUntil(lambda: window.preview.text.toPlainText() != "", timeout=TIMEOUT_MS)
    assert "Please find" in window.preview.text.toPlainText()  # from the local copy


def test_notice_after_undo_tells_the_truth(qtbot, controller, dovecot, mail_user, monkeypatch):
    window = start(qtbot, controller, dovecot, mail_user, monkeypatch, ["plain_text.eml"])
    clock = Clock()
    tray = Tray(controller, window, clock=clock)  # offscreen: notices go to the banner
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX",
                        [(CORPUS / "hybris_2001_sims.eml").read_bytes()])
    with qtbot.waitSignal(controller.scan_finished, timeout=TIMEOUT_MS):
        controller.check_now()  # judged, and quarantined at once
    qtbot.waitUntil(lambda: len(on_server(dovecot, mail_user, "Quarantine")) == 1,
                    timeout=TIMEOUT_MS)
    assert tray.notifier.wait_s() is not None  # a notice is on its way
    with qtbot.waitSignal(controller.action_finished, timeout=TIMEOUT_MS):
        window.undo()  # the user puts it back before the notice is due
    assert on_server(dovecot, mail_user, "Quarantine") == []
    clock.advance(GROUP_S)
    tray.flush()
    assert "quarantined" not in window.banner.text()  # it is in INBOX again
