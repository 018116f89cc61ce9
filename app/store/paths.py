"""Where MailSentry keeps its files on each platform (overridable for tests)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "mailsentry"


def config_dir() -> Path:
    """Settings live here: ``$MAILSENTRY_HOME/config`` or the platform's config dir."""
    return _base("config", "XDG_CONFIG_HOME", ".config")


def data_dir() -> Path:
    """State, journal and local copies of quarantined mail live here."""
    return _base("data", "XDG_DATA_HOME", ".local/share")


def settings_path() -> Path:
    return config_dir() / "settings.toml"


def _base(kind: str, xdg_var: str, xdg_default: str) -> Path:
    home = os.environ.get("MAILSENTRY_HOME")
    if home:
        return Path(home) / kind
    if sys.platform == "win32":
        root = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
        return Path(root) / "MailSentry" / kind
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "MailSentry" / kind
    return Path(os.environ.get(xdg_var) or Path.home() / xdg_default) / APP
