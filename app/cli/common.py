"""What every subcommand shares: settings, the stores, passwords, and exit codes."""

from __future__ import annotations

import getpass
import sys
from functools import cached_property
from pathlib import Path
from typing import TextIO

from app.core import names
from app.services.accounts import AccountService
from app.store import paths, settings
from app.store.accounts import AccountStore
from app.store.localcopy import LocalCopies
from app.store.secrets import SecretStore
from app.store.state import State

EXIT_CLEAN, EXIT_DANGEROUS, EXIT_ERROR = 0, 1, 2


class Env:
    """The command's surroundings, built on first use (no keyring touched by a file
    scan, no state file created by ``explain``)."""

    def __init__(self, settings_path: Path, out: TextIO, err: TextIO) -> None:
        self.out, self.err = out, err
        self.settings = settings.SettingsStore(settings_path)
        self.settings_problem = self.settings.reload()
        if self.settings_problem is not None:
            self.say(f"settings not used: {self.settings_problem}; using the defaults instead")

    def say(self, text: str) -> None:
        """One line on stderr; server and error text is escaped (see `show`)."""
        print(f"mailsentry: {names.escape(text)}", file=self.err, flush=True)

    def show(self, text: str) -> None:
        """One line on stdout, with control and escape characters from a server or a
        message escaped, so nothing it sends can drive the terminal."""
        print(names.escape(text), file=self.out, flush=True)

    @cached_property
    def accounts(self) -> AccountService:
        return AccountService(AccountStore(paths.accounts_path()), SecretStore)

    @cached_property
    def state(self) -> State:
        return State(paths.state_path())

    @cached_property
    def copies(self) -> LocalCopies:
        return LocalCopies(paths.copies_path())

    def prompt(self) -> object:
        """A password prompt when a person is at the terminal, else None."""
        return getpass.getpass if sys.stdin is not None and sys.stdin.isatty() else None
