"""The tray icon: MailSentry's state at a glance (all clear, dangerous mail, an error,
paused), a small menu, and notifications that only dangerous mail earns.

What is told and when is `app.services.notify`'s business; this module shows it. Where
the desktop has no tray, notices go to the window's banner instead, and closing the
window quits as usual.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app.av.signatures import AntivirusStatus, detect
from app.core import names
from app.core.findings import Level
from app.services.notify import (
    Clock,
    Flagged,
    Notice,
    Notifier,
    Words,
    account_for,
    scanned_before,
    signature_age,
    taken_action,
    utc_now,
)
from app.services.scan import Result
from app.store.accounts import Account
from app.ui.controller import DEMO, Controller
from app.ui.icons import icon
from app.ui.main_window import MainWindow

#: The controller worker that reads the antivirus status (PowerShell can take seconds).
ANTIVIRUS_WORKER = "antivirus"
#: The status is read again this often: signatures are updated while MailSentry runs.
ANTIVIRUS_RECHECK_MS = 6 * 60 * 60 * 1000
NOTICE_MS = 20_000


class Tray(QObject):
    """The tray icon, if there is a tray, and the notifications; a child of the window."""

    def __init__(
        self, controller: Controller, window: MainWindow, *, clock: Clock = utc_now
    ) -> None:
        super().__init__(window)
        self.controller = controller
        self.window = window
        self._accounts = controller.account_list()
        # Mailboxes an earlier run scanned are past their first scan already.
        self._scanned_before = {a.id for a in self._accounts if scanned_before(controller.state, a)}
        self.notifier = Notifier(
            lambda: controller.settings.current,
            self._first_scan_done,
            clock=clock,
            words=self.words(),
            locate=controller.state.find_source,  # told as it is when shown
        )
        self.error: str | None = None
        self.alert = False
        self._open_on_click: str | None = None
        self._told_about_tray = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)
        self.menu = QMenu(window)
        self.act_open = self._action(self.tr("Open MailSentry"), self.open_window)
        self.act_check = self._action(self.tr("Check now"), controller.check_now)
        self.act_pause = self._action(self.tr("Pause"), self.toggle_pause)
        self.act_pause.setCheckable(True)
        self.menu.addSeparator()
        self.act_quit = self._action(self.tr("Quit"), self.quit)
        self.icon: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.icon = QSystemTrayIcon(self)
            self.icon.setContextMenu(self.menu)
            self.icon.activated.connect(self._activated)
            self.icon.messageClicked.connect(self._message_clicked)
            window.keep_running_in_tray = True
            window.closed_to_tray.connect(self._closed_to_tray)
        controller.message_judged.connect(self.judged)
        controller.error_raised.connect(self._error)
        #: Dangerous messages still in a mailbox (see `_records_changed`).
        self.waiting = 0
        controller.records_changed.connect(self._records_changed)  # a view of the model
        self._records_changed()
        if self.icon is not None:
            self.icon.show()
        self._recheck = QTimer(self)
        self._recheck.setInterval(ANTIVIRUS_RECHECK_MS)
        self._recheck.timeout.connect(self.detect_antivirus)
        self._recheck.start()
        self.detect_antivirus()

    def _action(self, text: str, slot: Callable[[], object]) -> QAction:
        made = QAction(text, self.menu)
        made.triggered.connect(slot)
        self.menu.addAction(made)
        return made

    def words(self) -> Words:
        """The notice's sentences through ``tr``; untranslated, they equal
        `app.services.notify.ENGLISH` (a test keeps the two the same)."""
        return Words(
            dangerous_mail=self.tr("Dangerous mail"),
            suspicious_mail=self.tr("Suspicious mail"),
            dangerous_one=self.tr("1 dangerous message"),
            dangerous_many=self.tr("{n} dangerous messages"),
            suspicious_one=self.tr("1 suspicious message"),
            suspicious_many=self.tr("{n} suspicious messages"),
            quarantined=self.tr("{what} quarantined in {account}"),
            deleted=self.tr("{what} deleted from {account} (MailSentry keeps a copy)"),
            found=self.tr("{what} in {folder} of {account}"),
            do_not_open=self.tr("Do not open the attachments."),
            update=self.tr("Update your antivirus and scan before opening anything."),
            age_today=self.tr("{product} signatures are from today."),
            age_one=self.tr("{product} signatures are 1 day old."),
            age_many=self.tr("{product} signatures are {days} days old."),
            version=self.tr("{product} signatures are version {version}."),
            unknown=self.tr("Your antivirus could not be checked."),
        )

    # -- state ---------------------------------------------------------------------
    @property
    def state(self) -> str:
        """What the icon shows: "paused", "error", "alert" or "clear"."""
        if self.controller.paused:
            return "paused"
        if self.error is not None:
            return "error"
        return "alert" if self.alert or self.waiting else "clear"

    @Slot()
    def _records_changed(self) -> None:
        """Count the dangerous messages still in a watched mailbox (not quarantined,
        not deleted), from the list the window shows: the icon is never "all clear"
        while there are any."""
        self.waiting = sum(
            r.verdict == "dangerous" and r.place == "folder" and r.account != DEMO
            for r in self.window.model.records()
        )
        self.refresh()

    def refresh(self) -> None:
        """Bring the icon, its tooltip and the Pause item in line with the state."""
        self.act_pause.setChecked(self.controller.paused)
        if self.icon is None:
            return
        state = self.state
        alert = self.tr("MailSentry found dangerous mail")
        if self.waiting:
            alert = self.tr("MailSentry: {0} dangerous message(s) still in your mailboxes")
        clear = self.tr("MailSentry: all clear")
        if not self.controller.account_list():
            clear = self.tr("MailSentry: no mail account is watched yet")
        tips = {
            "paused": self.tr("MailSentry is paused"),
            "error": self.tr("MailSentry: {0}").format(_no_markup(self.error or "")),
            "alert": alert.format(self.waiting),
            "clear": clear,
        }
        self.icon.setIcon(icon(f"tray-{state}"))
        self.icon.setToolTip(tips[state])

    def _first_scan_done(self, account_id: str) -> bool:
        return account_id in self.controller.first_scan_done or (account_id in self._scanned_before)

    def _account(self, source: str) -> Account | None:
        """The message's account, reading the account list again for one just added."""
        found = account_for(source, self._accounts)
        if found is None:
            self._accounts = self.controller.account_list()
            found = account_for(source, self._accounts)
        return found

    # -- from the controller -------------------------------------------------------
    @Slot(object)
    def judged(self, result: Result) -> None:
        """A watch or check judged a message: maybe an alert, maybe a notice."""
        verdict = result.verdict
        if verdict is None or verdict.level is Level.CLEAN:
            return
        if verdict.level is Level.DANGEROUS:
            self.alert = True
            self.refresh()
        account = self._account(result.source)
        if account is None:
            return
        action = taken_action(self.controller.settings.current, account, verdict.level)
        self.notifier.add(Flagged(account.id, account.label, result.source, verdict.level, action))
        self._schedule()

    @Slot(str)
    def _error(self, text: str) -> None:
        self.error = text
        self.refresh()

    # -- notices -------------------------------------------------------------------
    def _schedule(self) -> None:
        wait = self.notifier.wait_s()
        if wait is None:
            self._timer.stop()
        else:
            self._timer.start(math.ceil(wait * 1000))

    @Slot()
    def flush(self) -> None:
        """Show the notice that is due, if any, and wait for the next one."""
        notice = self.notifier.due()
        if notice is not None:
            self.show_notice(notice)
        self._schedule()

    def show_notice(self, notice: Notice) -> None:
        """In the tray, where clicking it opens the message; else in the window."""
        if self.icon is None:
            self.window.show_banner(f"{notice.title}\n{notice.text}")
            return
        self._open_on_click = notice.source_to_open
        self.icon.showMessage(
            notice.title, notice.text, QSystemTrayIcon.MessageIcon.Warning, NOTICE_MS
        )

    @Slot()
    def _message_clicked(self) -> None:
        source = self._open_on_click
        self.open_window()
        if source is not None:
            self.window.show_record(source)

    @Slot()
    def _closed_to_tray(self) -> None:
        """Say once that closing the window did not stop MailSentry."""
        if self._told_about_tray or self.icon is None:
            return
        self._told_about_tray = True
        self._open_on_click = None
        self.icon.showMessage(
            self.tr("MailSentry keeps running in the tray"),
            self.tr("It goes on watching your mail. To stop it, choose Quit in its menu."),
            QSystemTrayIcon.MessageIcon.Information,
            NOTICE_MS,
        )

    # -- the menu ------------------------------------------------------------------
    @Slot()
    def open_window(self) -> None:
        """Show the window; what the icon was warning about is seen now."""
        self.alert = False
        self.error = None
        self.refresh()
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    @Slot(QSystemTrayIcon.ActivationReason)
    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_window()

    @Slot()
    def toggle_pause(self) -> None:
        """Stop watching, or start again."""
        self.controller.paused = not self.controller.paused
        if self.controller.paused:
            self.controller.stop_watching()
        else:
            self.controller.start_watching()
        self.refresh()

    @Slot()
    def quit(self) -> None:
        """Quit for real: the window must not hide itself in the tray this time."""
        self.window.keep_running_in_tray = False
        QCoreApplication.quit()

    # -- antivirus -----------------------------------------------------------------
    @Slot()
    def detect_antivirus(self) -> None:
        """Read the signatures' age on a worker: never on the GUI thread."""

        def job() -> tuple[AntivirusStatus, bool]:
            return detect(), shutil.which("freshclam") is not None

        self.controller.run(ANTIVIRUS_WORKER, job, self._antivirus_found)

    def _antivirus_found(self, found: tuple[AntivirusStatus, bool]) -> None:
        status, clamav_installed = found
        self.notifier.antivirus = status
        note = signature_age(status, self.notifier.clock(), self.notifier.words)
        if status.product is None:
            note += " " + (
                self.tr(
                    "ClamAV is installed but has no signatures yet: update them "
                    "(sudo freshclam), then scan."
                )
                if clamav_installed
                else self.tr("If you have no antivirus, install one and keep it up to date.")
            )
        self.window.risk.antivirus_note = note


def _no_markup(text: str) -> str:
    """Server text for the tray's tooltip, which some desktops render as HTML and
    others not (so escaping would show as ``&lt;`` there): without ``<`` no markup can
    start, and hidden characters are shown escaped."""
    return names.escape(text).replace("<", "\u2039").replace(">", "\u203a")
