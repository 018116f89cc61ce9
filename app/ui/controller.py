"""The GUI's link to the services: it owns one serial worker per account, runs every
network job there, and tells the windows what changed through signals.

The services it calls are the CLI's; nothing here decides anything about mail.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

from app.core.preview import Preview
from app.mail.errors import MailError
from app.resources import resource
from app.services import failures
from app.services.accounts import AccountService
from app.services.actions import act_on_records, undo_last
from app.services.places import rescan, trust_senders
from app.services.preview import preview_record
from app.services.scan import scan_paths
from app.services.watch import Watch
from app.store.accounts import Account
from app.store.localcopy import LocalCopies
from app.store.records import message_record
from app.store.settings import SettingsStore
from app.store.state import MessageRecord, State
from app.ui.tasks import SerialWorker

DEMO = "demo"


class Controller(QObject):
    """State of the running app; every slow thing happens on a worker."""

    records_changed = Signal()
    message_judged = Signal(object)  # Result, from a watch (for the tray)
    scan_started = Signal(str)  # account id
    scan_finished = Signal(str)  # account id
    pass_finished = Signal(str)  # account id: a watch went over its mailbox once more
    action_finished = Signal(list)  # lines, one per message
    error_raised = Signal(str)
    #: An account's first scan found mail to move and held it: account id, and
    #: (source, action) for each message.
    first_scan_held = Signal(str, list)

    def __init__(
        self,
        settings: SettingsStore,
        accounts: AccountService,
        state: State,
        copies: LocalCopies,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.accounts = accounts
        self.state = state
        self.copies = copies
        self.demo: list[MessageRecord] = []
        #: The demo mailbox before its last action, for undo.
        self._demo_before: list[MessageRecord] | None = None
        self._workers: dict[str, SerialWorker] = {}
        self._stop = threading.Event()
        self._closed = threading.Event()
        self.paused = False
        self.first_scan_done: set[str] = set()
        #: Messages with an action under way: their rows say so.
        self.working: set[str] = set()
        self.pass_finished.connect(self._passed)

    # -- what there is -------------------------------------------------------------
    def account_list(self) -> list[Account]:
        return self.accounts.store.load()

    def labels(self) -> dict[str, str]:
        labels = {a.id: a.label for a in self.account_list()}
        labels[DEMO] = self.tr("Demo mailbox")
        return labels

    def records(self) -> list[MessageRecord]:
        return self.state.messages() + self.demo

    def worker(self, key: str) -> SerialWorker:
        if key not in self._workers:
            self._workers[key] = SerialWorker(key)
        return self._workers[key]

    def run(
        self,
        key: str,
        job: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``job`` on ``key``'s worker; errors go to ``failed``, else `error_raised`.
        Nothing runs once the app is shutting down (a timer may still fire)."""
        if self._closed.is_set():
            return
        self.worker(key).submit(job, done, failed or self._report, self)

    def _report(self, error: BaseException) -> None:
        self.error_raised.emit(failures.describe(error))

    def preview(
        self,
        record: MessageRecord,
        done: Callable[[Preview], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """Fetch ``record``'s text preview on its account's worker (the demo's: its file)."""

        def job() -> Preview:
            if record.account == DEMO:
                return preview_record(None, "", record)
            account = self.accounts.store.get(record.account)
            return preview_record(account, self.accounts.password(account), record)

        self.run(record.account, job, done, failed)

    # -- the demo mailbox ----------------------------------------------------------
    def open_demo(self) -> None:
        """Judge the bundled sample messages (locally, on a worker)."""
        rules = self.settings.current.rules()

        def job() -> list[MessageRecord]:
            return [
                message_record(DEMO, "INBOX", r.source, r.verdict, r.facts)
                for r in scan_paths([resource("samples")], rules)
                if r.verdict
            ]

        def done(records: list[MessageRecord]) -> None:
            self.demo = records
            self.records_changed.emit()

        self.run(DEMO, job, done)

    # -- watching --------------------------------------------------------------------
    def start_watching(self) -> None:
        """Watch every account on background threads; verdicts come back as signals."""
        self.stop_watching()  # never two watches on one account
        accounts = self.account_list()
        if not accounts or self.paused:
            return
        self._stop = threading.Event()
        watch = self._watch(accounts)
        watch.on_pass = lambda account: self._emit(self.pass_finished, account.id)
        watch.start(self._stop)

    def _watch(self, accounts: list[Account]) -> Watch:
        """A watch over ``accounts`` whose reports reach the GUI thread as signals."""
        return Watch(
            accounts,
            self.accounts,
            self.state,
            self.settings.current,
            self.copies,
            on_result=lambda result: self._emit(self.message_judged, result),
            on_action=lambda line: self._emit(self.action_finished, [line]),
            on_error=lambda text: self._emit(self.error_raised, text),
            on_held=lambda account, planned: self._emit(
                self.first_scan_held,
                account.id,
                [(p.message.source, p.action) for p in planned],
            ),
        )

    def _emit(self, signal: SignalInstance, *args: object) -> None:
        """Emit from a background thread, unless the app is shutting down: a watch
        thread may still be finishing a network call when the windows are gone."""
        if self._closed.is_set():
            return
        try:
            signal.emit(*args)
        except RuntimeError:  # the Qt object was deleted meanwhile
            self._closed.set()

    def _passed(self, account_id: str) -> None:
        """After a mailbox's first pass, its new mail may be announced."""
        self.first_scan_done.add(account_id)
        self.records_changed.emit()

    def stop_watching(self) -> None:
        self._stop.set()

    def check_now(self) -> None:
        """Check every account once, each on its own worker."""
        for account in self.account_list():
            watch = self._watch([account])
            self.scan_started.emit(account.id)

            def finished(_: object, account_id: str = account.id) -> None:
                self.first_scan_done.add(account_id)
                self.scan_finished.emit(account_id)
                self.records_changed.emit()

            self.run(account.id, watch.check_once, finished)

    # -- actions on selected messages ------------------------------------------------
    def act(self, kind: str, records: Sequence[MessageRecord]) -> None:
        """Quarantine, release or delete ``records``, grouped by account."""
        by_account: dict[str, list[MessageRecord]] = {}
        for record in records:
            by_account.setdefault(record.account, []).append(record)
        for account_id, chosen in by_account.items():
            if account_id == DEMO:
                self._act_on_demo(kind, chosen)
                continue
            self._demo_before = None  # undo now means this action
            account = self.accounts.store.get(account_id)
            sources = {r.source for r in chosen}
            self.working |= sources
            self.run(
                account_id,
                partial(self._act_job, kind, account, chosen),
                partial(self._acted, sources, kind, chosen),
                partial(self._act_failed, sources),
            )
        self.records_changed.emit()  # the rows show that they are being worked on

    def _act_job(self, kind: str, account: Account, chosen: list[MessageRecord]) -> list[str]:
        password = self.accounts.password(account)
        if kind == "undo":
            return undo_last(account, password, self.state)
        if account.protocol == "pop3" and kind not in ("quarantine", "delete"):
            raise MailError(
                self.tr(
                    "A POP3 server cannot take messages back; the "
                    "local copies stay in MailSentry's folder."
                )
            )
        return act_on_records(account, password, kind, chosen, self.state, self.copies)

    def _acted(
        self, sources: set[str], kind: str, chosen: list[MessageRecord], lines: list[str]
    ) -> None:
        self.working -= sources
        self.action_finished.emit(self._told(kind, chosen, lines))
        self.records_changed.emit()

    def _told(self, kind: str, chosen: list[MessageRecord], lines: list[str]) -> list[str]:
        """What an action did, in the user's words, from where the model says each
        message is now; where something was not done, the services' lines say why."""
        now = {r.id: r for r in self.state.messages(chosen[0].account)} if chosen else {}
        done = {
            "quarantine": self.tr("Quarantined: {0}"),
            "release": self.tr("Released: {0}"),
            "delete": self.tr("Deleted from the server (a local copy is kept): {0}"),
        }[kind]
        told, stayed = [], []
        for record in chosen:
            after = now.get(record.id)
            subject = record.subject or self.tr("(no subject)")
            if after is not None and (after.place, after.location) != (
                record.place,
                record.location,
            ):
                told.append(done.format(subject))
            else:
                stayed.append(self.tr("Not changed: {0}").format(subject))
        return told + (stayed + lines if stayed else [])

    def _undone(self, batch: str, lines: list[str]) -> None:
        """Say how many messages the undo put back (the journal marks them undone);
        the services' lines say why any were not."""
        entries = self.state.journal(batch=batch)
        back = sum(e.state == "undone" for e in entries)
        told = [self.tr("Undone: {0} message(s) put back where they were.").format(back)]
        self.action_finished.emit(told if back == len(entries) else told + lines)
        self.records_changed.emit()

    def _act_failed(self, sources: set[str], error: BaseException) -> None:
        self.working -= sources
        self._report(error)
        self.records_changed.emit()

    def _act_on_demo(self, kind: str, chosen: list[MessageRecord]) -> None:
        place = {"quarantine": ("Quarantine", "quarantine"), "release": ("INBOX", "folder")}
        keep = [r for r in self.demo if r not in chosen]
        if kind in place:
            folder, where = place[kind]
            keep += [replace(r, folder=folder, place=where, action=kind) for r in chosen]
        self._demo_before, self.demo = self.demo, keep
        done = {
            "quarantine": self.tr("Quarantined: {0}"),
            "release": self.tr("Released: {0}"),
            "delete": self.tr("Removed from the demo mailbox: {0}"),
        }[kind]
        no_subject = self.tr("(no subject)")
        self.action_finished.emit([done.format(r.subject or no_subject) for r in chosen])
        self.records_changed.emit()

    def undo(self) -> bool:
        """Undo the newest batch: the demo's, or one account's (the journal says whose).
        False when there is nothing to undo."""
        if self._demo_before is not None:
            self.demo, self._demo_before = self._demo_before, None
            self.action_finished.emit([self.tr("Undone in the demo mailbox")])
            self.records_changed.emit()
            return True
        batch = self.state.last_batch()
        entries = self.state.journal(batch=batch) if batch else []
        if not entries:
            return False
        account = self.accounts.store.get(entries[0].account)
        self.run(
            account.id,
            partial(self._act_job, "undo", account, []),
            partial(self._undone, batch or ""),
        )
        return True

    def trust_sender(self, record: MessageRecord) -> None:
        """Add the sender to the trusted list (programs stay blocked: see verdict)."""
        trust_senders(self.settings, [record])
        sender = record.sender.split(",")[0].strip().lower()
        self.action_finished.emit([self.tr("Trusted {0}").format(sender)])

    def release_and_trust(self, records: Sequence[MessageRecord]) -> None:
        """Release quarantined messages and trust their senders: a false alarm."""
        added = trust_senders(self.settings, records)
        if added:
            self.action_finished.emit([self.tr("Trusted {0}").format(", ".join(added))])
        self.act("release", records)

    # -- judging again -----------------------------------------------------------------
    def rescan(self, records: Sequence[MessageRecord]) -> None:
        """Judge ``records`` again with the current settings, where each is now, and
        update their rows (on each account's worker; nothing on the server changes)."""
        by_account: dict[str, list[MessageRecord]] = {}
        for record in records:
            by_account.setdefault(record.account, []).append(record)
        for account_id, chosen in by_account.items():
            before = {r.key: r.verdict for r in chosen}
            if account_id == DEMO:
                self.run(
                    DEMO, partial(self._rejudge_demo, chosen), partial(self._demo_rejudged, before)
                )
                continue
            account = self.accounts.store.get(account_id)
            self.run(
                account_id,
                partial(self._rescan_job, account, chosen),
                partial(self._rejudged, before),
            )

    def _rescan_job(self, account: Account, chosen: list[MessageRecord]) -> list[MessageRecord]:
        password = self.accounts.password(account)
        return rescan(
            account,
            password,
            chosen,
            self.state,
            settings=self.settings.current,
            copies=self.copies,
        )

    def _rejudge_demo(self, chosen: list[MessageRecord]) -> list[MessageRecord]:
        """The demo's messages judged again from their files (where each is stays)."""
        rules = self.settings.current.rules()
        fresh = {r.source: r for r in scan_paths([Path(c.source) for c in chosen], rules)}
        return [
            replace(
                message_record(DEMO, c.folder, c.source, result.verdict, result.facts),
                place=c.place,
                action=c.action,
            )
            for c in chosen
            if (result := fresh.get(c.source)) is not None and result.verdict is not None
        ]

    def _demo_rejudged(self, before: dict[str, str], records: list[MessageRecord]) -> None:
        updated = {r.key: r for r in records}
        self.demo = [updated.get(r.key, r) for r in self.demo]
        self._rejudged(before, records)

    def _rejudged(self, before: dict[str, str], records: list[MessageRecord]) -> None:
        changed = sum(before.get(r.key) != r.verdict for r in records)
        self.action_finished.emit(
            [
                self.tr(
                    "Judged {0} message(s) again with the current settings; {1} changed."
                ).format(len(records), changed)
            ]
        )
        self.records_changed.emit()

    def shutdown(self) -> None:
        self._closed.set()
        self.stop_watching()
        for worker in self._workers.values():
            worker.shutdown()
