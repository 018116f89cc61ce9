"""The tray over a real Controller and MainWindow (offscreen).

The offscreen platform has no system tray, so the no-tray path runs for real: notices
go to the window's banner, and closing the window closes it. For the tray path the
tests tell the Tray that a tray exists: QSystemTrayIcon can still be built and driven
offscreen (icon, tooltip, menu, signals), but ``showMessage`` goes nowhere there, so
the tests record what is passed to it.
"""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QSystemTrayIcon

from app.av.signatures import AntivirusStatus, detect
from app.mail.imap_scan import imap_url
from app.resources import resource
from app.services.notify import ENGLISH, GROUP_S, signature_age
from app.services.scan import scan_paths
from app.store.accounts import Account
from app.store.settings import defaults
from app.store.state import Location, MessageRecord
from app.ui.icons import icon
from app.ui.main_window import MainWindow
from app.ui.message_model import RECORD_ROLE
from app.ui.tray import Tray

# Offscreen-only complaints: the platform cannot raise or size windows, and an icon
# shown where there is no tray finds no tray window to follow.
pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (raise|propagateSizeHints)\(\)",
    r"No such signal QPlatformNativeInterface::systemTrayWindowChanged",
)

WORK = Account("w1", "imap", "mail.example.com", 993, "tls", "work",
               address="work@example.com")
ADVICE = ("Do not open the attachments. Update your antivirus and scan before opening "
          "anything.")


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += timedelta(seconds=seconds)


def judged(sample, uid):
    """A sample judged for real, as if it came from WORK's INBOX."""
    result = next(iter(scan_paths([resource("samples", sample)], defaults().rules())))
    return replace(result, source=imap_url(WORK, "INBOX", 7, uid))


@pytest.fixture
def window(qtbot, controller):
    made = MainWindow(controller)
    qtbot.addWidget(made)
    return made


@pytest.fixture
def with_account(controller):
    controller.accounts.store.add(WORK)
    controller.first_scan_done.add(WORK.id)
    return controller


@pytest.fixture
def tray_exists(monkeypatch):
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))


@pytest.fixture
def shown(monkeypatch):
    """Record ``showMessage`` calls of every tray icon (offscreen they show nothing)."""
    calls = []
    monkeypatch.setattr(QSystemTrayIcon, "showMessage",
                        lambda _icon, title, text, *_: calls.append((title, text)))
    return calls


def keys_of(tray):
    return tray.icon.icon().cacheKey()


# -- no tray: the offscreen platform as it is ------------------------------------------


def test_offscreen_has_no_tray(qapp):
    assert not QSystemTrayIcon.isSystemTrayAvailable()


def test_without_a_tray_notices_go_to_the_banner(qtbot, window, with_account):
    clock = Clock()
    tray = Tray(with_account, window, clock=clock)
    assert tray.icon is None
    assert not window.keep_running_in_tray
    with_account.message_judged.emit(judged("hybris_2001_eudora.eml", 5))
    with_account.message_judged.emit(judged("rtl_override.eml", 6))
    assert tray.state == "alert"
    assert window.banner.isHidden()  # not before the grouping window is over
    clock.advance(GROUP_S)
    tray.flush()
    assert not window.banner.isHidden()
    lines = window.banner.text().splitlines()
    assert lines[:2] == ["Dangerous mail", "2 dangerous messages quarantined in work@example.com"]
    assert lines[2].startswith(ADVICE)
    window.show()
    assert window.close()  # a real close: nothing would bring the window back


def test_the_timer_shows_the_notice_without_help(qtbot, window, with_account):
    tray = Tray(with_account, window)
    tray.notifier.group_s = 0.05
    with_account.message_judged.emit(judged("zip_with_exe.eml", 9))
    qtbot.waitUntil(lambda: not window.banner.isHidden(), timeout=5000)
    assert "1 dangerous message quarantined in work@example.com" in window.banner.text()


def test_nothing_is_told_during_the_first_scan(window, controller):
    controller.accounts.store.add(WORK)  # first scan not done
    clock = Clock()
    tray = Tray(controller, window, clock=clock)
    controller.message_judged.emit(judged("hybris_2001_eudora.eml", 5))
    clock.advance(GROUP_S)
    tray.flush()
    assert window.banner.isHidden()
    assert tray.state == "alert"  # the icon still says what was found


def test_a_mailbox_scanned_in_an_earlier_run_is_past_its_first_scan(window, controller):
    controller.accounts.store.add(WORK)
    controller.state.reset_folder(WORK.id, "INBOX", 7)
    clock = Clock()
    tray = Tray(controller, window, clock=clock)
    controller.message_judged.emit(judged("hybris_2001_eudora.eml", 5))
    clock.advance(GROUP_S)
    tray.flush()
    assert "1 dangerous message quarantined" in window.banner.text()


def test_suspicious_and_clean_mail_stay_quiet_by_default(window, with_account):
    clock = Clock()
    tray = Tray(with_account, window, clock=clock)
    with_account.message_judged.emit(judged("docm_stranger.eml", 1))
    with_account.message_judged.emit(judged("plain_text.eml", 2))
    clock.advance(GROUP_S)
    tray.flush()
    assert window.banner.isHidden()
    assert tray.state == "clear"


def test_antivirus_age_reaches_the_risk_panel(qtbot, window, controller):
    Tray(controller, window)
    qtbot.waitUntil(lambda: window.risk.antivirus_note != "", timeout=10_000)
    assert window.risk.antivirus_note.startswith(signature_age(detect(), datetime.now(UTC)))
    window.open_demo()
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=10_000)
    for row in range(window.proxy.rowCount()):
        if window.proxy.index(row, 0).data(RECORD_ROLE).verdict == "dangerous":
            window.table.selectRow(row)
            break
    text = window.risk.toPlainText()
    assert "Update your antivirus" in text
    assert window.risk.antivirus_note in text


def test_antivirus_without_signatures_says_what_to_do(window, controller):
    tray = Tray(controller, window)
    tray._antivirus_found((AntivirusStatus(None), True))  # ClamAV with an empty database
    assert "no signatures yet" in window.risk.antivirus_note
    assert "freshclam" in window.risk.antivirus_note
    tray._antivirus_found((AntivirusStatus(None), False))
    assert "install one" in window.risk.antivirus_note


def test_icon_is_never_all_clear_while_dangerous_mail_is_in_a_mailbox(
    window, with_account, tray_exists
):
    tray = Tray(with_account, window)
    assert tray.icon.toolTip() == "MailSentry: all clear"
    record = MessageRecord(WORK.id, "INBOX", "imap://x/INBOX;UIDVALIDITY=7/;UID=9",
                           "dangerous", 18.0, uidvalidity=7, uid=9)
    with_account.state.record_batch([record])
    with_account.records_changed.emit()
    assert tray.state == "alert"
    assert tray.icon.toolTip() == "MailSentry: 1 dangerous message(s) still in your mailboxes"
    tray.open_window()  # seeing it does not make it go away
    assert tray.state == "alert"
    with_account.state.relocate(  # quarantined, as the actions record it
        WORK.id, Location("INBOX", 7, 9), Location("Quarantine", 3, 1),
        place="quarantine", action="quarantine")
    with_account.records_changed.emit()
    assert tray.state == "clear"


def test_words_are_the_english_templates(window, controller):
    assert Tray(controller, window).words() == ENGLISH


# -- a tray (present, never really shown offscreen) --------------------------------


def test_tray_menu_and_close_to_tray_said_once(qtbot, window, controller, tray_exists,
                                               shown):
    tray = Tray(controller, window)
    assert tray.icon is not None
    assert tray.icon.contextMenu() is tray.menu
    assert [a.text() for a in tray.menu.actions()] == [
        "Open MailSentry", "Check now", "Pause", "", "Quit"]
    assert window.keep_running_in_tray
    assert tray.state == "clear"
    assert keys_of(tray) == icon("tray-clear").cacheKey()
    assert tray.icon.toolTip() == "MailSentry: no mail account is watched yet"
    for _ in range(2):
        window.show()
        qtbot.waitExposed(window)
        assert not window.close()  # ignored: hidden in the tray instead
        assert window.isHidden()
    assert shown == [("MailSentry keeps running in the tray",
                      "It goes on watching your mail. To stop it, choose Quit in its menu.")]
    tray.act_open.trigger()
    assert window.isVisible()


def test_icon_follows_errors_alerts_and_pause(window, controller, tray_exists):
    tray = Tray(controller, window)
    controller.error_raised.emit("work@example.com: the password was refused")
    assert tray.state == "error"
    assert keys_of(tray) == icon("tray-error").cacheKey()
    assert "the password was refused" in tray.icon.toolTip()
    tray.act_pause.trigger()
    assert controller.paused
    assert tray.act_pause.isChecked()
    assert (tray.state, keys_of(tray)) == ("paused", icon("tray-paused").cacheKey())
    tray.act_pause.trigger()
    assert not controller.paused
    assert not tray.act_pause.isChecked()
    assert tray.state == "error"
    tray.open_window()  # the banner in the window says it now
    assert tray.state == "clear"
    controller.message_judged.emit(judged("hybris_2001_sims.eml", 3))
    assert (tray.state, keys_of(tray)) == ("alert", icon("tray-alert").cacheKey())


def test_clicking_a_notice_opens_its_message(qtbot, window, with_account, tray_exists,
                                             shown):
    clock = Clock()
    tray = Tray(with_account, window, clock=clock)
    result = judged("hybris_2001_eudora.eml", 5)
    with_account.state.record_batch([MessageRecord(  # quarantined, as the notice says
        WORK.id, "Quarantine", result.source, "dangerous", 18.0, uidvalidity=7, uid=5,
        subject="", sender="", place="quarantine")])
    with_account.records_changed.emit()
    with_account.message_judged.emit(result)
    # The watch quarantines it before the notice is due: the notice says so, and
    # clicking it selects the message where it is now.
    with_account.state.relocate(WORK.id, Location("INBOX", 7, 5), Location("Quarantine", 3, 1),
                                place="quarantine", action="quarantine")
    with_account.records_changed.emit()
    clock.advance(GROUP_S)
    tray.flush()
    assert shown[0][0] == "Dangerous mail"
    assert shown[0][1].startswith("1 dangerous message quarantined in work@example.com\n")
    assert window.banner.isHidden()
    window.verdict_filter.setCurrentIndex(4)  # "Clean": a filter that hides the message
    tray.icon.messageClicked.emit()
    assert window.isVisible()
    (selected,) = window.selected_records()
    assert (selected.folder, selected.first_source) == ("Quarantine", result.source)
    assert tray.state == "clear"


def test_rate_limit_through_the_tray(window, with_account, tray_exists, shown):
    clock = Clock()
    tray = Tray(with_account, window, clock=clock)
    with_account.message_judged.emit(judged("hybris_2001_eudora.eml", 1))
    clock.advance(GROUP_S)
    tray.flush()
    for uid in (2, 3, 4):
        with_account.message_judged.emit(judged("double_extension.eml", uid))
    clock.advance(GROUP_S)
    tray.flush()
    assert len(shown) == 1
    clock.advance(tray.notifier.gap_s)
    tray.flush()
    assert shown[1][1].startswith("3 dangerous messages quarantined in work@example.com\n")


def test_quit_really_quits(window, controller, tray_exists, monkeypatch):
    quits = []
    monkeypatch.setattr(QCoreApplication, "quit", staticmethod(lambda: quits.append(1)))
    tray = Tray(controller, window)
    tray.act_quit.trigger()
    assert quits == [1]
    assert not window.keep_running_in_tray  # so the window closes instead of hiding
