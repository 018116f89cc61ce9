"""``mailsentry watch``: run every configured account and print each verdict as it
happens, until interrupted."""

from __future__ import annotations

import argparse
import threading

from app.cli.common import EXIT_CLEAN, EXIT_DANGEROUS, EXIT_ERROR, Env
from app.core import names
from app.core.findings import Level
from app.mail.errors import MailError
from app.services import report
from app.services.scan import Result
from app.services.watch import Watch
from app.store.accounts import AccountError
from app.store.secrets import NoKeyring


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    watch = sub.add_parser("watch", help="watch every account and report new mail as it comes")
    watch.add_argument("--format", choices=("text", "jsonl"), default="text")
    watch.add_argument(
        "--once", action="store_true", help="check every account once and stop (for cron)"
    )


def run(args: argparse.Namespace, env: Env) -> int:
    accounts = env.accounts.store.load()
    if not accounts:
        env.say("no accounts yet: add one with 'mailsentry accounts add'")
        return EXIT_ERROR
    stop = threading.Event()
    lock = threading.Lock()

    def on_event(line: str, error: bool = False) -> None:
        with lock:
            if stop.is_set():  # the command is ending: a thread must not hold stdout then
                return
            if error:
                env.say(line)
            else:
                print(line, file=env.out, flush=True)  # already escaped by `render`

    dangerous = threading.Event()

    def render(result: Result) -> str:
        if result.verdict is not None and result.verdict.level is Level.DANGEROUS:
            dangerous.set()
        if args.format == "jsonl":
            return report.jsonl_line(result)
        return report.text_block(result)

    try:
        watch = Watch(
            accounts,
            env.accounts,
            env.state,
            env.settings.current,
            env.copies,
            on_result=lambda r: on_event(render(r)),
            on_action=lambda line: on_event(names.escape(line)),
            on_error=lambda e: on_event(e, error=True),
        )
        if args.once:
            if watch.check_once():
                return EXIT_ERROR
            return EXIT_DANGEROUS if dangerous.is_set() else EXIT_CLEAN
        watch.start(stop)
        stop.wait()
    except (MailError, AccountError, NoKeyring) as error:
        env.say(str(error))
        return EXIT_ERROR
    except KeyboardInterrupt:
        with lock:  # wait for a line being printed, then print no more
            stop.set()
    return EXIT_CLEAN
