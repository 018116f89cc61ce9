"""Where MailSentry keeps its files on each platform (overridable for tests), and
keeping them private: the state file holds every sender, subject and header line
judged, the accounts file the servers and user names, so the data and config folders
are the owner's only (0700) and so are their files (0600), also when an older version
or another program left them wider.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PRIVATE_FOLDER, PRIVATE_FILE = 0o700, 0o600

APP = "mailsentry"


def config_dir() -> Path:
    """Settings live here: ``$MAILSENTRY_HOME/config`` or the platform's config dir."""
    return _base("config", "XDG_CONFIG_HOME", ".config")


def data_dir() -> Path:
    """State, journal and local copies of quarantined mail live here."""
    return _base("data", "XDG_DATA_HOME", ".local/share")


def settings_path() -> Path:
    return config_dir() / "settings.toml"


def accounts_path() -> Path:
    """The accounts file, in the config folder made private."""
    return private_folder(config_dir()) / "accounts.json"


def state_path() -> Path:
    """The state file, in the data folder made private. It is created 0600 before
    sqlite opens it, since sqlite gives its ``-wal`` and ``-shm`` files the database's
    mode."""
    path = private_folder(data_dir()) / "state.sqlite3"
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE))
    return path


def copies_path() -> Path:
    """The folder of local copies of deleted mail (one private subfolder per account)."""
    return private_folder(private_folder(data_dir()) / "local-copies")


def private_folder(folder: Path) -> Path:
    """``folder``, created if missing, with it and the files directly in it tightened
    to the owner only."""
    folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    _tighten(folder, PRIVATE_FOLDER)
    for entry in folder.iterdir():
        if entry.is_file() and not entry.is_symlink():
            _tighten(entry, PRIVATE_FILE)
    return folder


def write_private(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically, as a file only its owner can read."""
    path.parent.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    _tighten(tmp, PRIVATE_FILE)  # an old .tmp keeps its mode through O_CREAT
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    tmp.replace(path)


def _tighten(path: Path, mode: int) -> None:
    """Take away what ``mode`` does not grant (POSIX modes only; Windows keeps its
    per-user profile folders private by their ACLs)."""
    if sys.platform == "win32":
        return
    current = path.stat().st_mode & 0o777
    if current & ~mode:
        path.chmod(current & mode)


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
