"""The core, mail, store and services layers import without Qt and without a network."""

import subprocess
import sys

PURE = [
    "app.core.judge",
    "app.core.detectors",
    "app.store.settings",
    "app.services.scan",
    "app.services.report",
    "app.cli",
]


def test_core_imports_without_qt():
    code = (
        "import sys, socket\n"
        "def refuse(*a, **k): raise RuntimeError('network used at import')\n"
        "socket.socket.connect = refuse\n"
        f"for name in {PURE!r}: __import__(name)\n"
        "bad = [m for m in sys.modules if m.startswith('PySide6')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
