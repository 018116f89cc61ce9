"""The model of where each message is (`app.store.state`): one row per message for its
whole life, following it through moves, noticing what left, recognising what comes
back, and mending state files that earlier versions filled with duplicate rows."""

import sqlite3
from dataclasses import replace

from app.store.state import Location, MessageRecord, State, moved_url

URL = "imaps://me%40example.org@mail.example.org:993"


def record(uid: int, folder: str = "INBOX", *, message_id: str | None = None,
           size: int = 100, validity: int = 7) -> MessageRecord:
    return MessageRecord(
        "a1", folder, f"{URL}/{folder};UIDVALIDITY={validity}/;UID={uid}", "dangerous", 9.0,
        uidvalidity=validity, uid=uid, message_id=message_id or f"<m{uid}@example.org>",
        size=size, date="Tue, 1 Dec 2026 10:00:00 +0100",
    )


def test_a_move_updates_the_one_row_and_keeps_its_identity(tmp_path):
    state = State(tmp_path / "s.sqlite3")
    state.record_batch([record(5)])
    [before] = state.messages()
    state.relocate("a1", Location("INBOX", 7, 5), Location("Quarantine", 3, 1),
                   place="quarantine", action="quarantine")
    [after] = state.messages()
    assert after.key == before.key and after.id == before.id
    assert (after.folder, after.uidvalidity, after.uid) == ("Quarantine", 3, 1)
    assert after.source == f"{URL}/Quarantine;UIDVALIDITY=3/;UID=1"
    assert after.quarantined and after.action == "quarantine"
    assert after.origin == "INBOX" and after.first_source == before.source
    assert state.find_source(before.source) == after  # a notice's URL still finds it
    # Released: back in INBOX under a new UID, then judged again there as new mail.
    state.relocate("a1", Location("Quarantine", 3, 1), Location("INBOX", 7, 9),
                   place="folder", action="release")
    state.record_batch([record(9)])
    [back] = state.messages()
    assert back.id == before.id and back.uid == 9 and back.action == "release"
    assert not back.quarantined


def test_a_row_made_at_the_destination_first_is_merged(tmp_path):
    state = State(tmp_path / "s.sqlite3")
    state.record_batch([record(5)])
    state.record_batch([replace(record(1, "Quarantine", message_id="<m5@example.org>"))])
    assert len(state.messages()) == 2
    state.relocate("a1", Location("INBOX", 7, 5), Location("Quarantine", 7, 1),
                   place="quarantine", action="quarantine")
    [one] = state.messages()
    assert one.origin == "INBOX" and one.folder == "Quarantine"


def test_reconcile_notices_what_another_program_took_and_finds_it_again(tmp_path):
    state = State(tmp_path / "s.sqlite3")
    state.record_batch([record(1), record(2), replace(record(3), message_id=None)])
    first = {r.uid: r.id for r in state.messages()}
    gone = state.reconcile("a1", "INBOX", 7, [1], quarantine=False)
    assert sorted(r.uid for r in gone) == [2, 3]
    assert [r.uid for r in state.messages()] == [1]
    assert {e.kind for e in state.journal()} == {"vanished"}
    # The other program had moved them to the quarantine folder: found there by key
    # (Message-ID and size; size and Date for the one without a Message-ID).
    state.record_batch([record(40, "Quarantine", message_id="<m2@example.org>"),
                        replace(record(41, "Quarantine"), message_id=None)])
    state.reconcile("a1", "Quarantine", 7, [40, 41], quarantine=True)
    now = {r.uid: r for r in state.messages()}
    assert now[40].id == first[2] and now[41].id == first[3]
    assert now[40].quarantined and now[40].origin == "INBOX"
    assert [e.kind for e in state.journal()][-2:] == ["found", "found"]
    assert state.uids("a1", "Quarantine", 7) == {40, 41}


def test_a_new_uidvalidity_keeps_identities_through_the_rescan(tmp_path):
    state = State(tmp_path / "s.sqlite3")
    state.record_batch([record(1), record(2)])
    ids = [r.id for r in state.messages()]
    state.reset_folder("a1", "INBOX", 8)
    assert state.messages() == []
    state.record_batch([record(1, validity=8), record(2, validity=8)])
    assert [r.id for r in state.messages()] == ids


def test_pop3_quarantine_is_a_local_copy_and_a_vanished_message_is_gone(tmp_path):
    state = State(tmp_path / "s.sqlite3")
    pop = [MessageRecord("p1", "INBOX", f"pop3s://x/;UIDL={u}", "dangerous", 9.0, uidl=u)
           for u in ("u1", "u2")]
    state.record_batch(pop)
    state.keep_locally("p1", "u1", "/copies/u1.quarantined-message")
    state.forget_uidls("p1", keep=set())  # the server lists neither any more
    [kept] = state.messages("p1")
    assert kept.uidl == "u1" and kept.quarantined
    assert kept.local_copy.endswith("u1.quarantined-message")
    assert [r.uidl for r in state.messages("p1", places=("gone",))] == ["u2"]


def test_moved_url_keeps_server_and_user():
    assert moved_url(f"{URL}/INBOX;UIDVALIDITY=7/;UID=5", Location("Spam folder", 2, 8)) == (
        f"{URL}/Spam%20folder;UIDVALIDITY=2/;UID=8"
    )


def old_state_file(path):
    """A state file as earlier versions left it after quarantine, undo, quarantine,
    release and a delete: a row at every place each message had been."""
    State(path).close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version=0")
    rows = [("INBOX", 7, 5), ("Quarantine", 3, 1), ("INBOX", 7, 6), ("Quarantine", 3, 2),
            ("INBOX", 7, 7), ("INBOX", 7, 8)]
    for folder, validity, uid in rows:
        db.execute(
            "INSERT INTO messages (account, folder, uidvalidity, uid, source, message_id, "
            "size, verdict, action) VALUES ('a1', ?, ?, ?, ?, '<x@example.org>', 100, "
            "'dangerous', 'quarantine')",
            (folder, validity, uid, f"{URL}/{folder};UIDVALIDITY={validity}/;UID={uid}"),
        )
    moves = [  # batch, kind, src, dst, state
        ("b1", "quarantine", ("INBOX", 7, 5), ("Quarantine", 3, 1), "undone"),
        ("b2", "undo", ("Quarantine", 3, 1), ("INBOX", 7, 6), "done"),
        ("b3", "quarantine", ("INBOX", 7, 6), ("Quarantine", 3, 2), "done"),
        ("b4", "release", ("Quarantine", 3, 2), ("INBOX", 7, 7), "done"),
        ("b5", "delete", ("INBOX", 7, 8), None, "done"),
    ]
    for batch, kind, src, dst, result in moves:
        db.execute(
            "INSERT INTO journal (batch, account, kind, src_folder, src_uidvalidity, src_uid, "
            "dst_folder, dst_uidvalidity, dst_uid, message_id, size, local_copy, state) "
            "VALUES (?, 'a1', ?, ?, ?, ?, ?, ?, ?, '<x@example.org>', 100, ?, ?)",
            (batch, kind, *src, *(dst or (None, None, None)),
             "/copies/x.quarantined-message" if dst is None else None, result),
        )
    db.commit()
    db.close()


def test_duplicate_rows_of_earlier_versions_become_one_row_per_message(tmp_path):
    path = tmp_path / "old.sqlite3"
    old_state_file(path)
    state = State(path)
    rows = state.messages()
    assert [(r.folder, r.uid, r.place, r.action) for r in rows] == [
        ("INBOX", 7, "folder", "release"),
        ("INBOX", 8, "deleted", "delete"),
    ]
    assert rows[1].local_copy == "/copies/x.quarantined-message"
    state.close()
    assert len(State(path).messages()) == 2  # the migration ran once and holds


def test_undo_skips_a_batch_whose_message_was_deleted_since(tmp_path):
    state = State(tmp_path / "s.sqlite3")
    state.record_batch([record(5)])
    entry = state.journal_begin("q1", "a1", "quarantine", src_folder="INBOX",
                                src_uidvalidity=7, src_uid=5, dst_folder="Quarantine",
                                dst_uidvalidity=3, dst_uid=1)  # fmt: skip
    state.journal_update(entry, state="done")
    state.relocate("a1", Location("INBOX", 7, 5), Location("Quarantine", 3, 1),
                   place="quarantine", action="quarantine")
    assert state.last_batch("a1") == "q1"
    state.relocate("a1", Location("Quarantine", 3, 1), None, place="deleted",
                   action="delete", local_copy="/copies/x")
    assert state.last_batch("a1") is None
