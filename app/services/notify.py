"""What the tray tells, and when: decided here, without Qt, so it is tested with a clock.

Only dangerous mail earns a notice (suspicious mail if the settings ask for it); the
messages of one account that arrive close together make one summary ("3 dangerous
messages quarantined in work@example.com"); an account is told at most once every
`GAP_S` seconds, later messages waiting for the next summary; and nothing is told
while a mailbox is scanned for the first time, when all its old mail is judged at once.
Every notice ends with the antivirus advice.

A notice tells the truth when it is shown, not when the mail was judged: each message
is looked up in the model of where mail is (`app.store.state`) at that moment. Mail a
person already put back (release, undo) or that another program took away is left
out; the rest is told where it is now (quarantined, deleted, or in which folder).

The words are the English templates of `Words`; the GUI passes translated ones.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from app.av.signatures import AntivirusStatus
from app.core.findings import Level
from app.mail.imap_scan import imap_url
from app.mail.pop3 import pop3_url
from app.store.accounts import Account
from app.store.settings import Settings
from app.store.state import MessageRecord, State

#: Messages arriving within this many seconds of an account's first one share a notice.
GROUP_S = 5.0
#: At most one notice per account this often; what comes meanwhile waits for the next.
GAP_S = 120.0

Clock = Callable[[], datetime]
#: The message listed (now or first) under a URL, as the model has it now; None when
#: the model does not know it.
Locate = Callable[[str], MessageRecord | None]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Words:
    """Every sentence a notice and the antivirus advice are made of: English here, and
    built through ``tr`` in the Qt layer (`app.ui.tray.Tray.words`), where translators
    find them. ``{n}``, ``{what}``, ``{account}``… are filled in by `str.format`."""

    dangerous_mail: str = "Dangerous mail"
    suspicious_mail: str = "Suspicious mail"
    dangerous_one: str = "1 dangerous message"
    dangerous_many: str = "{n} dangerous messages"
    suspicious_one: str = "1 suspicious message"
    suspicious_many: str = "{n} suspicious messages"
    quarantined: str = "{what} quarantined in {account}"
    deleted: str = "{what} deleted from {account} (MailSentry keeps a copy)"
    found: str = "{what} in {folder} of {account}"
    do_not_open: str = "Do not open the attachments."
    update: str = "Update your antivirus and scan before opening anything."
    age_today: str = "{product} signatures are from today."
    age_one: str = "{product} signatures are 1 day old."
    age_many: str = "{product} signatures are {days} days old."
    version: str = "{product} signatures are version {version}."
    unknown: str = "Your antivirus could not be checked."


ENGLISH = Words()


@dataclass(frozen=True)
class Flagged:
    """One judged message that may be worth a notice."""

    account: str  # `Account.id`
    label: str  # `Account.label`: how the user knows the mailbox
    source: str  # the message's URL, which the window can select
    level: Level
    action: str  # "quarantine", "delete", or "" when the message stays where it is
    folder: str = ""  # where it is ("" : read from ``source``)


@dataclass(frozen=True)
class Notice:
    """One notification: clicking it opens ``source_to_open`` in the risk panel."""

    title: str
    text: str
    source_to_open: str


def signature_age(status: AntivirusStatus, now: datetime, words: Words = ENGLISH) -> str:
    """How old the antivirus signatures are, or that nobody could tell."""
    days = status.age_days(now)
    if status.product and days is not None:
        template = words.age_today if days == 0 else words.age_one if days == 1 else words.age_many
        return template.format(product=status.product, days=days)
    if status.product and status.version:
        return words.version.format(product=status.product, version=status.version)
    return words.unknown


def antivirus_advice(status: AntivirusStatus, now: datetime, words: Words = ENGLISH) -> str:
    """Update-and-scan advice, then how old the signatures are (or that nobody knows)."""
    return f"{words.update} {signature_age(status, now, words)}"


def account_for(source: str, accounts: Sequence[Account]) -> Account | None:
    """The account whose server a message's URL (`imap_url`, `pop3_url`) points into."""
    for account in accounts:
        if account.protocol == "pop3":
            prefixes = [pop3_url(account, "")]
        else:
            prefixes = [imap_url(account, folder) + ";" for folder in account.folders]
        if any(source.startswith(prefix) for prefix in prefixes):
            return account
    return None


def taken_action(settings: Settings, account: Account, level: Level) -> str:
    """What the watch does with such a message ("quarantine", "delete" or ""): the
    same choice as `app.services.server_scan.plan`, made before the action finishes."""
    if settings["actions.review_first"]:
        return ""
    action = account.actions.get(level.value) or settings[f"actions.{level.value}"]
    return str(action) if action in ("quarantine", "delete") else ""


def scanned_before(state: State, account: Account) -> bool:
    """Whether an earlier run scanned this mailbox already, so that its scans in this
    run only judge new mail and are not a first scan."""
    if account.protocol == "pop3":
        return bool(state.seen_uidls(account.id))
    return all(state.checkpoint(account.id, folder) is not None for folder in account.folders)


class Notifier:
    """Collects flagged messages and hands out summarised notices when they are due.

    ``first_scan_done(account_id)`` says whether an account's first scan has finished;
    until it has, the account's messages are dropped, not kept for later.
    """

    def __init__(
        self,
        settings: Callable[[], Settings],
        first_scan_done: Callable[[str], bool],
        *,
        clock: Clock = utc_now,
        words: Words = ENGLISH,
        group_s: float = GROUP_S,
        gap_s: float = GAP_S,
        locate: Locate = lambda _: None,
    ) -> None:
        self.settings = settings
        self.locate = locate
        self.first_scan_done = first_scan_done
        self.clock = clock
        self.words = words
        self.group_s = group_s
        self.gap_s = gap_s
        self.antivirus = AntivirusStatus(None)
        self._pending: list[Flagged] = []  # in order of arrival
        self._first: dict[str, datetime] = {}  # each account's first pending message
        self._told: dict[str, datetime] = {}  # each account's last notice

    def wanted(self, level: Level) -> bool:
        """Whether the settings ask for notices about ``level`` (read each time: they
        can change while MailSentry runs)."""
        settings = self.settings()
        if level is Level.DANGEROUS:
            return bool(settings["notifications.dangerous"])
        if level is Level.SUSPICIOUS:
            return bool(settings["notifications.suspicious"])
        return False

    def add(self, item: Flagged) -> None:
        """Keep ``item`` for its account's next notice, unless it is not to be told."""
        if not self.wanted(item.level) or not self.first_scan_done(item.account):
            return
        self._first.setdefault(item.account, self.clock())
        self._pending.append(item)

    def wait_s(self) -> float | None:
        """Seconds until `due` has a notice to give; None when nothing is waiting."""
        if not self._first:
            return None
        return max(0.0, min(self._ready_in(account) for account in self._first))

    def due(self) -> Notice | None:
        """One notice covering every account whose messages are due, or None."""
        ready = {account for account in self._first if self._ready_in(account) <= 0}
        if not ready:
            return None
        now = self.clock()
        for account in ready:
            del self._first[account]
        items = [item for item in self._pending if item.account in ready]
        self._pending = [item for item in self._pending if item.account not in ready]
        told = [known for known in map(self._as_now, items) if known is not None]
        if not told:
            return None
        for account in {item.account for item in told}:
            self._told[account] = now
        return self._notice(told, now)

    def _as_now(self, item: Flagged) -> Flagged | None:
        """``item`` as the model has it now: None when a person already put it back
        (release, undo) or it left for a place MailSentry does not look at; else with
        the action its place shows and its URL and folder now."""
        record = self.locate(item.source)
        if record is None:
            return item
        if record.place == "gone" or record.action == "release":
            return None
        action = {"quarantine": "quarantine", "deleted": "delete"}.get(record.place, "")
        return replace(item, action=action, source=record.source, folder=record.folder)

    def _ready_in(self, account: str) -> float:
        wait = self.group_s - self._since(self._first[account])
        told = self._told.get(account)
        if told is not None:
            wait = max(wait, self.gap_s - self._since(told))
        return wait

    def _since(self, then: datetime) -> float:
        """Seconds since ``then``; a clock set back counts as long ago, so that a notice
        comes early rather than hours late."""
        seconds = (self.clock() - then).total_seconds()
        return seconds if seconds >= 0 else math.inf

    def _notice(self, items: list[Flagged], now: datetime) -> Notice:
        words = self.words
        lines = []
        for account in dict.fromkeys(item.account for item in items):
            mine = [item for item in items if item.account == account]
            label = mine[-1].label
            for level in (Level.DANGEROUS, Level.SUSPICIOUS):
                for action, template in (
                    ("quarantine", words.quarantined),
                    ("delete", words.deleted),
                ):
                    count = sum(i.level is level and i.action == action for i in mine)
                    if count:
                        lines.append(template.format(what=self._count(level, count), account=label))
                left = [i for i in mine if i.level is level and i.action == ""]
                for folder in dict.fromkeys(_folder(i) for i in left):
                    count = sum(_folder(i) == folder for i in left)
                    what = self._count(level, count)
                    lines.append(words.found.format(what=what, folder=folder, account=label))
        worst = max(item.level.rank for item in items)
        dangerous = worst == Level.DANGEROUS.rank
        lines.append(f"{words.do_not_open} {antivirus_advice(self.antivirus, now, words)}")
        return Notice(
            words.dangerous_mail if dangerous else words.suspicious_mail,
            "\n".join(lines),
            [item for item in items if item.level.rank == worst][-1].source,
        )

    def _count(self, level: Level, count: int) -> str:
        words = self.words
        if level is Level.DANGEROUS:
            return words.dangerous_one if count == 1 else words.dangerous_many.format(n=count)
        return words.suspicious_one if count == 1 else words.suspicious_many.format(n=count)


def _folder(item: Flagged) -> str:
    """Where a message stays: its ``folder``, else the mailbox in its URL (an RFC 5092
    IMAP URL's path; POP3 has only INBOX)."""
    if item.folder:
        return item.folder
    path = urlsplit(item.source).path.lstrip("/").split(";", 1)[0]
    return unquote(path) or "INBOX"
