"""The IMAP facts builder agrees with the raw builder on every corpus message.

Every corpus message is appended to a real Dovecot; the facts built on the server
(structure, part headers, heads, zip directories by ranged fetches) must equal the
facts built from the file's bytes. Messages the builder cannot read reliably on the
server are downloaded whole, and then agree by construction: the test reports how many.
"""

from pathlib import Path

import pytest
from imapclient import IMAPClient

from app.core.judge import judge_bytes, judge_readings
from app.core.parse import readings
from app.core.rules import Rules
from app.mail.imap_scan import facts_builder

# A server cannot hold an empty message (Dovecot refuses to save zero bytes).
CORPUS = [p for p in sorted((Path(__file__).parents[1] / "corpus" / "messages").glob("*.eml"))
          if p.stat().st_size]


@pytest.fixture(scope="module")
def corpus_on_server(dovecot):
    user = dovecot.new_user()
    raws = [path.read_bytes() for path in CORPUS]
    uids = dovecot.append_many(user.name, user.password, "INBOX", raws)
    client = IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False)
    client.login(user.name, user.password)
    client.select_folder("INBOX", readonly=True)
    builder = facts_builder(client)
    built = builder.build(uids)
    yield dict(zip(uids, CORPUS, strict=True)), dict(zip(uids, raws, strict=True)), built, builder
    client.logout()


def test_every_message_is_built(corpus_on_server):
    names, _, built, _ = corpus_on_server
    assert set(built) == set(names)


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_server_facts_equal_file_facts(corpus_on_server, path):
    names, raws, built, _ = corpus_on_server
    uid = next(u for u, p in names.items() if p == path)
    raw = raws[uid]
    # A line in the top header that is not a field (two readings from the file) shows
    # in the header fetch too: such a message is read whole, and agrees exactly.
    if not _has_bare_cr(raw):
        assert built[uid] == readings(raw)
        return
    # Bare CRs: the file reader ends a line at each (as Python does), Dovecot keeps
    # them inside lines, so part contents differ; the structure must still agree.
    assert [(f.headers, [(p.path, p.content_type) for p in f.parts]) for f in built[uid]] == [
        (f.headers, [(p.path, p.content_type) for p in f.parts]) for f in readings(raw)
    ]


def _has_bare_cr(raw):
    return b"\r" in raw.replace(b"\r\n", b"")


def test_most_messages_are_judged_without_downloading(corpus_on_server):
    _, _, built, builder = corpus_on_server
    # Fallbacks are the ambiguous and malformed messages only.
    assert builder.stats.fallbacks < len(built) // 3


# (No NUL: Dovecot stores a NUL in a header as 0x80, so the bytes would differ.)
JUNK_LINES = [b"this line is not a field", b"Bad Name: value", b":no name", b"\x01\x02junk\xff"]


@pytest.mark.parametrize("junk", JUNK_LINES, ids=["words", "space_in_name", "no_name", "binary"])
def test_a_malformed_top_header_line_gives_the_file_verdict(dovecot, junk):
    """``HEADER.FIELDS`` would hide the line; the facts over IMAP must still be the
    file's (both readings, with the note that there are two), and so the verdict."""
    raw = (
        b"From: Alice <alice@example.org>\r\nTo: bob@example.org\r\n" + junk + b"\r\n"
        b"Subject: hello\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHello.\r\n"
    )
    user = dovecot.new_user()
    (uid,) = dovecot.append_many(user.name, user.password, "INBOX", [raw])
    client = IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False)
    client.login(user.name, user.password)
    client.select_folder("INBOX", readonly=True)
    built = facts_builder(client).build([uid])
    client.logout()
    rules = Rules()
    assert len(built[uid]) == 2 and built[uid] == readings(raw)
    assert judge_readings(built[uid], rules) == judge_bytes(raw, rules)[0]
