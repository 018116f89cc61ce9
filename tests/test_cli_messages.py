"""``mailsentry messages`` and ``history`` read the model without a server: filters,
both formats, and text output that no message can use to drive the terminal."""

import io
import json

from app.cli import main
from app.store import paths
from app.store.state import Location, MessageRecord, State

URL = "imaps://me@mail.example.org:993"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_messages_lists_where_each_message_is_now(tmp_path, monkeypatch):
    monkeypatch.setenv("MAILSENTRY_HOME", str(tmp_path))
    state = State(paths.data_dir() / "state.sqlite3")
    state.record_batch([
        MessageRecord("a1", "INBOX", f"{URL}/INBOX;UIDVALIDITY=7/;UID={uid}", verdict, 1.0,
                      uidvalidity=7, uid=uid, message_id=f"<{uid}@x>", size=10,
                      subject=subject)
        for uid, verdict, subject in ((1, "dangerous", "\x1b[2Jboo\u202eexe"), (2, "clean", "hi"))
    ])  # fmt: skip
    state.relocate("a1", Location("INBOX", 7, 1), Location("Quarantine", 3, 9),
                   place="quarantine", action="quarantine")  # fmt: skip
    state.close()

    code, out, _ = run("messages")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert "\x1b" not in out and "\u202e" not in out
    assert lines[0].startswith(f"dangerous  quarantine  quarantine  {URL}/Quarantine;")
    assert "from INBOX" in lines[0] and "\\x1b[2Jboo\\u202eexe" in lines[0]

    code, out, _ = run("messages", "--verdict", "dangerous", "--format", "jsonl")
    (row,) = [json.loads(line) for line in out.splitlines()]
    assert row["url"] == f"{URL}/Quarantine;UIDVALIDITY=3/;UID=9"
    assert (row["folder"], row["came_from"], row["action"]) == ("Quarantine", "INBOX", "quarantine")
    assert row["first_url"] == f"{URL}/INBOX;UIDVALIDITY=7/;UID=1"
    assert run("messages", "--folder", "INBOX")[1].count("\n") == 1

    code, out, _ = run("release", f"{URL}/INBOX;UIDVALIDITY=7/;UID=404")
    assert code == 2 and out == ""
    code, out, _ = run("history")
    assert code == 0 and out == ""  # nothing was done on a server yet
