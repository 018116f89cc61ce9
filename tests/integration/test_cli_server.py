"""``mailsentry accounts``, ``scan`` of server URLs (password from the keyring, the
environment or a terminal prompt), ``--quarantine`` and ``watch`` against the private
Dovecot and a real Secret Service keyring (no fakes).

Each test has its own mail user and ``MAILSENTRY_HOME``; the mailboxes hold corpus
messages whose verdicts ``tests/corpus/expectations.toml`` fixes.
"""

from __future__ import annotations

import json
import os
import poplib
import pty
import queue
import re
import select
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend

from app.mail import imap_actions
from app.mail.connect import open_imap
from app.store.accounts import AccountStore
from app.store.secrets import SERVICE
from app.store.state import State
from tests.integration.conftest import (
    CliRunner,
    census,
    corpus,
    expected_verdict,
    files_holding,
    folders,
    uidvalidity,
)
from tests.servers.dovecot import MailUser, PrivateDovecot

REPO = Path(__file__).resolve().parents[2]
# Three dangerous, one suspicious, two clean (none depends on who "me" is).
NAMES = (
    "plain_text",
    "hybris_english",
    "docm_stranger",
    "zip_with_exe",
    "bounce_postfix_full",
    "double_extension",
)
DANGEROUS = {n for n in NAMES if expected_verdict(n) == "dangerous"}
IMAP_SOURCE = re.compile(
    r"^imaps?://([^@/]+)@127\.0\.0\.1:(\d+)/INBOX;UIDVALIDITY=(\d+)/;UID=(\d+)$"
)


def fill(dovecot: PrivateDovecot, user: MailUser, names: tuple[str, ...] = NAMES) -> dict[int, str]:
    """Append corpus messages to INBOX (the first one \\Seen and \\Flagged, as if a mail
    program had read it); UID -> corpus name."""
    first = dovecot.append_many(
        user.name, user.password, "INBOX", [corpus(names[0])], flags=("\\Seen", "\\Flagged")
    )
    rest = dovecot.append_many(user.name, user.password, "INBOX", [corpus(n) for n in names[1:]])
    return dict(zip(first + rest, names, strict=True))


def pop3_uidls(dovecot: PrivateDovecot, user: MailUser) -> list[str]:
    """The server's UIDLs in message order (UIDL changes nothing)."""
    pop = poplib.POP3(dovecot.host, dovecot.pop3_port, timeout=5)
    try:
        pop.user(user.name)
        pop.pass_(user.password)
        return [line.decode().split()[1] for line in pop.uidl()[1]]
    finally:
        pop.quit()


def jsonl(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def added_id(out: str) -> str:
    found = re.search(r"^added .* \(([^)]+)\)$", out, re.M)
    assert found, out
    return found.group(1)


def journal_rows(home: Path) -> int:
    path = home / "data" / "state.sqlite3"
    if not path.exists():
        return 0
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute("SELECT count(*) FROM journal").fetchone()[0])


@pytest.fixture(autouse=True)
def _real_keyring(secret_keyring: KeyringBackend) -> None:
    """Every command here meets a real, empty Secret Service, never the user's keyring."""


# -- accounts -------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", ["imap", "pop3"])
def test_accounts_add_list_test_remove(
    protocol: str,
    dovecot: PrivateDovecot,
    mail_user: MailUser,
    secret_keyring: KeyringBackend,
    cli: CliRunner,
) -> None:
    home = Path(os.environ["MAILSENTRY_HOME"])
    fill(dovecot, mail_user, ("plain_text", "hybris_english"))
    before, folders_before = census(dovecot, mail_user), folders(dovecot, mail_user)
    port = dovecot.imaps_port if protocol == "imap" else dovecot.pop3s_port

    added = cli(
        "accounts", "add", "--protocol", protocol, "--host", "127.0.0.1",
        "--port", str(port), "--security", "tls", "--cafile", str(dovecot.ca_path),
        "--user", mail_user.name, "--address", "bob@example.org",
        password=mail_user.password,
    )  # fmt: skip
    assert added.code == 0, added.err
    account_id = added_id(added.out)
    assert "connected and logged in; nothing was changed" in added.out
    assert "messages in INBOX: 2" in added.out
    # The password is in the Secret Service, under the account's id, and in no file.
    stored = secret_keyring.get_password(SERVICE, account_id)
    assert stored is not None
    assert stored == mail_user.password, "the keyring holds another password"
    assert (home / "config" / "accounts.json").exists()
    assert files_holding(home, mail_user.password) == []

    listed = cli("accounts", "list")
    assert listed.code == 0
    scheme = "imap" if protocol == "imap" else "pop3"
    (line,) = listed.out.splitlines()
    assert line.startswith(f"{account_id}  {scheme}://{mail_user.name}@127.0.0.1:{port} (tls)")
    assert "quarantine=Quarantine" in line

    # No password in the environment now: `test` takes it from the keyring.
    tested = cli("accounts", "test", "bob@example.org")
    assert tested.code == 0, tested.err
    assert "connected and logged in; nothing was changed" in tested.out
    capabilities = re.search(r"^capabilities: (.*)$", tested.out, re.M)
    listed_folders = re.search(r"^folders: (.*)$", tested.out, re.M)
    assert capabilities and listed_folders
    if protocol == "imap":
        offered = set(capabilities.group(1).upper().split())
        assert {"IMAP4REV1", "IDLE", "MOVE", "UIDPLUS"} <= offered
        assert set(listed_folders.group(1).split(", ")) == folders_before
    else:
        assert {"UIDL", "TOP"} <= set(capabilities.group(1).split())
        assert listed_folders.group(1) == "INBOX"
    assert census(dovecot, mail_user) == before  # nothing moved, no flag changed
    assert folders(dovecot, mail_user) == folders_before  # no Quarantine created

    removed = cli("accounts", "remove", account_id)
    assert removed.code == 0
    assert f"removed bob@example.org ({account_id})" in removed.out
    assert secret_keyring.get_password(SERVICE, account_id) is None
    assert cli("accounts", "list").out == ""
    gone = cli("accounts", "test", account_id)
    assert gone.code == 2
    assert "no account" in gone.err


def test_accounts_add_through_the_installed_command(
    dovecot: PrivateDovecot, mail_user: MailUser, secret_keyring: KeyringBackend, home: Path
) -> None:
    """The real entry point in a new process finds the Secret Service by itself (the
    fixture's private D-Bus is in the environment); the password arrives by
    MAILSENTRY_PASSWORD and is stored in the keyring only."""
    env = {
        "PATH": "/usr/bin:/bin",
        "MAILSENTRY_HOME": str(home),
        "MAILSENTRY_PASSWORD": mail_user.password,
        "DBUS_SESSION_BUS_ADDRESS": os.environ["DBUS_SESSION_BUS_ADDRESS"],
    }
    done = subprocess.run(
        [sys.executable, "-m", "app", "accounts", "add", "--host", "127.0.0.1",
         "--port", str(dovecot.imap_port), "--security", "plain", "--user", mail_user.name],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    account_id = added_id(done.stdout)
    stored = secret_keyring.get_password(SERVICE, account_id)
    assert stored == mail_user.password, "the keyring holds another password"
    for text, where in ((done.stdout, "stdout"), (done.stderr, "stderr")):
        if mail_user.password in text:
            pytest.fail(f"the password appears in the command's {where}", pytrace=False)
    assert files_holding(home, mail_user.password) == []


def test_password_asked_on_a_terminal_when_neither_keyring_nor_environment_has_it(
    dovecot: PrivateDovecot, mail_user: MailUser, home: Path
) -> None:
    """On a real terminal (a pseudo-terminal that is the command's controlling tty) the
    password is asked for, read without echo, and used."""
    fill(dovecot, mail_user, ("plain_text", "hybris_english"))
    url = f"imap://{mail_user.name}@127.0.0.1:{dovecot.imap_port}/INBOX"
    env = {
        "PATH": "/usr/bin:/bin",
        "MAILSENTRY_HOME": str(home),
        "DBUS_SESSION_BUS_ADDRESS": os.environ["DBUS_SESSION_BUS_ADDRESS"],
    }
    pid, terminal = pty.fork()
    if pid == 0:  # the child: its stdin/stdout/stderr and controlling tty are the pty
        try:
            os.chdir(REPO)
            os.execve(sys.executable, [sys.executable, "-m", "app", "scan", url], env)  # noqa: S606
        finally:
            os._exit(127)
    screen = b""
    try:
        screen = _read_until(terminal, b"Password for ")
        screen += _read_until(terminal, b": ", screen)
        os.write(terminal, mail_user.password.encode() + b"\n")
        screen += _read_until(terminal, None)
    finally:
        os.close(terminal)
        _, status = os.waitpid(pid, 0)
    text = screen.decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 1, text  # the dangerous message is there
    assert f"Password for {mail_user.name}@127.0.0.1: " in text
    assert "2 messages: 1 dangerous, 0 suspicious, 1 clean" in text
    if mail_user.password in text:
        pytest.fail("the password was echoed on the terminal", pytrace=False)


def _read_until(fd: int, marker: bytes | None, seen: bytes = b"", timeout: float = 20) -> bytes:
    """Read from a pty until ``marker`` has been seen (None: until the child closes it)."""
    out = seen
    deadline = time.monotonic() + timeout
    while marker is None or marker not in out:
        if not select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
            raise TimeoutError(f"no {marker!r} from the command: {out!r}")
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child exited and closed the terminal
            chunk = b""
        if not chunk:
            if marker is None:
                break
            raise EOFError(f"the command ended before {marker!r}: {out!r}")
        out += chunk
    return out[len(seen) :]


# -- scan of server URLs --------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["imap", "imaps"])
def test_scan_imap_url_reports_every_message_with_its_rfc5092_url(
    scheme: str,
    dovecot: PrivateDovecot,
    mail_user: MailUser,
    cli: CliRunner,
) -> None:
    by_uid = fill(dovecot, mail_user)
    before = census(dovecot, mail_user)
    validity = uidvalidity(dovecot, mail_user)
    port = dovecot.imap_port if scheme == "imap" else dovecot.imaps_port
    url = f"{scheme}://{mail_user.name}@127.0.0.1:{port}/INBOX"
    extra = ["--cafile", str(dovecot.ca_path)] if scheme == "imaps" else []

    found = cli("scan", "--format", "jsonl", *extra, url, password=mail_user.password)
    assert found.code == 1, found.err  # dangerous mail is there
    assert found.err == ""
    records = jsonl(found.out)
    expected = {
        f"{scheme}://{mail_user.name}@127.0.0.1:{port}/INBOX;UIDVALIDITY={validity}/;UID={uid}": (
            expected_verdict(name)
        )
        for uid, name in by_uid.items()
    }
    assert {r["source"]: r["verdict"] for r in records} == expected
    assert all(IMAP_SOURCE.match(str(r["source"])) for r in records)
    assert all(r["error"] is None and r["message_id"] for r in records)

    text = cli("scan", *extra, url, password=mail_user.password)
    assert text.code == 1
    heads = [line for line in text.out.splitlines() if IMAP_SOURCE.search(line.split()[-1])]
    assert {line.split()[-1]: line.split()[0].lower() for line in heads} == expected
    assert "6 messages: 3 dangerous, 1 suspicious, 2 clean" in text.out
    assert census(dovecot, mail_user) == before  # a scan changes nothing, not even \Seen


@pytest.mark.parametrize("scheme", ["pop3", "pop3s"])
def test_scan_pop3_url_reports_every_message_with_its_uidl_url(
    scheme: str,
    dovecot: PrivateDovecot,
    mail_user: MailUser,
    cli: CliRunner,
) -> None:
    fill(dovecot, mail_user)
    before = census(dovecot, mail_user)
    port = dovecot.pop3_port if scheme == "pop3" else dovecot.pop3s_port
    url = f"{scheme}://{mail_user.name}@127.0.0.1:{port}"
    extra = ["--cafile", str(dovecot.ca_path)] if scheme == "pop3s" else []
    expected = {
        f"{scheme}://{mail_user.name}@127.0.0.1:{port}/;UIDL={uidl}": expected_verdict(name)
        for uidl, name in zip(pop3_uidls(dovecot, mail_user), NAMES, strict=True)
    }

    found = cli("scan", "--format", "jsonl", *extra, url, password=mail_user.password)
    assert found.code == 1, found.err
    assert {r["source"]: r["verdict"] for r in jsonl(found.out)} == expected

    text = cli("scan", *extra, url, password=mail_user.password)
    assert text.code == 1
    heads = [line.split() for line in text.out.splitlines() if ";UIDL=" in line]
    assert {words[-1]: words[0].lower() for words in heads} == expected
    assert "6 messages: 3 dangerous, 1 suspicious, 2 clean" in text.out
    assert census(dovecot, mail_user) == before


def test_exit_codes_clean_dangerous_and_error(
    dovecot: PrivateDovecot,
    mail_user: MailUser,
    cli: CliRunner,
) -> None:
    fill(dovecot, mail_user, ("plain_text", "bounce_postfix_full"))
    url = f"imap://{mail_user.name}@127.0.0.1:{dovecot.imap_port}"
    clean = cli("scan", url, password=mail_user.password)
    assert clean.code == 0, clean.err
    assert "2 messages: 0 dangerous, 0 suspicious, 2 clean" in clean.out

    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [corpus("hybris_english")])
    assert cli("scan", url, password=mail_user.password).code == 1

    # An error is exit 2, and the other sources are still scanned and reported.
    both = cli("scan", "--format", "jsonl", f"{url}/NoSuchFolder", url, password=mail_user.password)
    assert both.code == 2
    assert len(jsonl(both.out)) == 3
    assert len(both.err_lines) == 1
    assert "The folder does not exist on the server" in both.err


# -- quarantine -----------------------------------------------------------------------------


def test_quarantine_dry_run_changes_nothing_and_says_what_it_would_do(
    dovecot: PrivateDovecot,
    mail_user: MailUser,
    cli: CliRunner,
    home: Path,
) -> None:
    by_uid = fill(dovecot, mail_user)
    before, folders_before = census(dovecot, mail_user), folders(dovecot, mail_user)
    url = f"imap://{mail_user.name}@127.0.0.1:{dovecot.imap_port}/INBOX"

    dry = cli("scan", "--quarantine", "--dry-run", url, password=mail_user.password)
    assert dry.code == 1, dry.err
    would = re.findall(r"^would quarantine: (\S+)$", dry.out, re.M)
    assert sorted(int(u.rsplit("=", 1)[1]) for u in would) == sorted(
        uid for uid, name in by_uid.items() if name in DANGEROUS
    )
    assert not re.search(r"^(moved|deleted|NOT changed)", dry.out, re.M)
    assert census(dovecot, mail_user) == before
    assert folders(dovecot, mail_user) == folders_before  # Quarantine not even created
    assert journal_rows(home) == 0


def test_quarantine_moves_exactly_the_dangerous_messages(
    dovecot: PrivateDovecot,
    mail_user: MailUser,
    cli: CliRunner,
    home: Path,
) -> None:
    by_uid = fill(dovecot, mail_user)
    before = census(dovecot, mail_user)
    url = f"imap://{mail_user.name}@127.0.0.1:{dovecot.imap_port}/INBOX"

    done = cli("scan", "--quarantine", url, password=mail_user.password)
    assert done.code == 1, done.err
    moved = re.findall(r"^moved INBOX UID (\d+) of \S+ to Quarantine$", done.out, re.M)
    dangerous_uids = sorted(uid for uid, name in by_uid.items() if name in DANGEROUS)
    assert sorted(map(int, moved)) == dangerous_uids

    after = census(dovecot, mail_user)
    assert after.keys() == before.keys()
    for key, (was,) in before.items():
        name = by_uid[was.uid]
        (now,) = after[key]  # exactly one copy: none lost, none duplicated
        if name in DANGEROUS:
            assert now.folder == "Quarantine"
            assert b"\\Deleted" not in now.flags
        else:
            # Suspicious mail stays (default action "mark"), clean mail stays: untouched.
            assert now == was
    assert journal_rows(home) == len(DANGEROUS)  # every move went through the journal

    # What is left is not dangerous; scanning it again changes nothing.
    again = cli("scan", "--quarantine", url, password=mail_user.password)
    assert again.code == 0, again.err
    assert census(dovecot, mail_user) == after


# -- watch --------------------------------------------------------------------------------


def test_watch_once_judges_new_mail_once_and_acts_on_it(
    dovecot: PrivateDovecot,
    mail_user: MailUser,
    cli: CliRunner,
) -> None:
    by_uid = fill(dovecot, mail_user)
    added = cli(
        "accounts", "add", "--host", "127.0.0.1", "--port", str(dovecot.imap_port),
        "--security", "plain", "--user", mail_user.name, "--no-test",
        password=mail_user.password,
    )  # fmt: skip
    assert added.code == 0, added.err

    first = cli("watch", "--once", "--format", "jsonl")
    assert first.code == 1, first.err  # dangerous mail found, as for scan
    verdicts = {
        int(str(r["source"]).rsplit("=", 1)[1]): r["verdict"]
        for r in jsonl("\n".join(line for line in first.out.splitlines() if line.startswith("{")))
    }
    assert verdicts == {uid: expected_verdict(name) for uid, name in by_uid.items()}
    moved = re.findall(r"^moved INBOX UID (\d+) .* to Quarantine$", first.out, re.M)
    assert sorted(map(int, moved)) == sorted(u for u, n in by_uid.items() if n in DANGEROUS)

    second = cli("watch", "--once")
    assert second.code == 0, second.err
    assert second.out == ""  # nothing new: nothing judged, nothing done

    (new_uid,) = dovecot.append_many(
        mail_user.name, mail_user.password, "INBOX", [corpus("pdf_invoice")]
    )
    third = cli("watch", "--once", "--format", "jsonl")
    (only,) = jsonl(third.out)
    assert str(only["source"]).endswith(f";UID={new_uid}")


def test_watch_once_goes_on_when_one_account_has_no_password(
    dovecot: PrivateDovecot, mail_user: MailUser, secret_keyring: KeyringBackend, cli: CliRunner
) -> None:
    """An account whose password is gone from the keyring is reported; the other
    accounts are still checked."""
    other = dovecot.new_user()
    fill(dovecot, mail_user, ("plain_text",))
    ids = []
    for user in (other, mail_user):
        added = cli(
            "accounts", "add", "--host", "127.0.0.1", "--port", str(dovecot.imap_port),
            "--security", "plain", "--user", user.name, "--no-test", password=user.password,
        )  # fmt: skip
        ids.append(added_id(added.out))
    secret_keyring.delete_password(SERVICE, ids[0])

    run = cli("watch", "--once", "--format", "jsonl")
    assert run.code == 2
    (line,) = run.err.splitlines()
    assert line.startswith(f"mailsentry: {other.name}@127.0.0.1: no password for ")
    (record,) = jsonl(run.out)
    assert record["verdict"] == "clean"
    assert f"://{mail_user.name}@" in str(record["source"])


def test_a_released_message_is_not_quarantined_again(
    dovecot: PrivateDovecot, mail_user: MailUser, cli: CliRunner, home: Path
) -> None:
    """Released from quarantine (as the window's Release does), a dangerous message is
    back in INBOX under a new UID: the watch judges and reports it again, but leaves
    it there; the user decided."""
    fill(dovecot, mail_user, ("plain_text", "hybris_english"))
    added = cli(
        "accounts", "add", "--host", "127.0.0.1", "--port", str(dovecot.imap_port),
        "--security", "plain", "--user", mail_user.name, password=mail_user.password,
    )  # fmt: skip
    assert added.code == 0, added.err
    assert "moved INBOX UID 2" in cli("watch", "--once").out

    (account,) = AccountStore(home / "config" / "accounts.json").load()
    state = State(home / "data" / "state.sqlite3")
    client = open_imap(account, mail_user.password)
    try:
        done = [e for e in state.journal(state="done") if e.kind == "quarantine"]
        (outcome,) = imap_actions.release(client, state, account, done, "release-1")
    finally:
        client.logout()
        state.close()
    assert outcome.status == "moved" and outcome.folder == "INBOX"

    again = cli("watch", "--once", "--format", "jsonl")
    assert again.code == 1, again.err
    (record,) = jsonl(again.out)  # judged and reported, and nothing else
    assert record["verdict"] == "dangerous"
    assert str(record["source"]).endswith(f";UID={outcome.uid}")
    assert [seen.folder for copies in census(dovecot, mail_user).values() for seen in copies] == [
        "INBOX",
        "INBOX",
    ]
    dry = cli("scan", "--quarantine", "--dry-run", f"imap://{mail_user.name}@127.0.0.1:"
              f"{dovecot.imap_port}/INBOX", password=mail_user.password)  # fmt: skip
    assert dry.code == 1
    assert "would quarantine" not in dry.out


def test_watch_once_on_pop3_judges_once_and_quarantines(
    dovecot: PrivateDovecot,
    mail_user: MailUser,
    cli: CliRunner,
    home: Path,
) -> None:
    fill(dovecot, mail_user, ("plain_text", "hybris_english", "docm_stranger"))
    uidls = pop3_uidls(dovecot, mail_user)
    added = cli(
        "accounts", "add", "--protocol", "pop3", "--host", "127.0.0.1",
        "--port", str(dovecot.pop3_port), "--security", "plain", "--user", mail_user.name,
        password=mail_user.password,
    )  # fmt: skip
    assert added.code == 0, added.err

    first = cli("watch", "--once", "--format", "jsonl")
    assert first.code == 1, first.err
    records = [json.loads(line) for line in first.out.splitlines() if line.startswith("{")]
    assert [r["verdict"] for r in records] == ["clean", "dangerous", "suspicious"]
    assert re.search(rf"^removed UIDL {uidls[1]} .*; local copy at ", first.out, re.M)
    assert pop3_uidls(dovecot, mail_user) == [uidls[0], uidls[2]]
    (copy,) = (home / "data" / "local-copies").rglob("*.quarantined-message")
    assert copy.read_bytes().replace(b"\r\n", b"\n") == corpus("hybris_english").replace(
        b"\r\n", b"\n"
    )

    second = cli("watch", "--once")
    assert second.code == 0
    assert second.out == ""


def test_watch_reports_each_verdict_and_action_as_it_happens(
    dovecot: PrivateDovecot, mail_user: MailUser, cli: CliRunner, home: Path
) -> None:
    """``mailsentry watch`` (the real command, in its own process) idles on INBOX: mail
    that arrives is judged and quarantined at once; Ctrl-C ends it cleanly."""
    (old,) = fill(dovecot, mail_user, ("plain_text",))
    added = cli(
        "accounts", "add", "--host", "127.0.0.1", "--port", str(dovecot.imap_port),
        "--security", "plain", "--user", mail_user.name, "--no-test",
        password=mail_user.password,
    )  # fmt: skip
    assert added.code == 0, added.err
    env = {
        "PATH": "/usr/bin:/bin",
        "MAILSENTRY_HOME": str(home),
        "DBUS_SESSION_BUS_ADDRESS": os.environ["DBUS_SESSION_BUS_ADDRESS"],
    }
    lines: queue.Queue[str] = queue.Queue()
    errors: list[str] = []

    def next_line(timeout: float) -> str:
        try:
            return lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no output within {timeout} s; stderr: {errors}") from None

    with subprocess.Popen(
        [sys.executable, "-m", "app", "watch", "--format", "jsonl"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as watch:  # fmt: skip
        readers = [
            threading.Thread(target=lambda: [lines.put(x) for x in watch.stdout or ()]),
            threading.Thread(target=lambda: errors.extend(watch.stderr or ())),
        ]
        for reader in readers:
            reader.start()
        try:
            first = json.loads(next_line(20))
            assert first["source"].endswith(f";UID={old}") and first["verdict"] == "clean"
            (new,) = dovecot.append_many(
                mail_user.name, mail_user.password, "INBOX", [corpus("hybris_english")]
            )
            arrived = time.monotonic()
            judged = json.loads(next_line(10))
            assert judged["source"].endswith(f";UID={new}")
            assert judged["verdict"] == "dangerous"
            # (The latency itself is measured in test_imap_incremental; here, "at once".)
            assert time.monotonic() - arrived < 3
            assert re.match(rf"moved INBOX UID {new} of .* to Quarantine$", next_line(10))
        finally:
            watch.send_signal(signal.SIGINT)
            watch.wait(20)
            for reader in readers:
                reader.join(5)  # both end at end of output
    assert watch.returncode == 0, errors
    assert errors == []
    after = census(dovecot, mail_user)
    assert sorted(seen.folder for copies in after.values() for seen in copies) == [
        "INBOX",
        "Quarantine",
    ]
