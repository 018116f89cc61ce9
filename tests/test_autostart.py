"""Start at login writes and removes this user's XDG autostart entry (Linux)."""

import configparser
import shlex
import sys

from app.services import autostart


def test_enable_writes_a_desktop_entry_that_starts_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    autostart.set_enabled(True)
    path = tmp_path / "autostart" / "mailsentry.desktop"
    assert autostart.is_enabled() and path.exists()
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(path)
    argv = shlex.split(entry["Desktop Entry"]["Exec"])
    assert argv == [sys.executable, "-m", "app", "gui"]
    autostart.set_enabled(False)
    assert not path.exists() and not autostart.is_enabled()
    autostart.set_enabled(False)  # removing twice is fine
