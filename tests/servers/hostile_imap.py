"""A small scriptable IMAP server on loopback, for the protocol cases a real server
never produces (a hostile server, or a man in the middle).

It serves a few single-part text messages well enough for MailSentry's scan (LOGIN,
CAPABILITY, EXAMINE/SELECT, UID SEARCH, UID FETCH of the items the facts builder
asks, STATUS, LIST, NOOP, LOGOUT); a test changes what it says through ``script``:
``{"FETCH": handler}`` where ``handler(session, tag, line)`` writes its own answer and
returns True, or returns False to let the default answer go out. Bounded: one thread
per connection, at most ``max_connections`` of them, and the server stops itself after
``lifetime`` seconds (or when the ``with`` block ends).
"""

from __future__ import annotations

import base64
import contextlib
import re
import socket
import threading
import time
from collections.abc import Callable, Mapping
from types import TracebackType

Handler = Callable[["Session", str, str], bool]

_ITEM = re.compile(
    r"BODY\.PEEK\[[^\]]*\](?:<\d+\.\d+>)?|BINARY\.SIZE\[[^\]]*\]|[A-Z0-9.]+", re.IGNORECASE
)
_FIELDS = re.compile(r"HEADER\.FIELDS(\.NOT)? \(([^)]*)\)", re.IGNORECASE)


def hybris_message() -> bytes:
    """The W32.Hybris pattern as one part (null sender, empty From, a program named
    like the worm's), which this server can describe: harmless ``MZ`` and filler."""
    payload = base64.encodebytes(b"MZ\x90\x00" + b"\0" * 200).replace(b"\n", b"\r\n")
    return (
        b"Return-Path: <>\r\nFrom: \r\nTo: undisclosed-recipients:;\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: application/octet-stream; name="CKGIHLCK.EXE"\r\n'
        b"Content-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="CKGIHLCK.EXE"\r\n\r\n' + payload
    )


def text_message(subject: str, body: str = "Hello.") -> bytes:
    return (
        f"From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nSubject: {subject}\r\n"
        f"Message-ID: <{subject.replace(' ', '.')}@example.org>\r\n\r\n{body}\r\n"
    ).encode()


class Session:
    """One client connection: what a handler may use to answer."""

    def __init__(self, server: HostileImap, sock: socket.socket) -> None:
        self.server = server
        self.sock = sock
        self.reader = sock.makefile("rb")

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def line(self, text: str | bytes) -> None:
        self.send((text.encode() if isinstance(text, str) else text) + b"\r\n")

    def trickle(self, data: bytes, every: float) -> None:
        """Send ``data`` one byte at a time, ``every`` seconds apart (until stopped)."""
        for byte in data:
            if self.server.stopping.wait(every):
                return
            self.send(bytes([byte]))

    def close(self) -> None:
        """Drop the connection (the client sees EOF)."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.reader.close()
        self.sock.close()

    def default(self, command: str, tag: str, line: str) -> None:
        self.server.default(self, command, tag, line)


class HostileImap:
    """The server; ``messages`` maps UID to bytes; ``structures`` overrides a UID's
    BODYSTRUCTURE text."""

    def __init__(
        self,
        messages: Mapping[int, bytes],
        *,
        script: Mapping[str, Handler] | None = None,
        structures: Mapping[int, bytes] | None = None,
        capabilities: str = "IMAP4rev1 UIDPLUS",
        select_codes: tuple[str, ...] = ("UIDVALIDITY 7",),
        lifetime: float = 60.0,
        max_connections: int = 20,
    ) -> None:
        self.messages = dict(messages)
        self.script = dict(script or {})
        self.structures = dict(structures or {})
        self.capabilities = capabilities
        self.select_codes = select_codes
        self.lifetime = lifetime
        self.max_connections = max_connections
        self.connections = 0
        self.commands: list[str] = []
        self.stopping = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.host, self.port = "127.0.0.1", self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._sessions: list[Session] = []

    def __enter__(self) -> HostileImap:
        thread = threading.Thread(target=self._accept_loop, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        self.stopping.set()
        for session in list(self._sessions):
            session.close()
        for thread in list(self._threads):
            thread.join(5)
        self._listener.close()

    def _accept_loop(self) -> None:
        ends = time.monotonic() + self.lifetime
        while not self.stopping.is_set() and time.monotonic() < ends:
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.connections >= self.max_connections:
                sock.close()
                continue
            self.connections += 1
            session = Session(self, sock)
            self._sessions.append(session)
            thread = threading.Thread(target=self._serve, args=(session,), daemon=True)
            thread.start()
            self._threads.append(thread)
        self.stopping.set()
        for session in list(self._sessions):
            session.close()

    def _serve(self, session: Session) -> None:
        try:
            session.line("* OK [CAPABILITY " + self.capabilities + "] hostile ready")
            while not self.stopping.is_set():
                raw = session.reader.readline(65536)
                if not raw:
                    return
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                tag, _, rest = line.partition(" ")
                words = rest.split(" ")
                command = words[0].upper()
                if command == "UID" and len(words) > 1:
                    command = words[1].upper()
                self.commands.append(command)
                handler = self.script.get(command)
                if handler is None or not handler(session, tag, line):
                    self.default(session, command, tag, line)
                if command == "LOGOUT":
                    return
        except OSError:
            return
        finally:
            session.close()

    # -- the default answers -------------------------------------------------------
    def default(self, session: Session, command: str, tag: str, line: str) -> None:
        if command == "CAPABILITY":
            session.line("* CAPABILITY " + self.capabilities)
        elif command in ("SELECT", "EXAMINE"):
            session.line(f"* {len(self.messages)} EXISTS")
            for code in self.select_codes:
                session.line(f"* OK [{code}] ok")
            session.line(f"* OK [UIDNEXT {max(self.messages, default=0) + 1}] next")
        elif command == "SEARCH":
            found = " ".join(str(u) for u in self._search(line))
            session.line(f"* SEARCH {found}".rstrip())
        elif command == "FETCH":
            for uid in self._search(line):
                session.send(self.fetch_answer(uid, line))
        elif command == "STATUS":
            session.line(f'* STATUS "INBOX" (MESSAGES {len(self.messages)})')
        elif command == "LIST":
            session.line('* LIST () "/" INBOX')
        elif command == "LOGOUT":
            session.line("* BYE bye")
        session.line(f"{tag} OK done")

    def _search(self, line: str) -> list[int]:
        """The UIDs a command's UID set names (``n:*``, lists, ranges)."""
        found = re.search(r"UID (?:SEARCH |FETCH )?(?:UID )?([\d:*,]+)", line, re.IGNORECASE)
        if found is None:
            return sorted(self.messages)
        wanted: set[int] = set()
        top = max(self.messages, default=0)
        for piece in found.group(1).split(","):
            low, _, high = piece.partition(":")
            start = top if low == "*" else int(low)
            end = start if not high else top if high == "*" else int(high)
            wanted |= {u for u in self.messages if min(start, end) <= u <= max(start, end)}
        return sorted(wanted)

    def fetch_answer(self, uid: int, line: str) -> bytes:
        """The untagged FETCH for ``uid`` with the items ``line`` asks for."""
        raw = self.messages[uid]
        head, _, body = raw.partition(b"\r\n\r\n")
        items = line[line.index("(") + 1 : line.rindex(")")] if "(" in line else ""
        out = [b"UID %d" % uid]
        for item in _ITEM.findall(items):
            name = item.upper()
            if name == "BODYSTRUCTURE":
                out.append(b"BODYSTRUCTURE " + self.structures.get(uid, _structure(head, body)))
            elif name == "RFC822.SIZE":
                out.append(b"RFC822.SIZE %d" % len(raw))
            elif name.startswith("BODY.PEEK["):
                section = item[len("BODY.PEEK[") : item.index("]")]
                data = self._section(section, head, body)
                partial = re.search(r"<(\d+)\.(\d+)>", item)
                key = "BODY[" + section + "]"
                if partial:
                    start, length = int(partial.group(1)), int(partial.group(2))
                    data = data[start : start + length]
                    key += f"<{start}>"
                out.append(key.encode() + b" {%d}\r\n" % len(data) + data)
            elif name.startswith("BINARY.SIZE["):
                out.append(name.encode() + b" %d" % len(body))
        return b"* %d FETCH (" % uid + b" ".join(out) + b")\r\n"

    @staticmethod
    def _section(section: str, head: bytes, body: bytes) -> bytes:
        fields = _FIELDS.search(section)
        if fields:
            names = {n.lower() for n in fields.group(2).split()}
            keep = fields.group(1) is None  # FIELDS: keep the names; FIELDS.NOT: the others
            kept = [
                f + b"\r\n"
                for f in head.split(b"\r\n")
                if (f.split(b":", 1)[0].decode("latin-1").lower() in names) == keep
            ]
            return b"".join(kept) + b"\r\n"
        if section.upper() == "HEADER":
            return head + b"\r\n\r\n"
        if section in ("", "TEXT"):
            return head + b"\r\n\r\n" + body if section == "" else body
        return body  # "1": the only part


def _structure(head: bytes, body: bytes) -> bytes:
    """The BODYSTRUCTURE of a one-part message (its type and transfer encoding)."""
    ctype = re.search(rb"^Content-Type:\s*([\w.+-]+)/([\w.+-]+)", head, re.I | re.M)
    cte = re.search(rb"^Content-Transfer-Encoding:\s*([\w-]+)", head, re.I | re.M)
    main, sub = ctype.groups() if ctype else (b"text", b"plain")
    if main.lower() == b"multipart":
        raise ValueError("the hostile server describes one-part messages only")
    encoding = cte.group(1) if cte else b"7bit"
    return b'("%s" "%s" NIL NIL NIL "%s" %d %d)' % (
        main,
        sub,
        encoding,
        len(body),
        body.count(b"\n"),
    )
