"""Opening IMAP and POP3 connections safely: verified TLS, no silent downgrade, clear
errors, and no password left behind in a library's command log.

Python's ``imaplib``/``poplib`` do not verify certificates unless given a context, so
every connection gets one here. A certificate that fails is reported with its
fingerprint; the user may pin exactly that certificate for that account, nothing wider.
"""

from __future__ import annotations

import hashlib
import imaplib
import poplib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import BinaryIO

import imapclient
import imapclient.exceptions
from cryptography import x509

from app.mail.errors import (
    CertificateProblem,
    ConnectionLost,
    LoginFailed,
    MailboxLocked,
    MailError,
    ServerError,
    ServerUnreachable,
    TLSRefused,
)
from app.mail.imap_transport import BoundedIMAPClient, Bounds
from app.store.accounts import Account

DEFAULT_BOUNDS = Bounds()

TIMEOUT_S = 30.0
#: Lines (and bytes a line) read before STARTTLS's answer when describing a certificate.
PREAMBLE_MAX_LINES = 64
PREAMBLE_MAX_LINE = 8192
POP3_MAX_LINE = 1 << 20  # poplib's 2048-byte limit refuses real mail


def tls_context(account: Account) -> ssl.SSLContext:
    """The system's trusted CAs, plus the account's extra CA file if it has one."""
    context = ssl.create_default_context()
    if account.cafile:
        context.load_verify_locations(cafile=account.cafile)
    return context


def _pinned_context() -> ssl.SSLContext:
    """For a pinned certificate only: the pin is checked right after the handshake."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def fingerprint(der: bytes) -> str:
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def same_fingerprint(a: str, b: str) -> bool:
    def norm(value: str) -> str:
        return value.replace(":", "").strip().upper()

    return norm(a) == norm(b)


def describe_problem(account: Account, error: ssl.SSLCertVerificationError) -> CertificateProblem:
    """Fetch the certificate the server shows (without trusting it) to describe it."""
    reason = error.verify_message or str(error)
    try:
        der = peer_certificate(account)
    except (OSError, MailError):
        return CertificateProblem(reason)
    return CertificateProblem(reason, fingerprint=fingerprint(der), **_cert_names(der))


def _cert_names(der: bytes) -> dict[str, str]:
    """Subject, issuer and expiry of a DER certificate, read without trusting it."""
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return {}
    return {
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "not_after": cert.not_valid_after_utc.strftime("%Y-%m-%d %H:%M UTC"),
    }


def peer_certificate(account: Account) -> bytes:
    """The DER certificate the server presents (handshake without verification)."""
    context = _pinned_context()
    with socket.create_connection((account.host, account.port), timeout=TIMEOUT_S) as raw:
        if account.security == "starttls":
            _starttls_preamble(raw, account.protocol)
        with context.wrap_socket(raw, server_hostname=account.host) as tls:
            der = tls.getpeercert(binary_form=True)
    if der is None:
        raise TLSRefused("the server sent no certificate")
    return der


def _starttls_preamble(sock: socket.socket, protocol: str) -> None:
    """Greeting, STARTTLS (STLS) and its answer, read with bounds: a server that closes
    the connection or talks without end ends the attempt."""
    reader = sock.makefile("rb")
    _preamble_line(reader)
    if protocol == "imap":
        sock.sendall(b"a STARTTLS\r\n")
        for _ in range(PREAMBLE_MAX_LINES):
            if _preamble_line(reader).startswith(b"a "):
                return
        raise TLSRefused("the server did not answer STARTTLS")
    sock.sendall(b"STLS\r\n")
    _preamble_line(reader)


def _preamble_line(reader: BinaryIO) -> bytes:
    line = reader.readline(PREAMBLE_MAX_LINE)
    if not line.endswith(b"\n"):
        raise TLSRefused("the server closed the connection before encryption began")
    return line


def _check_pin(account: Account, der: bytes | None) -> None:
    if der is None or not same_fingerprint(fingerprint(der), account.pinned_sha256):
        raise CertificateProblem(
            "the certificate is not the one you trusted for this account",
            fingerprint=fingerprint(der) if der else "",
            **(_cert_names(der) if der else {}),
        )


@contextmanager
def _mapped_errors(account: Account) -> Iterator[None]:
    """Turn library and socket errors into the user's words."""
    try:
        yield
    except ssl.SSLCertVerificationError as error:
        raise describe_problem(account, error) from None
    except ssl.SSLError as error:
        raise TLSRefused(f"TLS failed: {error.reason or error}") from None
    except (socket.gaierror, ConnectionRefusedError) as error:
        raise ServerUnreachable(f"{account.host}:{account.port}: {error}") from None
    except TimeoutError as error:
        raise ServerUnreachable(f"{account.host}:{account.port}: {error or 'timed out'}") from None
    except imapclient.exceptions.LoginError:
        raise LoginFailed() from None
    except imaplib.IMAP4.abort as error:
        raise ConnectionLost(str(error)) from None
    except OSError as error:
        raise ServerUnreachable(f"{account.host}:{account.port}: {error}") from None
    except MailError:
        raise
    except Exception as error:  # noqa: BLE001 - whatever a server does is named
        raise as_mail_error(error) from None


def as_mail_error(error: Exception) -> MailError:
    """Any exception out of a server session, as a `MailError` in plain words."""
    if isinstance(error, MailError):
        return error
    if isinstance(error, imaplib.IMAP4.abort):
        return ConnectionLost(_plain(error))
    if isinstance(error, TimeoutError):
        return ConnectionLost(f"the server stopped answering: {_plain(error)}")
    if isinstance(error, OSError):
        return ConnectionLost(_plain(error))
    if isinstance(error, imapclient.exceptions.IMAPClientError):
        return ServerError(_plain(error))
    if isinstance(error, RecursionError | MemoryError):
        return ServerError("the server sent an answer too large or too deeply nested to read")
    return ServerError(f"the server sent an answer MailSentry cannot read ({type(error).__name__})")


def _plain(error: Exception) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 300 else text[:297] + "..."


@contextmanager
def server_errors() -> Iterator[None]:
    """Around commands on an open session: whatever the server does ends as a
    `MailError` (never a traceback)."""
    try:
        yield
    except Exception as error:
        mapped = as_mail_error(error)
        if mapped is error:
            raise
        raise mapped from None


def open_imap(
    account: Account,
    password: str,
    timeout: float = TIMEOUT_S,
    *,
    bounds: Bounds = DEFAULT_BOUNDS,
) -> imapclient.IMAPClient:
    """A logged-in IMAPClient whose every answer is bounded in time and bytes
    (`app.mail.imap_transport`); raises a `MailError` subclass on any failure."""
    account.check()  # never send a password where the account's rules forbid it
    pinned = bool(account.pinned_sha256)
    context = _context_for(account)
    with _mapped_errors(account):
        client = BoundedIMAPClient(
            account.host,
            port=account.port,
            ssl=account.security == "tls",
            ssl_context=context,
            timeout=timeout,
            bounds=bounds,
        )
        # imapclient writes a command and its CRLF separately: without NODELAY each
        # SEARCH waits for a delayed ACK, a round trip per command on a real network.
        client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            if account.security == "starttls":
                if b"STARTTLS" not in client.capabilities():
                    raise TLSRefused("the server does not offer STARTTLS")
                client.starttls(context)
                client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if pinned:
                _check_pin(account, client.socket().getpeercert(binary_form=True))
            try:
                client.login(account.username, password)
            finally:
                _forget_login(client)
        except BaseException:
            _close_quietly(client)
            raise
    return client


def _context_for(account: Account) -> ssl.SSLContext | None:
    """The TLS context an account needs (building one costs ~20 ms: not for plain)."""
    if account.security == "plain":
        return None
    return _pinned_context() if account.pinned_sha256 else tls_context(account)


def _forget_login(client: imapclient.IMAPClient) -> None:
    """imaplib keeps the last commands, LOGIN with the password, in ``_cmd_log``."""
    log = getattr(client._imap, "_cmd_log", None)
    if isinstance(log, dict):
        log.clear()


def _close_quietly(client: imapclient.IMAPClient) -> None:
    with suppress(OSError, imapclient.exceptions.IMAPClientError):
        client.shutdown()


def open_pop3(account: Account, password: str, timeout: float = TIMEOUT_S) -> poplib.POP3:
    """A logged-in POP3 connection; raises a `MailError` subclass on any failure."""
    poplib._MAXLINE = max(poplib._MAXLINE, POP3_MAX_LINE)  # type: ignore[attr-defined]
    account.check()
    pinned = bool(account.pinned_sha256)
    context = _context_for(account)
    with _mapped_errors(account):
        if account.security == "tls":
            server: poplib.POP3 = poplib.POP3_SSL(
                account.host, account.port, timeout=timeout, context=context
            )
        else:
            server = poplib.POP3(account.host, account.port, timeout=timeout)
        try:
            if account.security == "starttls":
                if "STLS" not in server.capa():
                    raise TLSRefused("the server does not offer STLS")
                server.stls(context)
            if pinned:
                _check_pin(account, server.sock.getpeercert(binary_form=True))  # type: ignore[attr-defined]
            server.user(account.username)
            server.pass_(password)
        except poplib.error_proto as error:
            _close_pop3_quietly(server)
            raise _pop3_error(error) from None
        except BaseException:
            _close_pop3_quietly(server)
            raise
    return server


def _close_pop3_quietly(server: poplib.POP3) -> None:
    """Close without masking the error being raised: after a failed STLS handshake
    poplib still holds the plain socket, detached, and closing it fails (EBADF)."""
    with suppress(OSError):
        server.close()


def _pop3_error(error: poplib.error_proto) -> MailError:
    text = (
        error.args[0].decode("utf-8", "replace")
        if error.args and isinstance(error.args[0], bytes)
        else str(error)
    )
    if text.strip() in ("-ERR EOF", "EOF"):  # poplib's word for a closed connection
        return ConnectionLost("the server closed the connection")
    if "[IN-USE]" in text or "lock" in text.lower():
        return MailboxLocked(text.removeprefix("-ERR ").strip())
    if "[AUTH]" in text or "auth" in text.lower() or "password" in text.lower():
        return LoginFailed()
    return ServerError(text)
