"""Take the README's screenshots of the real app on a virtual X screen (Xvfb).

    .venv/bin/python scripts/screenshots.py [OUTPUT_DIR]

Starts its own Xvfb, runs the app on Qt's xcb platform with a throw-away
MAILSENTRY_HOME, and saves: the welcome page, the main window with a dangerous message
of the demo mailbox selected, the add-account dialog, and the main window in Japanese.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
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
    """In the child: build the app, wait for the demo mailbox, grab the windows."""
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.ui.account_dialog import AccountDialog
    from app.ui.app import build, install_translator
    from app.ui.message_model import RECORD_ROLE

    lang = os.environ["MAILSENTRY_SHOT_LANG"]
    app = QApplication([sys.argv[0]])
    install_translator(app, lang)
    controller, window, _tray = build(app)
    window.resize(1360, 820)
    window.show()
    if lang == "en":
        window.grab().save(str(out / "welcome.png"))
    window.open_demo()

    def select_and_grab() -> None:
        if window.model.rowCount() == 0:
            QTimer.singleShot(100, select_and_grab)
            return
        for row in range(window.proxy.rowCount()):
            record = window.proxy.index(row, 0).data(RECORD_ROLE)
            if record.source.endswith("hybris_2001_eudora.eml"):
                window.table.selectRow(row)
        app.processEvents()
        suffix = "" if lang == "en" else f"-{lang}"
        window.grab().save(str(out / f"main-window{suffix}.png"))
        if lang == "en":
            dialog = AccountDialog(controller, window)
            dialog.show()
            app.processEvents()
            dialog.grab().save(str(out / "account-dialog.png"))
            dialog.close()
        controller.shutdown()
        app.quit()

    QTimer.singleShot(300, select_and_grab)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
