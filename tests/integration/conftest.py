"""What the real-server tests of the command line, errors and secrets share.

Every test gets its own ``MAILSENTRY_HOME`` (so no file of the user's is read or
written) and no ``MAILSENTRY_PASSWORD`` unless it sets one for a command.
"""

from __future__ import annotations

import hashlib
import io
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from imapclient import IMAPClient

from app.cli import main
from tests.servers.dovecot import MailUser, PrivateDovecot

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
EXPECTED = tomllib.loads((CORPUS / "expectations.toml").read_text(encoding="utf-8"))


def corpus(name: str) -> bytes:
    return (CORPUS / "messages" / f"{name}.eml").read_bytes()


def expected_verdict(name: str) -> str:
    verdict: str = EXPECTED[name]["verdict"]
    return verdict


def assert_secret_absent(secret: str, text: str | bytes, where: str) -> None:
    """Fail without ever showing the secret (pytest would print both operands)."""
    found = (secret.encode() in text) if isinstance(text, bytes) else (secret in text)
    if found:
        pytest.fail(f"the password appears in {where}", pytrace=False)


def files_holding(root: Path, secret: str) -> list[Path]:
    """Every file under ``root`` whose bytes contain ``secret`` (sqlite WAL files too)."""
    needle = secret.encode()
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


CliRunner = Callable[..., Run]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private MAILSENTRY_HOME; no password in the environment."""
    path = tmp_path / "home"
    monkeypatch.setenv("MAILSENTRY_HOME", str(path))
    monkeypatch.delenv("MAILSENTRY_PASSWORD", raising=False)
    return path


@pytest.fixture
def cli(home: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """``cli(*args, password=None)``: run ``mailsentry`` in this process."""

    def run(*args: str, password: str | None = None) -> Run:
        with monkeypatch.context() as patch:
            if password is None:
                patch.delenv("MAILSENTRY_PASSWORD", raising=False)
            else:
                patch.setenv("MAILSENTRY_PASSWORD", password)
            out, err = io.StringIO(), io.StringIO()
            code = main(list(args), out=out, err=err)
        return Run(code, out.getvalue(), err.getvalue())

    return run


# -- looking at the server ----------------------------------------------------------------


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class Seen:
    """One message as the server holds it: where, and its flags (\\Recent left out)."""

    folder: str
    uid: int
    flags: frozenset[bytes]


def connect(dovecot: PrivateDovecot, user: MailUser) -> IMAPClient:
    client = IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False, timeout=10)
    client.login(user.name, user.password)
    return client


def census(dovecot: PrivateDovecot, user: MailUser) -> dict[str, list[Seen]]:
    """Every message in every folder, by a digest of its bytes (read with PEEK on a
    read-only folder, so looking changes nothing)."""
    found: dict[str, list[Seen]] = {}
    client = connect(dovecot, user)
    try:
        for _flags, _sep, folder in client.list_folders():
            client.select_folder(folder, readonly=True)
            uids = client.search("ALL")
            if not uids:
                continue
            for uid, data in client.fetch(uids, ["FLAGS", "BODY.PEEK[]"]).items():
                flags = frozenset(bytes(f) for f in data[b"FLAGS"]) - {b"\\Recent"}
                found.setdefault(digest(data[b"BODY[]"]), []).append(Seen(folder, uid, flags))
    finally:
        client.logout()
    return found


def folders(dovecot: PrivateDovecot, user: MailUser) -> set[str]:
    client = connect(dovecot, user)
    try:
        return {name for _flags, _sep, name in client.list_folders()}
    finally:
        client.logout()


def uidvalidity(dovecot: PrivateDovecot, user: MailUser, folder: str = "INBOX") -> int:
    client = connect(dovecot, user)
    try:
        return int(client.folder_status(folder, ["UIDVALIDITY"])[b"UIDVALIDITY"])
    finally:
        client.logout()
