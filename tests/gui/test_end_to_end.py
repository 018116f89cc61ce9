"""The whole path a user takes, on real widgets against the private Dovecot and a real
keyring: add an account through the dialog → first scan → the dangerous message is
listed with its findings in the risk panel → quarantine → it is in the quarantine
folder on the server → undo → it is back in INBOX."""

from pathlib import Path

from imapclient import IMAPClient
from PySide6.QtCore import Qt

from app.ui.main_window import MainWindow
from app.ui.message_model import RECORD_ROLE
from tests.gui.test_account_dialog import fill, make_dialog

CORPUS = Path(__file__).parents[1] / "corpus" / "messages"
TIMEOUT_MS = 30_000


def on_server(dovecot, user, folder):
    client = IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False)
    client.login(user.name, user.password)
    try:
        if not client.folder_exists(folder):
            return []
        client.select_folder(folder, readonly=True)
        uids = client.search(["NOT", "DELETED"])
        found = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]) if uids else {}
        return sorted(v[b"BODY[HEADER.FIELDS (MESSAGE-ID)]"].decode().strip()
                      for v in found.values())
    finally:
        client.logout()


def test_add_scan_explain_quarantine_undo(qtbot, controller, dovecot, mail_user,
                                          secret_keyring):
    hybris = (CORPUS / "hybris_2001_eudora.eml").read_bytes()
    plain = (CORPUS / "plain_text.eml").read_bytes()
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [plain, hybris])
    values = dict(controller.settings.current.values)
    values["actions.review_first"] = True  # the user acts by hand in this story
    controller.settings.save(values)
    window = MainWindow(controller)
    qtbot.addWidget(window)

    dialog = make_dialog(qtbot, controller)
    fill(qtbot, dialog, mail_user, dovecot.imap_port)
    with qtbot.waitSignal(controller.records_changed, timeout=TIMEOUT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    controller.stop_watching()  # this test drives the scan itself

    with qtbot.waitSignal(controller.scan_finished, timeout=TIMEOUT_MS):
        controller.check_now()
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=TIMEOUT_MS)
    row = next(r for r in range(window.proxy.rowCount())
               if window.proxy.index(r, 0).data(RECORD_ROLE).verdict == "dangerous")
    window.table.selectRow(row)
    record = window.proxy.index(row, 0).data(RECORD_ROLE)
    text = window.risk.toPlainText()
    assert "LCOLCKLC.EXE" in text and "Update your antivirus" in text
    assert "The envelope sender is empty" in text

    before = on_server(dovecot, mail_user, "INBOX")
    action_column = window.model.COLUMNS.index("action")

    def action_shown():
        return window.proxy.index(row, action_column).data()

    with qtbot.waitSignal(controller.action_finished, timeout=TIMEOUT_MS) as done:
        window.act_quarantine.trigger()
        assert action_shown() == "Working…"  # the row shows the action under way
    assert done.args[0] == ["Quarantined: (no subject)"]  # the Hybris mail has none
    qtbot.waitUntil(lambda: action_shown() == "Quarantined", timeout=TIMEOUT_MS)
    assert window.selected_records()[0].key == record.key  # selection kept
    quarantined = on_server(dovecot, mail_user, "Quarantine")
    assert quarantined == [f"Message-ID: {record.message_id}"]
    assert len(on_server(dovecot, mail_user, "INBOX")) == len(before) - 1

    with qtbot.waitSignal(controller.action_finished, timeout=TIMEOUT_MS) as undone:
        window.act_undo.trigger()
    assert undone.args[0] == ["Undone: 1 message(s) put back where they were."]
    assert on_server(dovecot, mail_user, "Quarantine") == []
    assert on_server(dovecot, mail_user, "INBOX") == before
    qtbot.waitUntil(lambda: action_shown() == "Released", timeout=TIMEOUT_MS)
