"""A real Controller over real stores in a temporary MAILSENTRY_HOME."""

import pytest

from app.services.accounts import AccountService
from app.store import paths
from app.store.accounts import AccountStore
from app.store.localcopy import LocalCopies
from app.store.secrets import SecretStore
from app.store.settings import SettingsStore
from app.store.state import State
from app.ui.controller import Controller


@pytest.fixture
def controller(qapp, tmp_path, monkeypatch):
    monkeypatch.setenv("MAILSENTRY_HOME", str(tmp_path / "home"))
    settings = SettingsStore(paths.settings_path())
    settings.reload()
    made = Controller(
        settings,
        AccountService(AccountStore(paths.config_dir() / "accounts.json"), SecretStore),
        State(paths.data_dir() / "state.sqlite3"),
        LocalCopies(paths.data_dir() / "local-copies"),
    )
    yield made
    made.shutdown()
