"""Watch an IMAP folder for new mail: IDLE where the server has it, polling where not,
reconnecting with backoff when the connection drops.

IDLE is re-issued well before the 29 minutes after which servers may drop an idle
client (RFC 2177), and checked in short slices so a stop request is honoured at once.

Two things imapclient does not tell us are handled here:

- Mail that arrives while a scan runs is announced (``* n EXISTS``) inside the answer
  to one of the scan's own commands, where imapclient files it away unseen; IDLE would
  then wait for the *next* message. So after each scan the folder is examined again
  and scanned again until its ``UIDNEXT`` stays put.
- A scan may replace the session (a message made the server drop the connection):
  the watch goes on with the `Connection`'s current client.
- When the server goes away during IDLE, ``idle_check`` returns nothing at once,
  forever (it swallows the end of the stream). A ``BYE``, or a wake-up without any
  response, ends the IDLE: on a dead connection that fails, and the watch reconnects.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import imapclient

from app.mail.connect import as_mail_error
from app.mail.errors import ConnectionLost, LoginFailed, MailError
from app.mail.imap_session import Connection

IDLE_REFRESH_S = 24 * 60
MAX_BACKOFF_S = 300.0


def watch_folder(
    open_client: Callable[[], imapclient.IMAPClient],
    folder: str,
    on_change: Callable[[Connection], None],
    stop: threading.Event,
    *,
    poll_seconds: float = 60.0,
    on_error: Callable[[MailError], None] = lambda _: None,
    idle_slice: float = 1.0,
) -> None:
    """Call ``on_change(connection)`` once at start and whenever ``folder`` may have
    new mail, until ``stop`` is set. A wrong password stops the watch (retrying would
    only lock the account); every other error, whatever it is, is reported and
    retried with backoff."""
    backoff = 1.0
    while not stop.is_set():
        connection: Connection | None = None
        try:
            connection = Connection.open(open_client)
            _scan_until_settled(connection, folder, on_change)
            backoff = 1.0
            if b"IDLE" in connection.client.capabilities():
                _idle_loop(connection, folder, on_change, stop, idle_slice)
            else:
                _poll_loop(connection, folder, on_change, stop, poll_seconds)
        except LoginFailed as error:
            on_error(error)
            return
        except Exception as error:  # noqa: BLE001 - nothing may end the watch silently
            on_error(as_mail_error(error))
        finally:
            if connection is not None:
                connection.close()
        if stop.wait(backoff):
            return
        backoff = min(backoff * 2, MAX_BACKOFF_S)


def _scan_until_settled(
    connection: Connection,
    folder: str,
    on_change: Callable[[Connection], None],
) -> None:
    """Examine ``folder`` and call ``on_change``, again while new mail arrived meanwhile
    (its ``UIDNEXT`` moved: mail announced inside the scan's own answers is otherwise
    missed)."""
    mark = _next_uid(connection.client.select_folder(folder, readonly=True))
    while True:
        on_change(connection)
        now = _next_uid(connection.client.select_folder(folder, readonly=True))
        if now == mark:
            return
        mark = now


def _next_uid(info: dict[bytes, object]) -> tuple[object, object]:
    """What changes when a message is added: ``UIDVALIDITY`` and ``UIDNEXT`` (or, from a
    server that leaves ``UIDNEXT`` out, the message count)."""
    return info.get(b"UIDVALIDITY"), info.get(b"UIDNEXT", info.get(b"EXISTS"))


def _idle_loop(
    connection: Connection,
    folder: str,
    on_change: Callable[[Connection], None],
    stop: threading.Event,
    idle_slice: float,
) -> None:
    while not stop.is_set():
        client = connection.client
        client.idle()
        started = time.monotonic()
        changed = False
        while not stop.is_set() and time.monotonic() - started < IDLE_REFRESH_S:
            asked = time.monotonic()
            responses = client.idle_check(timeout=idle_slice)
            if any(r and r[0] == b"BYE" for r in responses):
                raise ConnectionLost("the server ended the session")
            if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                changed = True
                break
            if not responses and time.monotonic() - asked < idle_slice / 2:
                break  # woken with nothing to read: maybe the end of the stream
        client.idle_done()  # on a closed connection this fails, and the watch reconnects
        if changed:
            _scan_until_settled(connection, folder, on_change)


def _poll_loop(
    connection: Connection,
    folder: str,
    on_change: Callable[[Connection], None],
    stop: threading.Event,
    poll_seconds: float,
) -> None:
    while not stop.wait(poll_seconds):
        connection.client.noop()
        _scan_until_settled(connection, folder, on_change)
