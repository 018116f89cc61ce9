"""Notifications from the live watch: silent during a mailbox's first scan, then one
summarised notice when dangerous mail arrives (shown in the window's banner here: the
offscreen platform has no system tray, which is the no-tray path users also meet)."""

from pathlib import Path

from app.store.accounts import Account
from app.ui.main_window import MainWindow
from app.ui.tray import Tray

CORPUS = Path(__file__).parents[1] / "corpus" / "messages"


def test_first_scan_is_silent_then_new_dangerous_mail_is_announced(
    qtbot, controller, dovecot, mail_user, monkeypatch
):
    monkeypatch.setenv("MAILSENTRY_PASSWORD", mail_user.password)
    values = dict(controller.settings.current.values)
    values["actions.review_first"] = True
    controller.settings.save(values)
    hybris = (CORPUS / "hybris_2001_eudora.eml").read_bytes()
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [hybris])
    controller.accounts.store.add(Account(
        id="watched", protocol="imap", host="127.0.0.1", port=dovecot.imap_port,
        security="plain", username=mail_user.name, address="me@example.test"))
    window = MainWindow(controller)
    qtbot.addWidget(window)
    tray = Tray(controller, window)
    with qtbot.waitSignal(controller.pass_finished, timeout=20_000):
        controller.start_watching()
    qtbot.wait(300)
    assert window.banner.isHidden()  # the dangerous message of the first scan: silent
    assert "watched" in controller.first_scan_done

    dovecot.append_many(mail_user.name, mail_user.password, "INBOX",
                        [(CORPUS / "hybris_2001_sims.eml").read_bytes()])
    qtbot.waitUntil(lambda: not window.banner.isHidden(), timeout=20_000)
    assert "dangerous" in window.banner.text().lower()
    assert window.model.rowCount() == 2
    controller.stop_watching()
    del tray
