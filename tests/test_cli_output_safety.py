"""Nothing a message or a server sends can drive the terminal, and every failure of the
command is one plain line with exit status 2 (1 means "something dangerous" only)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from app.cli import main
from app.cli.accounts import _print_report
from app.cli.common import Env
from app.services.accounts import ConnectionReport

OSC8_LINK = "\x1b]8;;http://evil.example/\x07CLICK\x1b]8;;\x07"
CLEAR = "\x1b[2J"
OSC52_CLIPBOARD = "\x1b]52;c;ZXZpbA==\x07"
CSI_C1 = "\u009b2J"  # the one-character CSI
BIDI = "\u202e"
ATTACKS = (OSC8_LINK, CLEAR, OSC52_CLIPBOARD, CSI_C1, BIDI)
#: Anything a terminal acts on: C0 (but newline), DEL, C1, and bidi controls.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

HOSTILE = (
    "Return-Path: <x@evil.example>\r\n"
    "Received: from oem\x1b[5mBLINK (oem [203.0.113.5]) by mx.example\r\n"
    "From: a@evil.example\r\n"
    f"From: {OSC8_LINK} {CLEAR}{OSC52_CLIPBOARD}{CSI_C1}{BIDI} <b@y.example>\r\n"
    "To: me@corp.example\r\n"
    f"Subject: {OSC52_CLIPBOARD}hello{CSI_C1}\r\n"
    "Message-ID: <hostile@evil.example>\r\n"
    "\r\n"
    "hi\r\n"
).encode()


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--settings", "/nonexistent/settings.toml", *args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.eml"
    path.write_bytes(HOSTILE)
    return path


def test_text_output_escapes_evidence_from_the_mail(hostile: Path) -> None:
    code, out, err = run("scan", "--format", "text", str(hostile))
    assert code == 0, err
    assert not RAW_CONTROL.search(out), out
    # The evidence is still there, readable: escaped, not dropped.
    assert "MULTIPLE_FROM" in out
    assert "\\x1b]52;c;ZXZpbA==\\x07" in out
    assert "\\x9b2J" in out
    assert "\\u202e" in out
    assert "oem\\x1b[5mBLINK" in out


def test_jsonl_escapes_c1_and_bidi_too_and_keeps_the_text(hostile: Path) -> None:
    code, out, err = run("scan", "--format", "jsonl", str(hostile))
    assert code == 0, err
    assert not RAW_CONTROL.search(out), out
    (record,) = [json.loads(line) for line in out.splitlines()]
    evidence = [e for f in record["findings"] for e in f["evidence"]]
    # A JSON reader gets the exact header text back.
    assert any(all(attack in e for attack in ATTACKS) for e in evidence), evidence


def test_errors_on_stderr_are_escaped(tmp_path: Path) -> None:
    missing = tmp_path / f"gone{CLEAR}{OSC52_CLIPBOARD}{CSI_C1}.eml"
    code, out, err = run("scan", str(missing))
    assert code == 2
    assert not RAW_CONTROL.search(err + out), err
    assert "gone\\x1b[2J" in err


def test_what_a_server_reports_is_escaped() -> None:
    """``accounts test`` prints the server's capabilities and folder names."""
    out, err = io.StringIO(), io.StringIO()
    env = Env(Path("/nonexistent/settings.toml"), out, err)
    report = ConnectionReport(
        (f"IMAP4rev1{OSC8_LINK}", f"IDLE{CSI_C1}"), ("INBOX", f"Junk{CLEAR}{BIDI}"), 3
    )
    _print_report(report, env)
    assert not RAW_CONTROL.search(out.getvalue()), out.getvalue()
    assert "Junk\\x1b[2J\\u202e" in out.getvalue()
    assert "IDLE\\x9b2J" in out.getvalue()


@pytest.mark.parametrize("content", ['{"accounts": 5}', "[1, 2]"])
def test_an_unexpected_failure_is_one_line_and_exit_2(
    content: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A damaged accounts file (valid JSON, wrong shape) used to end in a traceback with
    exit status 1, the code for "dangerous mail found"."""
    monkeypatch.setenv("MAILSENTRY_HOME", str(tmp_path))
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "accounts.json").write_text(content)
    code, _out, err = run("accounts", "list")
    assert code == 2
    assert len(err.splitlines()) == 1, err
    assert err.startswith("mailsentry: ")
    assert "Traceback" not in err
