"""Start MailSentry when the user logs in (the ``ui.start_at_login`` setting).

Linux desktops read ``~/.config/autostart/*.desktop`` (XDG Autostart); Windows the
``HKCU\\...\\Run`` registry key; macOS a LaunchAgent. Only the current user's own
entries are written: nothing needs administrator rights.
"""

from __future__ import annotations

import os
import plistlib
import shlex
import sys
from pathlib import Path

NAME = "MailSentry"
_RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


def command() -> list[str]:
    """How to start the desktop app as it is installed now."""
    if getattr(sys, "frozen", False):  # a packaged build: the windowed program beside us
        exe = Path(sys.executable)
        return [str(exe.with_name(f"mailsentry-gui{exe.suffix}"))]
    return [sys.executable, "-m", "app", "gui"]


def desktop_file() -> Path:
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "autostart" / "mailsentry.desktop"


def launch_agent() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / "org.mailsentry.plist"


def set_enabled(enabled: bool) -> None:
    """Create or remove this user's start-at-login entry."""
    if sys.platform == "win32":
        _windows(enabled)
    elif sys.platform == "darwin":
        _write_or_remove(
            launch_agent(),
            plistlib.dumps(
                {"Label": "org.mailsentry", "ProgramArguments": command(), "RunAtLoad": True}
            )
            if enabled
            else None,
        )
    else:
        text = (
            "[Desktop Entry]\nType=Application\nName=MailSentry\n"
            f"Exec={shlex.join(command())}\nIcon=org.mailsentry.MailSentry\n"
            "Comment=Finds dangerous mail before your mail program downloads it\n"
            "X-GNOME-Autostart-enabled=true\n"
        )
        _write_or_remove(desktop_file(), text.encode() if enabled else None)


def is_enabled() -> bool:
    if sys.platform == "win32":
        import winreg  # noqa: PLC0415 - Windows only

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, _RUN_KEY) as key:
                winreg.QueryValueEx(key, NAME)
        except OSError:
            return False
        return True
    if sys.platform == "darwin":
        return launch_agent().exists()
    return desktop_file().exists()


def _write_or_remove(path: Path, content: bytes | None) -> None:
    if content is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _windows(enabled: bool) -> None:
    if sys.platform != "win32":
        return
    import winreg  # noqa: PLC0415 - Windows only

    with winreg.OpenKey(winreg.HKEY_CURRENT_USER, _RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
        if enabled:
            line = " ".join(f'"{part}"' for part in command())
            winreg.SetValueEx(key, NAME, 0, winreg.REG_SZ, line)
        else:
            try:
                winreg.DeleteValue(key, NAME)
            except FileNotFoundError:
                return
