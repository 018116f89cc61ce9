"""IMAP connections whose every answer is bounded in time and in bytes.

imaplib reads with one silence timeout per ``recv``: a server that sends one byte
every 20 seconds never times out, and a literal announced as ``{2000000000}`` is
read into one buffer of that size. Here each command gets an overall deadline (from
the moment it is sent until its answer is read) and a literal over a bound ends the
session at once, before any of it is read. Both end as a lost connection, which the
scan treats as that command's failure (`app.mail.imap_facts`).

While a client idles (imapclient puts the socket in non-blocking mode), reads are
left to imapclient's own polling: waiting is the point of IDLE.
"""

from __future__ import annotations

import imaplib
import socket
import time
from dataclasses import dataclass
from typing import Any

import imapclient
from imapclient import imap4, tls

#: Longest time one command may take from sending it to the end of its answer.
COMMAND_DEADLINE_S = 120.0
#: Largest literal (a message or part body) accepted in an answer: above the largest
#: message read whole (`imap_facts.MAX_WHOLE_BYTES`), far below what would exhaust memory.
MAX_LITERAL_BYTES = 64 << 20
_RECV = 65536


@dataclass(frozen=True)
class Bounds:
    """The limits of one connection (tests shrink them)."""

    deadline_s: float = COMMAND_DEADLINE_S
    max_literal: int = MAX_LITERAL_BYTES


class _BoundedReads:
    """Replaces imaplib's reads (through ``self.file``) with reads from the socket
    that honour the deadline and the literal bound."""

    sock: socket.socket
    abort: type[Exception]
    error: type[Exception]

    def _bounded_init(self, bounds: Bounds) -> None:
        self._bounds = bounds
        self._buffer = bytearray()
        self._scanned = 0
        self._eof = False
        self._buffer_sock: socket.socket | None = None
        self._deadline = time.monotonic() + bounds.deadline_s

    def send(self, data: bytes) -> None:
        self._deadline = time.monotonic() + self._bounds.deadline_s
        super().send(data)  # type: ignore[misc]

    def read(self, size: int) -> bytes:
        if size > self._bounds.max_literal:
            raise self.abort(
                f"the server announced {size} bytes, more than the "
                f"{self._bounds.max_literal >> 20} MB MailSentry reads at once"
            )
        self._same_socket()
        while len(self._buffer) < size and not self._eof:
            self._fill()
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        self._scanned = 0
        return data

    def readline(self) -> bytes:
        self._same_socket()
        while True:
            end = self._buffer.find(b"\n", self._scanned)
            if end >= 0:
                line = bytes(self._buffer[: end + 1])
                del self._buffer[: end + 1]
                self._scanned = 0
                return line
            self._scanned = len(self._buffer)
            if len(self._buffer) > imaplib._MAXLINE:  # type: ignore[attr-defined]
                # imaplib raises a plain error here, and the rest of the line would be
                # read as the next answer: the session is over.
                raise self.abort(f"the server sent a line longer than {imaplib._MAXLINE} bytes")  # type: ignore[attr-defined]
            if self._eof:
                line = bytes(self._buffer)
                self._buffer.clear()
                self._scanned = 0
                return line
            self._fill()

    def _late(self) -> TimeoutError:
        return TimeoutError(f"the server took more than {self._bounds.deadline_s:g} s to answer")

    def _same_socket(self) -> None:
        """After STARTTLS the socket is a new one: plaintext read ahead is dropped (it
        may be injected), as imaplib does with its file."""
        if self._buffer_sock is not self.sock:
            self._buffer_sock = self.sock
            self._buffer.clear()
            self._scanned = 0
            self._eof = False

    def _fill(self) -> None:
        sock = self.sock
        silence = sock.gettimeout()
        if silence == 0.0:  # non-blocking (IDLE polling): imapclient handles waiting
            data = sock.recv(_RECV)
        else:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise self._late()
            sock.settimeout(left if silence is None else min(silence, left))
            try:
                data = sock.recv(_RECV)
            except TimeoutError:
                if time.monotonic() >= self._deadline:
                    raise self._late() from None
                raise
            finally:
                sock.settimeout(silence)
        if data:
            self._buffer += data
        else:
            self._eof = True


class _PlainIMAP4(_BoundedReads, imap4.IMAP4WithTimeout):  # type: ignore[misc]
    def __init__(self, host: str, port: int, timeout: float | None, bounds: Bounds) -> None:
        self._bounded_init(bounds)
        super().__init__(host, port, timeout)


class _TlsIMAP4(_BoundedReads, tls.IMAP4_TLS):  # type: ignore[misc]
    def __init__(
        self, host: str, port: int, context: Any, timeout: float | None, bounds: Bounds
    ) -> None:
        self._bounded_init(bounds)
        super().__init__(host, port, context, timeout)


class BoundedIMAPClient(imapclient.IMAPClient):  # type: ignore[misc]
    """An `IMAPClient` over a bounded connection."""

    def __init__(self, *args: Any, bounds: Bounds = Bounds(), **kwargs: Any) -> None:
        self._bounds = bounds
        super().__init__(*args, **kwargs)

    def _create_IMAP4(self) -> imaplib.IMAP4:
        timeout = getattr(self._timeout, "connect", None)
        if self.ssl:
            return _TlsIMAP4(self.host, self.port, self.ssl_context, timeout, self._bounds)
        return _PlainIMAP4(self.host, self.port, timeout, self._bounds)
