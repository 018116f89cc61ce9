"""The text preview on real widgets: a message's text as plain text under the risk
panel, fetched from the private Dovecot over IMAP (the text part only, with PEEK) and
over POP3 (TOP), and from the demo mailbox's files. An HTML mail's images and links
show as words; nothing is loaded, and the message stays unread on the server."""

from __future__ import annotations

from pathlib import Path

from imapclient import IMAPClient
from PySide6.QtWidgets import QPlainTextEdit

from app.resources import resource
from app.store.accounts import Account
from app.ui.main_window import MainWindow
from app.ui.message_model import RECORD_ROLE

TIMEOUT_MS = 30_000
PARCEL = resource("samples", "html_parcel_notice.eml")
JAPANESE = Path(__file__).parents[1] / "corpus" / "messages" / "japanese_iso2022jp_docx.eml"


def select(qtbot, window, subject):
    qtbot.waitUntil(
        lambda: any(
            window.proxy.index(r, 0).data(RECORD_ROLE).subject.startswith(subject)
            for r in range(window.proxy.rowCount())
        ),
        timeout=TIMEOUT_MS,
    )
    for row in range(window.proxy.rowCount()):
        if window.proxy.index(row, 0).data(RECORD_ROLE).subject.startswith(subject):
            window.table.selectRow(row)
            return


def shown_text(qtbot, window):
    qtbot.waitUntil(lambda: window.preview.text.toPlainText() != "", timeout=TIMEOUT_MS)
    return window.preview.text.toPlainText()


def check_html_preview(window, text):
    assert isinstance(window.preview.text, QPlainTextEdit) and window.preview.text.isReadOnly()
    assert "[image: Parcel Service]" in text
    link = "https://www.parcel-service.example/track <http://198.51.100.7/confirm.php?id=4471>"
    assert link in text.splitlines()
    assert "<img" not in text and "cdn.parcel-service.example" not in text
    assert "images are not loaded" in window.preview.note.text()


def add_account(controller, dovecot, user, monkeypatch, protocol):
    monkeypatch.setenv("MAILSENTRY_PASSWORD", user.password)
    values = dict(controller.settings.current.values)
    values["actions.review_first"] = True  # the preview is read before deciding
    controller.settings.save(values)
    port = dovecot.imap_port if protocol == "imap" else dovecot.pop3_port
    controller.accounts.store.add(Account(
        id=protocol, protocol=protocol, host="127.0.0.1", port=port, security="plain",
        username=user.name, address="yamazaki@example.co.jp"))


def checked(qtbot, controller, dovecot, user, monkeypatch, protocol, messages):  # noqa: PLR0917
    """A window over an account whose INBOX holds ``messages``, checked once."""
    dovecot.append_many(user.name, user.password, "INBOX", [m.read_bytes() for m in messages])
    add_account(controller, dovecot, user, monkeypatch, protocol)
    window = MainWindow(controller)
    qtbot.addWidget(window)
    with qtbot.waitSignal(controller.scan_finished, timeout=TIMEOUT_MS):
        controller.check_now()
    return window


def test_imap_preview_reads_the_text_part_and_leaves_the_message_unread(
    qtbot, controller, dovecot, mail_user, monkeypatch
):
    window = checked(qtbot, controller, dovecot, mail_user, monkeypatch, "imap",
                     [PARCEL, JAPANESE])
    select(qtbot, window, "Your parcel could not be delivered")
    check_html_preview(window, shown_text(qtbot, window))

    window.table.clearSelection()
    select(qtbot, window, "議事録")
    assert "本日の議事録をお送りします。" in shown_text(qtbot, window)

    client = IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False)
    client.login(mail_user.name, mail_user.password)
    client.select_folder("INBOX", readonly=True)
    flags = client.get_flags(client.search(["ALL"]))
    client.logout()
    assert all(b"\\Seen" not in f for f in flags.values()), flags


def test_pop3_preview_reads_the_first_lines_with_top(
    qtbot, controller, dovecot, mail_user, monkeypatch
):
    window = checked(qtbot, controller, dovecot, mail_user, monkeypatch, "pop3", [PARCEL])
    select(qtbot, window, "Your parcel could not be delivered")
    check_html_preview(window, shown_text(qtbot, window))


def test_demo_preview_and_a_message_gone_from_the_server(
    qtbot, controller, dovecot, mail_user, monkeypatch
):
    window = MainWindow(controller)
    qtbot.addWidget(window)
    window.open_demo()
    select(qtbot, window, "Your parcel could not be delivered")
    check_html_preview(window, shown_text(qtbot, window))

    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [PARCEL.read_bytes()])
    add_account(controller, dovecot, mail_user, monkeypatch, "imap")
    with qtbot.waitSignal(controller.scan_finished, timeout=TIMEOUT_MS):
        controller.check_now()
    client = IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False)
    client.login(mail_user.name, mail_user.password)
    client.select_folder("INBOX")
    client.delete_messages(client.search(["ALL"]))
    client.expunge()
    client.logout()
    window.verdict_filter.setCurrentIndex(0)
    window.tree.setCurrentItem(window.tree.topLevelItem(0).child(0))  # the account
    select(qtbot, window, "Your parcel could not be delivered")
    qtbot.waitUntil(lambda: "could not be fetched" in window.preview.note.text(),
                    timeout=TIMEOUT_MS)
    assert "no longer in INBOX" in window.preview.note.text()
    assert window.preview.text.toPlainText() == ""
