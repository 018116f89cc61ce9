"""POP3 answers read with bounds.

poplib reads a multi-line answer line by line with no bound on its size or on the time
it takes, and it gives up on a line over its length limit halfway through the answer,
which leaves the session out of step for good. Here every answer has a byte limit and
a deadline, lines of any length are accepted, and each failure says whether the
session can go on (`Unreadable.usable`).
"""

from __future__ import annotations

import io
import poplib
import re
import time

#: A status line longer than this is not POP3.
MAX_STATUS = 4096
_CHUNK = 64 * 1024
#: The end of a multi-line answer: a line holding only a dot (after the leading LF
#: that `Answer` puts before the body, so an empty answer matches too).
_END = re.compile(rb"\n\.\r?\n")
_STUFFED = re.compile(rb"\n\.\.")
_LONE_LF = re.compile(rb"(?<!\r)\n")


class Unreadable(Exception):
    """One answer could not be read whole. ``usable``: the session is still in step
    (the server refused with ``-ERR``), so the next command may follow."""

    def __init__(self, reason: str, *, usable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.usable = usable


class Closed(ConnectionError):
    """The server closed the connection in the middle of an answer."""


def long_command(
    server: poplib.POP3, command: str, *, max_bytes: int, seconds: float
) -> tuple[bytes, int]:
    """Send ``command`` and read its multi-line answer: the body with dot-stuffing
    removed and every line ending in CRLF, and the bytes that took (as poplib counts
    them). Raises `Unreadable` past ``max_bytes`` or ``seconds`` or on ``-ERR``, and
    `OSError` when the connection fails."""
    server.sock.sendall(command.encode("ascii") + b"\r\n")
    answer = _Answer(server, time.monotonic() + seconds, seconds)
    status = answer.status()
    if not status.startswith(b"+OK"):
        text = status.decode("utf-8", "replace").strip()
        raise Unreadable(f"the server answered {text[:200]!r}", usable=status.startswith(b"-ERR"))
    body = answer.body(max_bytes)
    unstuffed = _STUFFED.sub(b"\n.", body)[1:]
    octets = len(unstuffed)
    if _LONE_LF.search(unstuffed):
        unstuffed = _LONE_LF.sub(b"\r\n", unstuffed)
    return unstuffed, octets


class _Answer:
    """The bytes of one answer as they arrive, read at most one socket read at a time so
    that the deadline holds even against a server sending a byte at a time."""

    def __init__(self, server: poplib.POP3, deadline: float, seconds: float) -> None:
        self.server = server
        self.deadline, self.seconds = deadline, seconds
        self.buffer = bytearray()
        file = server.file
        if not isinstance(file, io.BufferedReader):  # poplib always makes one
            raise TypeError(f"unexpected POP3 stream {type(file).__name__}")
        self.file = file

    def status(self) -> bytes:
        while (end := self.buffer.find(b"\n")) < 0:
            if len(self.buffer) > MAX_STATUS:
                raise Unreadable("the server's answer is not POP3", usable=False)
            self._fill()
        line = bytes(self.buffer[: end + 1])
        del self.buffer[: end + 1]
        return line

    def body(self, max_bytes: int) -> bytes:
        """Everything up to the terminating dot line, with a LF in front (so the first
        line can be recognised like every other)."""
        data = bytearray(b"\n")
        data += self.buffer
        self.buffer.clear()
        searched = 0
        while (end := _END.search(data, searched)) is None:
            if len(data) > max_bytes:
                raise Unreadable(f"it is larger than {max_bytes:,} bytes", usable=False)
            searched = max(0, len(data) - 4)
            data += self._read()
        return bytes(data[: end.start() + 1])

    def _fill(self) -> None:
        self.buffer += self._read()

    def _read(self) -> bytes:
        sock = self.server.sock
        previous = sock.gettimeout()
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise self._too_slow()
        sock.settimeout(remaining if previous is None else min(previous, remaining))
        try:
            chunk = self.file.read1(_CHUNK)
        except TimeoutError:
            if time.monotonic() >= self.deadline:
                raise self._too_slow() from None
            raise
        finally:
            sock.settimeout(previous)
        if not chunk:
            raise Closed("the server closed the connection")
        return chunk

    def _too_slow(self) -> Unreadable:
        return Unreadable(
            f"the server took more than {self.seconds:.0f} s to send it", usable=False
        )
