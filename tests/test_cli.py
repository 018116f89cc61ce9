"""The `mailsentry` command on real files: every source kind, both formats, exit codes."""

import io
import json
import mailbox
import subprocess
import sys

import pytest

from app.cli import main

HYBRIS = (
    b"Return-Path: <>\r\nReceived: from oemcomputer ([203.0.113.7]) by mx.example.co.jp\r\n"
    b"From: \r\nTo: undisclosed-recipients:;\r\nMessage-ID: <h@example.co.jp>\r\n"
    b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
    b"--b\r\nContent-Type: text/plain\r\n\r\n\r\n"
    b'--b\r\nContent-Type: application/octet-stream; name="CKGIHLCK.EXE"\r\n'
    b"Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA//8AALgAAAAAAAAA\r\n--b--\r\n"
)
PLAIN = (
    b"From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: lunch\r\n"
    b"Message-ID: <p@example.org>\r\n\r\nShall we have lunch on Friday?\r\n"
)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = main(["--settings", "/nonexistent/settings.toml", *args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def sources(tmp_path):
    (tmp_path / "hybris.eml").write_bytes(HYBRIS)
    (tmp_path / "plain.eml").write_bytes(PLAIN)
    box = mailbox.mbox(tmp_path / "box.mbox")
    box.add(PLAIN)
    box.add(HYBRIS)
    box.close()
    maildir = mailbox.Maildir(tmp_path / "Maildir")
    maildir.add(PLAIN)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.eml").write_bytes(PLAIN)
    return tmp_path


def test_jsonl_one_record_per_message_with_documented_fields(sources):
    code, out, _ = run(
        "scan",
        "--format",
        "jsonl",
        str(sources / "hybris.eml"),
        str(sources / "box.mbox"),
        str(sources / "Maildir"),
        str(sources / "folder"),
    )
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [r["source"] for r in records][:3] == [
        str(sources / "hybris.eml"),
        f"{sources / 'box.mbox'}#1",
        f"{sources / 'box.mbox'}#2",
    ]
    assert [r["verdict"] for r in records] == ["dangerous", "clean", "dangerous", "clean", "clean"]
    first = records[0]
    assert set(first) >= {"source", "message_id", "verdict", "score", "findings", "error"}
    assert first["message_id"] == "<h@example.co.jp>"
    null_sender = next(f for f in first["findings"] if f["id"] == "NULL_SENDER")
    assert null_sender["evidence"] == ["Return-Path: <>"]
    assert set(null_sender) >= {"id", "severity", "summary", "evidence"}
    assert first["error"] is None


def test_exit_zero_when_nothing_dangerous(sources):
    code, out, _ = run("scan", str(sources / "plain.eml"))
    assert code == 0
    assert "CLEAN" in out and "1 message: 0 dangerous, 0 suspicious, 1 clean" in out


def test_text_format_gives_reasons_and_advice(sources):
    code, out, _ = run("scan", str(sources / "hybris.eml"))
    assert code == 1
    assert "DANGEROUS" in out and "W32.Hybris pattern" in out
    assert "CKGIHLCK.EXE" in out and "Update your antivirus" in out


def test_missing_file_is_reported_and_the_rest_still_scanned(sources):
    code, out, err = run(
        "scan", "--format", "jsonl", str(sources / "nope.eml"), str(sources / "plain.eml")
    )
    assert code == 2
    assert "nope.eml: no such file or folder" in err
    assert [json.loads(line)["verdict"] for line in out.splitlines()] == ["clean"]


def test_bad_settings_file_is_an_error_but_scan_still_runs(sources):
    bad = sources / "settings.toml"
    bad.write_text('[trust]\ndomains = "x"\n', encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["--settings", str(bad), "scan", str(sources / "plain.eml")], out=out, err=err)
    assert code == 2
    assert "trust.domains" in err.getvalue() and str(bad) in err.getvalue()
    assert "CLEAN" in out.getvalue()


def test_me_makes_same_domain_sender_known(sources):
    exe_from_colleague = PLAIN.replace(
        b"\r\n\r\nShall",
        b"\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="z"\r\n\r\n'
        b"--z\r\nContent-Type: text/plain\r\n\r\nShall",
    ) + (
        b'--z\r\nContent-Type: application/octet-stream; name="tool.exe"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--z--\r\n"
    )
    path = sources / "colleague.eml"
    path.write_bytes(exe_from_colleague)
    stranger = json.loads(run("scan", "--format", "jsonl", str(path))[1])
    known = json.loads(run("scan", "--format", "jsonl", "--me", "me@example.org", str(path))[1])
    assert stranger["verdict"] == "dangerous"
    assert known["verdict"] == "suspicious"


def test_explain_lists_and_explains():
    code, out, _ = run("explain")
    assert code == 0 and "NULL_SENDER" in out and "HYBRIS_NAME" in out
    code, out, _ = run("explain", "hybris_name")
    assert code == 0 and "A to P" in out
    code, _, err = run("explain", "NOPE")
    assert code == 2 and "NOPE" in err


def test_console_entry_point_runs_as_module(sources):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "--settings",
            "/nonexistent",
            "scan",
            str(sources / "hybris.eml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and "DANGEROUS" in done.stdout
