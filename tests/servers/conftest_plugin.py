"""pytest fixtures for tests against real servers (Dovecot, TLS, Secret Service keyring).

Load with ``pytest_plugins = ["tests.servers.conftest_plugin"]`` in ``tests/conftest.py``
or ``-p tests.servers.conftest_plugin``. Nothing is skipped: a missing program is a
fixture error that says which Debian package to install.

The session-scoped ``dovecot`` is shared: don't restart it (get a private server from
``dovecot_factory``), and change its certificate only through ``dovecot_cert``, which puts
the ``good`` one back after the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from keyring.backend import KeyringBackend

from .dovecot import MailUser, PrivateDovecot
from .keyring_backend import secret_service_keyring
from .proxy import FaultProxy
from .tlsca import CertSet, CertVariant, make_cert_set


@pytest.fixture(scope="session")
def tls_ca(tmp_path_factory: pytest.TempPathFactory) -> CertSet:
    """The test CA and every server certificate variant (``good`` is the trusted one)."""
    return make_cert_set(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def dovecot(tls_ca: CertSet) -> Iterator[PrivateDovecot]:
    """One private Dovecot for the whole session, presenting the ``good`` certificate."""
    with PrivateDovecot(tls_ca) as server:
        yield server


@pytest.fixture
def dovecot_factory(tls_ca: CertSet) -> Iterator[Callable[..., PrivateDovecot]]:
    """Start extra private servers (``PrivateDovecot`` keyword options); stopped after the test."""
    servers: list[PrivateDovecot] = []

    def start(**options: Any) -> PrivateDovecot:
        server = PrivateDovecot(tls_ca, **options)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def dovecot_cert(dovecot: PrivateDovecot) -> Iterator[Callable[[CertVariant], None]]:
    """``dovecot_cert(variant)`` makes the session server present that certificate (~35 ms)."""
    yield dovecot.use_cert
    dovecot.use_cert("good")


@pytest.fixture
def mail_user(dovecot: PrivateDovecot) -> MailUser:
    """A fresh user with a random name and password on the session server."""
    return dovecot.new_user()


@pytest.fixture
def secret_keyring() -> Iterator[KeyringBackend]:
    """A working Secret Service keyring, also installed as ``keyring``'s default backend."""
    with secret_service_keyring() as backend:
        yield backend


@pytest.fixture
def fault_proxy(dovecot: PrivateDovecot) -> Iterator[Callable[..., FaultProxy]]:
    """Make started :class:`FaultProxy` objects; the target defaults to Dovecot's IMAP port.

    ``fault_proxy(port=None, host=None, **FaultProxy options)``; all stop after the test.
    """
    proxies: list[FaultProxy] = []

    def start(port: int | None = None, host: str | None = None, **options: Any) -> FaultProxy:
        proxy = FaultProxy(host or dovecot.host, port or dovecot.imap_port, **options)
        proxies.append(proxy)
        return proxy.start()

    yield start
    for proxy in proxies:
        proxy.stop()
