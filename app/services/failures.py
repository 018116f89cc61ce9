"""Any error, in one plain sentence for the person using MailSentry: the CLI, the
watch threads and the desktop app's workers all report failures through `describe`,
so what nothing more specific caught still says what happened and where."""

from __future__ import annotations

import sqlite3

from app.mail.errors import MailError
from app.store import paths
from app.store.accounts import AccountError
from app.store.secrets import NoKeyring


def describe(error: BaseException) -> str:
    if isinstance(error, MailError):
        return error.user_message
    if isinstance(error, AccountError | NoKeyring):
        return str(error)
    if isinstance(error, sqlite3.Error):
        return state_problem(error)
    if isinstance(error, OSError) and error.filename:
        return f"{error.filename}: {error.strerror or error}"
    return f"unexpected error ({type(error).__name__}: {error})"


def state_problem(error: sqlite3.Error) -> str:
    """A state file that cannot be written: where, why, and what to do."""
    text = str(error)
    if "full" in text:
        why = "the disk is full"
    elif "readonly" in text or "read-only" in text:
        why = "it is read-only"
    elif "I/O" in text:
        why = "the disk refused a write"
    else:
        why = text
    return (
        f"the state file in {paths.data_dir()} cannot be written ({why}). "
        "The verdicts reported so far stand; no mail is moved without its journal "
        "entry, so none is lost. Free some space or make the folder writable."
    )
