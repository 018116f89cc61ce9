"""One IMAP session that can be replaced when the server drops it.

A scan holds a `Connection` rather than a bare client: when a message makes the
server drop the connection, the scan opens a new one through ``reopen`` and goes on
with the other messages; the watch then carries on with the new client too.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress

import imapclient

from app.mail.errors import ConnectionLost


class Connection:
    """The current client of a session, and how to open another."""

    def __init__(
        self,
        client: imapclient.IMAPClient,
        reopen: Callable[[], imapclient.IMAPClient] | None = None,
    ) -> None:
        self.client = client
        self._reopen = reopen

    @classmethod
    def open(cls, opener: Callable[[], imapclient.IMAPClient]) -> Connection:
        return cls(opener(), opener)

    def reopen(self) -> imapclient.IMAPClient:
        """Drop the current client (it lost its connection: no LOGOUT, which a hung
        server would make wait) and log in again."""
        if self._reopen is None:
            raise ConnectionLost("the server closed the connection")
        with suppress(Exception):
            self.client.shutdown()
        self.client = self._reopen()
        return self.client

    def close(self) -> None:
        close_quietly(self.client)


def close_quietly(client: imapclient.IMAPClient) -> None:
    """Log out, or at least close the socket; a dead connection raises nothing here."""
    try:
        client.logout()
    except Exception:  # noqa: BLE001 - whatever a dead or hostile server does on LOGOUT
        with suppress(Exception):
            client.shutdown()
