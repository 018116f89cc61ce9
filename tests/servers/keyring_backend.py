"""A real, private, unlocked Secret Service (gnome-keyring) for keyring tests.

Headless, ``keyring`` falls back to its ``fail`` backend, which cannot store anything.
:func:`secret_service_keyring` starts a private D-Bus session bus and an unlocked
``gnome-keyring-daemon`` on it, so the real ``SecretService`` backend works, as root too.

The bus gets its own config without service directories: otherwise a D-Bus call could
auto-start a second, locked keyring daemon that waits for a password prompt. The daemon
gets a temporary ``HOME`` and ``XDG_*`` directories: with the real ones it would create
or unlock ``~/.local/share/keyrings/login.keyring`` of whoever runs the tests.
"""

from __future__ import annotations

import gc
import os
import secrets
import shutil
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import keyring
import secretstorage
from keyring.backend import KeyringBackend
from keyring.backends.SecretService import Keyring as SecretServiceKeyring

INSTALL_HINT = "apt-get install -y dbus gnome-keyring"
_READY_TIMEOUT_S = 10.0

_BUS_CONFIG = """\
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={directory}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class KeyringDaemonError(RuntimeError):
    """The private D-Bus or gnome-keyring daemon could not be started."""


def _require(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        raise KeyringDaemonError(f"{program} is missing; keyring tests need it: {INSTALL_HINT}")
    return path


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if the daemon does not exit within 5 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _start_bus(directory: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start a private session bus; return it and its address."""
    config = directory / "bus.conf"
    config.write_text(_BUS_CONFIG.format(directory=directory))
    with log.open("ab") as stderr:
        bus = subprocess.Popen(
            [_require("dbus-daemon"), f"--config-file={config}", "--nofork", "--print-address=1"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
    assert bus.stdout is not None
    with bus.stdout:
        address = bus.stdout.readline().decode().strip()
    if not address:
        _stop(bus)
        raise KeyringDaemonError(f"dbus-daemon did not start: {log.read_text(errors='replace')}")
    return bus, address


def _start_keyring_daemon(directory: Path, address: str, log: Path) -> subprocess.Popen[bytes]:
    """Start gnome-keyring-daemon with a fresh login keyring, unlocked by a random password."""
    home = directory / "home"
    runtime = directory / "runtime"
    for path in (home, runtime):
        path.mkdir(mode=0o700)
    env = {
        **os.environ,
        "DBUS_SESSION_BUS_ADDRESS": address,
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    with log.open("ab") as stderr:
        daemon = subprocess.Popen(
            [_require("gnome-keyring-daemon"), "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
        )
    assert daemon.stdin is not None
    with daemon.stdin:  # --unlock reads the keyring password until end of input
        daemon.stdin.write(secrets.token_urlsafe(16).encode())
    return daemon


def _wait_until_unlocked(daemon: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until the daemon owns the Secret Service name with an unlocked default collection."""
    deadline = time.monotonic() + _READY_TIMEOUT_S
    while True:
        with closing(secretstorage.dbus_init()) as connection:
            if secretstorage.check_service_availability(connection):
                if secretstorage.get_default_collection(connection).is_locked():
                    raise KeyringDaemonError("the default keyring collection is locked")
                return
        if daemon.poll() is not None or time.monotonic() > deadline:
            details = log.read_text(errors="replace")
            raise KeyringDaemonError(f"gnome-keyring-daemon did not come up: {details}")
        time.sleep(0.02)


@contextmanager
def secret_service_keyring(*, make_default: bool = True) -> Iterator[KeyringBackend]:
    """Yield a working ``keyring.backends.SecretService.Keyring`` on private daemons.

    Sets ``DBUS_SESSION_BUS_ADDRESS`` for this process meanwhile and, with
    ``make_default``, makes the backend ``keyring``'s default (so ``keyring.get_password``
    uses it); both are restored and the daemons killed on exit.
    """
    previous_backend = keyring.get_keyring() if make_default else None
    previous_address = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    directory = Path(tempfile.mkdtemp(prefix="kr", dir="/tmp"))
    log = directory / "daemons.log"
    processes: list[subprocess.Popen[bytes]] = []
    try:
        bus, address = _start_bus(directory, log)
        processes.append(bus)
        processes.append(_start_keyring_daemon(directory, address, log))
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = address
        _wait_until_unlocked(processes[-1], log)
        # Typed as its base class: SecretService's own methods carry no annotations.
        backend: KeyringBackend = SecretServiceKeyring()  # type: ignore[no-untyped-call]
        if make_default:
            keyring.set_keyring(backend)
        yield backend
    finally:
        # The backend opens a D-Bus connection per call and leaves closing it to the
        # garbage collector: collect now, or some later test meets the socket's
        # ResourceWarning as an unraisable exception.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()
        if previous_backend is not None:
            keyring.set_keyring(previous_backend)
        if previous_address is None:
            os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
        else:
            os.environ["DBUS_SESSION_BUS_ADDRESS"] = previous_address
        for proc in reversed(processes):
            _stop(proc)
        shutil.rmtree(directory, ignore_errors=True)
