"""A POP3 mailbox holding poison next to dangerous mail, a full disk, and a watch thread
that fails: the command judges what it can, says what went wrong in one line, and the
exit status says "dangerous" (1) only when that is the reason (against the private
Dovecot and a real Secret Service keyring)."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend

from app.services import watch as watch_service
from app.services.accounts import AccountService
from app.services.watch import Watch
from app.store import settings
from app.store.accounts import AccountStore
from app.store.localcopy import LocalCopies
from app.store.secrets import SecretStore
from app.store.state import State
from tests.integration.conftest import CliRunner
from tests.integration.test_pop3 import account_for, hybris, long_line_mail, ordinary
from tests.servers.dovecot import MailUser, PrivateDovecot

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _real_keyring(secret_keyring: KeyringBackend) -> None:
    """Every command here meets a real, empty Secret Service, never the user's keyring."""


def records(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def test_pop3_poison_folder_scan_and_watch_once(
    dovecot: PrivateDovecot, mail_user: MailUser, cli: CliRunner
) -> None:
    """A 2 MB base64 line once stopped every POP3 scan of the account at that message."""
    poison = [long_line_mail("p1"), ordinary("p2"), long_line_mail("p3", 3_000_000)]
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [*poison, hybris("p4")])
    url = f"pop3://{mail_user.name}@127.0.0.1:{dovecot.pop3_port}"

    for _ in range(2):  # and again: nothing is left half-done that stops the next run
        scan = cli("scan", "--format", "jsonl", url, password=mail_user.password)
        assert scan.code == 1, scan.err
        assert scan.err == ""
        assert [r["verdict"] for r in records(scan.out)] == [
            "clean",
            "clean",
            "clean",
            "dangerous",
        ]

    added = cli(
        "accounts", "add", "--protocol", "pop3", "--host", "127.0.0.1",
        "--port", str(dovecot.pop3_port), "--security", "plain", "--user", mail_user.name,
        "--no-test", password=mail_user.password,
    )  # fmt: skip
    assert added.code == 0, added.err
    once = cli("watch", "--once", "--format", "jsonl")
    assert once.code == 1, once.err
    assert once.err == ""
    assert [r["verdict"] for r in records(once.out)] == ["clean", "clean", "clean", "dangerous"]
    assert "removed UIDL" in once.out  # the dangerous one was quarantined
    again = cli("watch", "--once")
    assert (again.code, again.out, again.err) == (0, "", "")


def _disk_of(limit: int) -> None:
    """In the child: files may not grow past ``limit`` bytes, as on a full disk (the
    write fails with EFBIG instead of killing the process)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.parametrize("protocol", ["pop3", "imap"])
def test_a_full_disk_is_one_clear_error_and_the_verdicts_are_printed(
    protocol: str, dovecot: PrivateDovecot, mail_user: MailUser, home: Path
) -> None:
    messages = [ordinary(str(n)) for n in range(60)] + [hybris("full")]
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", messages)
    port = dovecot.pop3_port if protocol == "pop3" else dovecot.imap_port
    url = f"{protocol}://{mail_user.name}@127.0.0.1:{port}"
    env = {
        "PATH": "/usr/bin:/bin",
        "MAILSENTRY_HOME": str(home),
        "MAILSENTRY_PASSWORD": mail_user.password,
        "DBUS_SESSION_BUS_ADDRESS": os.environ["DBUS_SESSION_BUS_ADDRESS"],
    }
    run = subprocess.run(
        [sys.executable, "-m", "app", "scan", "--format", "jsonl", url],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
        preexec_fn=lambda: _disk_of(150_000), check=False,
    )  # fmt: skip

    assert run.returncode == 2, run.stderr
    (line,) = run.stderr.splitlines()
    # (sqlite says "disk I/O error" here, for EFBIG; on a full disk, ENOSPC, it says
    # "database or disk is full": both name the folder and what to do.)
    assert f"the state file in {home / 'data'} cannot be written (the disk refused" in line
    assert "Free some space" in line
    judged = records(run.stdout)
    if protocol == "pop3":  # what was judged before the disk filled up, one at a time
        assert 0 < len(judged) < len(messages)
        assert {r["verdict"] for r in judged} == {"clean"}
    else:  # one batch, judged before it could be recorded
        assert [r["verdict"] for r in judged] == ["clean"] * 60 + ["dangerous"]


def test_a_failing_watch_thread_says_so_and_tries_again(
    dovecot: PrivateDovecot,
    mail_user: MailUser,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The state file is closed under the watch: every pass fails in a way no layer below
    expects. The thread reports each failure and keeps retrying until stopped."""
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [hybris("w1")])
    monkeypatch.setenv("MAILSENTRY_PASSWORD", mail_user.password)
    monkeypatch.setattr(watch_service, "RETRY_FIRST_S", 0.2)  # not minutes in a test
    state = State(tmp_path / "state.sqlite3")
    state.close()
    errors: list[str] = []
    watch = Watch(
        [account_for(dovecot, mail_user)],
        AccountService(AccountStore(tmp_path / "accounts.json"), SecretStore),
        state,
        settings.defaults(),
        LocalCopies(tmp_path / "copies"),
        on_error=errors.append,
    )
    stop = threading.Event()
    watch.start(stop)
    deadline = time.monotonic() + 20
    while len(errors) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    (thread,) = watch.threads
    assert thread.is_alive()
    stop.set()
    thread.join(10)
    assert not thread.is_alive()
    assert len(errors) >= 3, errors
    assert all("the state file in " in e and "trying again in" in e for e in errors), errors


def test_the_pop3_bounds_are_settings(
    dovecot: PrivateDovecot, mail_user: MailUser, cli: CliRunner, tmp_path: Path
) -> None:
    dovecot.append_many(
        mail_user.name, mail_user.password, "INBOX", [long_line_mail("s1"), hybris("s2")]
    )
    conf = tmp_path / "settings.toml"
    conf.write_text("[watch]\npop3_max_message_mb = 1\n")
    url = f"pop3://{mail_user.name}@127.0.0.1:{dovecot.pop3_port}"

    scan = cli(
        "--settings", str(conf), "scan", "--format", "jsonl", url, password=mail_user.password
    )

    assert scan.code == 1, scan.err
    big, bad = records(scan.out)
    assert (big["verdict"], bad["verdict"]) == ("suspicious", "dangerous")
    assert "larger than 1,048,576 bytes" in str(big["findings"])
