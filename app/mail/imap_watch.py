"""Watch an IMAP folder for new mail: IDLE where the server has it, polling where not,
reconnecting with backoff when the connection drops.

IDLE is re-issued well before the 29 minutes after which servers may drop an idle
client (RFC 2177), and checked in short slices so a stop request is honoured at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import imapclient
import imapclient.exceptions

from app.mail.errors import LoginFailed, MailError

IDLE_REFRESH_S = 24 * 60
MAX_BACKOFF_S = 300.0


def watch_folder(
    open_client: Callable[[], imapclient.IMAPClient],
    folder: str,
    on_change: Callable[[imapclient.IMAPClient], None],
    stop: threading.Event,
    *,
    poll_seconds: float = 60.0,
    on_error: Callable[[MailError], None] = lambda _: None,
    idle_slice: float = 1.0,
) -> None:
    """Call ``on_change(client)`` once at start and whenever ``folder`` may have new
    mail, until ``stop`` is set. A wrong password stops the watch (retrying would
    only lock the account); other errors are reported and retried with backoff."""
    backoff = 1.0
    while not stop.is_set():
        client: imapclient.IMAPClient | None = None
        try:
            client = open_client()
            client.select_folder(folder, readonly=True)
            on_change(client)
            backoff = 1.0
            if b"IDLE" in client.capabilities():
                _idle_loop(client, folder, on_change, stop, idle_slice)
            else:
                _poll_loop(client, folder, on_change, stop, poll_seconds)
        except LoginFailed as error:
            on_error(error)
            return
        except MailError as error:
            on_error(error)
        except (OSError, imapclient.exceptions.IMAPClientError) as error:
            on_error(MailError(str(error)))
        finally:
            if client is not None:
                _quietly_logout(client)
        if stop.wait(backoff):
            return
        backoff = min(backoff * 2, MAX_BACKOFF_S)


def _idle_loop(
    client: imapclient.IMAPClient,
    folder: str,
    on_change: Callable[[imapclient.IMAPClient], None],
    stop: threading.Event,
    idle_slice: float,
) -> None:
    while not stop.is_set():
        client.idle()
        started = time.monotonic()
        changed = False
        try:
            while not stop.is_set() and time.monotonic() - started < IDLE_REFRESH_S:
                responses = client.idle_check(timeout=idle_slice)
                if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                    changed = True
                    break
        finally:
            client.idle_done()
        if changed:
            client.select_folder(folder, readonly=True)
            on_change(client)


def _poll_loop(
    client: imapclient.IMAPClient,
    folder: str,
    on_change: Callable[[imapclient.IMAPClient], None],
    stop: threading.Event,
    poll_seconds: float,
) -> None:
    while not stop.wait(poll_seconds):
        client.noop()
        client.select_folder(folder, readonly=True)
        on_change(client)


def _quietly_logout(client: imapclient.IMAPClient) -> None:
    try:
        client.logout()
    except (OSError, imapclient.exceptions.IMAPClientError):
        try:
            client.shutdown()
        except (OSError, imapclient.exceptions.IMAPClientError):
            return
