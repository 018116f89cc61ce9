"""One model of where each message is, against the private Dovecot: the automatic
quarantine is recorded (review D1), release and undo move the one row instead of adding
rows (D2), and mail another program moves or expunges is noticed at the next check.
``mailsentry messages`` is compared with what the server holds after every step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from imapclient import IMAPClient
from keyring.backend import KeyringBackend

from app.services.accounts import AccountService
from app.services.places import quarantines, release_and_trust, rescan, trust_senders
from app.services.watch import Watch
from app.store.accounts import Account, AccountStore
from app.store.localcopy import LocalCopies
from app.store.secrets import SecretStore
from app.store.settings import SettingsStore
from app.store.state import State
from tests.integration.conftest import CliRunner, connect, corpus
from tests.servers.dovecot import MailUser, PrivateDovecot


@pytest.fixture(autouse=True)
def _real_keyring(secret_keyring: KeyringBackend) -> None:
    """Every command here meets a real, empty Secret Service, never the user's keyring."""


def listed(cli: CliRunner) -> dict[str, dict[str, object]]:
    """``mailsentry messages --format jsonl``, by Message-ID."""
    run = cli("messages", "--format", "jsonl")
    assert run.code == 0, run.err
    rows = [json.loads(line) for line in run.out.splitlines()]
    by_id = {str(r["message_id"]): r for r in rows}
    assert len(by_id) == len(rows), "one row per message"
    return by_id


def on_server(client: IMAPClient) -> dict[str, tuple[str, int]]:
    """Message-ID -> (folder, UID) of every message in INBOX and Quarantine."""
    found: dict[str, tuple[str, int]] = {}
    for folder in ("INBOX", "Quarantine"):
        if not client.folder_exists(folder):
            continue
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        for uid, data in client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]).items():
            header = next(v for k, v in data.items() if k.startswith(b"BODY"))
            message_id = header.decode().split(":", 1)[1].strip()
            assert message_id not in found, f"{message_id} is in two places"
            found[message_id] = (folder, uid)
    return found


def agree(cli: CliRunner, client: IMAPClient) -> dict[str, dict[str, object]]:
    rows = listed(cli)
    where = {k: (str(r["folder"]), int(str(r["uid"]))) for k, r in rows.items()}
    assert where == on_server(client)
    return rows


def test_every_path_moves_the_one_row(
    dovecot: PrivateDovecot, mail_user: MailUser, cli: CliRunner, home: Path
) -> None:
    names = ("plain_text", "hybris_english", "pdf_invoice")
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX", [corpus(n) for n in names])
    added = cli(
        "accounts", "add", "--host", "127.0.0.1", "--port", str(dovecot.imap_port),
        "--security", "plain", "--user", mail_user.name, "--no-test",
        password=mail_user.password,
    )  # fmt: skip
    assert added.code == 0, added.err
    assert cli("watch", "--once").code == 1  # dangerous mail found (and quarantined)

    client = connect(dovecot, mail_user)
    try:
        rows = agree(cli, client)  # D1: the automatic quarantine is in the model
        (hybris,) = [r for r in rows.values() if r["verdict"] == "dangerous"]
        assert (hybris["folder"], hybris["place"], hybris["action"]) == (
            "Quarantine", "quarantine", "quarantine",
        )  # fmt: skip
        assert hybris["came_from"] == "INBOX"
        assert ";UIDVALIDITY=" in str(hybris["url"]) and str(hybris["url"]).startswith("imap://")

        released = cli("release", str(hybris["url"]))
        assert released.code == 0, released.err
        rows = agree(cli, client)  # D2: still one row, now in INBOX
        now = rows[str(hybris["message_id"])]
        assert (now["folder"], now["action"]) == ("INBOX", "release")
        assert now["first_url"] == hybris["first_url"]

        undone = cli("undo")
        assert undone.code == 0, undone.err
        rows = agree(cli, client)
        assert rows[str(hybris["message_id"])]["place"] == "quarantine"

        # Another program moves it back to INBOX and expunges the plain message.
        client.select_folder("Quarantine")
        client.move(client.search(["ALL"]), "INBOX")
        plain = next(k for k, r in rows.items() if r["verdict"] == "clean")
        uid = on_server(client)[plain][1]
        client.select_folder("INBOX")
        client.delete_messages([uid])
        client.uid_expunge([uid])
        assert cli("watch", "--once").code == 1
        rows = agree(cli, client)  # found again by its key, not quarantined again
        assert rows[str(hybris["message_id"])]["folder"] == "INBOX"
        assert plain not in rows
        history = cli("history")
        assert "vanished" in history.out and "found" in history.out
    finally:
        client.logout()


def test_the_quarantine_as_a_place_and_rescan_after_trust(
    dovecot: PrivateDovecot, mail_user: MailUser, tmp_path: Path
) -> None:
    """Review D4 and D5: each account's quarantine is listed with its counts, and
    Rescan judges again with the current settings (a sender trusted a moment ago is no
    longer "a sender you do not know")."""
    dovecot.append_many(mail_user.name, mail_user.password, "INBOX",
                        [corpus("docm_stranger"), corpus("hybris_english")])  # fmt: skip
    account = Account(id="m1", protocol="imap", host=dovecot.host, port=dovecot.imap_port,
                      security="plain", username=mail_user.name, address="me@corp.example")
    store = AccountStore(tmp_path / "accounts.json")
    store.add(account)
    settings = SettingsStore(tmp_path / "settings.toml")
    state = State(tmp_path / "state.sqlite3")
    copies = LocalCopies(tmp_path / "copies")
    watch = Watch([account], FixedPassword(store, mail_user.password), state,
                  settings.current, copies)  # fmt: skip
    assert not watch.check_once()

    (quarantine,) = quarantines(state, [account])
    assert quarantine.name == "Quarantine"
    assert quarantine.counts == {"dangerous": 1}
    (docm,) = [r for r in state.messages() if r.verdict == "suspicious"]
    assert not docm.quarantined

    assert trust_senders(settings, [docm]) == ["sales@shop.example"]
    (again,) = rescan(account, mail_user.password, [docm], state,
                      settings=settings.current, copies=copies)  # fmt: skip
    assert (again.id, again.verdict) == (docm.id, "clean")

    lines = release_and_trust(account, mail_user.password, list(quarantine.records), state,
                              copies, settings)  # fmt: skip
    assert lines[0].startswith("moved Quarantine UID 1 ")
    (back,) = [r for r in state.messages() if r.verdict == "dangerous"]
    assert (back.folder, back.action, back.id) == ("INBOX", "release", quarantine.records[0].id)
    assert quarantines(state, [account])[0].counts == {}
    state.close()


class FixedPassword(AccountService):
    """The account's password without a keyring (not what this test is about)."""

    def __init__(self, store: AccountStore, password: str) -> None:
        super().__init__(store, SecretStore)
        self.fixed = password

    def password(self, account: Account, prompt: object = None) -> str:
        return self.fixed
