"""The poison folder: every message that once stopped an IMAP scan, in one folder, with
a dangerous message after them. ``mailsentry scan`` judges all of them and exits 1
because of the dangerous message alone (no error, nothing on stderr); ``mailsentry
watch`` reports the same, stays alive, and a dangerous message arriving afterwards is
reported too.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from functools import cache
from pathlib import Path

from app.core.judge import judge_bytes
from app.core.rules import Rules
from tests.integration.conftest import CliRunner, corpus
from tests.integration.test_cli_server import (
    IMAP_SOURCE,
    REPO,
    _real_keyring,  # noqa: F401 - autouse fixture
    jsonl,
)
from tests.integration.test_imap_isolation import MESSAGE_GLOBAL, TRUNCATED
from tests.servers.dovecot import MailUser, PrivateDovecot


def header_bomb(fields: bytes) -> bytes:
    """A message whose top header holds ``fields`` (once quadratic to read)."""
    return fields + b"To: me@corp.example\r\nSubject: header bomb\r\n\r\nHello.\r\n"


#: Each of these once ended every IMAP scan of its folder, or stalled it for minutes.
POISON = {
    "message/global part": MESSAGE_GLOBAL,
    "attachment cut short (Dovecot drops the connection)": TRUNCATED,
    "From: of 100 KB": header_bomb(b"From: a" + b" " * 100_000 + b"b@evil.example\r\n"),
    "100,000 short header fields": header_bomb(
        b"From: x@evil.example\r\n" + b"Precedence: bulk\r\n" * 100_000
    ),
    "Content-Type of 10 MB": header_bomb(
        b"From: x@evil.example\r\nContent-Type: text/plain; " + b"a=b;" * 2_500_000 + b"\r\n"
    ),
    "zip of 10,001 entries, a program last": corpus("zip_10001_entries_exe"),
}


@cache
def file_verdicts() -> dict[bytes, str]:
    """What each message is judged from its file (the verdict the server scan must give)."""
    raws = [*POISON.values(), corpus("hybris_english")]
    return {raw: judge_bytes(raw, Rules())[0].level.value for raw in raws}


def fill_poison(dovecot: PrivateDovecot, user: MailUser) -> dict[int, bytes]:
    """The poison messages, then the Hybris message: UID -> bytes."""
    raws = [*POISON.values(), corpus("hybris_english")]
    uids = dovecot.append_many(user.name, user.password, "INBOX", raws)
    return dict(zip(uids, raws, strict=True))


def uid_of(source: object) -> int:
    found = IMAP_SOURCE.match(str(source))
    assert found, source
    return int(found.group(4))


def test_scan_judges_the_poison_folder_and_exits_1_for_the_dangerous_message(
    dovecot: PrivateDovecot, mail_user: MailUser, cli: CliRunner
) -> None:
    by_uid = fill_poison(dovecot, mail_user)
    url = f"imap://{mail_user.name}@127.0.0.1:{dovecot.imap_port}/INBOX"
    run = cli("scan", "--format", "jsonl", url, password=mail_user.password)
    assert run.err == ""
    verdicts = {uid_of(r["source"]): r["verdict"] for r in jsonl(run.out)}
    # Every message judged, each as its own file would be.
    assert verdicts == {u: file_verdicts()[raw] for u, raw in by_uid.items()}
    assert verdicts[max(by_uid)] == "dangerous"
    assert run.code == 1


def test_watch_reports_the_poison_folder_stays_alive_and_sees_new_mail(
    dovecot: PrivateDovecot, mail_user: MailUser, cli: CliRunner, home: Path
) -> None:
    by_uid = fill_poison(dovecot, mail_user)
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
    verdicts: queue.Queue[dict[str, object]] = queue.Queue()
    errors: list[str] = []

    def read_verdicts(stream: object) -> None:
        for line in stream or ():  # type: ignore[attr-defined]
            if line.startswith("{"):  # verdicts; action lines ("moved ...") are text
                verdicts.put(json.loads(line))

    def collect(count: int, timeout: float) -> dict[int, object]:
        out: dict[int, object] = {}
        ends = time.monotonic() + timeout
        while len(out) < count:
            try:
                record = verdicts.get(timeout=max(0.0, ends - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"only {out} within {timeout} s; stderr: {errors}") from None
            out[uid_of(record["source"])] = record["verdict"]
        return out

    with subprocess.Popen(
        [sys.executable, "-m", "app", "watch", "--format", "jsonl"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as watch:  # fmt: skip
        readers = [
            threading.Thread(target=read_verdicts, args=(watch.stdout,)),
            threading.Thread(target=lambda: errors.extend(watch.stderr or ())),
        ]
        for reader in readers:
            reader.start()
        try:
            first = collect(len(by_uid), 120)
            assert first == {u: file_verdicts()[raw] for u, raw in by_uid.items()}
            time.sleep(1)
            assert watch.poll() is None  # still watching
            (new,) = dovecot.append_many(
                mail_user.name, mail_user.password, "INBOX", [corpus("hybris_scr")]
            )
            assert collect(1, 20) == {new: "dangerous"}
        finally:
            watch.send_signal(signal.SIGINT)
            watch.wait(20)
            for reader in readers:
                reader.join(5)
    assert watch.returncode == 0, errors
    assert errors == []
