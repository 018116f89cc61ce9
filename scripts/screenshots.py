"""Take the README's screenshots of the real app on a virtual X screen (Xvfb).

    .venv/bin/python scripts/screenshots.py [OUTPUT_DIR]

Starts its own Xvfb, runs the app on Qt's xcb platform with a throw-away
MAILSENTRY_HOME, and saves, at the window's default size: the welcome page, the main
window with the demo mailbox's dangerous mail quarantined and its quarantine open, the
text preview of an HTML message, the add-account dialog, the settings, and the main
window in Japanese with a Japanese message's text.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    out.mkdir(parents=True, exist_ok=True)
    if os.environ.get("MAILSENTRY_SHOT_CHILD"):
        return shoot(out)
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
    )
    os.close(write_fd)
    try:
        display = os.read(read_fd, 16).decode().strip()
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "DISPLAY": f":{display}", "QT_QPA_PLATFORM": "xcb",
                   "MAILSENTRY_HOME": home, "MAILSENTRY_SHOT_CHILD": "1"}
            for lang in ("en", "ja"):
                done = subprocess.run([sys.executable, __file__, str(out)],
                                      env={**env, "MAILSENTRY_SHOT_LANG": lang}, check=False)
                if done.returncode:
                    return done.returncode
    finally:
        xvfb.terminate()
        xvfb.wait()
    return 0


def shoot(out: Path) -> int:
    """In the child: build the app, open the demo mailbox, grab the windows step by step
    (each step waits for what it shows: the list, the fetched text preview)."""
    sys.path.insert(0, str(ROOT))
    from PySide6.QtWidgets import QApplication

    from app.ui.app import build, install_translator

    lang = os.environ["MAILSENTRY_SHOT_LANG"]
    app = QApplication([sys.argv[0]])
    install_translator(app, lang)
    controller, window, _tray = build(app)
    window.show()  # at its default size: what a new user sees first
    if lang == "en":
        window.grab().save(str(out / "welcome.png"))
    window.open_demo()
    steps = Steps(out, lang, app, controller, window)
    when(lambda: window.model.rowCount() > 0, steps.main_window)
    return app.exec()


class Steps:
    """The shots after the demo mailbox is listed, each once what it shows is there."""

    def __init__(self, out: Path, lang: str, app: Any, controller: Any, window: Any) -> None:
        self.out, self.lang, self.app = out, lang, app
        self.controller, self.window = controller, window

    def select(self, name: str) -> None:
        from app.ui.message_model import RECORD_ROLE

        table, proxy = self.window.table, self.window.proxy
        table.clearSelection()
        for row in range(proxy.rowCount()):
            if proxy.index(row, 0).data(RECORD_ROLE).source.endswith(name):
                table.selectRow(row)

    def grab(self, widget: Any, name: str) -> None:
        self.app.processEvents()
        widget.grab().save(str(self.out / name))

    def main_window(self) -> None:
        """English: the dangerous mail quarantined, the quarantine open (where it is)."""
        from app.ui.controller import DEMO

        if self.lang != "en":
            self.texts()
            return
        dangerous = [r for r in self.controller.demo if r.verdict == "dangerous"]
        self.controller.act("quarantine", dangerous)
        self.window.show_folder(DEMO, "Quarantine")
        self.select("hybris_2001_eudora.eml")
        preview = self.window.preview
        when(lambda: preview.note.text() != preview.tr("Fetching the text…"), self.quarantine)

    def quarantine(self) -> None:
        self.grab(self.window, "main-window.png")
        self.window.show_folder(None, None)
        self.texts()

    def texts(self) -> None:
        """A message's text: an HTML notice in English, a Japanese message in Japanese."""
        japanese = self.lang == "ja"
        self.select("japanese_iso2022jp_xlsx.eml" if japanese else "html_parcel_notice.eml")
        when(lambda: self.window.preview.text.toPlainText() != "", self.dialogs)

    def dialogs(self) -> None:
        from app.ui.account_dialog import AccountDialog
        from app.ui.settings_dialog import SettingsDialog

        japanese = self.lang == "ja"
        self.grab(self.window, "main-window-ja.png" if japanese else "preview.png")
        if not japanese:
            dialog = AccountDialog(self.controller, self.window)
            dialog.show()
            self.grab(dialog, "account-dialog.png")
            dialog.close()
            settings = SettingsDialog(self.controller.settings, self.window)
            settings.tabs.setCurrentIndex(2)  # Actions
            settings.show()
            self.grab(settings, "settings.png")
            settings.close()
        self.controller.shutdown()
        self.app.quit()


def when(ready: Callable[[], bool], then: Callable[[], None]) -> None:
    """Run ``then`` once ``ready()`` is true, looking every 100 ms."""
    from PySide6.QtCore import QTimer

    if ready():
        then()
    else:
        QTimer.singleShot(100, lambda: when(ready, then))


if __name__ == "__main__":
    raise SystemExit(main())
