"""Passwords live in the system keyring and nowhere else.

There is deliberately no fallback: when no usable keyring exists MailSentry says so and
how to get one, rather than writing a password to a file. Backends that store
passwords in plain text (``keyrings.alt``'s file backends) or that do not store at all
are refused.
"""

from __future__ import annotations

import sys

import keyring
import keyring.backend
import keyring.errors

SERVICE = "MailSentry"

_REFUSED_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


class NoKeyring(Exception):
    """No usable keyring: the message says why and what to install or start."""


def _how_to_fix() -> str:
    if sys.platform.startswith("linux"):
        return (
            "Install and unlock a Secret Service keyring (GNOME Keyring or KWallet; "
            "on Debian: apt install gnome-keyring) and log in to a desktop session, "
            "or set the password with MAILSENTRY_PASSWORD for one command."
        )
    return "Make sure the system's credential store (Keychain / Credential Manager) works."


def _backends(backend: keyring.backend.KeyringBackend) -> list[keyring.backend.KeyringBackend]:
    inner = getattr(backend, "backends", None)
    return list(inner) if inner else [backend]


def safe_backend(backend: keyring.backend.KeyringBackend) -> keyring.backend.KeyringBackend:
    """The backend to keep passwords in: ``backend`` itself, or, from a chain that also
    holds refused backends, its best safe one alone (the chain would otherwise read a
    password a plaintext file holds). Raise `NoKeyring` when no backend is safe."""
    chained = _backends(backend)
    usable = [b for b in chained if not type(b).__module__.startswith(_REFUSED_MODULES)]
    if not usable:
        names = ", ".join(f"{type(b).__module__}.{type(b).__name__}" for b in chained)
        raise NoKeyring(f"No safe system keyring is available ({names}). {_how_to_fix()}")
    return backend if len(usable) == len(chained) else usable[0]


def check_backend(backend: keyring.backend.KeyringBackend) -> None:
    """Raise `NoKeyring` unless ``backend`` really keeps secrets safely."""
    safe_backend(backend)


class SecretStore:
    """Passwords by account id, in one keyring backend checked at construction."""

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self.backend = safe_backend(backend or keyring.get_keyring())

    def get(self, account_id: str) -> str | None:
        try:
            return self.backend.get_password(SERVICE, account_id)
        # Backends let their own errors through (a D-Bus error when the Secret Service
        # went away, say): every one of them means "no usable keyring" to the caller.
        except Exception as error:  # noqa: BLE001
            raise NoKeyring(f"The keyring could not be read: {error}. {_how_to_fix()}") from None

    def set(self, account_id: str, password: str) -> None:
        try:
            self.backend.set_password(SERVICE, account_id, password)
        except Exception as error:  # noqa: BLE001 - as in get()
            raise NoKeyring(
                f"The password could not be saved in the keyring: {error}. {_how_to_fix()}"
            ) from None

    def delete(self, account_id: str) -> None:
        try:
            self.backend.delete_password(SERVICE, account_id)
        except keyring.errors.PasswordDeleteError:
            return
        except keyring.errors.KeyringError as error:
            raise NoKeyring(f"The keyring could not be changed: {error}.") from None

    def __repr__(self) -> str:
        return f"SecretStore({type(self.backend).__name__})"
