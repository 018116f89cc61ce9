"""Errors a user meets with a mail server, each saying what happened, that nothing
was changed, and what to do. Messages never contain a password."""

from __future__ import annotations

NOTHING_CHANGED = "Nothing was changed on the server."


class MailError(Exception):
    """A problem with a mail server, worded for the person using MailSentry."""

    what = "The mail server could not be used."
    todo = ""

    def __init__(self, detail: str = "", *, changed: str | None = None) -> None:
        self.detail = detail
        self.changed = changed or NOTHING_CHANGED
        super().__init__(self.user_message)

    @property
    def user_message(self) -> str:
        parts = [self.what]
        if self.detail:
            parts.append(f"({self.detail})")
        parts.append(self.changed)
        if self.todo:
            parts.append(self.todo)
        return " ".join(parts)


class LoginFailed(MailError):
    what = "The server refused the user name or password."
    todo = "Check the password (and the user name) for this account."


class ServerUnreachable(MailError):
    what = "The mail server could not be reached."
    todo = "Check the server name and port, and your network connection."


class ConnectionLost(MailError):
    what = "The connection to the mail server was lost."
    todo = "MailSentry will finish or undo any interrupted action when it reconnects."


class FolderMissing(MailError):
    what = "The folder does not exist on the server."
    todo = "Check the folder name in the account settings."


class MailboxLocked(MailError):
    what = "The mailbox is in use by another program (another POP3 client is connected)."
    todo = "Close the other mail program, or wait a minute and try again."


class TLSRefused(MailError):
    what = "The server would not set up encryption as the account requires."
    todo = (
        "MailSentry will not send your password unencrypted. Check the security "
        "setting, or ask your provider."
    )


class CertificateProblem(MailError):
    """The server's certificate failed verification; carries what the user needs to
    decide whether to trust exactly this certificate."""

    what = "The server's certificate could not be verified, so the connection was refused."
    todo = (
        "If you are sure this is your server, you may trust exactly this certificate "
        "(compare its fingerprint with what your provider publishes)."
    )

    def __init__(
        self,
        reason: str,
        *,
        fingerprint: str = "",
        subject: str = "",
        issuer: str = "",
        not_after: str = "",
    ) -> None:
        self.reason, self.fingerprint = reason, fingerprint
        self.subject, self.issuer, self.not_after = subject, issuer, not_after
        detail = f"{reason}; SHA-256 fingerprint {fingerprint or 'unknown'}"
        if subject:
            detail += f"; issued to {subject} by {issuer or '?'}, valid until {not_after or '?'}"
        super().__init__(detail)


class ServerError(MailError):
    what = "The server answered with an error."
