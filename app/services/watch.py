"""Watch every configured account: new mail is judged as it arrives and, unless the
user reviews first, flagged mail is acted on at once. Shared by ``mailsentry watch``
and the desktop app (which runs it on its workers).

One thread per watched IMAP folder (IDLE needs its own connection) and one per POP3
account (polling); each reports verdicts, actions and errors through callbacks. No
thread dies silently: whatever escapes one is logged, reported through ``on_error``
(the desktop app shows it in its banner and tray) and retried with backoff.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from app.mail.connect import open_imap
from app.mail.errors import LoginFailed, MailError
from app.mail.imap_reconcile import reconcile_account, sync_quarantine
from app.mail.imap_scan import ServerMessage, scan_folder
from app.mail.imap_session import Connection
from app.mail.imap_watch import watch_folder
from app.mail.pop3 import scan_pop3
from app.services.accounts import AccountService
from app.services.actions import act_on
from app.services.failures import describe
from app.services.scan import Result
from app.services.server_scan import (
    Judged,
    Planned,
    as_result,
    imap_bounds,
    plan,
    pop3_limits,
)
from app.store.accounts import Account, AccountError
from app.store.localcopy import LocalCopies
from app.store.secrets import NoKeyring
from app.store.settings import Settings
from app.store.state import State

log = logging.getLogger(__name__)
#: Backoff after a watch thread failed: first wait, and the longest.
RETRY_FIRST_S, RETRY_MAX_S = 5.0, 300.0


@dataclass
class Watch:
    """Runs the accounts; ``check_once`` for cron-style use, ``start`` to keep going."""

    accounts: list[Account]
    passwords: AccountService
    state: State
    settings: Settings
    copies: LocalCopies
    on_result: Callable[[Result], None] = lambda _: None
    on_action: Callable[[str], None] = lambda _: None
    on_error: Callable[[str], None] = lambda _: None
    #: Called after each complete pass over an account's folder (the first one ends
    #: the mailbox's first scan: notifications start after it).
    on_pass: Callable[[Account], None] = lambda _: None
    #: What a mailbox's first scan would have moved, held for the user (accounts whose
    #: ``first_scan`` is not "act"): nothing moves until the user decides.
    on_held: Callable[[Account, list[Planned]], None] = lambda *_: None
    threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _password(self, account: Account) -> str:
        return self.passwords.password(account)

    def _handle(self, account: Account, messages: Sequence[Judged], *, first: bool) -> None:
        for message in messages:
            self.on_result(as_result(message))
        if self.settings["actions.review_first"]:
            return
        planned = plan(messages, self.settings, account, state=self.state)
        if planned and first and account.first_scan != "act":
            self.on_held(account, planned)
            return
        if planned:
            password = self._password(account)
            with self._lock:  # the journal shares the state file's one connection
                lines = act_on(account, password, planned, self.state, self.copies)
            for line in lines:
                self.on_action(line)

    def _scan_imap(self, account: Account, folder: str, connection: Connection) -> None:
        rules = self.settings.rules(me=account.address or None)
        with self._lock:  # one state writer at a time
            # The model first learns what left (another program), then what is new.
            reconcile_account(connection.client, self.state, account)
            first = self.state.checkpoint(account.id, folder) is None
            messages: list[ServerMessage] = scan_folder(
                connection, account, folder, self.state, rules
            )
            if account.quarantine not in account.folders:
                sync_quarantine(connection, self.state, account, rules)
        self._handle(account, messages, first=first)
        self.on_pass(account)

    def check_once(self) -> bool:
        """Scan every account's new mail once; True if any account failed."""
        failed = False
        for account in self.accounts:
            try:
                if account.protocol == "imap":
                    opener = partial(open_imap, account, self._password(account))
                    connection = Connection.open(opener)
                    try:
                        for folder in account.folders:
                            self._scan_imap(account, folder, connection)
                    finally:
                        connection.close()
                else:
                    self._scan_pop3(account)
            except MailError as error:
                self.on_error(f"{account.label}: {error.user_message}")
                failed = True
            except (AccountError, NoKeyring) as error:  # the next account still runs
                self.on_error(f"{account.label}: {error}")
                failed = True
            except Exception as error:  # one account never stops the others
                log.exception("checking %s failed", account.label)
                self.on_error(f"{account.label}: {describe(error)}")
                failed = True
        return failed

    def _scan_pop3(self, account: Account) -> None:
        rules = self.settings.rules(me=account.address or None)
        with self._lock:
            first = not self.state.seen_uidls(account.id)
            results = scan_pop3(
                account,
                self._password(account),
                self.state,
                rules,
                limits=pop3_limits(self.settings),
            )
        self._handle(account, results, first=first)  # POP3 mail is acted on as IMAP mail is
        self.on_pass(account)

    def start(self, stop: threading.Event) -> None:
        """Start a thread per IMAP folder and per POP3 account."""
        for account in self.accounts:
            if account.protocol == "imap":
                for folder in account.folders:
                    self._spawn(self._watch_imap, account, folder, stop=stop)
            else:
                self._spawn(self._poll_pop3, account, stop=stop)

    def _spawn(
        self, target: Callable[..., None], account: Account, *args: object, stop: threading.Event
    ) -> None:
        """Run ``target(account, *args, stop)`` on a thread of its own, supervised."""
        thread = threading.Thread(
            target=self._supervise, args=(target, account, (*args, stop), stop), daemon=True
        )
        thread.start()
        self.threads.append(thread)

    def _supervise(
        self,
        target: Callable[..., None],
        account: Account,
        args: tuple[object, ...],
        stop: threading.Event,
    ) -> None:
        """Run ``target`` until it returns; when it fails, say so and start it again
        after a growing wait, so a bug or a hostile server never ends the watch."""
        wait = RETRY_FIRST_S
        while not stop.is_set():
            started = time.monotonic()
            try:
                target(account, *args)
                return
            except Exception as error:  # report, then retry
                log.exception("watching %s failed", account.label)
                self.on_error(f"{account.label}: {describe(error)}; trying again in {wait:.0f} s")
            if time.monotonic() - started > RETRY_MAX_S:
                wait = RETRY_FIRST_S  # it ran well for a while: this is a new failure
            if stop.wait(wait):
                return
            wait = min(wait * 2, RETRY_MAX_S)

    def _watch_imap(self, account: Account, folder: str, stop: threading.Event) -> None:
        def report(error: MailError) -> None:
            self.on_error(f"{account.label} {folder}: {error.user_message}")

        try:
            watch_folder(
                lambda: open_imap(
                    account, self._password(account), bounds=imap_bounds(self.settings)
                ),
                folder,
                lambda connection: self._scan_imap(account, folder, connection),
                stop,
                poll_seconds=float(self.settings["watch.poll_seconds"]),
                on_error=report,
            )
        except (AccountError, NoKeyring) as error:  # no password: retrying cannot help
            self.on_error(f"{account.label} {folder}: {error}")

    def _poll_pop3(self, account: Account, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self._scan_pop3(account)
            except LoginFailed as error:
                self.on_error(f"{account.label}: {error.user_message}")
                return
            except (AccountError, NoKeyring) as error:
                self.on_error(f"{account.label}: {error}")
                return
            except MailError as error:
                self.on_error(f"{account.label}: {error.user_message}")
            stop.wait(float(self.settings["watch.poll_seconds"]))
