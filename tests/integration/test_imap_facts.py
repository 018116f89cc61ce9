"""The IMAP facts builder agrees with the raw builder on every corpus message.

Every corpus message is appended to a real Dovecot; the facts built on the server
(structure, part headers, heads, zip directories by ranged fetches) must equal the
facts built from the file's bytes. Messages the builder cannot read reliably on the
server are downloaded whole, and then agree by construction: the test reports how many.
"""

from dataclasses import replace
from pathlib import Path

import pytest
from imapclient import IMAPClient

from app.core.parse import readings
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


def _top_header_is_odd(raw):
    return any(note.startswith("top header:") for note in readings(raw)[0].ambiguities)


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_server_facts_equal_file_facts(corpus_on_server, path):
    names, raws, built, _ = corpus_on_server
    uid = next(u for u, p in names.items() if p == path)
    raw = raws[uid]
    if not _top_header_is_odd(raw):
        assert built[uid] == readings(raw)
        return
    # A line in the top header that is not a field: Dovecot reads on past it (the
    # lenient reading), and HEADER.FIELDS cannot show the line, so the server sees one
    # reading: exactly the file's lenient one, without the note about the other.
    lenient = readings(raw)[-1]
    assert lenient.reading == "last"
    expected = replace(lenient, ambiguities=(), reading="first")
    if not _has_bare_cr(raw):
        assert built[uid] == [expected]
        return
    # Bare CRs too: the file reader ends a line at each (as Python does), Dovecot keeps
    # them inside lines, so part contents differ; the structure must still agree.
    (server,) = built[uid]
    assert server.headers == expected.headers
    assert [(p.path, p.content_type) for p in server.parts] == [
        (p.path, p.content_type) for p in expected.parts
    ]


def _has_bare_cr(raw):
    return b"\r" in raw.replace(b"\r\n", b"")


def test_most_messages_are_judged_without_downloading(corpus_on_server):
    _, _, built, builder = corpus_on_server
    # Fallbacks are the ambiguous and malformed messages only.
    assert builder.stats.fallbacks < len(built) // 3
