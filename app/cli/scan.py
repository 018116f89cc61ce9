"""``mailsentry scan``: judge messages in files, folders and server mailboxes."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from app.cli.common import EXIT_CLEAN, EXIT_DANGEROUS, EXIT_ERROR, Env
from app.core.findings import Level
from app.mail.errors import MailError
from app.services import report
from app.services.accounts import account_from_url, is_server_url
from app.services.actions import act_on
from app.services.scan import Result, scan_paths
from app.services.server_scan import imap_bounds, plan, pop3_limits, scan_server
from app.store.accounts import AccountError
from app.store.secrets import NoKeyring


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    scan = sub.add_parser(
        "scan",
        help="judge messages in files, folders and mailboxes on a server",
        description="Judge every message in .eml files, mbox files, Maildir folders, "
        "folders of .eml files, and server mailboxes given as imap[s]://USER@HOST[:PORT]"
        "[/FOLDER] or pop3[s]://USER@HOST[:PORT]. The password comes from the keyring, "
        "else MAILSENTRY_PASSWORD, else a prompt.",
    )
    scan.add_argument("sources", nargs="+", metavar="SOURCE")
    scan.add_argument("--format", choices=("text", "jsonl"), default="text")
    scan.add_argument(
        "--me", metavar="ADDRESS", help="your own address (senders from its domain are known)"
    )
    scan.add_argument(
        "--cafile",
        metavar="PATH",
        default="",
        help="also trust the CA certificates in this file (servers)",
    )
    scan.add_argument(
        "--quarantine",
        action="store_true",
        help="apply the configured actions to flagged mail on the server",
    )
    scan.add_argument(
        "--dry-run",
        action="store_true",
        help="with --quarantine: print what would be done, change nothing",
    )


def run(args: argparse.Namespace, env: Env) -> int:
    results: list[Result] = []

    def emit(result: Result) -> None:
        results.append(result)
        if result.error:
            env.say(f"{result.source}: {result.error}")
            if result.source_error:
                return
        if args.format == "jsonl":
            print(report.jsonl_line(result), file=env.out, flush=True)
        else:
            print(report.text_block(result), file=env.out, flush=True)

    rules = env.settings.current.rules(me=args.me)
    for source in args.sources:
        if is_server_url(source):
            _scan_url(source, args, env, emit)
        else:
            for result in scan_paths([Path(source)], rules):
                emit(result)
    if args.format == "text":
        print(report.summary(results), file=env.out)
    if any(r.error for r in results):
        return EXIT_ERROR
    if any(r.verdict and r.verdict.level is Level.DANGEROUS for r in results):
        return EXIT_DANGEROUS
    return EXIT_CLEAN


def _scan_url(url: str, args: argparse.Namespace, env: Env, emit: Callable[[Result], None]) -> None:
    try:
        account, folder = account_from_url(url, env.accounts.store, cafile=args.cafile)
        password = env.accounts.password(account, env.prompt())  # type: ignore[arg-type]
        rules = env.settings.current.rules(me=args.me or account.address or None)
        judged = scan_server(
            account,
            password,
            folder,
            env.state,
            rules,
            on_result=emit,
            everything=True,
            limits=pop3_limits(env.settings.current),
            bounds=imap_bounds(env.settings.current),
        )
        if args.quarantine:
            planned = plan(judged, env.settings.current, account, state=env.state)
            for line in act_on(
                account, password, planned, env.state, env.copies, dry_run=args.dry_run
            ):
                env.show(line)
    except (MailError, AccountError, NoKeyring) as error:
        emit(Result(url, None, error=str(error), source_error=True))
