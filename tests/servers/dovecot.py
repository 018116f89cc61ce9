"""A private, real Dovecot 2.3 (Debian 12) IMAP/POP3 server for tests.

Every instance writes its own ``dovecot.conf`` into a short temp dir under ``/tmp`` (its
``base_dir`` holds unix sockets, limited to 108-byte paths), listens on random free
loopback ports (IMAP, IMAPS, POP3, POP3S; STARTTLS/STLS on the plaintext ones) and keeps
mail in Maildir. It never touches the system Dovecot: every ``doveadm`` call gets ``-c``.

Users live in one passwd-file per user (``users/%u``). Dovecot re-reads a passwd-file at
most once per second, so a user added to a shared file and used within the same second
fails to log in; a new per-user file is read on first use. Only re-defining an existing
user waits for the next second (see :meth:`PrivateDovecot.add_user`).
"""

from __future__ import annotations

import base64
import contextlib
import grp
import hashlib
import math
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from imapclient import imap_utf7

from app.mail.imap_actions import parse_uid_set

from .tlsca import CertFiles, CertSet, CertVariant, make_cert_set

INSTALL_HINT = "apt-get install -y dovecot-imapd dovecot-pop3d"
_USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")
_START_TIMEOUT_S = 10.0
_STOP_TIMEOUT_S = 10.0
_MULTIAPPEND_BATCH_BYTES = 4 << 20
_MULTIAPPEND_BATCH_COUNT = 1000


class DovecotError(RuntimeError):
    """The private Dovecot failed to start, stop, or answer as expected."""


@dataclass(frozen=True)
class MailUser:
    """A mailbox account on the private server; ``repr`` hides the password."""

    name: str
    password: str = field(repr=False)


def free_loopback_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """Return ``count`` distinct ports that were free a moment ago (bound at once, closed)."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((host, 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def find_dovecot() -> str:
    """Return the ``dovecot`` binary path, or raise telling how to install it."""
    exe = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/sbin")
    if exe is None:
        raise DovecotError(f"Dovecot is missing; the real-server tests need it: {INSTALL_HINT}")
    return exe


def _quote(mailbox: str) -> bytes:
    """Encode a mailbox name as an IMAP quoted string (modified UTF-7, escaped)."""
    raw: bytes = imap_utf7.encode(mailbox)
    return b'"' + raw.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


class _RawImap:
    """Just enough IMAP over a socket to log in and MULTIAPPEND (imapclient cannot)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._reader = sock.makefile("rb")
        self._tags = 0
        greeting = self._reader.readline()
        if not greeting.startswith(b"* OK"):
            self.close()
            raise DovecotError(f"unexpected IMAP greeting: {greeting!r}")

    def close(self) -> None:
        self._reader.close()

    def command(self, *pieces: bytes) -> tuple[bytes, bytes]:
        """Send one command (pieces already contain any LITERAL+ literals); return status."""
        self._tags += 1
        tag = b"m%d" % self._tags
        self._sock.sendall(b"".join((tag, b" ", *pieces, b"\r\n")))
        while True:
            line = self._reader.readline()
            if not line:
                raise DovecotError("the IMAP server closed the connection")
            if line.startswith(tag + b" "):
                status, _, text = line[len(tag) + 1 :].rstrip(b"\r\n").partition(b" ")
                return status, text


class PrivateDovecot:
    """A private Dovecot server; use as a context manager (starts, then stops and cleans up).

    ``cert_variant`` picks the server certificate from ``certs`` (a new test PKI is made
    when ``certs`` is None); :meth:`use_cert` swaps it while running. ``separator`` is the
    IMAP hierarchy separator; ``extra_config`` is appended to ``dovecot.conf`` verbatim.
    Note that Dovecot cannot disable MOVE or UIDPLUS: hide them with the fault proxy.
    """

    def __init__(
        self,
        certs: CertSet | None = None,
        *,
        cert_variant: CertVariant = "good",
        separator: str = ".",
        extra_config: str = "",
        host: str = "127.0.0.1",
    ) -> None:
        self._exe = find_dovecot()
        self._dir = Path(tempfile.mkdtemp(prefix="dv", dir="/tmp"))
        self._dir.chmod(0o755)  # the mail and login users must traverse it
        try:
            self.certs = certs if certs is not None else make_cert_set(self._dir / "pki")
        except BaseException:
            shutil.rmtree(self._dir)
            raise
        self._variant: CertVariant = cert_variant
        self._separator = separator
        self._extra_config = extra_config
        self.host = host
        self._instance = f"mailsentry-{self._dir.name}"  # unique: finds leftover processes
        self._ports: dict[str, int] = {}
        self._proc: subprocess.Popen[bytes] | None = None
        self.config_path = self._dir / "dovecot.conf"
        self.log_path = self._dir / "dovecot.log"
        self._stderr_path = self._dir / "dovecot.stderr"
        self._users_dir = self._dir / "users"
        self._mail_root = self._dir / "mail"
        self._users_dir.mkdir(mode=0o700)
        self._mail_root.mkdir()
        if os.geteuid() == 0:
            # Dovecot refuses uid 0 for mail: store it as nobody. The auth process runs
            # as Dovecot's internal user and must read the passwd-files.
            nobody, internal = pwd.getpwnam("nobody"), pwd.getpwnam("dovecot")
            self._mail_uid, self._mail_gid = nobody.pw_uid, nobody.pw_gid
            self._auth_uid, self._auth_gid = internal.pw_uid, internal.pw_gid
            os.chown(self._mail_root, self._mail_uid, self._mail_gid)
            os.chown(self._users_dir, self._auth_uid, self._auth_gid)
        else:
            self._mail_uid, self._mail_gid = os.getuid(), os.getgid()
            self._auth_uid, self._auth_gid = self._mail_uid, self._mail_gid
        self._install_cert(self.certs.variant(cert_variant))

    # -- properties -----------------------------------------------------------------

    @property
    def imap_port(self) -> int:
        """Plaintext IMAP port (STARTTLS available)."""
        return self._ports["imap"]

    @property
    def imaps_port(self) -> int:
        """Implicit-TLS IMAP port."""
        return self._ports["imaps"]

    @property
    def pop3_port(self) -> int:
        """Plaintext POP3 port (STLS available)."""
        return self._ports["pop3"]

    @property
    def pop3s_port(self) -> int:
        """Implicit-TLS POP3 port."""
        return self._ports["pop3s"]

    @property
    def ca_path(self) -> Path:
        """The CA file a verifying client must load to trust the ``good`` certificate."""
        return self.certs.ca_path

    @property
    def cert_variant(self) -> CertVariant:
        """The certificate variant the server presents."""
        return self._variant

    @property
    def cert(self) -> CertFiles:
        """The certificate the server presents."""
        return self.certs.variant(self._variant)

    @property
    def cert_sha256(self) -> str:
        """Lower-case hex SHA-256 fingerprint of the presented certificate."""
        return self.cert.sha256

    @property
    def running(self) -> bool:
        """True while the master process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def maildir(self, user: str) -> Path:
        """The user's Maildir (created by Dovecot at first login or delivery)."""
        return self._mail_root / user / "Maildir"

    # -- lifecycle ------------------------------------------------------------------

    def __enter__(self) -> PrivateDovecot:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        """Start the server and wait for the IMAP greeting; first start picks free ports."""
        if self.running:
            return
        fixed_ports = bool(self._ports)
        for attempt in range(3):
            if not fixed_ports:
                names = ("imap", "imaps", "pop3", "pop3s")
                self._ports = dict(zip(names, free_loopback_ports(4, self.host), strict=True))
            self._write_config()
            try:
                self._launch()
            except DovecotError:
                # A port picked as free may have been taken meanwhile: pick new ones.
                if fixed_ports or attempt == 2 or "in use" not in self._diagnostics():
                    raise
            else:
                return

    def stop(self) -> None:
        """Stop with SIGTERM (Dovecot takes ~1 s), SIGKILL if it hangs; end its sessions.

        The master leaves logged-in ``imap``/``pop3`` processes (and ``log``, ``stats``)
        running and serving their clients, despite ``shutdown_clients = yes``: they are
        found by process title and terminated, so clients see the server go away.
        """
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._end_leftover_processes()

    def restart(self) -> None:
        """Stop and start again on the same ports (clients see their connections drop)."""
        self.stop()
        self.start()

    def close(self) -> None:
        """Stop the server and delete its directory (mail, logs, certificates it made)."""
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)

    def use_cert(self, variant: CertVariant) -> None:
        """Present another certificate variant; if running, reload and wait until served."""
        files = self.certs.variant(variant)
        self._install_cert(files)
        self._variant = variant
        if self._proc is None or not self.running:
            return
        self._proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + _START_TIMEOUT_S
        for port in (self.imaps_port, self.pop3s_port):
            while self._served_fingerprint(port) != files.sha256:
                if time.monotonic() > deadline:
                    raise DovecotError(f"certificate {variant} not served after reload")
                time.sleep(0.02)

    # -- users and mail -------------------------------------------------------------

    def add_user(self, name: str, password: str) -> MailUser:
        """Create (or re-define) a user; it can log in as soon as this returns.

        A new user gets a new passwd-file, read on first use. Re-defining a user waits
        for the next wall-clock second, since Dovecot may have checked that file in this
        second already and checks it again only in a later one.
        """
        if not _USER_NAME.fullmatch(name):
            raise ValueError(f"user name {name!r} must match {_USER_NAME.pattern}")
        path = self._users_dir / name
        existed = path.exists()
        encoded = base64.b64encode(password.encode()).decode()
        tmp = self._users_dir / f".{name}.tmp"  # user names never start with "."
        tmp.touch(mode=0o600)
        os.chown(tmp, self._auth_uid, self._auth_gid)
        tmp.write_text(f"{name}:{{PLAIN.b64}}{encoded}\n")
        tmp.replace(path)  # atomic: a concurrent login never reads half a file
        if existed:
            now = time.time()
            time.sleep(math.floor(now) + 1.01 - now)
        return MailUser(name, password)

    def new_user(self) -> MailUser:
        """Create a user with a random name and password (so tests don't share mailboxes)."""
        return self.add_user(f"u{secrets.token_hex(6)}", secrets.token_urlsafe(12))

    def append_many(
        self,
        user: str,
        password: str,
        folder: str,
        messages: Sequence[bytes],
        *,
        flags: Sequence[str] = (),
    ) -> list[int]:
        """Append ``messages`` to ``folder`` (created if missing) with MULTIAPPEND.

        Uses LITERAL+ so a batch is one round trip; returns the new UIDs in order.
        """
        flag_list = b" (" + " ".join(flags).encode() + b")" if flags else b""
        mailbox = _quote(folder)
        uids: list[int] = []
        with socket.create_connection((self.host, self.imap_port), timeout=60) as sock:
            imap = _RawImap(sock)
            try:
                login = base64.b64encode(f"\0{user}\0{password}".encode())
                status, _ = imap.command(b"AUTHENTICATE PLAIN ", login)
                if status != b"OK":
                    raise DovecotError(f"login of {user!r} failed")
                if folder.upper() != "INBOX":
                    status, text = imap.command(b"CREATE ", mailbox)
                    if status != b"OK" and b"[ALREADYEXISTS]" not in text:
                        raise DovecotError(f"CREATE {folder!r} failed: {text!r}")
                for batch in self._batches(messages):
                    pieces = [b"APPEND ", mailbox]
                    for message in batch:
                        pieces += [flag_list, b" {%d+}\r\n" % len(message), message]
                    status, text = imap.command(*pieces)
                    found = re.match(rb"\[APPENDUID \d+ ([\d:,]+)\]", text)
                    if status != b"OK" or found is None:
                        raise DovecotError(f"MULTIAPPEND failed: {status!r} {text!r}")
                    uids += parse_uid_set(found.group(1).decode())
                imap.command(b"LOGOUT")
            finally:
                imap.close()
        return uids

    def doveadm(self, *args: str) -> str:
        """Run ``doveadm -c <this config> ARGS`` and return its stdout."""
        exe = shutil.which("doveadm") or "doveadm"
        result = subprocess.run(
            [exe, "-c", str(self.config_path), *args],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise DovecotError(f"doveadm {args[0]} failed: {result.stderr.strip()}")
        return result.stdout

    # -- internals ------------------------------------------------------------------

    @staticmethod
    def _batches(messages: Sequence[bytes]) -> list[Sequence[bytes]]:
        """Split into MULTIAPPEND batches of bounded size and count."""
        batches: list[Sequence[bytes]] = []
        start = size = 0
        for index, message in enumerate(messages):
            if index > start and (
                size + len(message) > _MULTIAPPEND_BATCH_BYTES
                or index - start >= _MULTIAPPEND_BATCH_COUNT
            ):
                batches.append(messages[start:index])
                start, size = index, 0
            size += len(message)
        if start < len(messages):
            batches.append(messages[start:])
        return batches

    def _install_cert(self, files: CertFiles) -> None:
        """Copy a certificate and key to the paths dovecot.conf names (atomically)."""
        for source, name in ((files.cert, "server.pem"), (files.key, "server.key")):
            tmp = self._dir / f"{name}.tmp"
            tmp.touch(mode=0o600)  # the key is never readable by others, even briefly
            shutil.copyfile(source, tmp)
            tmp.replace(self._dir / name)

    def _launch(self) -> None:
        """Run ``dovecot -F`` and wait for its IMAP greeting."""
        with self._stderr_path.open("wb") as stderr:
            self._proc = subprocess.Popen(
                [self._exe, "-F", "-c", str(self.config_path)],
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
            )
        deadline = time.monotonic() + _START_TIMEOUT_S
        while self._proc.poll() is None:
            if self._greeting_arrives():
                return
            if time.monotonic() > deadline:
                self.stop()
                raise DovecotError(f"no IMAP greeting within {_START_TIMEOUT_S} s")
            time.sleep(0.01)
        self._proc.wait()
        self._proc = None
        raise DovecotError(f"dovecot exited at start:\n{self._diagnostics()}")

    def _greeting_arrives(self) -> bool:
        try:
            with socket.create_connection((self.host, self.imap_port), timeout=2) as sock:
                return sock.recv(64).startswith(b"* OK")
        except OSError:
            return False

    def _served_fingerprint(self, port: int) -> str:
        """SHA-256 of the certificate presented on ``port`` (no verification)."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with (
            socket.create_connection((self.host, port), timeout=5) as sock,
            context.wrap_socket(sock) as tls,
        ):
            der = tls.getpeercert(binary_form=True)
        return hashlib.sha256(der or b"").hexdigest()

    def _leftover_processes(self) -> list[int]:
        """PIDs of this instance's processes, by their title ``dovecot-<instance>/<name>``."""
        prefix = f"dovecot-{self._instance}/".encode()
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    if (entry / "cmdline").read_bytes().startswith(prefix):
                        pids.append(int(entry.name))
        return pids

    def _end_leftover_processes(self) -> None:
        """SIGTERM the processes the master left behind; SIGKILL them after 2 s."""
        deadline = time.monotonic() + 2
        sig = signal.SIGTERM
        while pids := self._leftover_processes():
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
            if time.monotonic() > deadline:
                sig = signal.SIGKILL
            time.sleep(0.01)

    def _diagnostics(self) -> str:
        """The tail of Dovecot's stderr and log (they never contain passwords)."""
        texts = []
        for path in (self._stderr_path, self.log_path):
            if path.exists():
                texts.append(path.read_text(errors="replace")[-3000:])
        return "\n".join(texts)

    def _write_config(self) -> None:
        """Write dovecot.conf for the chosen ports; as non-root, run every service as us."""
        if os.geteuid() == 0:
            unprivileged = chroot = ""
        else:
            # Dovecot's defaults (users dovecot/dovenull, chroots) need root: run as us.
            user = pwd.getpwuid(os.getuid()).pw_name
            group = grp.getgrgid(os.getgid()).gr_name
            unprivileged = (
                f"default_internal_user = {user}\n"
                f"default_internal_group = {group}\n"
                f"default_login_user = {user}\n"
            )
            chroot = "  chroot =\n"
        ports = self._ports
        self.config_path.write_text(
            f"""\
# Written by tests/servers/dovecot.py: a private test server.
base_dir = {self._dir}/run
state_dir = {self._dir}/state
instance_name = {self._instance}
log_path = {self.log_path}
protocols = imap pop3
listen = {self.host}
{unprivileged}
ssl = yes
ssl_cert = <{self._dir}/server.pem
ssl_key = <{self._dir}/server.key
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
auth_verbose = yes
auth_username_format = %u
passdb {{
  driver = passwd-file
  args = {self._users_dir}/%u
}}
userdb {{
  driver = static
  args = uid={self._mail_uid} gid={self._mail_gid} home={self._mail_root}/%u
}}
first_valid_uid = 1
mail_location = maildir:~/Maildir
mail_fsync = never
mail_max_userip_connections = 200
namespace inbox {{
  inbox = yes
  separator = {self._separator}
  mailbox Drafts {{
    special_use = \\Drafts
  }}
  mailbox Junk {{
    special_use = \\Junk
  }}
  mailbox Trash {{
    special_use = \\Trash
  }}
  mailbox Sent {{
    special_use = \\Sent
  }}
}}
# No auth penalty: after one wrong password, Dovecot delays that IP+user's next logins
# by 4-15 s. A wrong password still costs ~0.5 s (measured; not configurable).
service anvil {{
{chroot}  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
{chroot}  inet_listener imap {{
    port = {ports["imap"]}
  }}
  inet_listener imaps {{
    port = {ports["imaps"]}
    ssl = yes
  }}
}}
service pop3-login {{
{chroot}  inet_listener pop3 {{
    port = {ports["pop3"]}
  }}
  inet_listener pop3s {{
    port = {ports["pop3s"]}
    ssl = yes
  }}
}}
{self._extra_config}
"""
        )
