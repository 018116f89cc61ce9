"""MailSentry's own files are the owner's only: the data and config folders 0700, the
state file (with sqlite's -wal and -shm), the accounts file and the settings 0600,
also when they were left wider before."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import main
from app.store import paths
from app.store.accounts import Account, AccountStore
from app.store.localcopy import LocalCopies
from app.store.settings import SettingsStore, defaults
from app.store.state import State


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A MAILSENTRY_HOME, with the usual umask that leaves new files world-readable."""
    monkeypatch.setenv("MAILSENTRY_HOME", str(tmp_path / "home"))
    old = os.umask(0o022)
    yield tmp_path / "home"
    os.umask(old)


def test_new_files_are_private(home: Path) -> None:
    state = State(paths.state_path())
    state.forget_uidls("acct", keep=set())  # a write: sqlite makes its -wal and -shm
    try:
        AccountStore(paths.accounts_path()).add(
            Account(
                id="a", protocol="imap", host="127.0.0.1", port=143, security="plain", username="u"
            )
        )
        SettingsStore(paths.settings_path()).save(defaults().values)
        LocalCopies(paths.copies_path()).save("acct", b"Subject: x\r\n\r\n")
        data, config = home / "data", home / "config"
        folders = [data, config, data / "local-copies", data / "local-copies" / "acct"]
        assert [mode(f) for f in folders] == [0o700] * 4
        files = [f for f in (*data.iterdir(), *config.iterdir()) if f.is_file()]
        names = {f.name for f in files}
        assert {"state.sqlite3", "state.sqlite3-wal", "state.sqlite3-shm"} <= names
        assert {"accounts.json", "settings.toml"} <= names
        assert {f.name: mode(f) for f in files} == dict.fromkeys(names, 0o600)
    finally:
        state.close()


def test_wider_folders_and_files_are_tightened_on_start(home: Path) -> None:
    data, config = home / "data", home / "config"
    for folder in (data, config):
        folder.mkdir(parents=True, mode=0o755)
        folder.chmod(0o755)
    left_wide = [
        data / "state.sqlite3",
        data / "state.sqlite3-wal",
        config / "accounts.json",
        config / "settings.toml",
    ]
    for path in left_wide:
        path.write_bytes(b"")
        path.chmod(0o644)
    (config / "accounts.json").write_text('{"accounts": []}')

    out, err = io.StringIO(), io.StringIO()
    assert main(["accounts", "list"], out=out, err=err) == 0, err.getvalue()
    state = State(paths.state_path())
    try:
        assert (mode(data), mode(config)) == (0o700, 0o700)
        assert {p.name: mode(p) for p in left_wide} == {p.name: 0o600 for p in left_wide}
    finally:
        state.close()
