"""What the tray tells and when, with a clock the tests move: one summary per account
and window, a rate limit that merges instead of dropping, silence during a mailbox's
first scan, suspicious mail only when asked for, and the antivirus advice's words."""

from datetime import UTC, datetime, timedelta

import pytest

from app.av.signatures import AntivirusStatus
from app.core.findings import Level
from app.mail.imap_scan import imap_url
from app.mail.pop3 import pop3_url
from app.services.notify import (
    ENGLISH,
    GAP_S,
    GROUP_S,
    Flagged,
    Notifier,
    Words,
    account_for,
    antivirus_advice,
    scanned_before,
    signature_age,
    taken_action,
)
from app.store.accounts import Account
from app.store.settings import Settings, defaults
from app.store.state import Location, MessageRecord, State

START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
WORK = Account("w1", "imap", "mail.example.com", 993, "tls", "work",
               address="work@example.com", folders=("INBOX", "Lists"))
HOME = Account("h1", "pop3", "pop.example.net", 995, "tls", "me", address="home@example.net")
ADVICE = ("Do not open the attachments. Update your antivirus and scan before opening "
          "anything. Your antivirus could not be checked.")


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += timedelta(seconds=seconds)


def settings(**changes):
    values = dict(defaults().values)
    values.update({key.replace("_", ".", 1): value for key, value in changes.items()})
    return Settings(values)


def make(done=("w1", "h1"), **changes):
    clock = Clock()
    chosen = settings(**changes)
    notifier = Notifier(lambda: chosen, set(done).__contains__, clock=clock)
    return notifier, clock


def url(n, account=WORK):
    if account.protocol == "pop3":
        return pop3_url(account, f"u{n}")
    return imap_url(account, "INBOX", 7, n)


def flag(n, level=Level.DANGEROUS, action="quarantine", account=WORK):
    return Flagged(account.id, account.label, url(n, account), level, action)


def test_one_dangerous_message_after_the_grouping_window():
    notifier, clock = make()
    notifier.add(flag(1))
    assert notifier.wait_s() == GROUP_S
    assert notifier.due() is None
    clock.advance(GROUP_S)
    notice = notifier.due()
    assert notice.title == "Dangerous mail"
    assert notice.text == "1 dangerous message quarantined in work@example.com\n" + ADVICE
    assert notice.source_to_open == url(1)
    assert notifier.wait_s() is None
    assert notifier.due() is None


def test_messages_within_the_window_make_one_summary():
    notifier, clock = make()
    for n in range(3):
        notifier.add(flag(n))
        clock.advance(1)
    assert notifier.wait_s() == GROUP_S - 3  # counted from the first message
    clock.advance(GROUP_S)
    notice = notifier.due()
    assert notice.text.splitlines()[0] == "3 dangerous messages quarantined in work@example.com"
    assert notice.source_to_open == url(2)  # the latest


def test_each_action_and_account_gets_its_own_line():
    notifier, clock = make(notifications_suspicious=True)
    notifier.add(flag(1, action="delete"))
    notifier.add(flag(2, account=HOME))
    notifier.add(flag(3, action=""))
    notifier.add(flag(4))
    notifier.add(flag(5, Level.SUSPICIOUS, ""))
    notifier.add(flag(6, Level.SUSPICIOUS, "", account=HOME))
    clock.advance(GROUP_S)
    notice = notifier.due()
    assert notice.text.splitlines() == [
        "1 dangerous message quarantined in work@example.com",
        "1 dangerous message deleted from work@example.com (MailSentry keeps a copy)",
        "1 dangerous message in INBOX of work@example.com",
        "1 suspicious message in INBOX of work@example.com",
        "1 dangerous message quarantined in home@example.net",
        "1 suspicious message in INBOX of home@example.net",
        ADVICE,
    ]
    # The dangerous message is the one to open, though a suspicious one came later.
    assert notice.source_to_open == url(4)


def test_rate_limit_merges_later_messages_into_the_next_summary():
    notifier, clock = make()
    notifier.add(flag(1))
    clock.advance(GROUP_S)
    assert notifier.due() is not None
    clock.advance(10)
    notifier.add(flag(2))
    assert notifier.wait_s() == GAP_S - 10
    clock.advance(GAP_S / 2)
    notifier.add(flag(3))
    assert notifier.due() is None
    clock.advance(GAP_S / 2 - 10)
    notice = notifier.due()
    assert notice.text.startswith("2 dangerous messages quarantined in work@example.com\n")
    assert notice.source_to_open == url(3)


def test_rate_limit_is_per_account():
    notifier, clock = make()
    notifier.add(flag(1))
    clock.advance(GROUP_S)
    assert notifier.due() is not None
    notifier.add(flag(2))
    notifier.add(flag(3, account=HOME))
    clock.advance(GROUP_S)
    notice = notifier.due()
    assert notice.text.startswith("1 dangerous message quarantined in home@example.net\n")
    assert "work@" not in notice.text
    assert notifier.wait_s() == pytest.approx(GAP_S - GROUP_S)


def test_nothing_during_an_accounts_first_scan():
    done = set()
    clock = Clock()
    notifier = Notifier(defaults, done.__contains__, clock=clock)
    for n in range(50):  # the first scan judges all the old mail at once
        notifier.add(flag(n))
    assert notifier.wait_s() is None
    done.add("w1")
    clock.advance(GROUP_S)
    assert notifier.due() is None  # dropped, not held back
    notifier.add(flag(99))
    clock.advance(GROUP_S)
    assert notifier.due().text.startswith("1 dangerous message quarantined")


def test_suspicious_mail_only_when_the_settings_ask():
    notifier, clock = make()
    notifier.add(flag(1, Level.SUSPICIOUS, ""))
    notifier.add(flag(2, Level.CLEAN, ""))
    assert notifier.wait_s() is None
    notifier, clock = make(notifications_suspicious=True)
    notifier.add(flag(1, Level.SUSPICIOUS, "quarantine"))
    notifier.add(flag(2, Level.CLEAN, ""))
    clock.advance(GROUP_S)
    notice = notifier.due()
    assert notice.title == "Suspicious mail"
    assert notice.text.startswith("1 suspicious message quarantined in work@example.com\n")


def test_dangerous_mail_can_be_silenced():
    notifier, _ = make(notifications_dangerous=False)
    notifier.add(flag(1))
    assert notifier.wait_s() is None


def test_settings_are_read_when_a_message_comes():
    chosen = [settings(notifications_dangerous=False)]
    notifier = Notifier(lambda: chosen[0], lambda _: True, clock=Clock())
    notifier.add(flag(1))
    chosen[0] = settings()
    notifier.add(flag(2))
    assert notifier.wait_s() == GROUP_S


def test_a_clock_set_back_does_not_hold_notices():
    notifier, clock = make()
    notifier.add(flag(1))
    clock.advance(-3600)
    assert notifier.wait_s() == 0
    assert notifier.due() is not None


def test_translated_words_are_used():
    words = Words(dangerous_mail="危険なメール", dangerous_many="危険なメッセージ {n} 通",
                  quarantined="{account} で{what}を隔離しました", do_not_open="添付を開かないで。",
                  update="ウイルス対策を更新してください。", unknown="確認できませんでした。")
    notifier = Notifier(defaults, lambda _: True, clock=Clock(), words=words, group_s=0)
    notifier.add(flag(1))
    notifier.add(flag(2))
    notice = notifier.due()
    assert notice.title == "危険なメール"
    assert notice.text == (
        "work@example.com で危険なメッセージ 2 通を隔離しました\n"
        "添付を開かないで。 ウイルス対策を更新してください。 確認できませんでした。"
    )


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (AntivirusStatus("ClamAV", START - timedelta(days=3, hours=2)),
         "ClamAV signatures are 3 days old."),
        (AntivirusStatus("ClamAV", START - timedelta(hours=30)),
         "ClamAV signatures are 1 day old."),
        (AntivirusStatus("Windows Defender", START - timedelta(hours=5)),
         "Windows Defender signatures are from today."),
        (AntivirusStatus("ClamAV", START + timedelta(hours=1)),  # a clock behind the builder's
         "ClamAV signatures are from today."),
        (AntivirusStatus("XProtect", version="5287"), "XProtect signatures are version 5287."),
        (AntivirusStatus(None), "Your antivirus could not be checked."),
    ],
)
def test_antivirus_advice_words(status, words):
    assert signature_age(status, START) == words
    expected = f"Update your antivirus and scan before opening anything. {words}"
    assert antivirus_advice(status, START) == expected


def test_notice_carries_the_detected_antivirus_age():
    notifier, clock = make()
    notifier.antivirus = AntivirusStatus("ClamAV", START - timedelta(days=12))
    notifier.add(flag(1))
    clock.advance(GROUP_S)
    assert notifier.due().text.endswith(
        "Do not open the attachments. Update your antivirus and scan before opening "
        "anything. ClamAV signatures are 12 days old."
    )


def test_english_words_have_every_placeholder_they_need():
    filled = {key: value.format(n=2, what="x", account="a", folder="f", product="p", days=2,
                                version="v")
              for key, value in vars(ENGLISH).items()}
    assert "{" not in "".join(filled.values())


def test_account_for_a_message_url():
    accounts = [WORK, HOME]
    assert account_for(imap_url(WORK, "INBOX", 7, 42), accounts) is WORK
    assert account_for(imap_url(WORK, "Lists", 7, 1), accounts) is WORK
    assert account_for(imap_url(WORK, "INBOX2", 7, 1), accounts) is None  # not watched
    assert account_for(pop3_url(HOME, "000012ab"), accounts) is HOME
    other = Account("o1", "imap", "mail.example.com", 993, "tls", "other")
    assert account_for(imap_url(other, "INBOX", 7, 1), accounts) is None
    assert account_for("/home/me/mail/hybris.eml", accounts) is None


def test_taken_action_follows_the_settings_and_the_account():
    assert taken_action(defaults(), WORK, Level.DANGEROUS) == "quarantine"
    assert taken_action(defaults(), WORK, Level.SUSPICIOUS) == ""  # "mark" moves nothing
    assert taken_action(settings(actions_review_first=True), WORK, Level.DANGEROUS) == ""
    deleting = Account("d1", "imap", "h", 993, "tls", "u", actions={"dangerous": "delete"})
    assert taken_action(defaults(), deleting, Level.DANGEROUS) == "delete"


def test_scanned_before_reads_the_state(tmp_path):
    state = State(tmp_path / "state.sqlite3")
    assert not scanned_before(state, WORK)
    state.reset_folder("w1", "INBOX", 7)
    assert not scanned_before(state, WORK)  # Lists not yet
    state.record_batch([], checkpoint_uid=3, account="w1", folder="Lists", uidvalidity=9)
    assert scanned_before(state, WORK)
    assert not scanned_before(state, HOME)
    state.record_batch([MessageRecord("h1", "INBOX", "pop3s://x", "clean", 0.0, uidl="u1")])
    assert scanned_before(state, HOME)
    state.close()


def judged(state, uid, folder="INBOX"):
    url = imap_url(WORK, folder, 7, uid)
    state.record_batch([MessageRecord("w1", folder, url, "dangerous", 9.0, uidvalidity=7,
                                      uid=uid, message_id=f"<{uid}@x>", size=10)])
    return Flagged("w1", WORK.label, url, Level.DANGEROUS, "quarantine")


def test_a_notice_tells_where_the_mail_is_when_it_is_shown(tmp_path):
    """Review D3: Undo had put three messages back in INBOX, and the notice still said
    they were quarantined. Each message is looked up when the notice is due."""
    state = State(tmp_path / "state.sqlite3")
    notifier, clock = make()
    notifier.locate = state.find_source
    undone, failed, moved = (judged(state, uid) for uid in (1, 2, 3))
    for item in (undone, failed, moved):
        notifier.add(item)
    # 1 was quarantined and put back by Undo; 2 could not be moved; 3 is in quarantine.
    state.relocate("w1", Location("INBOX", 7, 1), Location("Quarantine", 4, 1),
                   place="quarantine", action="quarantine")
    state.relocate("w1", Location("Quarantine", 4, 1), Location("INBOX", 7, 10),
                   place="folder", action="release")
    state.relocate("w1", Location("INBOX", 7, 3), Location("Quarantine", 4, 2),
                   place="quarantine", action="quarantine")
    clock.advance(GROUP_S)
    notice = notifier.due()
    assert notice.text.splitlines()[:2] == [
        "1 dangerous message quarantined in work@example.com",
        "1 dangerous message in INBOX of work@example.com",
    ]
    # The message to open is named by where it is now.
    assert notice.source_to_open == imap_url(WORK, "Quarantine", 4, 2)


def test_no_notice_when_every_message_was_put_back(tmp_path):
    state = State(tmp_path / "state.sqlite3")
    notifier, clock = make()
    notifier.locate = state.find_source
    notifier.add(judged(state, 1))
    state.relocate("w1", Location("INBOX", 7, 1), Location("Quarantine", 4, 1),
                   place="quarantine", action="quarantine")
    state.relocate("w1", Location("Quarantine", 4, 1), Location("INBOX", 7, 10),
                   place="folder", action="release")
    clock.advance(GROUP_S)
    assert notifier.due() is None
    assert notifier.wait_s() is None
    # Nothing was told, so the next message is not held back by the rate limit.
    notifier.add(judged(state, 2))
    clock.advance(GROUP_S)
    notice = notifier.due()
    assert notice is not None and notice.source_to_open == imap_url(WORK, "INBOX", 7, 2)
