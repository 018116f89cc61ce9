"""A loopback TCP proxy that injects faults into IMAP/POP3 sessions (stdlib and threads).

What it counts (globally, over all connections through one proxy):

* a client *command* is one CRLF-terminated client line, where a line that announces an
  IMAP literal (``{n}``/``{n+}``) and the literal's bytes belong to the command they are
  in: ``APPEND INBOX {5}`` CRLF ``hello`` CRLF is one command;
* a server *response* is counted the same way (an untagged ``FETCH`` carrying a literal is
  one response; the greeting and ``+`` continuations are responses too; over POP3 every
  line, including each line of a multi-line answer, is one).

Cutting happens once per proxy, when a count reaches its threshold k:

* ``cut_after_client_commands=k``: the k-th command reaches the server, its response
  never reaches the client (the MOVE-executed-but-no-reply case);
* ``cut_after_server_responses=k``: the client receives exactly k responses.

Then the client side is reset (RST: the client sees ``ConnectionResetError``) and the
server side gets a FIN, so the server surely receives the bytes it was sent.

``hide_capabilities`` removes words from IMAP ``* CAPABILITY`` lines and from
``[CAPABILITY ...]`` response codes (greeting, LOGIN/AUTHENTICATE reply): Dovecot cannot
switch off MOVE or UIDPLUS, so this is how a test gets a server without them.

Counting and hiding see plaintext only: once a connection starts TLS (implicit, or after
STARTTLS/STLS) the proxy pipes its bytes unchanged; latency and bandwidth still apply.
"""

from __future__ import annotations

import contextlib
import queue
import re
import socket
import struct
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import TypeAlias

_LITERAL = re.compile(rb"~?\{(\d+)\+?\}\r\n\Z")
_CAPABILITY_LINE = re.compile(rb"\A(\* CAPABILITY )([^\r\n]*)(\r\n)\Z", re.IGNORECASE)
_CAPABILITY_CODE = re.compile(
    rb"\A(\S+ (?:OK|NO|BAD|PREAUTH|BYE) \[CAPABILITY )([^\]\r\n]*)(\].*)\Z",
    re.IGNORECASE | re.DOTALL,
)
_TLS_HANDSHAKE = 0x16  # first byte of a TLS ClientHello record
_RECV_SIZE = 65536
_PACE_CHUNK = 16384
_POLL_S = 0.05


@dataclass(frozen=True)
class _Piece:
    """A complete line, or part of an IMAP literal, from one direction of a session."""

    data: bytes
    is_line: bool
    starts_unit: bool
    ends_unit: bool


class _Framer:
    """Splits a byte stream into lines and literals so commands/responses can be counted."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._scanned = 0
        self._literal_left = 0
        self._at_unit_start = True
        self.imap_literals = True

    @property
    def at_boundary(self) -> bool:
        """True between two units (where a TLS handshake may start)."""
        return not self._buffer and not self._literal_left and self._at_unit_start

    def feed(self, data: bytes) -> list[_Piece]:
        self._buffer += data
        pieces: list[_Piece] = []
        while self._buffer:
            if self._literal_left:
                size = min(self._literal_left, len(self._buffer))
                pieces.append(_Piece(bytes(self._buffer[:size]), False, False, False))
                del self._buffer[:size]
                self._literal_left -= size
                continue
            end = self._buffer.find(b"\r\n", self._scanned)
            if end < 0:
                self._scanned = max(len(self._buffer) - 1, 0)
                break
            line = bytes(self._buffer[: end + 2])
            del self._buffer[: end + 2]
            self._scanned = 0
            literal = _LITERAL.search(line) if self.imap_literals else None
            if literal is not None:
                self._literal_left = int(literal.group(1))
            pieces.append(_Piece(line, True, self._at_unit_start, literal is None))
            self._at_unit_start = literal is None
        return pieces


@dataclass(frozen=True)
class _Segment:
    """Bytes to forward no earlier than ``deliver_at``; the session is cut after them."""

    data: bytes
    deliver_at: float
    cut_after: bool = False


_SegmentQueue: TypeAlias = "queue.Queue[_Segment | None]"  # None marks end of input


class _Connection:
    """One proxied session: a reader and a writer thread per direction."""

    def __init__(self, proxy: FaultProxy, client: socket.socket, server: socket.socket) -> None:
        self._proxy = proxy
        self.client, self.server = client, server
        self._lock = threading.Lock()
        self._dead = False  # no more forwarding: cut or aborted
        self._raw = False  # TLS started: pipe bytes unchanged
        self._greeted = False
        self._pop3 = False  # a "+OK" greeting: no literals, no capability hiding
        self._live_threads = 4
        self._framers = {"c2s": _Framer(), "s2c": _Framer()}
        c2s: _SegmentQueue = queue.Queue(maxsize=64)
        s2c: _SegmentQueue = queue.Queue(maxsize=64)
        self._threads = [
            threading.Thread(target=self._read, args=("c2s", client, c2s), daemon=True),
            threading.Thread(target=self._write, args=(c2s, server), daemon=True),
            threading.Thread(target=self._read, args=("s2c", server, s2c), daemon=True),
            threading.Thread(target=self._write, args=(s2c, client), daemon=True),
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def join(self, timeout: float) -> None:
        for thread in self._threads:
            thread.join(timeout)

    def abort(self) -> None:
        """Stop forwarding and wake every thread; the sockets close when they are done."""
        with self._lock:
            self._dead = True
        for sock in (self.client, self.server):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _cut(self, segment: _Segment, dest: socket.socket) -> None:
        """Forward the last segment, then reset the client and close the server side."""
        with self._lock:
            self._dead = True  # from now on nothing else is forwarded, either way
        with contextlib.suppress(OSError):
            dest.sendall(segment.data)
        with contextlib.suppress(OSError):
            # Linger 0 makes close() send RST; SHUT_RD wakes our reader without a FIN.
            self.client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.client.shutdown(socket.SHUT_RD)
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)

    def _thread_done(self) -> None:
        with self._lock:
            self._live_threads -= 1
            last = self._live_threads == 0
        if last:
            self.client.close()
            self.server.close()
            self._proxy._forget(self)

    def _segments(self, direction: str, data: bytes, now: float) -> list[_Segment]:
        """Frame received bytes, count units, hide capabilities; mark where to cut."""
        framer = self._framers[direction]
        deliver_at = now + self._proxy.latency_s
        if not self._raw and direction == "c2s" and framer.at_boundary:
            self._raw = data[0] == _TLS_HANDSHAKE
        if self._raw:
            return [_Segment(data, deliver_at)]
        segments: list[_Segment] = []
        pending: list[bytes] = []
        for piece in framer.feed(data):
            chunk = piece.data
            if direction == "s2c" and piece.is_line and piece.starts_unit:
                if not self._greeted:
                    self._greeted = True
                    self._pop3 = chunk.startswith(b"+OK")
                    self._framers["c2s"].imap_literals = not self._pop3
                    framer.imap_literals = not self._pop3
                if not self._pop3:
                    chunk = self._proxy._hide(chunk)
            pending.append(chunk)
            if piece.ends_unit and self._proxy._count(direction):
                segments.append(_Segment(b"".join(pending), deliver_at, cut_after=True))
                pending = []
        if pending:
            segments.append(_Segment(b"".join(pending), deliver_at))
        return segments

    def _read(self, direction: str, source: socket.socket, out: _SegmentQueue) -> None:
        try:
            while True:
                data = source.recv(_RECV_SIZE)
                if not data or self._dead:
                    break
                for segment in self._segments(direction, data, time.monotonic()):
                    self._put(out, segment)
        except OSError:
            self.abort()
        finally:
            self._put(out, None)  # end of input: the source closed its sending side
            self._thread_done()

    def _put(self, out: _SegmentQueue, item: _Segment | None) -> None:
        """Queue with backpressure, giving up once the session is dead."""
        while True:
            try:
                out.put(item, timeout=_POLL_S)
            except queue.Full:
                if self._dead:
                    return
            else:
                return

    def _write(self, source: _SegmentQueue, dest: socket.socket) -> None:
        next_free = 0.0  # when the simulated link finishes sending the previous chunk
        bandwidth = self._proxy.bandwidth_bps
        try:
            while True:
                try:
                    segment = source.get(timeout=_POLL_S)
                except queue.Empty:
                    if self._dead:
                        return
                    continue
                if segment is None:
                    if not self._dead:
                        dest.shutdown(socket.SHUT_WR)  # pass the half-close on
                    return
                _sleep_until(segment.deliver_at)
                if segment.cut_after:
                    self._cut(segment, dest)
                    return
                for chunk in _chunks(segment.data, _PACE_CHUNK if bandwidth else 0):
                    if bandwidth:
                        next_free = max(time.monotonic(), next_free) + len(chunk) * 8 / bandwidth
                        _sleep_until(next_free)
                    if self._dead:
                        return
                    dest.sendall(chunk)
        except OSError:
            self.abort()
        finally:
            self._thread_done()


def _sleep_until(deadline: float) -> None:
    delay = deadline - time.monotonic()
    if delay > 0:
        time.sleep(delay)


def _chunks(data: bytes, size: int) -> Iterable[bytes]:
    if not size:
        return (data,)
    return (data[i : i + size] for i in range(0, len(data), size))


class FaultProxy:
    """A proxy on ``127.0.0.1:<port>`` in front of ``target_host:target_port``.

    Use as a context manager, or call :meth:`start` and :meth:`stop`. Thresholds are
    1-based and global over all connections; the cut happens once (see module doc).
    ``bandwidth_bps`` is in bits per second per direction (10 Mbit/s = ``10_000_000``);
    ``latency_s`` is added one way, in each direction.
    """

    def __init__(
        self,
        target_host: str,
        target_port: int,
        *,
        cut_after_client_commands: int | None = None,
        cut_after_server_responses: int | None = None,
        hide_capabilities: Iterable[str] = ("MOVE", "UIDPLUS"),
        bandwidth_bps: float | None = None,
        latency_s: float = 0.0,
    ) -> None:
        for threshold in (cut_after_client_commands, cut_after_server_responses):
            if threshold is not None and threshold < 1:
                raise ValueError("cut thresholds count from 1")
        if bandwidth_bps is not None and bandwidth_bps <= 0:
            raise ValueError("bandwidth_bps must be positive")
        self.target = (target_host, target_port)
        self._thresholds = {"c2s": cut_after_client_commands, "s2c": cut_after_server_responses}
        self._hidden = {word.upper().encode() for word in hide_capabilities}
        self.bandwidth_bps = bandwidth_bps
        self.latency_s = latency_s
        self._lock = threading.Lock()
        self._counts = {"c2s": 0, "s2c": 0}
        self._cut_done = False
        self._connections: set[_Connection] = set()
        self._accepted = 0
        self._stopping = False
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.host: str = "127.0.0.1"
        self.port: int = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)

    # -- public ---------------------------------------------------------------------

    @property
    def commands_seen(self) -> int:
        """Client commands seen so far (plaintext only)."""
        return self._counts["c2s"]

    @property
    def responses_seen(self) -> int:
        """Server responses seen so far (plaintext only)."""
        return self._counts["s2c"]

    @property
    def connections_accepted(self) -> int:
        """Client connections accepted so far."""
        return self._accepted

    @property
    def cut_done(self) -> bool:
        """True once the proxy has cut a session."""
        return self._cut_done

    def start(self) -> FaultProxy:
        """Start accepting connections; returns the proxy for chaining."""
        self._acceptor.start()
        return self

    def stop(self) -> None:
        """Stop accepting, abort every live session and wait for all threads."""
        self._stopping = True
        if self._acceptor.is_alive():
            with contextlib.suppress(OSError), socket.create_connection((self.host, self.port)):
                pass  # wakes accept()
            self._acceptor.join(5)
        self._listener.close()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            connection.abort()
        for connection in connections:
            connection.join(5)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- used by connections --------------------------------------------------------

    def _accept_loop(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self._stopping:
                client.close()
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            connection = _Connection(self, client, server)
            with self._lock:
                self._accepted += 1
                self._connections.add(connection)
            connection.start()

    def _forget(self, connection: _Connection) -> None:
        with self._lock:
            self._connections.discard(connection)

    def _count(self, direction: str) -> bool:
        """Count one unit; True if the session must be cut right after it."""
        with self._lock:
            self._counts[direction] += 1
            if self._cut_done or self._counts[direction] != self._thresholds[direction]:
                return False
            self._cut_done = True
            return True

    def _hide(self, line: bytes) -> bytes:
        """Drop hidden words from a CAPABILITY line or [CAPABILITY ...] response code."""
        if not self._hidden:
            return line
        match = _CAPABILITY_LINE.match(line) or _CAPABILITY_CODE.match(line)
        if match is None:
            return line
        words = [w for w in match.group(2).split(b" ") if w.upper() not in self._hidden]
        return match.group(1) + b" ".join(words) + match.group(3)
