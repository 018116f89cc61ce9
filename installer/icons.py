"""Render resources/icons/mailsentry.svg into the icon files installers want.

    python installer/icons.py OUTDIR   ->  OUTDIR/mailsentry.ico (Windows .exe, 256 px)
                                           OUTDIR/mailsentry.icns (macOS .app, 1024 px)

Qt does the rendering and writing (the SVG icon engine, the ico/icns image formats of the
PySide6 wheel), so the SVG stays the only copy of the icon. Called by mailsentry.spec on
Windows and macOS; runs anywhere (offscreen).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication, QIcon

SVG = Path(__file__).resolve().parent.parent / "resources" / "icons" / "mailsentry.svg"


def main(out: Path) -> int:
    app = QGuiApplication([sys.argv[0]])
    icon = QIcon(str(SVG))
    out.mkdir(parents=True, exist_ok=True)
    for name, fmt, size in (
        ("mailsentry.ico", "ICO", 256),
        ("mailsentry.icns", "ICNS", 1024),
    ):
        image = icon.pixmap(QSize(size, size)).toImage()
        if image.isNull() or not image.save(str(out / name), fmt):
            print(f"icons.py: could not write {out / name}", file=sys.stderr)
            return 1
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
