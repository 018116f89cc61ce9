"""Start the desktop app: one QApplication, the translator for the chosen language,
the controller over the services, the main window, the tray."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from app.resources import resource
from app.services import autostart
from app.services.accounts import AccountService
from app.store import paths
from app.store.accounts import AccountStore
from app.store.localcopy import LocalCopies
from app.store.secrets import SecretStore
from app.store.settings import BY_KEY, Settings, SettingsStore
from app.store.state import State
from app.ui.account_dialog import AccountDialog
from app.ui.controller import Controller
from app.ui.icons import icon
from app.ui.main_window import MainWindow
from app.ui.settings_dialog import SettingsDialog
from app.ui.tray import Tray


def language(setting: str) -> str:
    """``en`` or ``ja``: the setting, or the system's language."""
    if setting in ("en", "ja"):
        return setting
    return "ja" if QLocale.system().language() == QLocale.Language.Japanese else "en"


def install_translator(app: QApplication, lang: str) -> QTranslator | None:
    """Load ``resources/translations/mailsentry_<lang>.qm``; English needs none."""
    if lang == "en":
        return None
    qt = QTranslator(app)  # Qt's own words: OK, Cancel, Yes, No, context menus
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
    translator = QTranslator(app)
    if translator.load(str(resource("translations", f"mailsentry_{lang}.qm"))):
        app.installTranslator(translator)
        return translator
    return None


def judging_changed(before: Settings, after: Settings) -> bool:
    """Whether the settings that verdicts depend on (trust, attachment types) changed."""
    return any(
        before[key] != after[key] for key in BY_KEY if key.startswith(("trust.", "extensions."))
    )


def build(app: QApplication) -> tuple[Controller, MainWindow, Tray]:
    """Wire the app together (also used by the tests and the screenshot script)."""
    settings = SettingsStore(paths.settings_path())
    problem = settings.reload()
    accounts = AccountService(AccountStore(paths.accounts_path()), SecretStore)
    state = State(paths.state_path())
    controller = Controller(
        settings, accounts, state, LocalCopies(paths.copies_path()), app
    )
    window = MainWindow(controller)
    tray = Tray(controller, window)
    window.add_account_requested.connect(lambda: AccountDialog(controller, window).exec())

    def edit_settings() -> None:
        before = settings.current
        if SettingsDialog(settings, window).exec():
            controller.start_watching()  # the watches read the settings when they start
            if judging_changed(before, settings.current):
                window.offer_rejudge(
                    controller.records(),
                    window.tr("Judge the {0} listed message(s) again with the new settings?"),
                )
            try:
                autostart.set_enabled(bool(settings.current["ui.start_at_login"]))
            except OSError as error:
                window.show_banner(window.tr("Start at login could not be set: {0}").format(error))

    window.settings_requested.connect(edit_settings)
    if problem is not None:
        window.show_banner(str(problem))
    return controller, window, tray


def run(argv: Sequence[str] | None = None) -> int:
    app = QApplication(list(argv or sys.argv))
    app.setApplicationName("MailSentry")
    app.setDesktopFileName("org.mailsentry.MailSentry")  # matches the installed .desktop
    app.setWindowIcon(icon("mailsentry"))
    probe = SettingsStore(paths.settings_path())
    probe.reload()
    install_translator(app, language(probe.current["ui.language"]))
    controller, window, tray = build(app)
    app.aboutToQuit.connect(controller.shutdown)
    window.show()
    controller.start_watching()
    del tray  # kept alive by its parent
    return app.exec()
