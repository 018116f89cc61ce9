"""The ``mailsentry`` command: scan, explain, settings, accounts, watch, messages,
release, undo, history, gui.

Exit status follows ``clamscan``: 0 nothing dangerous, 1 something dangerous,
2 an error (a source, a server or the settings file could not be used; everything
else was still done).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from app import __version__
from app.cli import accounts, messages, scan, watch
from app.cli.common import EXIT_CLEAN, EXIT_ERROR, Env
from app.core import names
from app.core.detectors import BY_ID, DETECTORS
from app.services import failures
from app.store import paths, settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mailsentry",
        description="Find dangerous mail before your mail client downloads it.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--settings",
        type=Path,
        default=None,
        help=f"settings file (default: {paths.settings_path()})",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    scan.add_parser(sub)
    explain = sub.add_parser("explain", help="what a finding means and what to do")
    explain.add_argument("id", nargs="?", metavar="ID")
    conf = sub.add_parser("settings", help="check the settings file, or print defaults")
    conf.add_argument(
        "--defaults",
        action="store_true",
        help="print a settings file with every default and description",
    )
    accounts.add_parser(sub)
    watch.add_parser(sub)
    messages.add_parsers(sub)
    sub.add_parser("gui", help="open the desktop app (also what 'make run' does)")
    return parser


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run one command. Whatever goes wrong ends in one plain line on stderr and exit
    status 2, never a traceback and never 1 (which means "something dangerous")."""
    err = err or sys.stderr
    handler = _OneLineLog(err)
    logging.getLogger("app").addHandler(handler)
    try:
        return _main(argv, out or sys.stdout, err)
    except BrokenPipeError:
        # The reader went away (``mailsentry scan … | head``): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("mailsentry: interrupted", file=err)
        return EXIT_ERROR
    except Exception as error:  # noqa: BLE001 - the last line of defence: say it, exit 2
        _fail(err, failures.describe(error))
    finally:
        logging.getLogger("app").removeHandler(handler)
    return EXIT_ERROR


class _OneLineLog(logging.Handler):
    """The app's log records as plain, escaped stderr lines. A record with a traceback
    is left out: the error it logs is reported in one line where it happened."""

    def __init__(self, err: TextIO) -> None:
        super().__init__(logging.WARNING)
        self.err = err

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info is None:
            _fail(self.err, record.getMessage())


def _fail(err: TextIO, text: str) -> None:
    line = " ".join(f"mailsentry: {text}".split())  # one line, whatever the text holds
    print(names.escape(line), file=err, flush=True)


def _main(argv: Sequence[str] | None, out: TextIO, err: TextIO) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "gui":
        from app.ui.app import run  # noqa: PLC0415 - Qt only for the desktop app

        return run([sys.argv[0]])
    if args.command == "explain":
        return _explain(args.id, out, err)
    env = Env(args.settings or paths.settings_path(), out, err)
    if args.command == "settings":
        if args.defaults:
            out.write(settings.render(settings.defaults().values))
            return EXIT_CLEAN
        if env.settings_problem is None:
            print(f"{env.settings.path}: OK", file=out)
        return EXIT_ERROR if env.settings_problem else EXIT_CLEAN
    handlers = {"scan": scan.run, "accounts": accounts.run, "watch": watch.run}
    handlers |= dict.fromkeys(("messages", "release", "undo", "history"), messages.run)
    status = handlers[args.command](args, env)
    return EXIT_ERROR if env.settings_problem else status


def _explain(detector_id: str | None, out: TextIO, err: TextIO) -> int:
    if detector_id is None:
        width = max(len(d.id) for d in DETECTORS)
        for detector in DETECTORS:
            print(
                f"{detector.id:<{width}}  {detector.severity.label:<6}  {detector.summary}",
                file=out,
            )
        return EXIT_CLEAN
    found = BY_ID.get(detector_id.upper())
    if found is None:
        print(
            f"mailsentry: no finding is called {detector_id!r}; "
            "'mailsentry explain' lists them all",
            file=err,
        )
        return EXIT_ERROR
    print(f"{found.id} ({found.severity.label}): {found.summary}\n", file=out)
    print(found.explanation, file=out)
    return EXIT_CLEAN
