"""``mailsentry accounts add|list|remove|test``."""

from __future__ import annotations

import argparse
import os

from app.cli.common import EXIT_CLEAN, EXIT_ERROR, Env
from app.mail.errors import CertificateProblem, MailError
from app.services.accounts import PASSWORD_ENV, ConnectionReport, test_connection
from app.store.accounts import DEFAULT_PORTS, Account, AccountError, new_id
from app.store.secrets import NoKeyring


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    accounts = sub.add_parser("accounts", help="add, list, test and remove mail accounts")
    verbs = accounts.add_subparsers(dest="verb", required=True)
    add = verbs.add_parser(
        "add",
        help="add an account (the password goes to the keyring)",
        description=f"The password is read from {PASSWORD_ENV} or "
        "asked for; it is stored only in the system keyring.",
    )
    add.add_argument("--protocol", choices=("imap", "pop3"), default="imap")
    add.add_argument("--host", required=True)
    add.add_argument("--port", type=int)
    add.add_argument("--security", choices=("tls", "starttls", "plain"), default="tls")
    add.add_argument("--user", required=True)
    add.add_argument("--address", default="", help="your e-mail address (default: --user)")
    add.add_argument(
        "--folder",
        action="append",
        dest="folders",
        help="an IMAP folder to watch (repeatable; default INBOX)",
    )
    add.add_argument("--quarantine-folder", default="Quarantine")
    add.add_argument(
        "--allow-plaintext",
        action="store_true",
        help="allow sending the password unencrypted to a non-local server",
    )
    add.add_argument("--cafile", default="", help="also trust the CAs in this file")
    add.add_argument(
        "--trust-fingerprint",
        default="",
        metavar="SHA256",
        help="trust exactly the server certificate with this fingerprint",
    )
    add.add_argument("--no-test", action="store_true", help="save without connecting")
    verbs.add_parser("list", help="list the accounts")
    for verb, text in (
        ("remove", "remove an account and its stored password"),
        ("test", "connect, log in, list capabilities and folders; changes nothing"),
    ):
        one = verbs.add_parser(verb, help=text)
        one.add_argument("account", help="account id, address or USER@HOST")


def run(args: argparse.Namespace, env: Env) -> int:
    try:
        if args.verb == "add":
            return _add(args, env)
        if args.verb == "list":
            return _list(env)
        account = env.accounts.store.get(args.account)
        if args.verb == "remove":
            env.accounts.remove(account)
            env.show(f"removed {account.label} ({account.id})")
            return EXIT_CLEAN
        password = env.accounts.password(account, env.prompt())  # type: ignore[arg-type]
        _print_report(test_connection(account, password), env)
    except CertificateProblem as error:
        env.say(error.user_message)
        if error.fingerprint:
            env.say(f"to trust exactly this certificate: --trust-fingerprint {error.fingerprint}")
        return EXIT_ERROR
    except (MailError, AccountError, NoKeyring) as error:
        env.say(str(error))
        return EXIT_ERROR
    return EXIT_CLEAN


def _add(args: argparse.Namespace, env: Env) -> int:
    port = args.port or DEFAULT_PORTS[(args.protocol, args.security)]
    account = Account(
        id=new_id(args.protocol, args.user, args.host),
        protocol=args.protocol,
        host=args.host,
        port=port,
        security=args.security,
        username=args.user,
        address=args.address or (args.user if "@" in args.user else ""),
        folders=tuple(args.folders or ("INBOX",)),
        quarantine=args.quarantine_folder,
        allow_plaintext=args.allow_plaintext,
        pinned_sha256=args.trust_fingerprint,
        cafile=args.cafile,
    )
    account.check()
    password = os.environ.get(PASSWORD_ENV)
    if not password:
        prompt = env.prompt()
        if prompt is None:
            raise AccountError(f"no password: set {PASSWORD_ENV} or run on a terminal")
        password = prompt(f"Password for {account.label}: ")  # type: ignore[operator]
    report = env.accounts.add(account, password, test=not args.no_test)
    env.show(f"added {account.label} ({account.id})")
    if report is not None:
        _print_report(report, env)
    return EXIT_CLEAN


def _list(env: Env) -> int:
    for account in env.accounts.store.load():
        folders = ",".join(account.folders) if account.protocol == "imap" else "-"
        env.show(
            f"{account.id}  {account.protocol}://{account.username}@{account.host}:"
            f"{account.port} ({account.security})  folders={folders}  "
            f"quarantine={account.quarantine}"
        )
    return EXIT_CLEAN


def _print_report(report: ConnectionReport, env: Env) -> None:
    """What the server said, escaped: folder names and capabilities are the server's."""
    env.show("connected and logged in; nothing was changed")
    env.show(f"capabilities: {' '.join(report.capabilities)}")
    env.show(f"folders: {', '.join(report.folders)}")
    env.show(f"messages in INBOX: {report.messages}")
