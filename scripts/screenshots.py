"""Take the README's screenshots of the real app on a virtual X screen (Xvfb).

    .venv/bin/python scripts/screenshots.py [OUTPUT_DIR]

Starts its own Xvfb, runs the app on Qt's xcb platform with a throw-away
MAILSENTRY_HOME, and saves, at the window's default size: the welcome page, the main
window with a dangerous message of the demo mailbox selected, the text preview of an
HTML message, the add-account dialog, the settings, and the main window in Japanese
with a Japanese message's text.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

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

    from app.ui.account_dialog import AccountDialog
    from app.ui.app import build, install_translator
    from app.ui.message_model import RECORD_ROLE
    from app.ui.settings_dialog import SettingsDialog

    lang = os.environ["MAILSENTRY_SHOT_LANG"]
    app = QApplication([sys.argv[0]])
    install_translator(app, lang)
    controller, window, _tray = build(app)
    window.show()  # at its default size: what a new user sees first
    if lang == "en":
        window.grab().save(str(out / "welcome.png"))
    window.open_demo()

    def select(name: str) -> None:
        window.table.clearSelection()
        for row in range(window.proxy.rowCount()):
            if window.proxy.index(row, 0).data(RECORD_ROLE).source.endswith(name):
                window.table.selectRow(row)

    def previewed() -> bool:
        return window.preview.text.toPlainText() != ""

    def main_window() -> None:
        if lang == "en":
            select("hybris_2001_eudora.eml")
            app.processEvents()
            window.grab().save(str(out / "main-window.png"))
        select("japanese_iso2022jp_xlsx.eml" if lang == "ja" else "html_parcel_notice.eml")
        when(previewed, preview)

    def preview() -> None:
        app.processEvents()
        window.grab().save(str(out / ("main-window-ja.png" if lang == "ja" else "preview.png")))
        if lang == "en":
            dialog = AccountDialog(controller, window)
            dialog.show()
            app.processEvents()
            dialog.grab().save(str(out / "account-dialog.png"))
            dialog.close()
            settings = SettingsDialog(controller.settings, window)
            settings.tabs.setCurrentIndex(2)  # Actions
            settings.show()
            app.processEvents()
            settings.grab().save(str(out / "settings.png"))
            settings.close()
        controller.shutdown()
        app.quit()

    when(lambda: window.model.rowCount() > 0, main_window)
    return app.exec()


def when(ready: Callable[[], bool], then: Callable[[], None]) -> None:
    """Run ``then`` once ``ready()`` is true, looking every 100 ms."""
    from PySide6.QtCore import QTimer

    if ready():
        then()
    else:
        QTimer.singleShot(100, lambda: when(ready, then))


if __name__ == "__main__":
    raise SystemExit(main())
